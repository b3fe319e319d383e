/*
** test_replay.c — cmocka tests of the replay (ext/replay.c) without SQLite:
** a rule compiled by the engine, the default stage model, and a lead's
** events and stage entries handed over by hand, to pin down the moments,
** the order within one moment, what "written once" and "sent back" mean,
** and that the lead's score as of a time is score_leads' own.
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

#include "luarule.h"
#include "replay.h"

#include "engine_fixture.h"

#define DAY 86400.0
#define T0 1735689600.0            /* 2025-01-01 00:00:00 */

static const char *const RULE =
    "thresholds { MQL = 50, SQL = 100 }\n"
    "decay { half_life_days = 30 }\n"
    "event('demo', 50, { once = true, reason = 'asked for a demo' })\n"
    "event('visit', 10, { reason = 'visited' })\n"
    "event('spam', -20, { reason = 'marked spam' })\n"
    "signal('audit', 'asked for an audit')\n"
    "recycle { stale_after_days = 10 }\n";

typedef struct fx {
    mq_rule *rule;
    mq_stages *model;
    mq_replay rp;
} fx;

static int st(const fx *f, const char *name) { return mq_stages_find(f->model, name, strlen(name)); }

/* A replay of RULE as of as_of, with the default pipeline. */
static void open_fx(fx *f, double as_of)
{
    f->rule = compile_ok("r", RULE);
    f->model = mq_stages_default();
    assert_non_null(f->model);
    const mq_prog *p = mq_rule_prog(f->rule);
    assert_int_equal(mq_replay_init(&f->rp, "test", p, f->model, as_of, st(f, "nurture"), st(f, "IQL")), 0);
    mq_replay_begin(&f->rp);
}

static void close_fx(fx *f)
{
    mq_replay_free(&f->rp);
    mq_stages_release(f->model);
    mq_rule_release(f->rule);
}

static void event(fx *f, double t, const char *type)
{
    mq_err err;
    int k = mq_engage_match(&f->rp.eng, type, strlen(type), NULL, &err);
    assert_true(k >= 0);
    assert_int_equal(mq_replay_event(&f->rp, t, k), 0);
}

static void run(fx *f, double created)
{
    mq_err err;
    if (mq_replay_run(&f->rp, NULL, created, &err) != 0) fail_msg("replay: %s", err.msg);
}

static void assert_move(const fx *f, int i, const char *to, double t, const char *kind)
{
    assert_true(i < f->rp.nmv);
    assert_string_equal(f->model->st[f->rp.mv[i].to].name, to);
    assert_true(f->rp.mv[i].t == t);
    assert_string_equal(f->rp.mv[i].kind, kind);
}

/* The crossing is dated by the event that tipped it, and names it. */
static void test_moment(void **state)
{
    (void)state;
    fx f;
    open_fx(&f, T0 + 60 * DAY);
    event(&f, T0 + 5 * DAY + 3600, "visit");
    event(&f, T0 + 6 * DAY + 36000, "demo");          /* 10:00 on day 6 */
    run(&f, T0);
    assert_int_equal(f.rp.nmv, 3);
    assert_move(&f, 0, "IQL", T0, "threshold");
    assert_move(&f, 1, "MQL", T0 + 6 * DAY + 36000, "threshold");
    assert_string_equal(f.rp.mv[1].reason, "score 60 (MQL at 50) on \"asked for a demo\": asked for a demo; visited");
    assert_move(&f, 2, "nurture", T0 + 16 * DAY + 36000, "stale");   /* ten quiet days later */
    close_fx(&f);
}

/* Events given out of order are replayed in time; two at one moment count together. */
static void test_order_and_same_moment(void **state)
{
    (void)state;
    fx f;
    open_fx(&f, T0 + 60 * DAY);
    for (int i = 0; i < 8; i++) event(&f, T0 + 9 * DAY, "visit");
    event(&f, T0 + 2 * DAY, "spam");
    run(&f, NAN);                                      /* no creation moment */
    assert_int_equal(f.rp.nmv, 3);                     /* the third: stale at day 19 */
    assert_move(&f, 0, "IQL", T0 + 2 * DAY, "threshold");
    assert_move(&f, 1, "MQL", T0 + 9 * DAY, "threshold");   /* 80 - 20 * 2^(-7/30) = 63 */
    close_fx(&f);
}

/* A move this rule wrote later is not written again; past a detour it may be. */
static void test_written_once(void **state)
{
    (void)state;
    fx f;
    open_fx(&f, T0 + 60 * DAY);
    event(&f, T0 + DAY, "demo");
    assert_int_equal(mq_replay_entry(&f.rp, T0, st(&f, "IQL"), 0), 0);
    assert_int_equal(mq_replay_entry(&f.rp, T0 + 3 * DAY, st(&f, "MQL"), 1), 0);   /* an earlier run's, dated later */
    run(&f, T0);
    assert_int_equal(f.rp.nmv, 1);                    /* the stale demotion after it, no second MQL */
    assert_move(&f, 0, "nurture", T0 + 13 * DAY, "stale");
    close_fx(&f);
}

/* Sent back by sales: old points do not count, new activity must qualify alone. */
static void test_sent_back(void **state)
{
    (void)state;
    fx f;
    open_fx(&f, T0 + 60 * DAY);
    assert_int_equal(mq_replay_entry(&f.rp, T0, st(&f, "MQL"), 0), 0);
    assert_int_equal(mq_replay_entry(&f.rp, T0 + 2 * DAY, st(&f, "nurture"), 0), 0);
    event(&f, T0 + DAY, "demo");                       /* before it: does not count after */
    event(&f, T0 + 3 * DAY, "visit");
    run(&f, T0);
    assert_int_equal(f.rp.nmv, 0);
    mq_replay_begin(&f.rp);
    assert_int_equal(mq_replay_entry(&f.rp, T0, st(&f, "MQL"), 0), 0);
    assert_int_equal(mq_replay_entry(&f.rp, T0 + 2 * DAY, st(&f, "nurture"), 0), 0);
    event(&f, T0 + DAY, "demo");
    event(&f, T0 + 3 * DAY, "visit");
    event(&f, T0 + 4 * DAY, "audit");                  /* a signal after it: straight to SQL */
    run(&f, T0);
    assert_int_equal(f.rp.nmv, 1);
    assert_move(&f, 0, "SQL", T0 + 4 * DAY, "signal");
    assert_string_equal(f.rp.mv[0].reason, "signal: asked for an audit");
    close_fx(&f);
}

/* Stale: due ten days after the last activity, not before as_of reaches it. */
static void test_stale(void **state)
{
    (void)state;
    fx f;
    open_fx(&f, T0 + 12 * DAY);
    event(&f, T0 + DAY, "demo");
    event(&f, T0 + 4 * DAY, "visit");
    run(&f, T0);
    assert_int_equal(f.rp.nmv, 2);                     /* IQL, MQL: stale at day 14, after as_of */
    close_fx(&f);
    open_fx(&f, T0 + 20 * DAY);
    event(&f, T0 + DAY, "demo");
    event(&f, T0 + 4 * DAY, "visit");
    run(&f, T0);
    assert_int_equal(f.rp.nmv, 3);
    assert_move(&f, 2, "nurture", T0 + 14 * DAY, "stale");
    assert_true(isnan(f.rp.mv[2].score));
    close_fx(&f);
}

/* The score as of as_of is the one mq_engage_add and mq_prog_score give. */
static void test_score_as_score_leads(void **state)
{
    (void)state;
    fx f;
    double as_of = T0 + 45 * DAY;
    open_fx(&f, as_of);
    const double ts[] = {T0 + 3 * DAY, T0 + DAY, T0 + 40 * DAY};
    const char *types[] = {"visit", "demo", "visit"};
    for (int i = 0; i < 3; i++) event(&f, ts[i], types[i]);
    run(&f, T0);
    mq_err err;
    assert_int_equal(mq_replay_score(&f.rp, NULL, &err), 0);
    mq_engage eng;
    mq_result res;
    mq_result_init(&res);
    assert_int_equal(mq_engage_init(&eng, mq_rule_prog(f.rule), as_of), 0);
    for (int i = 0; i < 3; i++) assert_int_equal(mq_engage_add(&eng, types[i], strlen(types[i]), ts[i], NULL, &err), 0);
    assert_int_equal(mq_prog_score(mq_rule_prog(f.rule), f.model, NULL, &eng, &res, &err), 0);
    assert_true(f.rp.res.score == res.score);
    assert_true(f.rp.res.engagement == res.engagement);
    assert_string_equal(f.rp.res.stage, res.stage);
    mq_engage_free(&eng);
    mq_result_free(&res);
    close_fx(&f);
}

/* A lead created after as_of has no moments. */
static void test_not_yet(void **state)
{
    (void)state;
    fx f;
    open_fx(&f, T0);
    run(&f, T0 + DAY);
    assert_int_equal(f.rp.nmv, 0);
    close_fx(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_moment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_and_same_moment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_written_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sent_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale, setup, teardown),
        cmocka_unit_test_setup_teardown(test_score_as_score_leads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_yet, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
