/*
** auc.h — the area under the ROC curve of a score against a 0/1 outcome, and
** the difference of two scores' areas on the same leads, each with DeLong's
** variance (DeLong, DeLong and Clarke-Pearson, Biometrics 1988). Plain C,
** tested by cmocka; the SQL aggregates roc_auc and roc_auc_diff (aucsql.c)
** and `mqlite evaluate` stand on it.
**
** The AUC is the chance that a lead that reached the outcome scores above
** one that did not, a tie counting half: 0.5 is a coin, 1 a perfect ranking.
*/
#ifndef AUC_H
#define AUC_H

#include <stddef.h>

typedef struct mq_auc {
    double auc;            /* of the first score */
    double auc_b;          /* of the second (mq_auc_diff) */
    double diff;           /* auc_b - auc (mq_auc_diff) */
    double se;             /* standard error of auc, or of diff */
    size_t positives, negatives;
} mq_auc;

/* The AUC of score[0..n) against y[0..n) (0 or 1) and its standard error.
** Returns 0, 1 when either class is empty (no AUC), -1 when memory is short. */
int mq_auc_one(const double *score, const unsigned char *y, size_t n, mq_auc *out);

/* Both AUCs of two scores of the same n leads, and the standard error of
** their difference (paired: the covariance of the two is taken out). Returns
** as mq_auc_one. */
int mq_auc_diff(const double *a, const double *b, const unsigned char *y, size_t n, mq_auc *out);

/* The two-sided interval of v at conf (0 < conf < 1) with standard error se,
** clipped to [0, 1] for an AUC (clip) or to [-1, 1] for a difference. */
void mq_auc_interval(double v, double se, double conf, int clip01, double *lo, double *hi);

#endif
