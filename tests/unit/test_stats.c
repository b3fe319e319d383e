/*
** test_stats.c — cmocka tests of the conversion statistics (Wilson bounds,
** normal quantile, percentiles, e-mail benchmark verdicts) and of the stage
** model (lookups, aliases, moves along the path, the name cache).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mathstat.h"
#include "stagemodel.h"

#define assert_near(a, b, eps) assert_true(fabs((a) - (b)) < (eps))

static void test_quantile(void **state)
{
    (void)state;
    assert_near(mq_norm_quantile(0.975), 1.959963984540054, 1e-12);
    assert_near(mq_norm_quantile(0.5), 0.0, 1e-15);
    assert_near(mq_norm_quantile(0.995), 2.5758293035489, 1e-12);
    assert_near(mq_norm_quantile(0.01), -2.326347874040841, 1e-12);
    assert_true(isinf(mq_norm_quantile(0)) && isinf(mq_norm_quantile(1)));
}

static void test_wilson(void **state)
{
    (void)state;
    double lo, hi;
    mq_wilson(40, 100, 0.95, &lo, &hi);
    assert_near(lo, 0.3094, 5e-5);
    assert_near(hi, 0.4980, 5e-5);
    mq_wilson(0, 10, 0.95, &lo, &hi);
    assert_true(lo == 0);
    assert_near(hi, 0.2775, 5e-5);
    mq_wilson(10, 10, 0.95, &lo, &hi);
    assert_true(hi == 1);
    assert_near(lo, 0.7225, 5e-5);
}

static void test_percentile(void **state)
{
    (void)state;
    double even[] = {4, 1, 3, 2}, odd[] = {3, 1, 2}, one[] = {7};
    mq_sort_doubles(even, 4);
    mq_sort_doubles(odd, 3);
    assert_true(mq_percentile_sorted(even, 4, 50) == 2.5);
    assert_true(mq_percentile_sorted(odd, 3, 50) == 2);
    assert_true(mq_percentile_sorted(even, 4, 0) == 1 && mq_percentile_sorted(even, 4, 100) == 4);
    assert_true(mq_percentile_sorted(even, 4, 25) == 1.75);
    assert_true(mq_percentile_sorted(one, 1, 90) == 7);
}

static void test_benchmark(void **state)
{
    (void)state;
    assert_string_equal(mq_email_verdict(MQ_BENCH_OPEN, 0.1609), "below");
    assert_string_equal(mq_email_verdict(MQ_BENCH_OPEN, 0.1610), "typical");
    assert_string_equal(mq_email_verdict(MQ_BENCH_OPEN, 0.3615), "typical");
    assert_string_equal(mq_email_verdict(MQ_BENCH_OPEN, 0.3616), "above");
    assert_string_equal(mq_email_verdict(MQ_BENCH_CLICK, 0.0187), "typical");
    assert_string_equal(mq_email_verdict(MQ_BENCH_CLICK, 0.0647), "above");
    /* 0.0646 computed as a ratio is not exactly 0.0646: still typical */
    assert_string_equal(mq_email_verdict(MQ_BENCH_CLICK, 646.0 / 10000.0), "typical");
}

static void test_stage_model(void **state)
{
    (void)state;
    mq_stages *m = mq_stages_default();
    assert_non_null(m);
    int mql = mq_stages_find(m, "MQL", 3);
    assert_true(mql >= 0);
    assert_int_equal(mq_stages_find(m, "  marketing_qualified-LEAD ", 27), mql);
    assert_int_equal(mq_stages_find(m, "mql", 3), mql);
    assert_int_equal(mq_stages_find(m, "sales ready", 11), -1);
    int sql = mq_stages_find(m, "Sales Qualified", 15), pql = mq_stages_find(m, "PQL", 3);
    int won = mq_stages_find(m, "closed won", 10), lost = mq_stages_find(m, "lost", 4);
    int nurture = mq_stages_find(m, "recycled", 8);
    assert_string_equal(m->st[sql].name, "SQL");
    assert_int_equal(mq_stages_next(m, mql), sql);
    assert_int_equal(mq_stages_next(m, pql), sql);
    assert_int_equal(mq_stages_next(m, won), -1);
    assert_int_equal(mq_stages_next(m, nurture), mql);
    assert_true(mq_stages_is_forward(m, mql, sql));
    assert_false(mq_stages_is_forward(m, sql, nurture));
    assert_false(mq_stages_is_forward(m, mql, pql));
    assert_false(mq_stages_is_forward(m, sql, lost));
    char label[64];
    mq_stages_rank_label(m, 3, label, sizeof label);
    assert_string_equal(label, "MQL/PQL");
    assert_int_equal(m->maxrank, 7);
    assert_int_equal(mq_stages_alias(m, "x", "no such stage"), -1);
    mq_stages_release(m);
}

/* The cache answers what the model does, for names kept, names seen again,
** unknown names (never kept) and more names than it has slots. */
static void test_stage_names(void **state)
{
    (void)state;
    mq_stages *m = mq_stages_default();
    assert_non_null(m);
    mq_stage_names c = {0};
    const char *names[] = { "MQL", "mql", "Sales Qualified", "closed won", "recycled", "nope", "" };
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            assert_int_equal(mq_stage_names_find(&c, m, names[i], strlen(names[i])),
                             mq_stages_find(m, names[i], strlen(names[i])));
    /* a name that is a prefix of a kept one is not it */
    assert_int_equal(mq_stage_names_find(&c, m, "MQ", 2), -1);
    /* 200 distinct spellings of SQL: more than the 64 slots, probing past full ones */
    int sql = mq_stages_find(m, "SQL", 3);
    for (int i = 0; i < 200; i++) {
        char s[64];
        int n = snprintf(s, sizeof s, "SQL%*s", i % 30, "");
        if (i >= 30) n = snprintf(s, sizeof s, "%*sSQL%*s", i / 30, "", i % 30, "");
        assert_int_equal(mq_stage_names_find(&c, m, s, (size_t)n), sql);
    }
    mq_stage_names_clear(&c);
    assert_int_equal(mq_stage_names_find(&c, m, "won", 3), mq_stages_find(m, "won", 3));
    mq_stage_names_clear(&c);
    mq_stages_release(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantile),
        cmocka_unit_test(test_wilson),
        cmocka_unit_test(test_percentile),
        cmocka_unit_test(test_benchmark),
        cmocka_unit_test(test_stage_model),
        cmocka_unit_test(test_stage_names),
    };
    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
