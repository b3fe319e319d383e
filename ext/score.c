/*
** score.c — scoring a lead given as JSON, from SQL.
**
**     SELECT lead_score('b2b', '{"annual_revenue": 2e6, "title": "VP Marketing"}');
**     SELECT lead_explain('b2b', json_object('email', email, 'attrs', attrs)) FROM leads;
**
** Functions: lead_score, lead_explain, lead_grade, lead_qualify, lead_stage and
** the aggregate engagement_score. They run the rule's Lua, which the database
** supplies (MQ_RUNS_RULE, family.h): a view, trigger or CHECK in a database
** made by someone else cannot make them run. Scores that a view should show
** are stored with `mqlite score` in the scores table.
*/
#include <stdlib.h>
#include <string.h>

#include "family.h"
#include "leadjson.h"
#include "mqtime.h"
#include "sqlarg.h"
#include "utf8text.h"

#define JSON_SUBTYPE 74   /* 'J': what SQLite's JSON functions mark JSON text with */

/* Sets err on ctx as "fn: what<message>". */
static void set_error(sqlite3_context *ctx, const char *fn, const char *what, mq_err *err)
{
    mq_err_prefix(err, "%s: %s", fn, what);
    mq_result_err(ctx, err);
}

/* Scores the lead JSON in argv[1] with the rule in argv[0]. Returns 1 with r
** filled, 0 when the result is NULL or an error is already set on ctx. */
static int score_args(sqlite3_context *ctx, const char *fn, sqlite3_value **argv,
                      mq_rule **rule, mq_result *r)
{
    *rule = NULL;
    int jt = sqlite3_value_type(argv[1]);
    if (jt != SQLITE_NULL && jt != SQLITE_TEXT) {
        mq_arg_error(ctx, fn, 2, "a JSON object", argv[1]);
        return 0;
    }
    mq_rule *rl = mq_rule_arg(ctx, fn, argv, 0);
    if (!rl || jt == SQLITE_NULL) {
        mq_rule_release(rl);
        return 0;
    }
    const mq_prog *p = mq_rule_prog(rl);
    mq_json_lead jl;
    mq_err err;
    if (mq_json_lead_open(&jl, (const char *)sqlite3_value_text(argv[1]),
                          (size_t)sqlite3_value_bytes(argv[1]), &err) != 0) {
        set_error(ctx, fn, "argument 2: ", &err);
        mq_rule_release(rl);
        return 0;
    }
    double as_of = 0;
    int has = mq_json_lead_as_of(&jl, &as_of);
    if (has < 0) {
        mq_err_set(&err, "%s: argument 2: \"as_of\" expected ISO-8601 text or unix seconds", fn);
        mq_result_err(ctx, &err);
        goto fail;
    }
    if (!has) as_of = mq_time_now();
    mq_engage eng;
    int use_events = mq_json_lead_has_events(&jl);
    if (use_events) {
        if (mq_engage_init(&eng, p, as_of) != 0) { sqlite3_result_error_nomem(ctx); goto fail; }
        if (mq_json_lead_engage(&jl, &eng, &err) != 0) {
            set_error(ctx, fn, "argument 2: ", &err);
            mq_engage_free(&eng);
            goto fail;
        }
    }
    /* (the stage model only for a rule with signals: lead_score() in an
    ** UPDATE of many rows would otherwise read mqlite_stages again per row,
    ** each row's change making the cached model look stale) */
    mq_stages *model = NULL;
    int rc = use_events && mq_prog_has_signals(p) && !(model = mq_conn_stages(sqlite3_user_data(ctx), &err))
                 ? -1 : mq_prog_score(p, model, &jl.src, use_events ? &eng : NULL, r, &err);
    mq_stages_release(model);
    if (use_events) mq_engage_free(&eng);
    if (rc != 0) {
        set_error(ctx, fn, "", &err);
        goto fail;
    }
    if (jl.attrs_read_bad) {
        /* the rule read a field from attrs that are not JSON: an error, as
        ** score_leads() gives, not a score as if the field were missing */
        mq_err where;
        if (mq_json_check(jl.attrs_text, jl.attrs_n, &where) != 0 && where.nomem) {
            mq_result_err(ctx, &where);
            goto fail;
        }
        mq_err_set(&err, "%s: argument 2: \"attrs\" is not valid JSON (%s)", fn, where.msg);
        mq_result_err(ctx, &err);
        goto fail;
    }
    mq_json_lead_close(&jl);
    *rule = rl;
    return 1;
fail:
    mq_json_lead_close(&jl);
    mq_rule_release(rl);
    return 0;
}

typedef enum { OUT_SCORE, OUT_EXPLAIN, OUT_GRADE, OUT_STAGE } lead_out;

/* Scores argv's lead and sets the one result that fn returns. */
static void lead_result(sqlite3_context *ctx, sqlite3_value **argv, const char *fn, lead_out what)
{
    mq_rule *rule;
    mq_result r;
    mq_result_init(&r);
    if (score_args(ctx, fn, argv, &rule, &r)) {
        const mq_prog *p = mq_rule_prog(rule);
        char *json;
        switch (what) {
        case OUT_SCORE: sqlite3_result_double(ctx, r.score); break;
        case OUT_GRADE: sqlite3_result_text(ctx, p->grades[r.grade], -1, SQLITE_TRANSIENT); break;
        case OUT_STAGE: sqlite3_result_text(ctx, r.stage, -1, SQLITE_TRANSIENT); break;
        case OUT_EXPLAIN:
            if (!(json = mq_result_json(p, &r))) {
                sqlite3_result_error_nomem(ctx);
                break;
            }
            sqlite3_result_text(ctx, json, -1, SQLITE_TRANSIENT);
            sqlite3_result_subtype(ctx, JSON_SUBTYPE);
            free(json);
            break;
        }
    }
    mq_result_free(&r);
    mq_rule_release(rule);
}

static void fn_lead_score(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    lead_result(ctx, argv, "lead_score", OUT_SCORE);
}

static void fn_lead_explain(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    lead_result(ctx, argv, "lead_explain", OUT_EXPLAIN);
}

static void fn_lead_grade(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    lead_result(ctx, argv, "lead_grade", OUT_GRADE);
}

static void fn_lead_qualify(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    lead_result(ctx, argv, "lead_qualify", OUT_STAGE);
}

/* rule_setting(rule, name): what the rule's recycle() declared, for the
** score script to plan a run: 'requalify_after_days' and 'stale_after_days'
** (days, NULL when not declared), 'stale_to' (a stage, NULL likewise). */
static void fn_rule_setting(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    static const char fn[] = "rule_setting";
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return;
    if (sqlite3_value_type(argv[1]) != SQLITE_TEXT) {
        mq_arg_error(ctx, fn, 2, "a setting's name (TEXT)", argv[1]);
        return;
    }
    mq_rule *rule = mq_rule_arg(ctx, fn, argv, 0);
    if (!rule) return;
    const mq_prog *p = mq_rule_prog(rule);
    const char *k = (const char *)sqlite3_value_text(argv[1]);
    if (strcmp(k, "requalify_after_days") == 0) {
        if (p->requalify_days) sqlite3_result_double(ctx, p->requalify_days);
    } else if (strcmp(k, "stale_after_days") == 0) {
        if (p->stale_days) sqlite3_result_double(ctx, p->stale_days);
    } else if (strcmp(k, "stale_to") == 0) {
        if (p->stale_to) sqlite3_result_text(ctx, p->stale_to, -1, SQLITE_TRANSIENT);
    } else {
        mq_arg_error(ctx, fn, 2, "'requalify_after_days', 'stale_after_days' or 'stale_to'", argv[1]);
    }
    mq_rule_release(rule);
}

/* lead_stage(rule, score [, grade]): the stage the rule's thresholds give. */
static void fn_lead_stage(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    static const char fn[] = "lead_stage";
    double score;
    int st = sqlite3_value_type(argv[1]);
    if (st != SQLITE_NULL && !mq_value_number(argv[1], &score)) {
        mq_arg_error(ctx, fn, 2, "a score (a number)", argv[1]);
        return;
    }
    if (argc == 3 && sqlite3_value_type(argv[2]) != SQLITE_NULL && sqlite3_value_type(argv[2]) != SQLITE_TEXT) {
        mq_arg_error(ctx, fn, 3, "a grade (TEXT)", argv[2]);
        return;
    }
    mq_rule *rule = mq_rule_arg(ctx, fn, argv, 0);
    if (!rule) return;
    const mq_prog *p = mq_rule_prog(rule);
    int grade = -1;
    if (st == SQLITE_NULL) goto done;
    if (argc == 3 && sqlite3_value_type(argv[2]) == SQLITE_TEXT) {
        grade = mq_prog_grade_index(p, (const char *)sqlite3_value_text(argv[2]), (size_t)sqlite3_value_bytes(argv[2]));
        if (grade < 0) {
            char q[41];
            mq_err err;
            mq_err_set(&err, "%s: grade '%s' is not in the grade scale of rule '%s'", fn,
                       mq_utf8_excerpt(q, sizeof q, (const char *)sqlite3_value_text(argv[2]),
                                       (size_t)sqlite3_value_bytes(argv[2])),
                       mq_rule_name(rule));
            mq_result_err(ctx, &err);
            goto done;
        }
    }
    const char *stage = mq_prog_stage(p, score, grade);
    if (!stage) {
        mq_err err;
        mq_err_set(&err, "%s: rule '%s': %s; pass the grade as argument 3", fn, mq_rule_name(rule), MQ_NEEDS_GRADE);
        mq_result_err(ctx, &err);
    } else {
        sqlite3_result_text(ctx, stage, -1, SQLITE_TRANSIENT);
    }
done:
    mq_rule_release(rule);
}

/* ---- engagement_score(rule, event_type, occurred_at [, props_json [, as_of]]) ---- */

typedef struct engage_agg {
    mq_rule *rule;
    mq_engage eng;
    int ready;
    int failed;
} engage_agg;

static void engage_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    static const char fn[] = "engagement_score";
    engage_agg *a = sqlite3_aggregate_context(ctx, sizeof *a);
    if (!a) { sqlite3_result_error_nomem(ctx); return; }
    if (a->failed) return;
    if (!a->ready) {
        double as_of = mq_time_now();
        if (argc == 5 && sqlite3_value_type(argv[4]) != SQLITE_NULL &&
            mq_arg_time(ctx, fn, 5, argv[4], &as_of) != 0) { a->failed = 1; return; }
        if (!(a->rule = mq_rule_arg(ctx, fn, argv, 0))) { a->failed = 1; return; }
        if (mq_engage_init(&a->eng, mq_rule_prog(a->rule), as_of) != 0) {
            sqlite3_result_error_nomem(ctx);
            a->failed = 1;
            return;
        }
        a->ready = 1;
    }
    int tt = sqlite3_value_type(argv[1]);
    if (tt == SQLITE_NULL || sqlite3_value_type(argv[2]) == SQLITE_NULL) return;   /* no event: LEFT JOIN */
    if (tt != SQLITE_TEXT) { mq_arg_error(ctx, fn, 2, "an event type (TEXT)", argv[1]); a->failed = 1; return; }
    double t;
    if (mq_arg_time(ctx, fn, 3, argv[2], &t) != 0) { a->failed = 1; return; }
    mq_lazy_json props;
    if (argc >= 4 && sqlite3_value_type(argv[3]) != SQLITE_NULL) {
        if (sqlite3_value_type(argv[3]) != SQLITE_TEXT) {
            mq_arg_error(ctx, fn, 4, "props as a JSON object", argv[3]);
            a->failed = 1;
            return;
        }
        mq_lazy_json_init(&props, (const char *)sqlite3_value_text(argv[3]), (size_t)sqlite3_value_bytes(argv[3]));
    } else {
        mq_lazy_json_init(&props, NULL, 0);
    }
    mq_err err;
    int rc = mq_engage_add(&a->eng, (const char *)sqlite3_value_text(argv[1]), (size_t)sqlite3_value_bytes(argv[1]),
                           t, &props.src, &err);
    mq_lazy_json_free(&props);
    if (rc != 0) {
        set_error(ctx, fn, "", &err);
        a->failed = 1;
    }
}

static void engage_final(sqlite3_context *ctx)
{
    engage_agg *a = sqlite3_aggregate_context(ctx, 0);
    if (!a) { sqlite3_result_null(ctx); return; }
    if (a->ready && !a->failed) {
        mq_result r;
        mq_err err;
        mq_result_init(&r);
        if (mq_prog_score(mq_rule_prog(a->rule), NULL, NULL, &a->eng, &r, &err) == 0)
            sqlite3_result_double(ctx, r.engagement);
        else
            set_error(ctx, "engagement_score", "", &err);
        mq_result_free(&r);
    }
    if (a->ready) mq_engage_free(&a->eng);
    mq_rule_release(a->rule);
    a->rule = NULL;
    a->ready = 0;
}

const mq_def mq_score_defs[] = {
    MQ_FUNC("lead_score",       2, MQ_RUNS_RULE, fn_lead_score),
    MQ_FUNC("lead_explain",     2, MQ_RUNS_RULE, fn_lead_explain),
    MQ_FUNC("lead_grade",       2, MQ_RUNS_RULE, fn_lead_grade),
    MQ_FUNC("lead_qualify",     2, MQ_RUNS_RULE, fn_lead_qualify),
    MQ_FUNC("rule_setting",     2, MQ_RUNS_RULE, fn_rule_setting),
    MQ_FUNC("lead_stage",       2, MQ_RUNS_RULE, fn_lead_stage),
    MQ_FUNC("lead_stage",       3, MQ_RUNS_RULE, fn_lead_stage),
    MQ_AGG( "engagement_score", 3, MQ_RUNS_RULE, engage_step, engage_final),
    MQ_AGG( "engagement_score", 4, MQ_RUNS_RULE, engage_step, engage_final),
    MQ_AGG( "engagement_score", 5, MQ_RUNS_RULE, engage_step, engage_final),
    MQ_END
};
