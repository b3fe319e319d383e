/*
** test_attribmodel.c — cmocka tests of attribution's arithmetic
** (attribmodel.c): each model's weights on hand cases, weights that sum to 1
** for every number of touches, and the largest-remainder apportionment,
** which must add up exactly whatever it is given.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "attribmodel.h"

#define assert_near(a, b, eps) assert_true(fabs((a) - (b)) < (eps))
#define DAY 86400.0

static void weights(int model, const double *t, int n, double created, double opp, double *w)
{
    mq_attr_weights(model, t, n, created, opp, 7 * DAY, w);
}

/* The case: three touches, first 1/0/0, linear 1/3, U 0.4/0.2/0.4. */
static void test_three_touches(void **state)
{
    (void)state;
    double t[3] = { 0, 4 * DAY, 8 * DAY }, w[3];
    weights(MQA_FIRST, t, 3, 0, 8 * DAY, w);
    assert_true(w[0] == 1 && w[1] == 0 && w[2] == 0);
    weights(MQA_LAST, t, 3, 0, 8 * DAY, w);
    assert_true(w[0] == 0 && w[1] == 0 && w[2] == 1);
    weights(MQA_LINEAR, t, 3, 0, 8 * DAY, w);
    for (int i = 0; i < 3; i++) assert_near(w[i], 1.0 / 3, 1e-15);
    weights(MQA_U_SHAPED, t, 3, 0, 8 * DAY, w);
    assert_near(w[0], 0.4, 1e-15); assert_near(w[1], 0.2, 1e-15); assert_near(w[2], 0.4, 1e-15);
    /* W: creation = the first, opportunity = the last: 0.45 / 0.1 / 0.45 */
    weights(MQA_W_SHAPED, t, 3, 0, 8 * DAY, w);
    assert_near(w[0], 0.45, 1e-15); assert_near(w[1], 0.1, 1e-15); assert_near(w[2], 0.45, 1e-15);
    /* W with the creation in the middle: all three are key touches, 1/3 each */
    weights(MQA_W_SHAPED, t, 3, 5 * DAY, 8 * DAY, w);
    for (int i = 0; i < 3; i++) assert_near(w[i], 1.0 / 3, 1e-15);
    /* time decay, 7 days: 2^(-8/7), 2^(-4/7), 1 normalised */
    weights(MQA_TIME_DECAY, t, 3, 0, 8 * DAY, w);
    double a = exp2(-8.0 / 7), b = exp2(-4.0 / 7), s = a + b + 1;
    assert_near(w[0], a / s, 1e-15); assert_near(w[1], b / s, 1e-15); assert_near(w[2], 1 / s, 1e-15);
}

/* W-shaped with five touches: keys first, creation (index 1), opportunity
** (index 3) get 0.3 each; the two others share 0.1. */
static void test_w_five(void **state)
{
    (void)state;
    double t[5] = { 0, DAY, 2 * DAY, 3 * DAY, 4 * DAY }, w[5];
    weights(MQA_W_SHAPED, t, 5, DAY, 3.5 * DAY, w);
    assert_near(w[0], 0.3, 1e-15); assert_near(w[1], 0.3, 1e-15); assert_near(w[3], 0.3, 1e-15);
    assert_near(w[2], 0.05, 1e-15); assert_near(w[4], 0.05, 1e-15);
    /* an opportunity before every touch falls back to the first touch */
    weights(MQA_W_SHAPED, t, 5, -DAY, -DAY, w);
    assert_near(w[0], 0.9, 1e-15);
    for (int i = 1; i < 5; i++) assert_near(w[i], 0.025, 1e-15);
}

/* One and two touches; every model's weights sum to 1 for 1..40 touches,
** time decay included when the touches are decades apart. */
static void test_sums(void **state)
{
    (void)state;
    double t[40], w[40];
    for (int n = 1; n <= 40; n++) {
        for (int i = 0; i < n; i++) t[i] = i * 3650 * DAY;
        for (int m = 0; m < MQA_NMODELS; m++) {
            weights(m, t, n, t[n / 2], t[n - 1], w);
            double s = 0;
            for (int i = 0; i < n; i++) { assert_true(w[i] >= 0); s += w[i]; }
            assert_near(s, 1, 1e-12);
            if (n == 1) assert_near(w[0], 1, 1e-15);
            if (n == 2 && m >= MQA_LINEAR && m <= MQA_W_SHAPED) assert_near(w[0], 0.5, 1e-15);
        }
    }
}

/* Apportionment: thirds give the millionth left over to the first; sevenths
** and elevenths add up; ties go to the lower index; drift either way still
** adds up to the total. */
static void test_apportion(void **state)
{
    (void)state;
    long long out[11];
    double v[11];
    for (int i = 0; i < 3; i++) v[i] = 1e6 / 3;
    assert_int_equal(mq_apportion(v, 3, 1000000, out), 0);
    assert_true(out[0] == 333334 && out[1] == 333333 && out[2] == 333333);
    for (int n = 7; n <= 11; n += 4) {
        for (int i = 0; i < n; i++) v[i] = 3e6 / n;
        mq_apportion(v, n, 3000000, out);
        long long s = 0;
        for (int i = 0; i < n; i++) { s += out[i]; assert_true(llabs(out[i] - (long long)(3e6 / n)) <= 1); }
        assert_int_equal(s, 3000000);
    }
    /* parts equal but for rounding tie: 1/2 + 1/3 beside 1/3 */
    v[0] = (0.5 + 1.0 / 3) * 1e6; v[1] = 1e6 / 3.0; v[2] = 1e6 / 3.0; v[3] = 0.5e6;
    mq_apportion(v, 4, 2000000, out);
    assert_true(out[0] == 833334 && out[1] == 333333 && out[2] == 333333 && out[3] == 500000);
    /* drift: values that sum to more, or less, than the total */
    v[0] = 10.9; v[1] = 10.9;
    mq_apportion(v, 2, 20, out);
    assert_int_equal(out[0] + out[1], 20);
    v[0] = 1.2; v[1] = 1.2;
    mq_apportion(v, 2, 7, out);
    assert_int_equal(out[0] + out[1], 7);
    assert_int_equal(mq_apportion(v, 0, 0, out), 0);
}

static void test_names(void **state)
{
    (void)state;
    assert_int_equal(mq_attr_model_find("U_SHAPED"), MQA_U_SHAPED);
    assert_int_equal(mq_attr_model_find("time_decay"), MQA_TIME_DECAY);
    assert_int_equal(mq_attr_model_find("u-shaped"), -1);
    assert_string_equal(mq_attr_model_name(MQA_W_SHAPED), "w_shaped");
    assert_string_equal(mq_attr_model_name(99), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_touches),
        cmocka_unit_test(test_w_five),
        cmocka_unit_test(test_sums),
        cmocka_unit_test(test_apportion),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
