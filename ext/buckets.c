/*
** buckets.c — a string-keyed hash of report buckets (FNV-1a, open addressing).
** A grouping column can have thousands of values (campaigns), so groups are
** found by hash, not by a scan per lead.
*/
#include "buckets.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mathstat.h"

int mq_dvec_push(mq_dvec *v, double x)
{
    if (v->n == v->cap) {
        size_t ncap = v->cap ? v->cap * 2 : 64;
        double *nx = realloc(v->x, ncap * sizeof *nx);
        if (!nx) return -1;
        v->x = nx;
        v->cap = ncap;
    }
    v->x[v->n++] = x;
    return 0;
}

double mq_dvec_median(mq_dvec *v)
{
    if (v->n == 0) return NAN;
    mq_sort_doubles(v->x, v->n);
    return mq_percentile_sorted(v->x, v->n, 50);
}

static unsigned hash_str(const char *s)
{
    unsigned h = 2166136261u;
    if (!s) return 0;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static int same(const char *a, const char *b) { return a == b || (a && b && strcmp(a, b) == 0); }

static int rehash(mq_buckets *t, int nslots)
{
    int *s = malloc((size_t)nslots * sizeof *s);
    if (!s) return -1;
    for (int i = 0; i < nslots; i++) s[i] = -1;
    for (int i = 0; i < t->n; i++) {
        int k = (int)(hash_str(t->b[i]->name) & (unsigned)(nslots - 1));
        while (s[k] >= 0) k = (k + 1) & (nslots - 1);
        s[k] = i;
    }
    free(t->slots);
    t->slots = s;
    t->nslots = nslots;
    return 0;
}

mq_bucket *mq_buckets_get(mq_buckets *t, const char *name)
{
    if (!t->slots && rehash(t, 64) != 0) return NULL;
    int k = (int)(hash_str(name) & (unsigned)(t->nslots - 1));
    for (; t->slots[k] >= 0; k = (k + 1) & (t->nslots - 1))
        if (same(t->b[t->slots[k]]->name, name)) return t->b[t->slots[k]];
    if (t->n == t->cap) {
        int ncap = t->cap ? t->cap * 2 : 16;
        mq_bucket **b = realloc(t->b, (size_t)ncap * sizeof *b);
        if (!b) return NULL;
        t->b = b;
        t->cap = ncap;
    }
    mq_bucket *x = calloc(1, sizeof *x);
    if (!x || (name && !(x->name = strdup(name)))) {
        free(x);
        return NULL;
    }
    t->b[t->n] = x;
    t->slots[k] = t->n++;
    if (t->n * 2 > t->nslots && rehash(t, t->nslots * 2) != 0) return NULL;
    return x;
}

static int cmp_name(const void *a, const void *b)
{
    const mq_bucket *x = *(mq_bucket *const *)a, *y = *(mq_bucket *const *)b;
    if (!x->name || !y->name) return x->name ? 1 : y->name ? -1 : 0;
    return strcmp(x->name, y->name);
}

/* Sorting invalidates the hash slots: rebuild them. */
void mq_buckets_sort(mq_buckets *t)
{
    if (t->n > 1) qsort(t->b, (size_t)t->n, sizeof *t->b, cmp_name);
    if (t->slots) rehash(t, t->nslots);
}

void mq_buckets_sort_with(mq_buckets *t, int (*cmp)(const void *, const void *))
{
    if (t->n > 1) qsort(t->b, (size_t)t->n, sizeof *t->b, cmp);
    if (t->slots) rehash(t, t->nslots);
}

void mq_buckets_free(mq_buckets *t)
{
    for (int i = 0; i < t->n; i++) {
        for (int r = 0; r < MQ_BUCKET_SLOTS; r++) free(t->b[i]->vals[r].x);
        free(t->b[i]->name);
        free(t->b[i]);
    }
    free(t->b);
    free(t->slots);
    memset(t, 0, sizeof *t);
}
