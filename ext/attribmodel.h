/*
** attribmodel.h — the arithmetic of multi-touch attribution, without SQLite:
** the six models' weights over one milestone's touches, a compensated sum,
** and the apportionment that makes rounded credits add up exactly.
**
** Plain C: attribution.c uses it, tests/unit/test_attribmodel.c tests it.
*/
#ifndef ATTRIBMODEL_H
#define ATTRIBMODEL_H

#include <stddef.h>

typedef enum { MQA_FIRST, MQA_LAST, MQA_LINEAR, MQA_U_SHAPED, MQA_W_SHAPED, MQA_TIME_DECAY, MQA_NMODELS } mq_attr_model;

/* The model's name as SQL and the scripts spell it ("first", "u_shaped", ...). */
const char *mq_attr_model_name(int model);
/* The model of that name (ASCII case ignored), or -1. */
int mq_attr_model_find(const char *s);

/* The weights of n >= 1 touches at times t[0..n-1] (ascending: the order the
** touches happened in) before one milestone; w[i] sums to 1. created: when
** the lead was made, opportunity: when its opportunity was (both for
** w_shaped); half_life: seconds (time_decay, relative to the latest touch:
** the milestone's own time changes no share). */
void mq_attr_weights(int model, const double *t, int n, double created, double opportunity, double half_life,
                     double *w);

/* Neumaier's compensated sum: a million small weights added without the
** drift of plain double addition. */
typedef struct mq_ksum { double s, c; } mq_ksum;
void mq_ksum_add(mq_ksum *k, double x);
double mq_ksum_value(const mq_ksum *k);

/* Largest remainder (Hamilton's method): out[i] = floor(v[i]) plus one for the
** `total - sum of floors` values with the largest fractional parts (ties: the
** lower index), so that out[] sums to total exactly and each out[i] is within
** one of v[i]. v[] must sum to total up to rounding; v[i] >= 0. Returns 0,
** or -1 when memory is short. */
int mq_apportion(const double *v, int n, long long total, long long *out);

#endif
