/*
** mathstat.h — the statistics behind conversion reports: the Wilson score
** interval, the normal quantile it needs, percentiles, and the published
** e-mail benchmark ranges. Plain C, tested by cmocka.
*/
#ifndef MATHSTAT_H
#define MATHSTAT_H

#include <stddef.h>

/* The p-quantile of the standard normal distribution, 0 < p < 1. */
double mq_norm_quantile(double p);

/* Wilson score interval for k successes in n trials at a confidence level
** (0 < conf < 1). Requires 0 <= k <= n and n > 0. */
void mq_wilson(double k, double n, double conf, double *lo, double *hi);

/* The p-th percentile (0..100) of n sorted values, interpolated linearly
** between the two nearest ranks (p/100 * (n - 1)). n must be above 0. */
double mq_percentile_sorted(const double *x, size_t n, double p);

/* Sorts n doubles ascending. */
void mq_sort_doubles(double *x, size_t n);

/* The typical range of an e-mail metric (GetResponse benchmarks as quoted in
** the domain notes): open rate 16.10–36.15 %, click-through 1.87–6.46 %. */
typedef enum { MQ_BENCH_OPEN, MQ_BENCH_CLICK } mq_bench_metric;
void mq_email_range(mq_bench_metric m, double *lo, double *hi);
/* "below", "typical" or "above". */
const char *mq_email_verdict(mq_bench_metric m, double value);

#endif
