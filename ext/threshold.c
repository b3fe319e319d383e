/*
** threshold.c — a rule's threshold for a stage, from SQL.
**
**     SELECT lead_threshold('b2b', 'MQL');                 -- 50.0
**     SELECT count(*) FROM scores WHERE score >= lead_threshold('b2b', 'SQL', 'B');
**
** lead_threshold(rule, stage [, grade]) is the lowest score s at which
** lead_stage(rule, s [, grade]) gives `stage` or a stage beyond it, by the
** rank of the stage model (stage_rank): one of the rule's threshold scores.
** NULL when no threshold reaches `stage` (and when an argument is NULL);
** -Inf when every score does (the rule's stage below all thresholds, say IQL,
** already ranks at or beyond it). Where the answer passes a threshold that
** needs a grade (SQL = { score = 100, grade = "B" }), the grade is required,
** as lead_stage requires it. So `mqlite report` asks for the MQL line of its
** chart instead of trying every whole score from -200 to 1000.
**
** It compiles the rule's Lua, which the database supplies, so it is
** SQLITE_DIRECTONLY and not DETERMINISTIC, as the functions of score.c.
*/
#include <math.h>
#include <string.h>

#include "conn.h"
#include "family.h"
#include "sqlarg.h"
#include "utf8text.h"

#define FN "lead_threshold"

/* The model's index of stage s[0..n), or -1 with the error set on ctx. rule:
** the rule whose threshold names s, NULL when s is the caller's argument. */
static int find_stage(sqlite3_context *ctx, const mq_stages *m, const char *s, size_t n, const mq_rule *rule)
{
    int k = mq_stages_find(m, s, n);
    if (k < 0) {
        mq_err err;
        if (rule) {
            char known[512], q[61], qr[61];
            mq_stages_list(m, known, sizeof known);
            mq_err_set(&err, FN ": rule '%s' gives stage '%s', which is not a known stage; known stages "
                             "are %s (add others to mqlite_stages or mqlite_stage_aliases)",
                       mq_utf8_excerpt_str(qr, sizeof qr, mq_rule_name(rule)), mq_utf8_excerpt(q, sizeof q, s, n), known);
        } else {
            mq_stages_unknown(m, &err, FN, s, n);
        }
        mq_result_err(ctx, &err);
    }
    return k;
}

/* The rank of the stage the rule gives at score, or -1 with the error set. */
static int rank_at(sqlite3_context *ctx, const mq_stages *m, const mq_rule *rule, double score, int grade)
{
    const char *stage = mq_prog_stage(mq_rule_prog(rule), score, grade);
    if (!stage) {
        mq_err err;
        mq_err_set(&err, FN ": rule '%s': %s; pass the grade as argument 3", mq_rule_name(rule), MQ_NEEDS_GRADE);
        mq_result_err(ctx, &err);
        return -1;
    }
    int k = find_stage(ctx, m, stage, strlen(stage), rule);
    return k < 0 ? -1 : m->st[k].rank;
}

/* The answer for a rule, the wanted rank and a grade index (-1: none). */
static void threshold(sqlite3_context *ctx, const mq_stages *m, const mq_rule *rule, int want, int grade)
{
    const mq_prog *p = mq_rule_prog(rule);
    int r = rank_at(ctx, m, rule, -INFINITY, grade);
    if (r < 0) return;
    if (r >= want) { sqlite3_result_double(ctx, -INFINITY); return; }
    /* p->ths is sorted highest score first: walk it from the lowest. The stage
    ** changes only at a threshold's score, so the answer is one of them. As in
    ** lead_stage, a missing grade is an error only where a threshold that
    ** needs one is reached: lead_threshold('b2b', 'MQL') needs no grade, 'SQL'
    ** does. */
    for (int i = p->nths - 1; i >= 0; i--) {
        if ((r = rank_at(ctx, m, rule, p->ths[i].score, grade)) < 0) return;
        if (r >= want) { sqlite3_result_double(ctx, p->ths[i].score); return; }
    }
    sqlite3_result_null(ctx);
}

static void fn_lead_threshold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int gt = argc == 3 ? sqlite3_value_type(argv[2]) : SQLITE_NULL;
    if (sqlite3_value_type(argv[1]) != SQLITE_NULL && sqlite3_value_type(argv[1]) != SQLITE_TEXT) {
        mq_arg_error(ctx, FN, 2, "a stage name (TEXT)", argv[1]);
        return;
    }
    if (gt != SQLITE_NULL && gt != SQLITE_TEXT) {
        mq_arg_error(ctx, FN, 3, "a grade (TEXT)", argv[2]);
        return;
    }
    mq_rule *rule = mq_rule_arg(ctx, FN, argv, 0);
    if (!rule) return;                          /* NULL, or the error is set */
    mq_err err;
    mq_stages *m = NULL;
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) goto done;
    if (!(m = mq_conn_stages(sqlite3_user_data(ctx), &err))) {
        mq_result_err(ctx, &err);
        goto done;
    }
    int k = find_stage(ctx, m, (const char *)sqlite3_value_text(argv[1]), (size_t)sqlite3_value_bytes(argv[1]), NULL);
    if (k < 0) goto done;
    int grade = -1;
    if (gt == SQLITE_TEXT) {
        const char *g = (const char *)sqlite3_value_text(argv[2]);
        size_t n = (size_t)sqlite3_value_bytes(argv[2]);
        if ((grade = mq_prog_grade_index(mq_rule_prog(rule), g, n)) < 0) {
            char q[41];
            mq_err_set(&err, FN ": grade '%s' is not in the grade scale of rule '%s'",
                       mq_utf8_excerpt(q, sizeof q, g, n), mq_rule_name(rule));
            mq_result_err(ctx, &err);
            goto done;
        }
    }
    threshold(ctx, m, rule, m->st[k].rank, grade);
done:
    mq_stages_release(m);
    mq_rule_release(rule);
}

const mq_def mq_threshold_defs[] = {
    MQ_FUNC("lead_threshold", 2, MQ_RUNS_RULE, fn_lead_threshold),
    MQ_FUNC("lead_threshold", 3, MQ_RUNS_RULE, fn_lead_threshold),
    MQ_END
};
