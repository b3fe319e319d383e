/*
** auc.c — AUC and DeLong's variance by one sort per score.
**
** DeLong's method needs, for each positive, the share of negatives it beats
** (V10), and for each negative the share of positives that beat it (V01),
** ties counting half. After sorting by score, a walk over the groups of
** equal scores gives both from running counts of the classes below the
** group, so the cost is the sort: O(n log n), where the pairwise definition
** is O(n^2).
*/
#include "auc.h"

#include <math.h>
#include <stdlib.h>

#include "mathstat.h"

typedef struct { double s; size_t i; } keyed;

static int by_score(const void *x, const void *y)
{
    double a = ((const keyed *)x)->s, b = ((const keyed *)y)->s;
    return (a > b) - (a < b);
}

/* v[i] for each lead i: V10 for a positive, V01 for a negative. */
static int placements(const double *score, const unsigned char *y, size_t n, size_t m, size_t n0, double *v)
{
    keyed *k = malloc(n * sizeof *k);
    if (!k) return -1;
    for (size_t i = 0; i < n; i++) { k[i].s = score[i]; k[i].i = i; }
    qsort(k, n, sizeof *k, by_score);
    size_t below_pos = 0, below_neg = 0;
    for (size_t g = 0; g < n;) {
        size_t e = g, pos = 0, neg = 0;
        while (e < n && k[e].s == k[g].s) { if (y[k[e].i]) pos++; else neg++; e++; }
        for (size_t j = g; j < e; j++) {
            size_t i = k[j].i;
            if (y[i]) v[i] = ((double)below_neg + 0.5 * (double)neg) / (double)n0;
            else v[i] = 1.0 - ((double)below_pos + 0.5 * (double)pos) / (double)m;
        }
        below_pos += pos;
        below_neg += neg;
        g = e;
    }
    free(k);
    return 0;
}

static void count(const unsigned char *y, size_t n, size_t *m, size_t *n0)
{
    *m = 0;
    for (size_t i = 0; i < n; i++) *m += y[i] != 0;
    *n0 = n - *m;
}

/* The mean of v over one class (cls 1: positives), and the covariance of
** v and w over it (w may be v): DeLong's S10 or S01 terms. */
static double mean_of(const double *v, const unsigned char *y, size_t n, int cls)
{
    double s = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if ((y[i] != 0) == cls) { s += v[i]; k++; }
    return k ? s / (double)k : 0;
}

static double cov_of(const double *v, double mv, const double *w, double mw, const unsigned char *y, size_t n, int cls)
{
    double s = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if ((y[i] != 0) == cls) { s += (v[i] - mv) * (w[i] - mw); k++; }
    return k > 1 ? s / (double)(k - 1) : 0;    /* one lead of a class: no spread to measure */
}

int mq_auc_one(const double *score, const unsigned char *y, size_t n, mq_auc *out)
{
    size_t m, n0;
    count(y, n, &m, &n0);
    *out = (mq_auc){0, 0, 0, 0, m, n0};
    if (m == 0 || n0 == 0) return 1;
    double *v = malloc(n * sizeof *v);
    if (!v || placements(score, y, n, m, n0, v) != 0) { free(v); return -1; }
    double m10 = mean_of(v, y, n, 1), m01 = mean_of(v, y, n, 0);
    out->auc = m10;
    out->se = sqrt(cov_of(v, m10, v, m10, y, n, 1) / (double)m + cov_of(v, m01, v, m01, y, n, 0) / (double)n0);
    free(v);
    return 0;
}

int mq_auc_diff(const double *a, const double *b, const unsigned char *y, size_t n, mq_auc *out)
{
    size_t m, n0;
    count(y, n, &m, &n0);
    *out = (mq_auc){0, 0, 0, 0, m, n0};
    if (m == 0 || n0 == 0) return 1;
    double *va = malloc(n * sizeof *va), *vb = malloc(n * sizeof *vb);
    if (!va || !vb || placements(a, y, n, m, n0, va) != 0 || placements(b, y, n, m, n0, vb) != 0) {
        free(va);
        free(vb);
        return -1;
    }
    double a10 = mean_of(va, y, n, 1), a01 = mean_of(va, y, n, 0);
    double b10 = mean_of(vb, y, n, 1), b01 = mean_of(vb, y, n, 0);
    out->auc = a10;
    out->auc_b = b10;
    out->diff = b10 - a10;
    double s10 = cov_of(va, a10, va, a10, y, n, 1) + cov_of(vb, b10, vb, b10, y, n, 1) - 2 * cov_of(va, a10, vb, b10, y, n, 1);
    double s01 = cov_of(va, a01, va, a01, y, n, 0) + cov_of(vb, b01, vb, b01, y, n, 0) - 2 * cov_of(va, a01, vb, b01, y, n, 0);
    double var = s10 / (double)m + s01 / (double)n0;
    out->se = var > 0 ? sqrt(var) : 0;       /* the same ranking twice: no difference, none possible */
    free(va);
    free(vb);
    return 0;
}

void mq_auc_interval(double v, double se, double conf, int clip01, double *lo, double *hi)
{
    double z = mq_norm_quantile(0.5 + conf / 2);
    double min = clip01 ? 0 : -1;
    *lo = fmax(min, v - z * se);
    *hi = fmin(1, v + z * se);
}
