/*
** test_sandbox.c — cmocka tests of the sandbox's limits that issue 11 found
** missing: the budget is per lead (item 10), the host's stop question is
** asked while Lua runs (item 11), the rule builder's memory is inside the cap
** (item 9), and the cache of compiled rules is bounded.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadjson.h"
#include "luarule.h"

#include "engine_fixture.h"

/* Scores lead JSON with rule (no events, so the lead's budget is the one
** mq_prog_score makes); returns the score, or -1 with err. */
static double score(mq_rule *r, const char *json, mq_err *err)
{
    mq_json_lead jl;
    mq_err jerr;
    assert_int_equal(mq_json_lead_open(&jl, json, strlen(json), &jerr), 0);
    mq_result res;
    mq_result_init(&res);
    int rc = mq_prog_score(mq_rule_prog(r), NULL, &jl.src, NULL, &res, err);
    double s = rc == 0 ? res.score : -1;
    mq_result_free(&res);
    mq_json_lead_close(&jl);
    return s;
}

/* Item 10: three functions of 400,000 instructions each fit in three calls'
** budgets, not in one lead's; two of them fit, lead after lead. */
static void test_budget_per_lead(void **state)
{
    (void)state;
    mq_err err;
    mq_rule *r = compile_ok("three", "for i = 1, 3 do fit('f' .. i, 1, function(l) for k = 1, 400000 do end return true end) end");
    assert_true(score(r, "{}", &err) == -1);
    assert_string_equal(err.msg, "rule 'three' line 1: instruction budget of 1000000 exceeded");
    mq_rule_release(r);
    r = compile_ok("two", "for i = 1, 2 do fit('f' .. i, 1, function(l) for k = 1, 400000 do end return true end) end");
    for (int lead = 0; lead < 3; lead++) {
        err.msg[0] = 0;
        assert_true(score(r, "{}", &err) == 2);
        assert_string_equal(err.msg, "");       /* no error written */
    }
    mq_rule_release(r);
}

/* Item 10 for events: a lead's event conditions and fit functions share the
** lead's budget (mq_engage carries it). */
static void test_budget_shared_with_events(void **state)
{
    (void)state;
    mq_rule *r = compile_ok("ev", "event('visit', 1, { where = function(p) for k = 1, 400000 do end return true end })\n"
                                  "fit('f', 1, function(l) for k = 1, 400000 do end return true end)");
    mq_engage eng;
    assert_int_equal(mq_engage_init(&eng, mq_rule_prog(r), 1e9), 0);
    mq_err err;
    assert_int_equal(mq_engage_add(&eng, "visit", 5, 1e8, NULL, &err), 0);
    assert_int_equal(mq_engage_add(&eng, "visit", 5, 1e8, NULL, &err), 0);
    mq_json_lead jl;
    mq_err jerr;
    assert_int_equal(mq_json_lead_open(&jl, "{}", 2, &jerr), 0);
    mq_result res;
    mq_result_init(&res);
    assert_int_equal(mq_prog_score(mq_rule_prog(r), NULL, &jl.src, &eng, &res, &err), -1);
    assert_string_equal(err.msg, "rule 'ev' line 2: instruction budget of 1000000 exceeded");
    /* the next lead starts with a full budget */
    mq_engage_reset(&eng, 1e9);
    assert_int_equal(mq_engage_add(&eng, "visit", 5, 1e8, NULL, &err), 0);
    assert_int_equal(mq_prog_score(mq_rule_prog(r), NULL, &jl.src, &eng, &res, &err), 0);
    assert_true(res.score == 2);
    mq_result_free(&res);
    mq_json_lead_close(&jl);
    mq_engage_free(&eng);
    mq_rule_release(r);
}

static int asked;
static int stop_after_two(void *data)
{
    (void)data;
    return ++asked >= 2;
}

/* Item 11: the host is asked every few milliseconds of Lua; its "stop" ends
** the rule even under a budget of hours, and pcall cannot catch it. */
static void test_stop_question(void **state)
{
    (void)state;
    assert_int_equal(mq_engine_set_instruction_limit(E, MQ_MAX_INSTRUCTION_LIMIT), 0);
    mq_engine_set_stop(E, stop_after_two, NULL);
    asked = 0;
    mq_rule *r = compile_ok("spin", "fit('x', 1, function(l)\n while true do pcall(function() while true do end end) end\nend)");
    mq_err err;
    assert_true(score(r, "{}", &err) == -1);
    assert_string_equal(err.msg, "rule 'spin' line 2: interrupted");
    assert_true(err.interrupted);              /* the SQL layer says SQLITE_INTERRUPT */
    assert_int_equal(asked, 2);
    mq_rule_release(r);
    /* a compile is stopped the same way */
    asked = 0;
    assert_null(mq_engine_rule(E, "spinbody", "while true do end", 17, &err));
    assert_string_equal(err.msg, "rule 'spinbody' line 1: interrupted");
    assert_true(err.interrupted);
    /* the budget's own stop is no interrupt: the rule is named */
    mq_engine_set_stop(E, NULL, NULL);
    assert_int_equal(mq_engine_set_instruction_limit(E, 100000), 0);
    assert_null(mq_engine_rule(E, "spinbody", "while true do end", 17, &err));
    assert_string_equal(err.msg, "rule 'spinbody' line 1: instruction budget of 100000 exceeded");
    assert_false(err.interrupted);
    assert_int_equal(mq_engine_set_instruction_limit(E, MQ_DEFAULT_INSTRUCTION_LIMIT), 0);
}

/* Item 9: what the builder keeps (10,000 strings here) is counted in the
** state's memory, and given back when the rule goes. */
static void test_builder_memory_counted(void **state)
{
    (void)state;
    size_t before = mq_engine_memory_used(E);
    mq_rule *r = compile_ok("big", "local t = {} for i = 1, 10000 do t[i] = string.format('%060d', i) end\n"
                                   "fit('x', 1, { a = one_of(t) })");
    size_t with = mq_engine_memory_used(E);
    /* the rule's strings (lower-cased copies) and the chunk's garbage */
    assert_true(with > before + 2 * 10000 * 60);
    mq_rule_release(r);
    r = compile_ok("big", "fit('x', 1, { a = 1 })");   /* replaces the cached one */
    assert_true(mq_engine_memory_used(E) < with - 10000 * 60);
    mq_rule_release(r);
}

/* The cache keeps at most 64 rules; the least recently used goes first. */
static void test_cache_bounded(void **state)
{
    (void)state;
    char name[16], src[64];
    for (int i = 0; i < 70; i++) {
        snprintf(name, sizeof name, "r%d", i);
        snprintf(src, sizeof src, "fit('x', %d, { a = 1 })", i);
        mq_rule_release(compile_ok(name, src));
    }
    unsigned n = mq_engine_compiles(E);
    mq_rule_release(compile_ok("r69", "fit('x', 69, { a = 1 })"));   /* recent: cached */
    assert_int_equal(mq_engine_compiles(E), n);
    mq_rule *old = mq_engine_cached(E, "r0");                        /* evicted */
    assert_null(old);
    mq_rule_release(compile_ok("r0", "fit('x', 0, { a = 1 })"));
    assert_int_equal(mq_engine_compiles(E), n + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_budget_per_lead),
        cmocka_unit_test(test_budget_shared_with_events),
        cmocka_unit_test(test_stop_question),
        cmocka_unit_test(test_builder_memory_counted),
        cmocka_unit_test(test_cache_bounded),
    };
    return cmocka_run_group_tests_name("sandbox", tests, setup, teardown);
}
