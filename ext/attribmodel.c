/*
** attribmodel.c — the attribution models' weights and the exact apportionment
** of credit (attribmodel.h). The conventions, which the README repeats:
**
**   first       the first touch 1
**   last        the last touch 1
**   linear      1/n each
**   u_shaped    first 0.4, last 0.4, the 0.2 between the n - 2 others; with one
**               touch 1, with two 0.5 each (no middle: the ends share it all)
**   w_shaped    three key touches, the first, the lead's creation touch (the
**               last touch at or before the lead was created; the first touch
**               when none) and the opportunity touch (the last touch at or
**               before the opportunity; the first when none), 0.3 each, the
**               other touches sharing 0.1. When key touches coincide, the
**               distinct ones share 0.9 equally; when no other touch is left,
**               the key touches share all of it (three touches: 1/3 each).
**   time_decay  2^(-days before the milestone / half-life), normalised
**
** Ties in time keep the order the caller gives (attribution.c: the lead's own
** touch first, then events by id), so "first" and "last" are always one touch.
*/
#include "attribmodel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const names[MQA_NMODELS] = { "first", "last", "linear", "u_shaped", "w_shaped", "time_decay" };

const char *mq_attr_model_name(int model)
{
    return model >= 0 && model < MQA_NMODELS ? names[model] : "?";
}

int mq_attr_model_find(const char *s)
{
    for (int i = 0; i < MQA_NMODELS; i++)
        if (strcasecmp(s, names[i]) == 0) return i;
    return -1;
}

/* The last touch at or before time x, or 0 (the first) when there is none. */
static int last_by(const double *t, int n, double x)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (t[i] <= x) k = i;
    return k;
}

static void w_shaped(const double *t, int n, double created, double opportunity, double *w)
{
    int key[3] = { 0, last_by(t, n, created), last_by(t, n, opportunity) }, nkey = 0;
    for (int i = 0; i < n; i++) w[i] = 0;
    for (int j = 0; j < 3; j++)
        if (w[key[j]] == 0) { w[key[j]] = 1; nkey++; }     /* marks the distinct key touches */
    int rest = n - nkey;
    double kshare = rest > 0 ? 0.9 / nkey : 1.0 / nkey, oshare = rest > 0 ? 0.1 / rest : 0;
    for (int i = 0; i < n; i++) w[i] = w[i] != 0 ? kshare : oshare;
}

void mq_attr_weights(int model, const double *t, int n, double created, double opportunity, double half_life,
                     double *w)
{
    for (int i = 0; i < n; i++) w[i] = 0;
    switch (model) {
    case MQA_FIRST: w[0] = 1; break;
    case MQA_LAST: w[n - 1] = 1; break;
    case MQA_LINEAR:
        for (int i = 0; i < n; i++) w[i] = 1.0 / n;
        break;
    case MQA_U_SHAPED:
        if (n == 1) { w[0] = 1; break; }
        if (n == 2) { w[0] = w[1] = 0.5; break; }
        w[0] = w[n - 1] = 0.4;
        for (int i = 1; i < n - 1; i++) w[i] = 0.2 / (n - 2);
        break;
    case MQA_W_SHAPED: w_shaped(t, n, created, opportunity, w); break;
    case MQA_TIME_DECAY: {
        /* relative to the latest touch, which weighs 1: the same shares as
        ** relative to the milestone once normalised, and no underflow of all
        ** of them when every touch is years old */
        double sum = 0;
        for (int i = 0; i < n; i++) sum += w[i] = exp2(-(t[n - 1] - t[i]) / half_life);
        for (int i = 0; i < n; i++) w[i] /= sum;
        break;
    }
    default: break;
    }
}

void mq_ksum_add(mq_ksum *k, double x)
{
    double s = k->s + x;
    if (fabs(k->s) >= fabs(x)) k->c += (k->s - s) + x;
    else k->c += (x - s) + k->s;
    k->s = s;
}

double mq_ksum_value(const mq_ksum *k)
{
    return k->s + k->c;
}

typedef struct part { double p; int i; } part;

/* Largest fractional part first; ties: the lower index (the bucket first in
** the report's order). */
static int by_part(const void *a, const void *b)
{
    const part *x = a, *y = b;
    if (x->p != y->p) return x->p > y->p ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

int mq_apportion(const double *v, int n, long long total, long long *out)
{
    long long left = total;
    part *ps = n > 0 ? malloc((size_t)n * sizeof *ps) : NULL;
    if (n > 0 && !ps) return -1;
    for (int i = 0; i < n; i++) {
        double f = floor(v[i] < 0 ? 0 : v[i]);
        out[i] = (long long)f;
        left -= out[i];
        /* the part in millionths of a unit: two parts that are equal but for
        ** the doubles' rounding (1/3 summed beside 1/2, and 1/3 alone) tie,
        ** and the tie goes to the first row, as documented */
        ps[i].p = floor(((v[i] < 0 ? 0 : v[i]) - f) * 1e6 + 0.5);
        ps[i].i = i;
    }
    if (n > 0) qsort(ps, (size_t)n, sizeof *ps, by_part);
    /* left is from 0 to n when v sums to total; drift beyond it (a caller's
    ** bug) still ends with out[] summing to total */
    for (int k = 0; left > 0 && n > 0; k = (k + 1) % n, left--) out[ps[k].i]++;
    for (int k = n - 1; left < 0 && n > 0; k = (k + n - 1) % n)
        if (out[ps[k].i] > 0) { out[ps[k].i]--; left++; }
    free(ps);
    return 0;
}
