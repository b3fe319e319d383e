/*
** test_patcost.c — the worst-case bound of Lua patterns (ext/patcost.c): exact
** values for the patterns rules use, and bombs far above any budget.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "patcost.h"

static double steps(const char *p, size_t n) { return mq_pattern_steps(p, strlen(p), n, 0); }

static void test_plain(void **state)
{
    (void)state;
    assert_true(mq_pattern_steps("a.b", 3, 100, 1) == 101.0 * 4);    /* plain find: no pattern */
    assert_true(steps("abc", 100) == 101.0 * 4);                     /* no specials: a plain find too */
    assert_true(steps("^%d%d%d%d%-%d%d$", 10) == 11.0);              /* anchored, nothing repeated */
}

static void test_disjoint_repetitions_do_not_multiply(void **state)
{
    (void)state;
    /* %d+ then %s* then 'e': no class meets what follows it */
    assert_true(steps("%d+%s*employees", 200) == 201.0 * 201 * 3);
    assert_true(steps("[%a_][%w_]*", 3000) == 3001.0 * 3001 * 2);    /* the last item: nothing follows */
    assert_true(steps("chief%s+%a+%s+officer", 60) == 61.0 * 61 * 4);
}

static void test_overlapping_repetitions_multiply(void **state)
{
    (void)state;
    assert_true(steps("a?a?aa", 10) == 11.0 * 11 * 3 * 11 * 11);
    /* the trim idiom: %s* meets (.-), and .- meets the second %s* */
    assert_true(steps("^%s*(.-)%s*$", 100) == 1.0 * 101 * 4 * 101 * 101);
    assert_true(steps("%b()", 50) == 51.0 * 51 * 2 * 51);             /* %b scans: counted as the worst */
    assert_true(steps("(%a+)%s%1", 200) == 201.0 * 201 * 3 * 201);    /* so is a back-reference */
}

/* Below a million steps even counting every repetition, that rough bound is
** the answer: cheaper than the class tables, and small anyway. */
static void test_rough_bound_for_short_texts(void **state)
{
    (void)state;
    assert_true(steps("%a+", 20) == 21.0 * 21 * 2 * 21);
    assert_true(steps("[%a_][%w_]*", 30) == 31.0 * 31 * 2 * 31);
}

static void test_bombs(void **state)
{
    (void)state;
    char p[200] = "";
    for (int i = 0; i < 40; i++) strcat(p, "a?");
    for (int i = 0; i < 40; i++) strcat(p, "a");
    assert_true(steps(p, 40) > 1e60);
    assert_true(steps(".-.-.-.-b", 5000) > 1e18);
    assert_true(steps("a*a*a*b", 100000) > 1e20);
    assert_true(steps(".-b", 1000000) > 1e12);                        /* even one: n starts x n */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_disjoint_repetitions_do_not_multiply),
        cmocka_unit_test(test_overlapping_repetitions_multiply),
        cmocka_unit_test(test_rough_bound_for_short_texts),
        cmocka_unit_test(test_bombs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
