/*
** decisions.c — rule_decisions(rule, outcome [, as_of]): each lead scored at
** the moment it was decided, beside whether it reached the outcome: the
** ground `mqlite evaluate` and `mqlite calibrate` judge a rule on.
**
**     SELECT roc_auc(score, outcome) FROM rule_decisions('b2b', 'SQL', '2026-06-30');
**
** Scoring every lead as of today judges a rule by the events that came after
** sales decided: the meeting logged when the lead was accepted makes the
** rule look prescient. So each lead is scored as of its decision moment:
** just before it first reached the outcome (its first entry at a main-path
** stage of the outcome's rank or beyond), or at as_of if it never did.
** Entries a rule made (source 'rule:...') are not outcomes: a rule is judged
** by what people and the CRM decided, never by its own writes or another
** rule's. Events at the moment itself are left out (a meeting logged as the
** lead is accepted is the decision, not evidence for it).
**
** The score is the rule's whole decision (fit, engagement with decay to the
** moment, caps, grade, the stage its thresholds, grade gates and signals
** give); criteria lists the criteria that gave the lead points, by their
** number in rule_criteria(rule). Fit is the lead's fields as they are now:
** a field the CRM filled in after the decision (a status tag) shows up as a
** criterion that nearly decides the outcome, which evaluate warns about.
** Leads created after as_of did not exist then and are not rows.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "leadscan.h"
#include "luarule.h"
#include "mqtime.h"
#include "sqlarg.h"
#include "tablefn.h"

enum { COL_LEAD_ID, COL_CREATED, COL_OUTCOME, COL_DECIDED, COL_SCORE, COL_FIT, COL_ENGAGEMENT, COL_GRADE,
       COL_STAGE, COL_CRITERIA, COL_RULE, COL_OUTCOME_STAGE, COL_AS_OF };

typedef struct dc_cursor {
    sqlite3_vtab_cursor base;
    mq_conn *conn;
    mq_rule *rule;
    mq_stages *model;
    mq_stage_names names;      /* the names entries use, resolved once */
    int outcome_rank;
    char *outcome_name;         /* as the model spells it */
    double as_of;
    mq_leadscan scan;
    int scanning;
    sqlite3_stmt *hist;         /* stage entries no rule made, in lead order */
    int hist_by_lead;           /* ... of one lead (?1), so kept from filter to filter */
    int hist_valid;
    mq_engage eng;
    int eng_ready;
    mq_result res;
    int outcome;                /* the current lead reached the outcome */
    double decided;             /* ... at this moment (as_of when it did not) */
    int eof;
} dc_cursor;

typedef struct dc_vtab { sqlite3_vtab base; mq_conn *conn; } dc_vtab;

static int dc_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **pp, char **err)
{
    (void)argc; (void)argv; (void)err;
    int rc = mq_vtab_declare(db, aux,
        "CREATE TABLE x(lead_id INTEGER, created_at TEXT, outcome INTEGER, decided_at TEXT, score REAL, fit REAL,"
        " engagement REAL, grade TEXT, stage TEXT, criteria TEXT, rule HIDDEN, outcome_stage HIDDEN, as_of HIDDEN)");
    if (rc != SQLITE_OK) return rc;
    dc_vtab *v = sqlite3_malloc(sizeof *v);
    if (!v) return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    v->conn = ((const mq_vtab_aux *)aux)->conn;
    *pp = &v->base;
    return SQLITE_OK;
}

static int dc_disconnect(sqlite3_vtab *v)
{
    sqlite3_free(v);
    return SQLITE_OK;
}

static int dc_best_index(sqlite3_vtab *tab, sqlite3_index_info *info)
{
    (void)tab;
    return mq_leadscan_plan(info, COL_LEAD_ID, COL_RULE, COL_AS_OF, COL_OUTCOME_STAGE);
}

static int dc_open(sqlite3_vtab *tab, sqlite3_vtab_cursor **pp)
{
    dc_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c) return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    c->conn = ((dc_vtab *)tab)->conn;
    c->eof = 1;
    mq_result_init(&c->res);
    *pp = &c->base;
    return SQLITE_OK;
}

static void dc_reset(dc_cursor *c)
{
    if (c->scanning) mq_leadscan_close(&c->scan);
    c->scanning = 0;
    sqlite3_finalize(c->hist);
    c->hist = NULL;
    if (c->eng_ready) mq_engage_free(&c->eng);
    c->eng_ready = 0;
    mq_rule_release(c->rule);
    c->rule = NULL;
    mq_stages_release(c->model);
    c->model = NULL;
    mq_stage_names_clear(&c->names);
    sqlite3_free(c->outcome_name);
    c->outcome_name = NULL;
    c->eof = 1;
}

static int dc_close(sqlite3_vtab_cursor *cur)
{
    dc_cursor *c = (dc_cursor *)cur;
    dc_reset(c);
    mq_result_free(&c->res);
    sqlite3_free(c);
    return SQLITE_OK;
}

static int fail(dc_cursor *c, mq_err *err) { return mq_vtab_err(c->base.pVtab, err); }

/* Reads the current lead's entries: the first at or beyond the outcome, up to
** as_of, sets outcome and decided. 0, or -1 with err set. */
static int read_entries(dc_cursor *c, mq_err *err)
{
    c->outcome = 0;
    c->decided = c->as_of;
    while (c->hist_valid) {
        sqlite3_int64 lid = sqlite3_column_int64(c->hist, 0);
        if (lid > c->scan.lead_id) break;
        if (lid == c->scan.lead_id && !c->outcome) {
            const char *ts = (const char *)sqlite3_column_text(c->hist, 2);
            double t;
            if (!ts || mq_time_parse(ts, (size_t)sqlite3_column_bytes(c->hist, 2), &t) != 0)
                return mq_err_set(err, "rule_decisions: a stage entry of lead %lld has a bad entered_at", (long long)lid);
            if (t <= c->as_of) {
                const char *name = (const char *)sqlite3_column_text(c->hist, 1);
                int n = sqlite3_column_bytes(c->hist, 1);
                int k = mq_stage_names_find(&c->names, c->model, name ? name : "", (size_t)n);
                if (k < 0) return mq_stages_unknown(c->model, err, "rule_decisions", name ? name : "", (size_t)n);
                if (c->model->st[k].on_path && c->model->st[k].rank >= c->outcome_rank) {
                    c->outcome = 1;
                    c->decided = t;
                }
            }
        }
        int rc = mq_step(c->conn, "stage_history", c->hist);
        if (rc == SQLITE_DONE) c->hist_valid = 0;
        else if (rc != SQLITE_ROW)
            return rc == SQLITE_NOMEM ? mq_err_nomem(err)
                                      : mq_err_db(err, c->conn->db, "rule_decisions: reading stage_history: ");
    }
    return 0;
}

/* Scores the current lead as of its decision: its events before the moment
** (half a second before: times are whole seconds, so one at the moment
** itself is out). */
static int score_lead(dc_cursor *c, mq_err *err)
{
    mq_engage_reset(&c->eng, c->outcome ? c->decided - 0.5 : c->decided);
    if (mq_leadscan_engage(&c->scan, &c->eng, err) != 0) return -1;
    if (mq_prog_score(mq_rule_prog(c->rule), c->model, &c->scan.src, &c->eng, &c->res, err) != 0)
        return mq_err_prefix(err, "rule_decisions: ");
    return mq_leadscan_check(&c->scan, err);
}

static int dc_next(sqlite3_vtab_cursor *cur)
{
    dc_cursor *c = (dc_cursor *)cur;
    mq_err err;
    for (;;) {
        int rc = mq_leadscan_next(&c->scan, &err);
        if (rc < 0) return fail(c, &err);
        if (rc == 0) { c->eof = 1; return SQLITE_OK; }
        const char *ct = mq_leadscan_created(&c->scan);
        double created;
        if (read_entries(c, &err) != 0) return fail(c, &err);
        if (ct && mq_time_parse(ct, strlen(ct), &created) == 0 && created > c->as_of) continue;
        if (score_lead(c, &err) != 0) return fail(c, &err);
        return SQLITE_OK;
    }
}

/* The outcome argument: a main-path stage, so that "reached it" has a meaning. */
static int read_outcome(dc_cursor *c, sqlite3_value *v, mq_err *err)
{
    if (sqlite3_value_type(v) != SQLITE_TEXT)
        return mq_arg_message(err, "rule_decisions", 2, "the outcome stage (TEXT, such as 'SQL' or 'won')", v);
    const char *s = (const char *)sqlite3_value_text(v);
    int k = mq_stages_find(c->model, s, (size_t)sqlite3_value_bytes(v));
    if (k < 0) return mq_stages_unknown(c->model, err, "rule_decisions", s, (size_t)sqlite3_value_bytes(v));
    if (!c->model->st[k].on_path)
        return mq_err_set(err, "rule_decisions: the outcome must be a stage on the main path (SQL, won, ...), "
                               "not the detour '%s'", c->model->st[k].name);
    c->outcome_rank = c->model->st[k].rank;
    sqlite3_free(c->outcome_name);
    if (!(c->outcome_name = sqlite3_mprintf("%s", c->model->st[k].name))) return mq_err_nomem(err);
    return 0;
}

static int dc_filter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr, int argc, sqlite3_value **argv)
{
    (void)idxStr; (void)argc;
    dc_cursor *c = (dc_cursor *)cur;
    mq_err err;
    int a = 0;
    c->eof = 1;
    if (mq_leadscan_unplanned(idxNum, "rule_decisions", &err) != 0) return fail(c, &err);
    if (sqlite3_value_type(argv[a]) != SQLITE_TEXT) {
        mq_arg_message(&err, "rule_decisions", 1, "a rule name (TEXT)", argv[a]);
        return fail(c, &err);
    }
    if (mq_reentered(c->conn, "rule_decisions", &err)) return fail(c, &err);
    mq_rule *rule = mq_conn_rule(c->conn, "rule_decisions", (const char *)sqlite3_value_text(argv[a++]), &err);
    if (!rule) return fail(c, &err);
    /* the same rule as the last filter (a join, lead by lead): the scans,
    ** the stage model and the engagement are kept, nothing is prepared again */
    if (rule == c->rule) mq_rule_release(rule);
    else { dc_reset(c); c->rule = rule; }
    c->as_of = mq_time_now();
    if (idxNum & 1) {
        sqlite3_value *v = argv[a++];
        if (sqlite3_value_type(v) != SQLITE_NULL && mq_value_time(v, &c->as_of) != 0) {
            mq_arg_message(&err, "rule_decisions", 3, MQ_TIME_WHAT, v);
            return fail(c, &err);
        }
    }
    if (!(idxNum & 64)) {
        mq_err_set(&err, "rule_decisions: the outcome stage is required, as in rule_decisions('b2b', 'SQL')");
        return fail(c, &err);
    }
    if ((!c->model && !(c->model = mq_conn_stages(c->conn, &err))) || read_outcome(c, argv[a++], &err) != 0)
        return fail(c, &err);
    const mq_prog *p = mq_rule_prog(c->rule);
    mq_leadrange range;
    int rc = mq_leadrange_read(&range, idxNum, argv, a);
    if (rc < 0) return SQLITE_NOMEM;
    if (rc > 0) return SQLITE_OK;
    if (!c->eng_ready && mq_engage_init(&c->eng, p, c->as_of) != 0) { mq_leadrange_free(&range); return SQLITE_NOMEM; }
    c->eng_ready = 1;
    c->scanning = 1;
    rc = mq_leadscan_open(&c->scan, c->conn, "rule_decisions", p, &range, p->nevs > 0, &err);
    if (rc == 0 && c->hist && range.by_lead && c->hist_by_lead) {
        sqlite3_reset(c->hist);            /* one lead again: the statement is kept */
    } else if (rc == 0) {
        sqlite3_finalize(c->hist);
        c->hist = NULL;
        c->hist_by_lead = range.by_lead;
        char *q = sqlite3_mprintf("SELECT lead_id, stage, entered_at FROM stage_history%s%s substr(source, 1, 5) IS NOT 'rule:'"
                                  " ORDER BY lead_id, entered_at, id", mq_leadrange_where(&range),
                                  *mq_leadrange_where(&range) ? " AND" : " WHERE");
        rc = !q ? mq_err_nomem(&err) : mq_prepare(c->conn, "stage_history", q, &c->hist) == SQLITE_OK ? 0
             : mq_err_set(&err, "rule_decisions: %s (is schema/mqlite.sql loaded?)", sqlite3_errmsg(c->conn->db));
        sqlite3_free(q);
    }
    if (rc == 0) {
        mq_leadrange_bind(c->hist, &range);
        int st = mq_step(c->conn, "stage_history", c->hist);
        if (st != SQLITE_ROW && st != SQLITE_DONE)
            rc = st == SQLITE_NOMEM ? mq_err_nomem(&err)
                                    : mq_err_db(&err, c->conn->db, "rule_decisions: reading stage_history: ");
        c->hist_valid = st == SQLITE_ROW;
    }
    mq_leadrange_free(&range);
    if (rc != 0) return fail(c, &err);
    c->eof = 0;
    return dc_next(cur);
}

static int dc_eof(sqlite3_vtab_cursor *cur) { return ((dc_cursor *)cur)->eof; }

/* The criteria that gave the lead points (or moved it, for a signal), as a
** JSON array of their numbers in rule_criteria: fit criteria first, then
** event rules, counting from 1. */
static char *criteria_json(const mq_prog *p, const mq_result *r)
{
    sqlite3_str *s = sqlite3_str_new(NULL);
    sqlite3_str_appendchar(s, 1, '[');
    int n = 0;
    for (int i = 0; i < r->nitems; i++) {
        const mq_item *it = &r->items[i];
        int k = -1;
        if (it->points == 0 && it->kind != MQI_SIGNAL) continue;     /* decayed to nothing: not a reason */
        if (it->kind == MQI_FIT) {
            for (int j = 0; j < p->nfits && k < 0; j++) if (p->fits[j].reason == it->reason) k = j;
        } else if (it->kind == MQI_EVENT || it->kind == MQI_SIGNAL) {
            for (int j = 0; j < p->nevs && k < 0; j++) if (p->evs[j].reason == it->reason) k = p->nfits + j;
        }
        if (k >= 0) sqlite3_str_appendf(s, n++ ? ",%d" : "%d", k + 1);
    }
    sqlite3_str_appendchar(s, 1, ']');
    return sqlite3_str_finish(s);
}

static int dc_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    dc_cursor *c = (dc_cursor *)cur;
    const mq_prog *p = mq_rule_prog(c->rule);
    char buf[32];
    switch (col) {
    case COL_LEAD_ID: sqlite3_result_int64(ctx, c->scan.lead_id); break;
    case COL_CREATED: {
        const char *ct = mq_leadscan_created(&c->scan);
        if (ct) sqlite3_result_text(ctx, ct, -1, SQLITE_TRANSIENT);
        break;
    }
    case COL_OUTCOME: sqlite3_result_int(ctx, c->outcome); break;
    case COL_DECIDED: if (mq_time_format(c->decided, buf) == 0) sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT); break;
    case COL_SCORE: sqlite3_result_double(ctx, c->res.score); break;
    case COL_FIT: sqlite3_result_double(ctx, c->res.fit); break;
    case COL_ENGAGEMENT: sqlite3_result_double(ctx, c->res.engagement); break;
    case COL_GRADE: sqlite3_result_text(ctx, p->grades[c->res.grade], -1, SQLITE_TRANSIENT); break;
    case COL_STAGE: sqlite3_result_text(ctx, c->res.stage, -1, SQLITE_TRANSIENT); break;
    case COL_CRITERIA: {
        char *json = criteria_json(p, &c->res);
        if (!json) return SQLITE_NOMEM;
        sqlite3_result_text(ctx, json, -1, sqlite3_free);
        break;
    }
    case COL_RULE: sqlite3_result_text(ctx, mq_rule_name(c->rule), -1, SQLITE_TRANSIENT); break;
    case COL_OUTCOME_STAGE: sqlite3_result_text(ctx, c->outcome_name, -1, SQLITE_TRANSIENT); break;
    case COL_AS_OF: sqlite3_result_double(ctx, c->as_of); break;
    }
    return SQLITE_OK;
}

static int dc_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    *rowid = ((dc_cursor *)cur)->scan.lead_id;
    return SQLITE_OK;
}

static const sqlite3_module rule_decisions_module = {
    .iVersion = 0,
    .xConnect = dc_connect,
    .xBestIndex = dc_best_index,
    .xDisconnect = dc_disconnect,
    .xOpen = dc_open,
    .xClose = dc_close,
    .xFilter = dc_filter,
    .xNext = dc_next,
    .xEof = dc_eof,
    .xColumn = dc_column,
    .xRowid = dc_rowid,
};

const mq_def mq_decisions_defs[] = {
    MQ_TABLE("rule_decisions", 3, MQ_RUNS_RULE, &rule_decisions_module, NULL),   /* arguments: rule, outcome, as_of */
    MQ_END
};
