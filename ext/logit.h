/*
** logit.h — L2-regularised logistic regression on binary features, by
** Newton's method: the fit behind `mqlite learn` (scorecard.c gives it to
** SQL). Plain C, tested by cmocka.
**
** Each lead has a 0/1 outcome and the features it has, each with a value
** (1 for a criterion it matches: a category, a numeric value at least some
** edge; a count for events of a type, capped); every other feature is 0.
** The model is
**     log odds(outcome) = w[0] + sum of w[f] * x[f] over the lead's features,
** fitted by maximising the log-likelihood less lambda/2 * sum(w[f]^2) (the
** intercept w[0] is not penalised). Why this model: its weights are points
** (a scorecard adds them), one per criterion, readable; the penalty keeps a
** rare category from a huge weight and makes categories of one field that
** always co-occur well-defined; and the problem is convex, so the fit is the
** same whatever the order of the leads, and deterministic.
*/
#ifndef LOGIT_H
#define LOGIT_H

#include <stddef.h>

/* The most features a fit takes: its Hessian is (d+1)^2 doubles. */
#define MQ_LOGIT_MAX_FEATURES 4000

typedef struct mq_logit {
    int iterations;
    int converged;
    double loglik;          /* at the fit, without the penalty */
} mq_logit;

/* Fits w[0..d] (w[0] the intercept, w[f] feature f = 1..d) for n leads:
** lead i has outcome y[i] and features feat[off[i] .. off[i+1]) (each in
** 1..d, no repeats) with values val[...] (NULL: all 1). lambda > 0.
** Returns 0, -1 when memory is short. w is written in full; a feature no
** lead has gets 0. */
int mq_logit_fit(const size_t *off, const int *feat, const double *val, const unsigned char *y, size_t n, int d,
                 double lambda, double *w, mq_logit *info);

#endif
