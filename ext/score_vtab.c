/*
** score_vtab.c — score_leads(rule [, as_of]): every lead of the leads table
** scored in one pass, without building JSON per row.
**
**     SELECT lead_id, score, grade, stage FROM score_leads('b2b') ORDER BY score DESC LIMIT 10;
**     SELECT explanation FROM score_leads('b2b', '2025-06-30') WHERE lead_id = 42;
**
** An eponymous table-valued function in the manner of SQLite's series.c: the
** arguments are HIDDEN columns. The leads and their events come from one
** merged scan (leadscan.h), so each lead's fit and engagement cost one step
** of each statement. The explanation is built only when selected.
*/
#include <stdlib.h>
#include <string.h>

#include "leadscan.h"
#include "mqtime.h"
#include "sqlarg.h"
#include "tablefn.h"

enum { COL_LEAD_ID, COL_SCORE, COL_FIT, COL_ENGAGEMENT, COL_GRADE, COL_STAGE, COL_EXPLANATION,
       COL_RULE, COL_AS_OF };

typedef struct sl_vtab {
    sqlite3_vtab base;
    mq_conn *conn;
} sl_vtab;

typedef struct sl_cursor {
    sqlite3_vtab_cursor base;
    mq_conn *conn;
    mq_rule *rule;
    mq_stages *model;           /* ranks a signal's stage against the score's */
    mq_leadscan scan;
    int scanning;               /* scan is open */
    int eof;
    double as_of;
    mq_engage eng;
    int eng_ready;
    mq_result res;
} sl_cursor;

static int sl_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **pp, char **err)
{
    (void)argc; (void)argv; (void)err;
    /* it runs the rule's Lua: its line's class, MQ_RUNS_RULE, makes it direct-only */
    int rc = mq_vtab_declare(db, aux,
        "CREATE TABLE x(lead_id INTEGER, score REAL, fit REAL, engagement REAL, grade TEXT,"
        " stage TEXT, explanation TEXT, rule HIDDEN, as_of HIDDEN)");
    if (rc != SQLITE_OK) return rc;
    sl_vtab *v = sqlite3_malloc(sizeof *v);
    if (!v) return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    v->conn = ((const mq_vtab_aux *)aux)->conn;
    *pp = &v->base;
    return SQLITE_OK;
}

static int sl_disconnect(sqlite3_vtab *v)
{
    sqlite3_free(v);
    return SQLITE_OK;
}

static int sl_best_index(sqlite3_vtab *tab, sqlite3_index_info *info)
{
    (void)tab;
    return mq_leadscan_plan(info, COL_LEAD_ID, COL_RULE, COL_AS_OF, -1);
}

static int sl_open(sqlite3_vtab *tab, sqlite3_vtab_cursor **pp)
{
    sl_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c) return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    c->conn = ((sl_vtab *)tab)->conn;
    mq_result_init(&c->res);
    *pp = &c->base;
    return SQLITE_OK;
}

static void sl_reset(sl_cursor *c)
{
    if (c->scanning) mq_leadscan_close(&c->scan);
    c->scanning = 0;
    if (c->eng_ready) mq_engage_free(&c->eng);
    c->eng_ready = 0;
    mq_rule_release(c->rule);
    c->rule = NULL;
    mq_stages_release(c->model);
    c->model = NULL;
    c->eof = 1;
}

static int sl_close(sqlite3_vtab_cursor *cur)
{
    sl_cursor *c = (sl_cursor *)cur;
    sl_reset(c);
    mq_result_free(&c->res);
    sqlite3_free(c);
    return SQLITE_OK;
}

static int fail(sl_cursor *c, mq_err *err)
{
    return mq_vtab_err(c->base.pVtab, err);
}

/* Moves to the next lead and scores it. */
static int sl_next(sqlite3_vtab_cursor *cur)
{
    sl_cursor *c = (sl_cursor *)cur;
    mq_err err;
    int rc = mq_leadscan_next(&c->scan, &err);
    if (rc < 0) return fail(c, &err);
    if (rc == 0) { c->eof = 1; return SQLITE_OK; }
    mq_engage_reset(&c->eng, c->as_of);
    if (mq_leadscan_engage(&c->scan, &c->eng, &err) != 0) return fail(c, &err);
    if (mq_prog_score(mq_rule_prog(c->rule), c->model, &c->scan.src, &c->eng, &c->res, &err) != 0) {
        mq_err_prefix(&err, "score_leads: ");
        return fail(c, &err);
    }
    if (mq_leadscan_check(&c->scan, &err) != 0) return fail(c, &err);
    return SQLITE_OK;
}

static int sl_filter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr, int argc, sqlite3_value **argv)
{
    (void)idxStr; (void)argc;
    sl_cursor *c = (sl_cursor *)cur;
    int a = 0;
    mq_err err;
    c->eof = 1;
    if (mq_leadscan_unplanned(idxNum, "score_leads", &err) != 0) return fail(c, &err);
    if (sqlite3_value_type(argv[a]) != SQLITE_TEXT) {
        mq_arg_message(&err, "score_leads", 1, "a rule name (TEXT)", argv[a]);
        return fail(c, &err);
    }
    if (mq_reentered(c->conn, "score_leads", &err)) return fail(c, &err);
    mq_rule *rule = mq_conn_rule(c->conn, "score_leads", (const char *)sqlite3_value_text(argv[a++]), &err);
    if (!rule) return fail(c, &err);
    /* the same rule as the last filter (a join that scores leads one by one):
    ** its scan and engagement are kept, so nothing is prepared again */
    if (rule == c->rule) mq_rule_release(rule);
    else { sl_reset(c); c->rule = rule; }
    mq_stages_release(c->model);
    c->model = NULL;
    const mq_prog *p = mq_rule_prog(c->rule);
    if (mq_prog_has_signals(p) && !(c->model = mq_conn_stages(c->conn, &err))) {
        mq_err_prefix(&err, "score_leads: ");
        return fail(c, &err);
    }
    c->as_of = mq_time_now();
    if (idxNum & 1) {
        sqlite3_value *v = argv[a++];
        /* NULL: now, as when not given */
        if (sqlite3_value_type(v) != SQLITE_NULL && mq_value_time(v, &c->as_of) != 0) {
            mq_arg_message(&err, "score_leads", 2, MQ_TIME_WHAT, v);
            return fail(c, &err);
        }
    }
    mq_leadrange range;
    int rc = mq_leadrange_read(&range, idxNum, argv, a);
    if (rc < 0) return SQLITE_NOMEM;
    if (rc > 0) { c->eof = 1; return SQLITE_OK; }
    if (!c->eng_ready && mq_engage_init(&c->eng, p, c->as_of) != 0) { mq_leadrange_free(&range); return SQLITE_NOMEM; }
    c->eng_ready = 1;
    c->scanning = 1;
    rc = mq_leadscan_open(&c->scan, c->conn, "score_leads", p, &range, p->nevs > 0, &err);
    mq_leadrange_free(&range);
    if (rc != 0) return fail(c, &err);
    c->eof = 0;
    return sl_next(cur);
}

static int sl_eof(sqlite3_vtab_cursor *cur) { return ((sl_cursor *)cur)->eof; }

static int sl_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    sl_cursor *c = (sl_cursor *)cur;
    const mq_prog *p = mq_rule_prog(c->rule);
    switch (col) {
    case COL_LEAD_ID: sqlite3_result_int64(ctx, c->scan.lead_id); break;
    case COL_SCORE: sqlite3_result_double(ctx, c->res.score); break;
    case COL_FIT: sqlite3_result_double(ctx, c->res.fit); break;
    case COL_ENGAGEMENT: sqlite3_result_double(ctx, c->res.engagement); break;
    case COL_GRADE: sqlite3_result_text(ctx, p->grades[c->res.grade], -1, SQLITE_TRANSIENT); break;
    case COL_STAGE: sqlite3_result_text(ctx, c->res.stage, -1, SQLITE_TRANSIENT); break;
    case COL_EXPLANATION: {
        char *json = mq_result_json(p, &c->res);
        if (!json) return SQLITE_NOMEM;
        sqlite3_result_text(ctx, json, -1, SQLITE_TRANSIENT);
        sqlite3_result_subtype(ctx, 74);
        free(json);
        break;
    }
    case COL_RULE: sqlite3_result_text(ctx, mq_rule_name(c->rule), -1, SQLITE_TRANSIENT); break;
    case COL_AS_OF: sqlite3_result_double(ctx, c->as_of); break;
    }
    return SQLITE_OK;
}

static int sl_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    *rowid = ((sl_cursor *)cur)->scan.lead_id;
    return SQLITE_OK;
}

static const sqlite3_module score_leads_module = {
    .iVersion = 0,
    .xConnect = sl_connect,
    .xBestIndex = sl_best_index,
    .xDisconnect = sl_disconnect,
    .xOpen = sl_open,
    .xClose = sl_close,
    .xFilter = sl_filter,
    .xNext = sl_next,
    .xEof = sl_eof,
    .xColumn = sl_column,
    .xRowid = sl_rowid,
};

const mq_def mq_score_vtab_defs[] = {
    MQ_TABLE("score_leads", 2, MQ_RUNS_RULE, &score_leads_module, NULL),   /* arguments: rule, as_of */
    MQ_END
};
