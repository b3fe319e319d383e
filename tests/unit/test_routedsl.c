/*
** test_routedsl.c — cmocka tests of route { } (routedsl.c): the JSON the
** program keeps, its escaping, the memory a failed declaration gives back,
** and the engine working after a hostile one.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luarule.h"

#include "engine_fixture.h"

static void test_route_json(void **state)
{
    (void)state;
    mq_rule *r = compile_ok("r", "route { by = 'country', teams = { DE = 't' }, members = { t = { 'a', 'b' } }, capacity = { a = 2 } }");
    assert_string_equal(mq_rule_prog(r)->route,
                        "{\"when\":\"MQL\",\"by\":\"country\",\"keep_owner\":false,\"members\":{\"t\":[\"a\",\"b\"]},"
                        "\"teams\":{\"de\":\"t\"},\"capacity\":{\"a\":2}}");
    mq_rule_release(r);
    /* quotes, backslashes and control characters are escaped; a rule without route has none */
    r = compile_ok("q", "route { when = 'SQL', by = 'x', keep_owner = true, from = '2026-12-01', teams = { ['*'] = 't' },"
                        " members = { t = { 'q\"uote\\\\', 'tab\\tend' } } }");
    assert_string_equal(mq_rule_prog(r)->route,
                        "{\"when\":\"SQL\",\"by\":\"x\",\"from\":\"2026-12-01 00:00:00\",\"keep_owner\":true,"
                        "\"members\":{\"t\":[\"q\\\"uote\\\\\",\"tab\\u0009end\"]},\"teams\":{\"*\":\"t\"}}");
    mq_rule_release(r);
    r = compile_ok("none", "thresholds { MQL = 10 }");
    assert_null(mq_rule_prog(r)->route);
    mq_rule_release(r);
}

static void test_route_errors_free(void **state)
{
    (void)state;
    /* 5,000 territories built, then refused at capacity: a hundred times */
    const char *src = "local t = {} for i = 1, 5000 do t['c' .. i] = 't' end\n"
                      "route { by = 'country', teams = t, members = { t = { 'a' } }, capacity = { zz = 1 } }";
    size_t first = 0;
    for (int i = 0; i < 100; i++) {
        char name[16], want[128];
        mq_err err;
        snprintf(name, sizeof name, "bad%d", i);   /* a new name each time: no cache */
        assert_null(mq_engine_rule(E, name, src, strlen(src), &err));
        snprintf(want, sizeof want, "rule '%s' line 2: route: capacity.zz names 'zz', who is in no team of members", name);
        assert_string_equal(err.msg, want);
        if (i == 0) first = mq_engine_memory_used(E);
    }
    assert_true(mq_engine_memory_used(E) < first + (1u << 20));
    assert_true(mq_engine_memory_used(E) < 4u << 20);
    mq_rule *r = compile_ok("after", "route { by = 'c', teams = { ['*'] = 't' }, members = { t = { 'a' } } }");
    assert_non_null(mq_rule_prog(r)->route);
    mq_rule_release(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_route_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_route_errors_free, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
