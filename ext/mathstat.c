/*
** mathstat.c — Wilson intervals, the normal quantile and percentiles.
**
** The quantile is Acklam's rational approximation (relative error 1.15e-9)
** refined by one Halley step against erfc(), which brings it to double
** precision; confidence levels other than 95 % then give exact bounds too.
*/
#include "mathstat.h"

#include <math.h>
#include <stdlib.h>

double mq_norm_quantile(double p)
{
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                               1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                               6.680131188771972e+01, -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    const double plow = 0.02425;
    double x, q, r;
    if (p <= 0) return -HUGE_VAL;
    if (p >= 1) return HUGE_VAL;
    if (p < plow) {
        q = sqrt(-2 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - plow) {
        q = p - 0.5;
        r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
        q = sqrt(-2 * log(1 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
             ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    double e = 0.5 * erfc(-x / sqrt(2)) - p;
    double u = e * sqrt(2 * M_PI) * exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

void mq_wilson(double k, double n, double conf, double *lo, double *hi)
{
    double z = mq_norm_quantile(1 - (1 - conf) / 2), z2 = z * z;
    double ph = k / n, denom = 1 + z2 / n;
    double center = (ph + z2 / (2 * n)) / denom;
    double half = z * sqrt(ph * (1 - ph) / n + z2 / (4 * n * n)) / denom;
    *lo = k <= 0 ? 0 : fmax(0, center - half);
    *hi = k >= n ? 1 : fmin(1, center + half);
}

double mq_percentile_sorted(const double *x, size_t n, double p)
{
    double pos = p / 100.0 * (double)(n - 1);
    size_t i = (size_t)floor(pos);
    if (i + 1 >= n) return x[n - 1];
    double f = pos - (double)i;
    return x[i] + f * (x[i + 1] - x[i]);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void mq_sort_doubles(double *x, size_t n)
{
    if (n > 1) qsort(x, n, sizeof *x, cmp_double);   /* x may be NULL when n is 0 */
}

void mq_email_range(mq_bench_metric m, double *lo, double *hi)
{
    if (m == MQ_BENCH_OPEN) { *lo = 0.1610; *hi = 0.3615; }
    else { *lo = 0.0187; *hi = 0.0646; }
}

const char *mq_email_verdict(mq_bench_metric m, double value)
{
    double lo, hi;
    mq_email_range(m, &lo, &hi);
    /* compare in hundredths of a percent so that 0.1610 is not "below" 16.10 % */
    double v = round(value * 1e6) / 1e6;
    return v < lo ? "below" : v > hi ? "above" : "typical";
}
