/*
** test_mqtime.c — cmocka tests of timestamp parsing: the ISO-8601 forms CRM
** exports use, unix seconds, and the dates that must be refused.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mqtime.h"

static double parse(const char *s)
{
    double t = -1;
    if (mq_time_parse(s, strlen(s), &t) != 0) fail_msg("'%s' did not parse", s);
    return t;
}

static void assert_bad(const char *s)
{
    double t;
    if (mq_time_parse(s, strlen(s), &t) == 0) fail_msg("'%s' parsed as %f", s, t);
}

static void test_iso_forms(void **state)
{
    (void)state;
    assert_true(parse("1970-01-01") == 0);
    assert_true(parse("2025-01-01") == 1735689600);
    assert_true(parse("2025-01-01T00:00:00Z") == 1735689600);
    assert_true(parse("2025-01-01 12:30") == 1735689600 + 45000);
    assert_true(parse("2025-01-01T12:30:15.5") == 1735689600 + 45015.5);
    assert_true(parse("2025-01-01T12:30:00+02:00") == 1735689600 + 45000 - 7200);
    assert_true(parse("2025-01-01T12:30:00-0530") == 1735689600 + 45000 + 19800);
    assert_true(parse("  2024-02-29  ") == 1709164800);
    assert_true(parse("1969-12-31") == -86400);
}

static void test_unix_seconds(void **state)
{
    (void)state;
    assert_true(parse("1735689600") == 1735689600);
    assert_true(parse("-86400") == -86400);
    assert_true(parse("12.5") == 12.5);
}

static void test_refused(void **state)
{
    (void)state;
    assert_bad("");
    assert_bad("2025-02-29");          /* not a leap year */
    assert_bad("2025-13-01");
    assert_bad("2025-04-31");
    assert_bad("2025-01-01T24:00");
    assert_bad("2025-01-01T12");
    assert_bad("2025-01-01 12:60");
    assert_bad("2025-1-1");
    assert_bad("01/02/2025");
    assert_bad("2025-01-01x");
    assert_bad("yesterday");
    assert_bad("1e5");
}

static double parse_fmt(const char *s, mq_datefmt f)
{
    double t = -1;
    if (mq_date_parse(s, strlen(s), f, &t) != 0) fail_msg("'%s' did not parse", s);
    return t;
}

static void test_day_first_month_first(void **state)
{
    (void)state;
    double t;
    assert_true(parse_fmt("02/01/2025", MQ_DATE_DMY) == 1735776000);      /* 2 January */
    assert_true(parse_fmt("01/02/2025", MQ_DATE_MDY) == 1735776000);
    assert_true(parse_fmt("2.1.2025 13:30", MQ_DATE_DMY) == 1735776000 + 48600);
    assert_true(parse_fmt("2025/01/02 13:30:15", MQ_DATE_YMD) == 1735776000 + 48615);
    assert_true(parse_fmt("2025-01-02", MQ_DATE_ISO) == 1735776000);
    assert_int_equal(mq_date_parse("13/01/2025", 10, MQ_DATE_MDY, &t), -1);   /* no 13th month */
    assert_int_equal(mq_date_parse("29/02/2025", 10, MQ_DATE_DMY, &t), -1);
    assert_int_equal(mq_date_parse("02/01/25", 8, MQ_DATE_DMY, &t), -1);      /* two-digit years are ambiguous */
    assert_int_equal(mq_date_parse("02/01-2025", 10, MQ_DATE_DMY, &t), -1);
    assert_int_equal(mq_date_parse("02/01/2025 25:00", 16, MQ_DATE_DMY, &t), -1);
}

static void test_format(void **state)
{
    (void)state;
    char buf[32];
    assert_int_equal(mq_time_format(1735689600 + 45015.9, buf), 0);
    assert_string_equal(buf, "2025-01-01 12:30:15");
    assert_int_equal(mq_time_format(-1, buf), 0);
    assert_string_equal(buf, "1969-12-31 23:59:59");
    assert_int_equal(mq_time_format(1e15, buf), -1);
    assert_true(mq_days_from_civil(2000, 3, 1) == 11017);
}

/* mq_time_is_canonical says yes exactly where parsing and formatting give the
** same text back: every day of two years (one leap), the edges of each field */
static void test_canonical(void **state)
{
    (void)state;
    char buf[32], t2[32];
    double t;
    for (double d = 1704067200; d < 1767225600; d += 86400 + 3661) {
        assert_int_equal(mq_time_format(d, buf), 0);
        assert_true(mq_time_is_canonical(buf, 19));
    }
    static const char *const cases[] = {
        "2024-02-29 00:00:00", "2025-02-29 00:00:00", "2100-02-29 12:00:00", "2000-02-29 12:00:00",
        "2025-04-31 10:00:00", "2025-13-01 10:00:00", "2025-00-10 10:00:00", "2025-01-00 10:00:00",
        "2025-01-01 24:00:00", "2025-01-01 23:60:00", "2025-01-01 23:59:60", "2025-01-01 23:59:59",
        "0000-01-01 00:00:00", "9999-12-31 23:59:59", "2025-01-01T10:00:00", "2025-01-01 10:00:0x",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int same = mq_time_parse(cases[i], 19, &t) == 0 && mq_time_format(t, t2) == 0 && strcmp(t2, cases[i]) == 0;
        assert_int_equal(mq_time_is_canonical(cases[i], 19), same);
    }
    assert_false(mq_time_is_canonical("2025-01-01 10:00:00", 18));
    assert_false(mq_time_is_canonical("2025-01-01 10:00:00 ", 20));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iso_forms),
        cmocka_unit_test(test_unix_seconds),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_day_first_month_first),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_canonical),
    };
    return cmocka_run_group_tests_name("mqtime", tests, NULL, NULL);
}
