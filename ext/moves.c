/*
** moves.c — rule_moves(rule [, as_of]): the stage entries a rule makes, each
** at the moment it happened, by replaying every lead's history in time.
**
**     SELECT lead_id, from_stage, stage, entered_at, kind, reason
**     FROM rule_moves('b2b', '2026-11-30 02:00:00');
**
** kind: 'threshold' (the score crossed one), 'signal' (a signal event) or
** 'stale' (recycle's demotion).
**
** Scoring a snapshot dates an MQL at the batch run: a demo request at 10:00
** and a sales call at 15:00 become "contacted before MQL" when the nightly
** run says MQL at 02:00. So the lead's moments are replayed in order: its
** creation and each of its events, up to as_of. At each, the score as of
** that moment (decay applied to it) gives the rule's stage; a stage forward of
** the lead's stage at that moment (its latest entry, or a move made earlier
** in the replay) is a move, dated then. The as-of time itself is not a
** moment: a move is always dated by the data, so a replay every night and
** one over the same data later give the same dates.
**
** Others' entries are read as they come. A lead sent back by them (to a
** detour such as nurture, lost or disqualified, or to a lower stage) is
** moved forward again only by activity after that: from then on only those
** events count towards its score, and only at an event's moment, until the
** rule moves it on (sales moving it on again does not give the rule the old
** points back). A rule's recycle() may let the whole score count again after
** some days, or demote an MQL gone stale to a detour of its own.
**
** A move is written once, ever: the replay starts from the lead's first
** moment each time, and a move it finds is left out when this rule already
** made an entry at that stage later on with no detour between (an earlier
** run, dated when the data it had showed the move). So running the replay
** every night, or once over the same data, gives the same entries.
**
** Fit is taken as it is now (attrs keep no history); a lead created after
** as_of has no moments yet. Rows stream lead by lead (leadscan.h), in lead
** and time order; lead_id = ? and lead_id ranges are pushed down.
**
** With a third argument 1, rule_moves('b2b', as_of, 1), each lead's row of
** kind 'current' comes first: its score, fit, engagement, grade, stage and
** explanation as of as_of, as score_leads gives them. A nightly run needs
** both, and one pass over the events costs half of two.
** The replay itself is replay.c; this file reads its input from SQLite.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "leadscan.h"
#include "luarule.h"
#include "mqtime.h"
#include "replay.h"
#include "sqlarg.h"
#include "tablefn.h"

enum { COL_LEAD_ID, COL_FROM, COL_STAGE, COL_ENTERED, COL_KIND, COL_SCORE, COL_REASON,
       COL_FIT, COL_ENGAGEMENT, COL_GRADE, COL_EXPLANATION, COL_RULE, COL_AS_OF, COL_SCORES };

typedef struct mv_cursor {
    sqlite3_vtab_cursor base;
    mq_conn *conn;
    mq_rule *rule;
    mq_stages *model;
    mq_leadscan scan;
    int scanning;
    sqlite3_stmt *hist;        /* the stage entries, in lead order */
    int hist_by_lead;          /* ... of one lead (?1), so kept from filter to filter */
    int hist_valid;
    mq_replay rp;
    int rp_ready;
    int scores;                /* the lead's 'current' row first */
    int pos, nrows;            /* the row: pos of nrows for this lead */
    int eof;
    mq_stage_names names;      /* the names entries use, resolved once */
} mv_cursor;

typedef struct mv_vtab { sqlite3_vtab base; mq_conn *conn; } mv_vtab;

static int mv_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **pp, char **err)
{
    (void)argc; (void)argv; (void)err;
    int rc = mq_vtab_declare(db, aux,
        "CREATE TABLE x(lead_id INTEGER, from_stage TEXT, stage TEXT, entered_at TEXT, kind TEXT,"
        " score REAL, reason TEXT, fit REAL, engagement REAL, grade TEXT, explanation TEXT,"
        " rule HIDDEN, as_of HIDDEN, scores HIDDEN)");
    if (rc != SQLITE_OK) return rc;
    mv_vtab *v = sqlite3_malloc(sizeof *v);
    if (!v) return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    v->conn = ((const mq_vtab_aux *)aux)->conn;
    *pp = &v->base;
    return SQLITE_OK;
}

static int mv_disconnect(sqlite3_vtab *v)
{
    sqlite3_free(v);
    return SQLITE_OK;
}

static int mv_best_index(sqlite3_vtab *tab, sqlite3_index_info *info)
{
    (void)tab;
    return mq_leadscan_plan(info, COL_LEAD_ID, COL_RULE, COL_AS_OF, COL_SCORES);
}

static int mv_open(sqlite3_vtab *tab, sqlite3_vtab_cursor **pp)
{
    mv_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c) return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    c->conn = ((mv_vtab *)tab)->conn;
    c->eof = 1;
    *pp = &c->base;
    return SQLITE_OK;
}

static void mv_reset(mv_cursor *c)
{
    if (c->scanning) mq_leadscan_close(&c->scan);
    c->scanning = 0;
    sqlite3_finalize(c->hist);
    c->hist = NULL;
    if (c->rp_ready) mq_replay_free(&c->rp);
    c->rp_ready = 0;
    mq_rule_release(c->rule);
    c->rule = NULL;
    mq_stages_release(c->model);
    c->model = NULL;
    mq_stage_names_clear(&c->names);
    c->eof = 1;
}

static int mv_close(sqlite3_vtab_cursor *cur)
{
    mv_reset((mv_cursor *)cur);
    sqlite3_free(cur);
    return SQLITE_OK;
}

/* Whether an entry's source names this rule: "rule:NAME", or "rule:NAME@V"
** for a version of it (a rule's name has no '@'). */
static int made_by(const char *src, int n, const char *rule)
{
    size_t rn = strlen(rule);
    if (!src || n < 5 || memcmp(src, "rule:", 5) != 0) return 0;
    if ((size_t)n - 5 < rn || memcmp(src + 5, rule, rn) != 0) return 0;
    return (size_t)n - 5 == rn || src[5 + rn] == '@';
}

/* The stage index of a name an entry or the rule gave; -1 with err set. */
static int stage_of(mv_cursor *c, const char *s, int n, mq_err *err)
{
    int k = mq_stage_names_find(&c->names, c->model, s, (size_t)n);
    return k >= 0 ? k : mq_stages_unknown(c->model, err, "rule_moves", s, (size_t)n);
}

/* Reads the current lead's stage entries up to as_of into the replay.
** 0, or -1 with err set. */
static int read_entries(mv_cursor *c, mq_err *err)
{
    const char *rule = mq_rule_name(c->rule);
    while (c->hist_valid) {
        sqlite3_int64 lid = sqlite3_column_int64(c->hist, 0);
        if (lid > c->scan.lead_id) break;
        if (lid == c->scan.lead_id) {
            const char *ts = (const char *)sqlite3_column_text(c->hist, 2);
            double t;
            if (!ts || mq_time_parse(ts, (size_t)sqlite3_column_bytes(c->hist, 2), &t) != 0)
                return mq_err_set(err, "rule_moves: a stage entry of lead %lld has a bad entered_at",
                                  (long long)lid);
            if (t <= c->rp.as_of) {
                const char *name = (const char *)sqlite3_column_text(c->hist, 1);
                int st = stage_of(c, name ? name : "", sqlite3_column_bytes(c->hist, 1), err);
                if (st < 0) return -1;
                int by = made_by((const char *)sqlite3_column_text(c->hist, 3), sqlite3_column_bytes(c->hist, 3), rule);
                if (mq_replay_entry(&c->rp, t, st, by)) return mq_err_nomem(err);
            }
        }
        int rc = mq_step(c->conn, "stage_history", c->hist);
        if (rc == SQLITE_DONE) c->hist_valid = 0;
        else if (rc != SQLITE_ROW)
            return rc == SQLITE_NOMEM ? mq_err_nomem(err)
                                      : mq_err_db(err, c->conn->db, "rule_moves: reading stage_history: ");
    }
    return 0;
}

/* Reads the current lead's events up to as_of into the replay (the event
** rule that takes each, judged once). */
static int read_events(mv_cursor *c, mq_err *err)
{
    mq_leadevent ev;
    memset(&ev, 0, sizeof ev);
    int rc;
    while ((rc = mq_leadscan_event(&c->scan, &ev, err)) == 1) {
        if (ev.t > c->rp.as_of) continue;
        int k = mq_engage_match(&c->rp.eng, ev.type, ev.typelen, &ev.props.src, err);
        if (k == -2) { rc = mq_err_prefix(err, "rule_moves: "); break; }
        if (k >= 0 && mq_replay_event(&c->rp, ev.t, k)) { rc = mq_err_nomem(err); break; }
    }
    mq_lazy_json_free(&ev.props);
    return rc < 0 ? -1 : 0;
}

/* Moves on to the next lead that has rows. */
static int mv_advance(mv_cursor *c)
{
    mq_err err;
    for (;;) {
        c->pos = c->nrows = 0;
        int rc = mq_leadscan_next(&c->scan, &err);
        if (rc < 0) return mq_vtab_err(c->base.pVtab, &err);
        if (rc == 0) { c->eof = 1; return SQLITE_OK; }
        mq_replay_begin(&c->rp);
        const char *ct = mq_leadscan_created(&c->scan);
        double created;
        if (!ct || mq_time_parse(ct, strlen(ct), &created) != 0) created = NAN;
        if (read_events(c, &err) || read_entries(c, &err) || mq_replay_run(&c->rp, &c->scan.src, created, &err) ||
            (c->scores && mq_replay_score(&c->rp, &c->scan.src, &err)) || mq_leadscan_check(&c->scan, &err))
            return mq_vtab_err(c->base.pVtab, &err);
        c->nrows = c->rp.nmv + c->scores;
        if (c->nrows) return SQLITE_OK;
    }
}

static int mv_next(sqlite3_vtab_cursor *cur)
{
    mv_cursor *c = (mv_cursor *)cur;
    if (++c->pos < c->nrows) return SQLITE_OK;
    return mv_advance(c);
}

static int mv_filter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr, int argc, sqlite3_value **argv)
{
    (void)idxStr; (void)argc;
    mv_cursor *c = (mv_cursor *)cur;
    mq_err err;
    int a = 0;
    c->eof = 1;
    if (mq_leadscan_unplanned(idxNum, "rule_moves", &err) != 0) return mq_vtab_err(cur->pVtab, &err);
    if (sqlite3_value_type(argv[a]) != SQLITE_TEXT) {
        mq_arg_message(&err, "rule_moves", 1, "a rule name (TEXT)", argv[a]);
        return mq_vtab_err(cur->pVtab, &err);
    }
    if (mq_reentered(c->conn, "rule_moves", &err)) return mq_vtab_err(cur->pVtab, &err);
    mq_rule *rule = mq_conn_rule(c->conn, "rule_moves", (const char *)sqlite3_value_text(argv[a++]), &err);
    if (!rule) return mq_vtab_err(cur->pVtab, &err);
    double as_of = mq_time_now();
    if (idxNum & 1) {
        sqlite3_value *v = argv[a++];
        if (sqlite3_value_type(v) != SQLITE_NULL && mq_value_time(v, &as_of) != 0) {
            mq_rule_release(rule);
            mq_arg_message(&err, "rule_moves", 2, MQ_TIME_WHAT, v);
            return mq_vtab_err(cur->pVtab, &err);
        }
    }
    c->scores = 0;
    if (idxNum & 64) {
        sqlite3_value *v = argv[a++];
        if (sqlite3_value_type(v) != SQLITE_NULL &&
            (sqlite3_value_type(v) != SQLITE_INTEGER || (sqlite3_value_int64(v) != 0 && sqlite3_value_int64(v) != 1))) {
            mq_rule_release(rule);
            mq_arg_message(&err, "rule_moves", 3, "0 or 1 (whether each lead's current score comes too)", v);
            return mq_vtab_err(cur->pVtab, &err);
        }
        c->scores = sqlite3_value_int(v);
    }
    /* the same rule as the last filter (a join, lead by lead): the scans and
    ** the replay are kept, so nothing is prepared again */
    if (rule == c->rule) mq_rule_release(rule);
    else { mv_reset(c); c->rule = rule; }
    const mq_prog *p = mq_rule_prog(c->rule);
    if (!c->model) {
        if (!(c->model = mq_conn_stages(c->conn, &err))) return mq_vtab_err(cur->pVtab, &err);
        int stale_to = -1, below = mq_stages_find(c->model, p->below, strlen(p->below));
        if (p->stale_to && (stale_to = stage_of(c, p->stale_to, (int)strlen(p->stale_to), &err)) < 0)
            return mq_vtab_err(cur->pVtab, &err);
        if (mq_replay_init(&c->rp, "rule_moves", p, c->model, as_of, stale_to, below) != 0) return SQLITE_NOMEM;
        c->rp_ready = 1;
    }
    c->rp.as_of = as_of;
    mq_leadrange range;
    int rc = mq_leadrange_read(&range, idxNum, argv, a);
    if (rc < 0) return SQLITE_NOMEM;
    if (rc > 0) return SQLITE_OK;
    c->scanning = 1;
    rc = mq_leadscan_open(&c->scan, c->conn, "rule_moves", p, &range, p->nevs > 0, &err);
    if (rc == 0 && c->hist && range.by_lead && c->hist_by_lead) {
        sqlite3_reset(c->hist);            /* one lead again: the statement is kept */
        mq_leadrange_bind(c->hist, &range);
    } else if (rc == 0) {
        sqlite3_finalize(c->hist);
        c->hist = NULL;
        char *q = sqlite3_mprintf("SELECT lead_id, stage, entered_at, source FROM stage_history%s"
                                  " ORDER BY lead_id, entered_at, id", mq_leadrange_where(&range));
        rc = !q ? mq_err_nomem(&err) : mq_prepare(c->conn, "stage_history", q, &c->hist) == SQLITE_OK ? 0
             : mq_err_set(&err, "rule_moves: %s (is schema/mqlite.sql loaded?)", sqlite3_errmsg(c->conn->db));
        sqlite3_free(q);
        if (rc == 0) mq_leadrange_bind(c->hist, &range);
        c->hist_by_lead = range.by_lead;
    }
    if (rc == 0) {
        int st = mq_step(c->conn, "stage_history", c->hist);
        if (st != SQLITE_ROW && st != SQLITE_DONE)
            rc = st == SQLITE_NOMEM ? mq_err_nomem(&err)
                                    : mq_err_db(&err, c->conn->db, "rule_moves: reading stage_history: ");
        c->hist_valid = st == SQLITE_ROW;
    }
    mq_leadrange_free(&range);
    if (rc != 0) return mq_vtab_err(cur->pVtab, &err);
    c->eof = 0;
    return mv_advance(c);
}

static int mv_eof(sqlite3_vtab_cursor *cur) { return ((mv_cursor *)cur)->eof; }

static int mv_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    mv_cursor *c = (mv_cursor *)cur;
    const mq_result *r = &c->rp.res;
    const mq_prog *p = mq_rule_prog(c->rule);
    char buf[32];
    switch (col) {       /* the same in every row */
    case COL_LEAD_ID: sqlite3_result_int64(ctx, c->scan.lead_id); return SQLITE_OK;
    case COL_RULE: sqlite3_result_text(ctx, mq_rule_name(c->rule), -1, SQLITE_TRANSIENT); return SQLITE_OK;
    case COL_AS_OF: sqlite3_result_double(ctx, c->rp.as_of); return SQLITE_OK;
    case COL_SCORES: sqlite3_result_int(ctx, c->scores); return SQLITE_OK;
    }
    if (c->scores && c->pos == 0) {      /* the lead's current score */
        switch (col) {
        case COL_STAGE: sqlite3_result_text(ctx, r->stage, -1, SQLITE_TRANSIENT); break;
        case COL_KIND: sqlite3_result_text(ctx, "current", -1, SQLITE_STATIC); break;
        case COL_SCORE: sqlite3_result_double(ctx, r->score); break;
        case COL_FIT: sqlite3_result_double(ctx, r->fit); break;
        case COL_ENGAGEMENT: sqlite3_result_double(ctx, r->engagement); break;
        case COL_GRADE: sqlite3_result_text(ctx, p->grades[r->grade], -1, SQLITE_TRANSIENT); break;
        case COL_EXPLANATION: {
            char *json = mq_result_json(p, r);
            if (!json) return SQLITE_NOMEM;
            sqlite3_result_text(ctx, json, -1, SQLITE_TRANSIENT);
            sqlite3_result_subtype(ctx, 74);
            free(json);
            break;
        }
        }
        return SQLITE_OK;
    }
    const mq_rp_move *m = &c->rp.mv[c->pos - c->scores];
    switch (col) {
    case COL_FROM:
        if (m->from >= 0) sqlite3_result_text(ctx, c->model->st[m->from].name, -1, SQLITE_TRANSIENT);
        break;
    case COL_STAGE: sqlite3_result_text(ctx, c->model->st[m->to].name, -1, SQLITE_TRANSIENT); break;
    case COL_ENTERED:
        if (mq_time_format(m->t, buf) == 0) sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
        break;
    case COL_KIND: sqlite3_result_text(ctx, m->kind, -1, SQLITE_STATIC); break;
    case COL_SCORE: if (!isnan(m->score)) sqlite3_result_double(ctx, m->score); break;
    case COL_REASON: sqlite3_result_text(ctx, m->reason, -1, SQLITE_TRANSIENT); break;
    }
    return SQLITE_OK;
}

static int mv_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    mv_cursor *c = (mv_cursor *)cur;
    *rowid = c->scan.lead_id;
    return SQLITE_OK;
}

static const sqlite3_module rule_moves_module = {
    .iVersion = 0,
    .xConnect = mv_connect,
    .xBestIndex = mv_best_index,
    .xDisconnect = mv_disconnect,
    .xOpen = mv_open,
    .xClose = mv_close,
    .xFilter = mv_filter,
    .xNext = mv_next,
    .xEof = mv_eof,
    .xColumn = mv_column,
    .xRowid = mv_rowid,
};

const mq_def mq_moves_defs[] = {
    MQ_TABLE("rule_moves", 3, MQ_RUNS_RULE, &rule_moves_module, NULL),   /* arguments: rule, as_of, scores */
    MQ_END
};
