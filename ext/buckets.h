/*
** buckets.h — named buckets of counters and samples, for reports that group
** leads (by source, by owner, by cohort period) in one pass.
*/
#ifndef BUCKETS_H
#define BUCKETS_H

#include <stddef.h>

#define MQ_BUCKET_SLOTS 64

typedef struct mq_dvec {
    double *x;
    size_t n, cap;
} mq_dvec;

typedef struct mq_bucket {
    char *name;                          /* NULL is a name too: "no value" */
    double key;                          /* for a caller's own order (mq_buckets_sort_with) */
    long long count[MQ_BUCKET_SLOTS];
    mq_dvec vals[MQ_BUCKET_SLOTS];
} mq_bucket;

typedef struct mq_buckets {
    mq_bucket **b;
    int n, cap;
    int *slots;                          /* open addressing over b, -1 empty */
    int nslots;
} mq_buckets;

/* Appends x; returns 0, or -1 when memory is short. */
int mq_dvec_push(mq_dvec *v, double x);
/* The median of the samples (sorts them), NAN when there are none. */
double mq_dvec_median(mq_dvec *v);
/* The bucket of that name, created zeroed when new; NULL when memory is short. */
mq_bucket *mq_buckets_get(mq_buckets *t, const char *name);
/* Sorts by name (NULL first). */
void mq_buckets_sort(mq_buckets *t);
/* Sorts with cmp (qsort's, over mq_bucket *); the buckets can still be got by name. */
void mq_buckets_sort_with(mq_buckets *t, int (*cmp)(const void *, const void *));
void mq_buckets_free(mq_buckets *t);

#endif
