/*
** test_engine.c — cmocka tests of the rule engine: compiling rules, the
** cache, limits, error messages, scoring arithmetic (decay, caps, grades,
** thresholds, signals) and value conversion between JSON, C and Lua.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadjson.h"
#include "luarule.h"
#include "mqtime.h"

#include "engine_fixture.h"

/* Compiles src, expecting failure with a message in err. */
static void compile_err(mq_err *err, const char *name, const char *src)
{
    mq_rule *r = mq_engine_rule(E, name, src, strlen(src), err);
    assert_null(r);
    assert_false(err->nomem);
}

static void assert_compile_error(const char *src, const char *expected)
{
    mq_err err;
    compile_err(&err, "t", src);
    assert_string_equal(err.msg, expected);
}

/* Scores lead JSON with rule, signals ranked by model (may be NULL); returns
** 0 or -1 with err. */
static int score_with(mq_rule *r, const mq_stages *model, const char *json, mq_result *res, mq_err *err)
{
    mq_json_lead jl;
    mq_err jerr;
    assert_int_equal(mq_json_lead_open(&jl, json, strlen(json), &jerr), 0);
    double as_of = 0;
    if (mq_json_lead_as_of(&jl, &as_of) != 1) as_of = mq_time_now();
    mq_engage eng;
    assert_int_equal(mq_engage_init(&eng, mq_rule_prog(r), as_of), 0);
    int rc = mq_json_lead_engage(&jl, &eng, err);
    if (rc == 0) rc = mq_prog_score(mq_rule_prog(r), model, &jl.src, &eng, res, err);
    mq_engage_free(&eng);
    mq_json_lead_close(&jl);
    return rc;
}

static int score(mq_rule *r, const char *json, mq_result *res, mq_err *err)
{
    return score_with(r, NULL, json, res, err);
}

static double score_of(mq_rule *r, const char *json)
{
    mq_result res;
    mq_err err;
    mq_result_init(&res);
    if (score(r, json, &res, &err) != 0) fail_msg("score: %s", err.nomem ? "out of memory" : err.msg);
    double s = res.score;
    mq_result_free(&res);
    return s;
}

static char *explain(mq_rule *r, const char *json)
{
    mq_result res;
    mq_err err;
    mq_result_init(&res);
    if (score(r, json, &res, &err) != 0) fail_msg("score: %s", err.nomem ? "out of memory" : err.msg);
    char *s = mq_result_json(mq_rule_prog(r), &res);
    mq_result_free(&res);
    return s;
}

/* ---- compiling and the cache -------------------------------------------------------- */

static void test_cache_and_recompile(void **state)
{
    (void)state;
    const char *v1 = "fit('big', 10, { employees = at_least(100) })";
    const char *v2 = "fit('big', 30, { employees = at_least(100) })";
    unsigned before = mq_engine_compiles(E);
    mq_rule *a = compile_ok("c", v1);
    mq_rule *b = compile_ok("c", v1);
    assert_ptr_equal(a, b);                               /* same source: cached */
    assert_int_equal(mq_engine_compiles(E), before + 1);
    assert_true(score_of(a, "{\"employees\": 500}") == 10);
    mq_rule *c = compile_ok("c", v2);                     /* changed source: recompiled */
    assert_ptr_not_equal(a, c);
    assert_int_equal(mq_engine_compiles(E), before + 2);
    assert_true(score_of(c, "{\"employees\": 500}") == 30);
    assert_true(score_of(a, "{\"employees\": 500}") == 10);   /* old one still usable */
    mq_rule *d = mq_engine_cached(E, "c");
    assert_ptr_equal(d, c);
    mq_rule_release(a);
    mq_rule_release(b);
    mq_rule_release(c);
    mq_rule_release(d);
}

static void test_rule_names(void **state)
{
    (void)state;
    mq_err err;
    assert_null(mq_engine_rule(E, "bad name", "", 0, &err));
    assert_string_equal(err.msg, "rule name 'bad name' must be 1 to 64 letters, digits, '_', '.' or '-'");
}

static void test_error_messages(void **state)
{
    (void)state;
    assert_compile_error("fit('x', 10, {", "rule 't' line 1: unexpected symbol near <eof>");
    assert_compile_error("\n\nerror('stop here')", "rule 't' line 3: stop here");
    assert_compile_error("error({})", "rule 't': error object is a table value");
    assert_compile_error("fit('x', 2.5, { a = 1 })", "rule 't' line 1: fit: points must be a whole number, found 2.5");
    assert_compile_error("fit('x', 5)", "rule 't' line 1: fit: a condition is required (argument 3)");
    assert_compile_error("fit('', 5, {a=1})", "rule 't' line 1: fit: reason must be UTF-8 text of 1 to 200 bytes");
    assert_compile_error("event('demo', 10, { cpa = 3 })", "rule 't' line 1: event: unknown option 'cpa'");
    assert_compile_error("fit('x', 1, { a = at_least('ten') })", "rule 't' line 1: at_least: argument 1 expected a number, found string");
    assert_compile_error("fit('x', 1, { a = between(5, 1) })", "rule 't' line 1: between: the low end is above the high end");
    assert_compile_error("thresholds { SQL = { score = 100, grade = 'Q' } }",
                         "rule 't': threshold SQL names grade 'Q', which is not in the grade scale");
    assert_compile_error("grades { 'A', 'B', start = 'Z' }", "rule 't' line 1: grades: start 'Z' is not one of the grades");
    assert_compile_error("decay { half_life_days = 0 }", "rule 't' line 1: decay: half_life_days expected a number of days above 0");
    assert_compile_error("x = nil + 1", "rule 't' line 1: attempt to perform arithmetic on a nil value");
}

/* ---- limits ------------------------------------------------------------------------- */

static void test_instruction_budget(void **state)
{
    (void)state;
    assert_int_equal(mq_engine_instruction_limit(E), MQ_DEFAULT_INSTRUCTION_LIMIT);
    assert_compile_error("local n = 0\nwhile true do n = n + 1 end",
                         "rule 't' line 2: instruction budget of 1000000 exceeded");
    /* pcall inside the rule cannot swallow it */
    assert_compile_error("while true do pcall(function() while true do end end) end",
                         "rule 't' line 1: instruction budget of 1000000 exceeded");
    assert_int_equal(mq_engine_set_instruction_limit(E, 10), -1);
    assert_int_equal(mq_engine_set_instruction_limit(E, 5000), 0);
    assert_compile_error("for i = 1, 1e6 do end", "rule 't' line 1: instruction budget of 5000 exceeded");
    assert_int_equal(mq_engine_set_instruction_limit(E, MQ_DEFAULT_INSTRUCTION_LIMIT), 0);
    /* a rule's function is budgeted per call too */
    mq_rule *r = compile_ok("spin", "fit('x', 1, function(l) while true do end end)");
    mq_result res;
    mq_err err;
    mq_result_init(&res);
    assert_int_equal(score(r, "{}", &res, &err), -1);
    assert_string_equal(err.msg, "rule 'spin' line 1: instruction budget of 1000000 exceeded");
    mq_result_free(&res);
    mq_rule_release(r);
}

static void test_memory_cap(void **state)
{
    (void)state;
    assert_int_equal(mq_engine_memory_limit(E), MQ_DEFAULT_MEMORY_LIMIT);
    assert_int_equal(mq_engine_set_memory_limit(E, 1000), -1);
    mq_err err;
    compile_err(&err, "t", "local s = string.rep('x', 1 << 30)");
    assert_string_equal(err.msg, "rule 't': out of memory (the limit is 67108864 bytes; see mqlite_limit('memory'))");
    compile_err(&err, "t", "local ok = pcall(string.rep, 'x', 1 << 30)\nerror('swallowed')");
    assert_string_equal(err.msg, "rule 't': out of memory (the limit is 67108864 bytes; see mqlite_limit('memory'))");
    /* The engine keeps working, and the garbage is given back. */
    assert_true(mq_engine_memory_used(E) < 4u << 20);
    mq_rule *r = compile_ok("after", "fit('x', 5, { a = 1 })");
    assert_true(score_of(r, "{\"a\": 1}") == 5);
    mq_rule_release(r);
}

static void test_sandbox_globals(void **state)
{
    (void)state;
    assert_compile_error("io.write('x')", "rule 't' line 1: attempt to index a nil value (global 'io')");
    assert_compile_error("os.execute('true')", "rule 't' line 1: attempt to call a nil value (field 'execute')");
    assert_compile_error("require('os')", "rule 't' line 1: attempt to call a nil value (global 'require')");
    assert_compile_error("dofile('/etc/passwd')", "rule 't' line 1: attempt to call a nil value (global 'dofile')");
    assert_compile_error("load('\\27Lua', 'x', 'b')", "rule 't' line 1: load: binary chunks are not allowed in a rule");
    assert_compile_error("string.dump(print)", "rule 't' line 1: attempt to call a nil value (field 'dump')");
    assert_compile_error("collectgarbage('stop')", "rule 't' line 1: collectgarbage: only \"count\" is allowed in a rule");
    /* allowed: os.time/date, string, math, utf8, table, load of text */
    mq_rule *r = compile_ok("ok", "assert(os.time{year=2025, month=1, day=1, hour=0} > 0)\n"
                                  "assert(load('return 1 + 1')() == 2)\n"
                                  "assert(utf8.len('é') == 1 and math.floor(2.5) == 2 and table.concat({'a','b'}) == 'ab')");
    mq_rule_release(r);
    /* a rule that redefines a global or a library function changes only itself */
    mq_rule *evil = compile_ok("evil", "string.lower = nil\nfit = nil\ntostring = nil");
    mq_rule *good = compile_ok("good", "fit('x', 1, function(l) return string.lower(tostring(l.a)) == 'yes' end)");
    assert_true(score_of(good, "{\"a\": \"YES\"}") == 1);
    mq_rule_release(evil);
    mq_rule_release(good);
    /* the string metatable is out of reach */
    assert_compile_error("getmetatable('').__index = {}", "rule 't' line 1: attempt to index a string value");
}

/* ---- scoring arithmetic ----------------------------------------------------------------- */

static void test_fit_and_tests(void **state)
{
    (void)state;
    mq_rule *r = compile_ok("fit",
        "fit('revenue', 20, { annual_revenue = at_least(1e6) })\n"
        "fit('size', 10, { employees = between(50, 5000) })\n"
        "fit('industry', 10, { industry = { 'software', 'saas' } })\n"
        "fit('title', 15, { title = contains { 'vp', 'chief' } })\n"
        "fit('free mail', -30, { email = free_email() })\n"
        "fit('corp domain', 5, { email = domain_in { 'acme.com' } })\n"
        "fit('phone', 5, { phone = true })\n"
        "fit('us', 5, { country = 'US' })\n"
        "fit('no title', -5, { title = missing() })\n");
    assert_true(score_of(r, "{\"annual_revenue\": 1000000, \"employees\": 50, \"industry\": \"SaaS\","
                            " \"title\": \"VP Sales\", \"email\": \"a@eu.acme.com\", \"phone\": true, \"country\": \"us\"}") == 70);
    assert_true(score_of(r, "{\"annual_revenue\": 999999, \"employees\": 5001, \"email\": \"x@GMail.com\"}") == -35);
    /* text that reads as a number is a number; attrs are fields too */
    assert_true(score_of(r, "{\"annual_revenue\": \"2000000\", \"title\": \"x\", \"attrs\": {\"phone\": \"yes\"}}") == 25);
    /* attrs given as JSON text, as the leads table stores it */
    assert_true(score_of(r, "{\"title\": \"x\", \"attrs\": \"{\\\"employees\\\": 60}\"}") == 10);
    mq_rule_release(r);
}

static void test_decay_caps_once(void **state)
{
    (void)state;
    mq_rule *r = compile_ok("eng",
        "decay { half_life_days = 90 }\n"
        "event('whitepaper_download', 10, { cap = 25 })\n"
        "event('demo_request', 50, { once = true })\n"
        "event('unsubscribe', -50, { decay = false })\n"
        "event('page_view', 25, { where = { url = contains '/pricing' }, reason = 'pricing page' })\n"
        "event('page_view', 1)\n");
    /* 90 days old: half of 10 */
    assert_true(score_of(r, "{\"as_of\": \"2025-04-01\", \"events\": ["
                            "{\"type\": \"whitepaper_download\", \"occurred_at\": \"2025-01-01\"}]}") == 5);
    /* three fresh downloads: 30 capped to 25 */
    char *x = explain(r, "{\"as_of\": \"2025-01-01\", \"events\": ["
                         "{\"type\": \"whitepaper_download\", \"occurred_at\": \"2025-01-01\"},"
                         "{\"type\": \"Whitepaper_Download\", \"occurred_at\": \"2025-01-01\"},"
                         "{\"type\": \"whitepaper_download\", \"occurred_at\": 1735689600}]}");
    assert_string_equal(x, "[{\"points\":30,\"reason\":\"whitepaper download (3 times)\",\"kind\":\"engagement\"},"
                           "{\"points\":-5,\"reason\":\"cap: whitepaper_download at most 25 points\",\"kind\":\"cap\"}]");
    free(x);
    /* once: the most recent demo counts, once; events after as_of are not seen */
    assert_true(score_of(r, "{\"as_of\": \"2025-04-01\", \"events\": ["
                            "{\"type\": \"demo_request\", \"occurred_at\": \"2025-01-01\"},"
                            "{\"type\": \"demo_request\", \"occurred_at\": \"2025-04-01\"},"
                            "{\"type\": \"demo_request\", \"occurred_at\": \"2025-05-01\"}]}") == 50);
    /* no decay on unsubscribe; props decide which page_view rule takes the event */
    x = explain(r, "{\"as_of\": \"2025-04-01\", \"events\": ["
                   "{\"type\": \"unsubscribe\", \"occurred_at\": \"2024-01-01\"},"
                   "{\"type\": \"page_view\", \"occurred_at\": \"2025-04-01\", \"props\": {\"url\": \"/pricing/team\"}},"
                   "{\"type\": \"page_view\", \"occurred_at\": \"2025-04-01\", \"props\": {\"url\": \"/blog\"}},"
                   "{\"type\": \"page_view\", \"occurred_at\": \"2025-04-01\"}]}");
    assert_string_equal(x, "[{\"points\":-50,\"reason\":\"unsubscribe\",\"kind\":\"engagement\"},"
                           "{\"points\":25,\"reason\":\"pricing page\",\"kind\":\"engagement\"},"
                           "{\"points\":2,\"reason\":\"page view (2 times)\",\"kind\":\"engagement\"}]");
    free(x);
    mq_rule_release(r);
}

/* The explanation's points add up exactly to the score, caps included. */
static void test_explain_adds_up(void **state)
{
    (void)state;
    mq_rule *r = compile_ok("sum",
        "group('firmo', { cap = 25 })\n caps { total = 60, engagement = 40 }\n"
        "fit('a', 20, { a = 1 }, { group = 'firmo' })\n fit('b', 15, { b = 1 }, { group = 'firmo' })\n"
        "decay { half_life_days = 30 }\n event('x', 7)\n event('y', 13, { cap = 20 })\n");
    const char *lead = "{\"a\": 1, \"b\": 1, \"as_of\": \"2025-03-01\", \"events\": ["
                       "{\"type\": \"x\", \"occurred_at\": \"2025-01-03\"}, {\"type\": \"x\", \"occurred_at\": \"2025-02-11\"},"
                       "{\"type\": \"y\", \"occurred_at\": \"2025-02-27\"}, {\"type\": \"y\", \"occurred_at\": \"2025-02-28\"},"
                       "{\"type\": \"y\", \"occurred_at\": \"2025-01-28\"}]}";
    mq_result res;
    mq_err err;
    mq_result_init(&res);
    assert_int_equal(score(r, lead, &res, &err), 0);
    double sum = 0;
    for (int i = 0; i < res.nitems; i++) {
        assert_true(res.items[i].points == floor(res.items[i].points));
        sum += res.items[i].points;
    }
    assert_true(sum == res.score);
    assert_true(res.fit == 25 && res.engagement == 26 && res.score == 51);   /* group cap -10, all fit */
    mq_result_free(&res);
    mq_rule_release(r);
}

/* Sums the points of res's items. */
static double items_sum(const mq_result *res)
{
    double sum = 0;
    for (int i = 0; i < res->nitems; i++) sum += res->items[i].points;
    return sum;
}

/* Each cap applies once, to what the caps before it left, and fit plus
** engagement is the score (issue 14: a group cap and the fit cap that both
** bound cut the lead twice, 20 where the caps allow 30, and the fit column
** left group caps out). */
static void test_caps_once(void **state)
{
    (void)state;
    mq_result res;
    mq_err err;
    mq_result_init(&res);
    mq_rule *r = compile_ok("caps1",
        "group('g', { cap = 30 })\n caps { fit = 30 }\n"
        "fit('a', 25, { a = 1 }, { group = 'g' })\n fit('b', 15, { b = 1 }, { group = 'g' })\n");
    assert_int_equal(score(r, "{\"a\": 1, \"b\": 1}", &res, &err), 0);
    assert_true(res.score == 30 && res.fit == 30 && res.engagement == 0);
    assert_true(items_sum(&res) == 30);
    mq_rule_release(r);
    /* a group of fit and events: its cut is shared 30:20 (-18 fit, -12
    ** engagement); the total cap's cut then 42:8 (-8, -2) */
    r = compile_ok("caps2",
        "group('g', { cap = 20 })\n caps { total = 40 }\n"
        "fit('a', 30, { a = 1 }, { group = 'g' })\n fit('b', 30, { b = 1 })\n"
        "event('x', 10, { group = 'g' })\n");
    assert_int_equal(score(r, "{\"a\": 1, \"b\": 1, \"as_of\": \"2025-03-01\", \"events\": ["
                              "{\"type\": \"x\", \"occurred_at\": \"2025-03-01\"},"
                              "{\"type\": \"x\", \"occurred_at\": \"2025-03-01\"}]}", &res, &err), 0);
    assert_true(res.score == 40 && res.fit == 34 && res.engagement == 6);
    assert_true(items_sum(&res) == 40);
    mq_result_free(&res);
    mq_rule_release(r);
}

/* A signal's stage is ranked by the stage model, not by the rule's thresholds
** (issue 14: a product-trial signal to PQL demoted a lead that was SQL by
** score); stages the model does not know still rank by the thresholds. */
static void test_signal_rank_by_model(void **state)
{
    (void)state;
    mq_stages *model = mq_stages_default();
    assert_non_null(model);
    mq_result res;
    mq_err err;
    mq_result_init(&res);
    mq_rule *r = compile_ok("pql",
        "thresholds { MQL = 50, SQL = 100 }\n fit('big', 120, { a = 1 })\n"
        "signal('trial_started', 'started a trial', { stage = 'PQL' })\n"
        "signal('hot', 'hot', { stage = 'Hot' })\n");
    const char *trial = "{\"a\": 1, \"as_of\": \"2025-03-01\", \"events\": [{\"type\": \"trial_started\", \"occurred_at\": \"2025-03-01\"}]}";
    assert_int_equal(score_with(r, model, trial, &res, &err), 0);
    assert_string_equal(res.stage, "SQL");
    assert_int_equal(score_with(r, NULL, trial, &res, &err), 0);   /* the old ranking, without a model */
    assert_string_equal(res.stage, "PQL");
    assert_int_equal(score_with(r, model, "{\"as_of\": \"2025-03-01\", \"events\": [{\"type\": \"trial_started\", \"occurred_at\": \"2025-03-01\"}]}",
                                &res, &err), 0);
    assert_string_equal(res.stage, "PQL");                        /* IQL by score: the signal lifts it */
    assert_int_equal(score_with(r, model, "{\"a\": 1, \"as_of\": \"2025-03-01\", \"events\": [{\"type\": \"hot\", \"occurred_at\": \"2025-03-01\"}]}",
                                &res, &err), 0);
    assert_string_equal(res.stage, "Hot");                        /* not in the model: above the thresholds */
    mq_result_free(&res);
    mq_rule_release(r);
    mq_stages_release(model);
}

static void test_grades_thresholds_signals(void **state)
{
    (void)state;
    mq_rule *r = compile_ok("stg",
        "thresholds { MQL = 50, SQL = { score = 100, grade = 'B' } }\n"
        "fit('a', 40, { a = 1 })\n fit('b', 40, { b = 1 })\n fit('c', 30, { c = 1 })\n"
        "fit('free mail', -30, { email = free_email() }, { grade = -2 })\n"
        "signal('audit_request', 'asked for an audit')\n");
    const mq_prog *p = mq_rule_prog(r);
    mq_result res;
    mq_err e2;
    mq_result_init(&res);
    /* default scale A+ A B C D F, start D; +1 per positive criterion */
    assert_int_equal(score(r, "{\"a\": 1, \"b\": 1, \"c\": 1}", &res, &e2), 0);
    assert_string_equal(p->grades[res.grade], "A");
    assert_string_equal(res.stage, "SQL");
    assert_int_equal(score(r, "{\"a\": 1, \"b\": 1, \"c\": 1, \"email\": \"x@gmail.com\"}", &res, &e2), 0);
    assert_string_equal(p->grades[res.grade], "C");            /* 3 up, 2 down */
    assert_string_equal(res.stage, "MQL");                     /* score 80 */
    assert_int_equal(score(r, "{\"email\": \"x@gmail.com\"}", &res, &e2), 0);
    assert_string_equal(p->grades[res.grade], "F");            /* clamped at the bottom */
    assert_string_equal(res.stage, "IQL");
    /* a signal goes straight to SQL whatever the score */
    assert_int_equal(score(r, "{\"events\": [{\"type\": \"audit_request\", \"occurred_at\": \"2020-01-01\"}]}", &res, &e2), 0);
    assert_string_equal(res.stage, "SQL");
    assert_true(res.score == 0);
    mq_result_free(&res);
    assert_string_equal(mq_prog_stage(p, 49, -1), "IQL");
    assert_string_equal(mq_prog_stage(p, 50, -1), "MQL");
    assert_string_equal(mq_prog_stage(p, 100, 2), "SQL");
    assert_string_equal(mq_prog_stage(p, 100, 3), "MQL");
    assert_null(mq_prog_stage(p, 100, -1));
    assert_string_equal(MQ_NEEDS_GRADE, "this rule's thresholds need a grade");
    mq_rule_release(r);
}

/* ---- value conversion --------------------------------------------------------------------- */

static void test_value_conversion(void **state)
{
    (void)state;
    mq_rule *r = compile_ok("conv",
        "fit('int', 1, function(l) return math.type(l.n) == 'integer' and l.n == 9007199254740993 end)\n"
        "fit('float', 2, function(l) return math.type(l.x) == 'float' and l.x == 2.5 end)\n"
        "fit('bool', 4, function(l) return l.b == true and l.f == false end)\n"
        "fit('string', 8, function(l) return l.s == 'héllo' and #l.s == 6 end)\n"
        "fit('table', 16, function(l) return l.o.k[2] == 'v' and l.missing == nil end)\n"
        "fit('points', 0, function(l) return l.n and 32 end)\n"
        "fit('attrs', 64, function(l) return l.deep == 1 end)\n");
    assert_true(score_of(r, "{\"n\": 9007199254740993, \"x\": 2.5, \"b\": true, \"f\": false,"
                            " \"s\": \"h\\u00e9llo\", \"o\": {\"k\": [1, \"v\"]}, \"attrs\": {\"deep\": 1}}") == 127);
    mq_rule_release(r);
    /* leads are read-only, and a function must return a boolean or points */
    r = compile_ok("ro", "fit('w', 1, function(l) l.x = 1 end)");
    mq_result res;
    mq_err err;
    mq_result_init(&res);
    assert_int_equal(score(r, "{}", &res, &err), -1);
    assert_string_equal(err.msg, "rule 'ro' line 1: a lead's fields are read-only in a rule");
    mq_rule_release(r);
    r = compile_ok("rs", "fit('w', 1, function(l) return 'yes' end)");
    assert_int_equal(score(r, "{}", &res, &err), -1);
    assert_string_equal(err.msg, "rule 'rs': a condition function returned a string; expected true, false, nil or a number of points");
    mq_result_free(&res);
    mq_rule_release(r);
}

static void test_json_errors(void **state)
{
    (void)state;
    mq_json_lead jl;
    mq_err err;
    assert_int_equal(mq_json_lead_open(&jl, "[1]", 3, &err), -1);
    assert_string_equal(err.msg, "expected a JSON object, found an array");
    assert_int_equal(mq_json_lead_open(&jl, "{\"a\":", 5, &err), -1);
    assert_string_equal(err.msg, "invalid JSON at line 1, column 5: unexpected token near end of file");
    assert_int_equal(mq_json_lead_open(&jl, "{\"a\":1,\"a\":2}", 13, &err), -1);
    assert_string_equal(err.msg, "invalid JSON at line 1, column 10: duplicate object key near '\"a\"'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_and_recompile),
        cmocka_unit_test(test_rule_names),
        cmocka_unit_test(test_error_messages),
        cmocka_unit_test(test_instruction_budget),
        cmocka_unit_test(test_memory_cap),
        cmocka_unit_test(test_sandbox_globals),
        cmocka_unit_test(test_fit_and_tests),
        cmocka_unit_test(test_decay_caps_once),
        cmocka_unit_test(test_caps_once),
        cmocka_unit_test(test_signal_rank_by_model),
        cmocka_unit_test(test_explain_adds_up),
        cmocka_unit_test(test_grades_thresholds_signals),
        cmocka_unit_test(test_value_conversion),
        cmocka_unit_test(test_json_errors),
    };
    return cmocka_run_group_tests_name("engine", tests, setup, teardown);
}
