/*
** test_auc.c — cmocka tests of the AUC and DeLong's variance (auc.c): a
** case worked by hand, and random scores with many ties against the
** definition itself (every positive against every negative, O(n^2)).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "auc.h"

#define assert_near(a, b, eps) assert_true(fabs((a) - (b)) < (eps))

/* psi of DeLong's paper: 1 when the positive scores above, a half on a tie */
static double psi(double x, double y) { return x > y ? 1 : x == y ? 0.5 : 0; }

/* The placements by the definition: v10 per positive, v01 per negative. */
static void brute_placements(const double *s, const unsigned char *y, size_t n, double *v)
{
    for (size_t i = 0; i < n; i++) {
        double sum = 0;
        size_t k = 0;
        for (size_t j = 0; j < n; j++) {
            if (y[j] == y[i]) continue;
            sum += y[i] ? psi(s[i], s[j]) : psi(s[j], s[i]);
            k++;
        }
        v[i] = sum / (double)k;
    }
}

static double brute_cov(const double *a, const double *b, const unsigned char *y, size_t n, int cls)
{
    double ma = 0, mb = 0, s = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) if (y[i] == cls) { ma += a[i]; mb += b[i]; k++; }
    ma /= (double)k;
    mb /= (double)k;
    for (size_t i = 0; i < n; i++) if (y[i] == cls) s += (a[i] - ma) * (b[i] - mb);
    return s / (double)(k - 1);
}

static void test_by_hand(void **state)
{
    (void)state;
    /* positives 3 and 2, negatives 1 and 2: 3.5 of 4 pairs won, AUC 0.875;
    ** V10 = (1, 0.75), V01 = (1, 0.75): S10 = S01 = 0.03125, var 0.03125 */
    const double s[] = {3, 2, 1, 2};
    const unsigned char y[] = {1, 1, 0, 0};
    mq_auc r;
    assert_int_equal(mq_auc_one(s, y, 4, &r), 0);
    assert_near(r.auc, 0.875, 1e-15);
    assert_near(r.se, sqrt(0.03125), 1e-15);
    assert_int_equal(r.positives, 2);
    assert_int_equal(r.negatives, 2);
    double lo, hi;
    mq_auc_interval(r.auc, r.se, 0.95, 1, &lo, &hi);
    assert_near(lo, 0.875 - 1.959963984540054 * sqrt(0.03125), 1e-12);
    assert_true(hi == 1.0);                     /* clipped */
    /* the reversed score ranks them the other way round */
    const double rev[] = {-3, -2, -1, -2};
    assert_int_equal(mq_auc_diff(s, rev, y, 4, &r), 0);
    assert_near(r.auc_b, 0.125, 1e-15);
    assert_near(r.diff, -0.75, 1e-15);
    /* one class only: no AUC */
    const unsigned char all[] = {1, 1, 1, 1};
    assert_int_equal(mq_auc_one(s, all, 4, &r), 1);
    assert_int_equal(mq_auc_one(s, y, 0, &r), 1);
    /* every score the same: a coin, with no spread */
    const double flat[] = {5, 5, 5, 5};
    assert_int_equal(mq_auc_one(flat, y, 4, &r), 0);
    assert_true(r.auc == 0.5);
    assert_true(r.se == 0);
}

static void test_against_definition(void **state)
{
    (void)state;
    enum { N = 600 };
    static double a[N], b[N], va[N], vb[N];
    static unsigned char y[N];
    srand(7);
    for (size_t i = 0; i < N; i++) {
        y[i] = rand() % 4 == 0;
        a[i] = (double)(rand() % 12) + 3 * y[i];      /* few values: many ties */
        b[i] = (double)(rand() % 40) + 5 * y[i] - (i % 3 == 0 ? 4 : 0);
    }
    brute_placements(a, y, N, va);
    brute_placements(b, y, N, vb);
    size_t m = 0;
    double auc_a = 0, auc_b = 0;
    for (size_t i = 0; i < N; i++) if (y[i]) { m++; auc_a += va[i]; auc_b += vb[i]; }
    auc_a /= (double)m;
    auc_b /= (double)m;
    size_t n0 = N - m;
    double var_a = brute_cov(va, va, y, N, 1) / (double)m + brute_cov(va, va, y, N, 0) / (double)n0;
    double var_d = (brute_cov(va, va, y, N, 1) + brute_cov(vb, vb, y, N, 1) - 2 * brute_cov(va, vb, y, N, 1)) / (double)m
                 + (brute_cov(va, va, y, N, 0) + brute_cov(vb, vb, y, N, 0) - 2 * brute_cov(va, vb, y, N, 0)) / (double)n0;
    mq_auc r;
    assert_int_equal(mq_auc_one(a, y, N, &r), 0);
    assert_near(r.auc, auc_a, 1e-12);
    assert_near(r.se, sqrt(var_a), 1e-12);
    assert_int_equal(r.positives, m);
    assert_int_equal(mq_auc_diff(a, b, y, N, &r), 0);
    assert_near(r.auc, auc_a, 1e-12);
    assert_near(r.auc_b, auc_b, 1e-12);
    assert_near(r.diff, auc_b - auc_a, 1e-12);
    assert_near(r.se, sqrt(var_d), 1e-12);
    /* the same score twice: no difference, and none possible */
    assert_int_equal(mq_auc_diff(a, a, y, N, &r), 0);
    assert_true(r.diff == 0);
    assert_true(r.se == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_against_definition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
