/*
** test_logit.c — cmocka tests of the regularised logistic regression
** (logit.c): one binary feature, whose unpenalised fit has a closed form (the
** log odds of each group), and random sparse data, where the fit must satisfy
** the optimality conditions (the penalised gradient is zero) and be the same
** whatever the order of the leads.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "logit.h"

#define assert_near(a, b, eps) assert_true(fabs((a) - (b)) < (eps))

static void test_closed_form(void **state)
{
    (void)state;
    /* 100 leads with the feature, 80 converted; 100 without, 20 converted */
    enum { N = 200 };
    size_t off[N + 1];
    int feat[N];
    unsigned char y[N];
    size_t k = 0;
    for (size_t i = 0; i < N; i++) {
        off[i] = k;
        if (i < 100) feat[k++] = 1;
        y[i] = i < 100 ? i % 5 != 0 : i % 5 == 0;
    }
    off[N] = k;
    double w[2];
    mq_logit info;
    assert_int_equal(mq_logit_fit(off, feat, NULL, y, N, 1, 1e-9, w, &info), 0);
    assert_true(info.converged);
    assert_near(w[0], log(0.2 / 0.8), 1e-6);
    assert_near(w[1], log(0.8 / 0.2) - log(0.2 / 0.8), 1e-6);
    /* the feature's value 2 for every lead that has it: half the weight */
    double two[N];
    for (size_t i = 0; i < k; i++) two[i] = 2;
    assert_int_equal(mq_logit_fit(off, feat, two, y, N, 1, 1e-9, w, &info), 0);
    assert_near(w[1], (log(0.8 / 0.2) - log(0.2 / 0.8)) / 2, 1e-6);
    /* a strong penalty pulls the feature's weight towards 0, not the intercept's */
    assert_int_equal(mq_logit_fit(off, feat, NULL, y, N, 1, 1e6, w, &info), 0);
    assert_near(w[1], 0, 1e-3);
    assert_near(w[0], 0, 1e-3);          /* 100 of 200 converted */
}

static void test_optimality(void **state)
{
    (void)state;
    enum { N = 3000, D = 12 };
    static size_t off[N + 1], off2[N + 1];
    static int feat[N * D], feat2[N * D];
    static unsigned char y[N], y2[N];
    srand(11);
    size_t k = 0;
    for (size_t i = 0; i < N; i++) {
        off[i] = k;
        double z = -1;
        for (int f = 1; f <= D; f++)
            if (rand() % 3 == 0) { feat[k++] = f; z += (f % 4) - 1.5; }
        /* feature 12 is never on: its weight is 0 */
        if (k > off[i] && feat[k - 1] == D) k--, z -= (D % 4) - 1.5;
        y[i] = (double)rand() / RAND_MAX < 1 / (1 + exp(-z));
    }
    off[N] = k;
    double w[D + 1];
    mq_logit info;
    const double lambda = 2.0;
    assert_int_equal(mq_logit_fit(off, feat, NULL, y, N, D, lambda, w, &info), 0);
    assert_true(info.converged);
    assert_true(info.iterations < 20);
    double g[D + 1] = {0};
    for (size_t i = 0; i < N; i++) {
        double z = w[0];
        for (size_t j = off[i]; j < off[i + 1]; j++) z += w[feat[j]];
        double r = y[i] - 1 / (1 + exp(-z));
        g[0] += r;
        for (size_t j = off[i]; j < off[i + 1]; j++) g[feat[j]] += r;
    }
    for (int f = 0; f <= D; f++) assert_near(g[f] - (f ? lambda * w[f] : 0), 0, 1e-6);
    assert_true(w[D] == 0);
    assert_true(w[3] > 1 && w[1] < -0.2);        /* the planted signs */
    /* the leads in reverse order: the same weights */
    size_t kk = 0;
    for (size_t i = 0; i < N; i++) {
        size_t src = N - 1 - i;
        off2[i] = kk;
        for (size_t j = off[src]; j < off[src + 1]; j++) feat2[kk++] = feat[j];
        y2[i] = y[src];
    }
    off2[N] = kk;
    double w2[D + 1];
    assert_int_equal(mq_logit_fit(off2, feat2, NULL, y2, N, D, lambda, w2, &info), 0);
    for (int f = 0; f <= D; f++) assert_near(w[f], w2[f], 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_form),
        cmocka_unit_test(test_optimality),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
