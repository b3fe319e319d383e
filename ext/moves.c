/*
** moves.c — rule_moves(rule [, as_of]): the stage entries a rule makes, each
** at the moment it happened, by replaying every lead's history in time.
**
**     SELECT lead_id, from_stage, stage, entered_at, kind, reason
**     FROM rule_moves('b2b', '2026-11-30 02:00:00');
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
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "leadscan.h"
#include "luarule.h"
#include "mqtime.h"
#include "sqlarg.h"
#include "tablefn.h"

enum { COL_LEAD_ID, COL_FROM, COL_STAGE, COL_ENTERED, COL_KIND, COL_SCORE, COL_REASON, COL_RULE, COL_AS_OF };

typedef struct mv_event { double t; int rule; int seq; } mv_event;
typedef struct mv_entry { double t; int stage; int by_rule; int seq; } mv_entry;
typedef struct mv_move {
    int from, to;              /* stage indexes in the model; from -1: none */
    double t, score;           /* score: NAN for a stale demotion */
    const char *kind;
    char *reason;              /* sqlite3_malloc'd */
} mv_move;

typedef struct mv_cursor {
    sqlite3_vtab_cursor base;
    mq_conn *conn;
    mq_rule *rule;
    mq_stages *model;
    mq_leadscan scan;
    int scanning;
    sqlite3_stmt *hist;        /* the stage entries, in lead order */
    int hist_valid;
    double as_of;
    int stale_to;              /* model index of recycle's stale_to, or -1 */
    mq_engage eng, since;      /* all the lead's events; those after its detour */
    int eng_ready;
    mq_result res;
    mv_event *ev; int nev, evcap;
    mv_entry *en; int nen, encap;
    mv_move *mv; int nmv, mvcap;
    int pos;                   /* the row: mv[pos] */
    int eof;
} mv_cursor;

typedef struct mv_vtab { sqlite3_vtab base; mq_conn *conn; } mv_vtab;

static int mv_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **pp, char **err)
{
    (void)argc; (void)argv; (void)err;
    int rc = mq_vtab_declare(db, aux,
        "CREATE TABLE x(lead_id INTEGER, from_stage TEXT, stage TEXT, entered_at TEXT, kind TEXT,"
        " score REAL, reason TEXT, rule HIDDEN, as_of HIDDEN)");
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
    return mq_leadscan_plan(tab, info, "rule_moves", COL_LEAD_ID, COL_RULE, COL_AS_OF);
}

static int mv_open(sqlite3_vtab *tab, sqlite3_vtab_cursor **pp)
{
    mv_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c) return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    c->conn = ((mv_vtab *)tab)->conn;
    mq_result_init(&c->res);
    c->eof = 1;
    *pp = &c->base;
    return SQLITE_OK;
}

static void clear_moves(mv_cursor *c)
{
    for (int i = 0; i < c->nmv; i++) sqlite3_free(c->mv[i].reason);
    c->nmv = 0;
    c->pos = 0;
}

static void mv_reset(mv_cursor *c)
{
    clear_moves(c);
    if (c->scanning) mq_leadscan_close(&c->scan);
    c->scanning = 0;
    sqlite3_finalize(c->hist);
    c->hist = NULL;
    if (c->eng_ready) { mq_engage_free(&c->eng); mq_engage_free(&c->since); }
    c->eng_ready = 0;
    mq_rule_release(c->rule);
    c->rule = NULL;
    mq_stages_release(c->model);
    c->model = NULL;
    c->eof = 1;
}

static int mv_close(sqlite3_vtab_cursor *cur)
{
    mv_cursor *c = (mv_cursor *)cur;
    mv_reset(c);
    mq_result_free(&c->res);
    sqlite3_free(c->ev);
    sqlite3_free(c->en);
    sqlite3_free(c->mv);
    sqlite3_free(c);
    return SQLITE_OK;
}

/* Room for one more element of an array that doubles. */
static int room(void **arr, int n, int *cap, size_t size)
{
    if (n < *cap) return 0;
    int ncap = *cap ? *cap * 2 : 16;
    void *p = sqlite3_realloc64(*arr, (sqlite3_uint64)ncap * size);
    if (!p) return -1;
    *arr = p;
    *cap = ncap;
    return 0;
}

static int by_time(const void *a, const void *b, double ta, double tb, int sa, int sb)
{
    (void)a; (void)b;
    return ta < tb ? -1 : ta > tb ? 1 : (sa > sb) - (sa < sb);
}
static int cmp_event(const void *a, const void *b)
{
    const mv_event *x = a, *y = b;
    return by_time(a, b, x->t, y->t, x->seq, y->seq);
}
/* at the same time, others' entries before this rule's (see catch_up) */
static int cmp_entry(const void *a, const void *b)
{
    const mv_entry *x = a, *y = b;
    if (x->t == y->t && x->by_rule != y->by_rule) return x->by_rule - y->by_rule;
    return by_time(a, b, x->t, y->t, x->seq, y->seq);
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

/* The stage index of a name the rule or an entry gave; -1 with err set. */
static int stage_of(mv_cursor *c, const char *s, size_t n, mq_err *err)
{
    int i = mq_stages_find(c->model, s, n);
    if (i < 0) return mq_stages_unknown(c->model, err, "rule_moves", s, n);
    return i;
}

/* Reads the current lead's stage entries up to as_of into c->en, in time
** order. 0, or -1 with err set. */
static int read_entries(mv_cursor *c, mq_err *err)
{
    c->nen = 0;
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
            if (t <= c->as_of) {
                int st = stage_of(c, (const char *)sqlite3_column_text(c->hist, 1),
                                  (size_t)sqlite3_column_bytes(c->hist, 1), err);
                if (st < 0) return -1;
                if (room((void **)&c->en, c->nen, &c->encap, sizeof *c->en)) return mq_err_nomem(err);
                mv_entry *e = &c->en[c->nen];
                e->t = t;
                e->stage = st;
                e->by_rule = made_by((const char *)sqlite3_column_text(c->hist, 3), sqlite3_column_bytes(c->hist, 3), rule);
                e->seq = c->nen++;
            }
        }
        int rc = mq_step(c->conn, "stage_history", c->hist);
        if (rc == SQLITE_DONE) c->hist_valid = 0;
        else if (rc != SQLITE_ROW)
            return rc == SQLITE_NOMEM ? mq_err_nomem(err)
                                      : mq_err_set(err, "rule_moves: reading stage_history: %s", sqlite3_errmsg(c->conn->db));
    }
    if (c->nen > 1) qsort(c->en, (size_t)c->nen, sizeof *c->en, cmp_entry);
    return 0;
}

/* Reads the current lead's events up to as_of into c->ev (the event rule
** that takes each, judged once), in time order. */
static int read_events(mv_cursor *c, mq_err *err)
{
    c->nev = 0;
    mq_leadevent ev;
    memset(&ev, 0, sizeof ev);
    int rc;
    while ((rc = mq_leadscan_event(&c->scan, &ev, err)) == 1) {
        if (ev.t > c->as_of) continue;
        int k = mq_engage_match(&c->eng, ev.type, ev.typelen, &ev.props.src, err);
        if (k == -2) { rc = mq_err_prefix(err, "rule_moves: "); break; }
        if (k < 0) continue;
        if (room((void **)&c->ev, c->nev, &c->evcap, sizeof *c->ev)) { rc = mq_err_nomem(err); break; }
        c->ev[c->nev] = (mv_event){ev.t, k, c->nev};
        c->nev++;
    }
    mq_lazy_json_free(&ev.props);
    if (rc < 0) return -1;
    if (c->nev > 1) qsort(c->ev, (size_t)c->nev, sizeof *c->ev, cmp_event);
    return 0;
}

/* Why the rule moved the lead to stage `to`: the signal that took it there,
** or the score against the threshold it crossed, the event that tipped it
** (tipped: its event rule, or -1), and its three largest criteria (as
** lead_explain words them). */
static char *reason_of(mv_cursor *c, int to, int tipped)
{
    const mq_result *r = &c->res;
    const mq_prog *p = mq_rule_prog(c->rule);
    for (int i = 0; i < r->nitems; i++) {
        const mq_item *it = &r->items[i];
        if (it->kind == MQI_SIGNAL && mq_stages_find(c->model, it->stage, strlen(it->stage)) == to)
            return sqlite3_mprintf("signal: %s", it->reason);
    }
    sqlite3_str *s = sqlite3_str_new(NULL);
    const mq_threshold *th = NULL;
    for (int i = 0; i < p->nths && !th; i++)
        if (mq_stages_find(c->model, p->ths[i].stage, strlen(p->ths[i].stage)) == to) th = &p->ths[i];
    if (th) sqlite3_str_appendf(s, "score %g (%s at %g)", r->score, c->model->st[to].name, th->score);
    else sqlite3_str_appendf(s, "score %g (below every threshold)", r->score);
    if (tipped >= 0) sqlite3_str_appendf(s, " on \"%s\"", p->evs[tipped].reason);
    int used[3] = {-1, -1, -1};
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < r->nitems; i++) {
            const mq_item *it = &r->items[i];
            if (it->kind == MQI_CAP || it->points <= 0 || i == used[0] || i == used[1]) continue;
            if (used[k] < 0 || it->points > r->items[used[k]].points) used[k] = i;
        }
        if (used[k] < 0) break;
        const mq_item *it = &r->items[used[k]];
        sqlite3_str_appendf(s, it->count > 1 ? "%s %s (%d times)" : "%s %s", k ? ";" : ":", it->reason, it->count);
    }
    return sqlite3_str_finish(s);
}

static int add_move(mv_cursor *c, int from, int to, double t, double score, const char *kind, char *reason, mq_err *err)
{
    if (!reason || room((void **)&c->mv, c->nmv, &c->mvcap, sizeof *c->mv)) {
        sqlite3_free(reason);
        return mq_err_nomem(err);
    }
    c->mv[c->nmv++] = (mv_move){from, to, t, score, kind, reason};
    return 0;
}

/* The replay of one lead (the header says what it does). */
typedef struct mv_state {
    int cur;                   /* the lead's stage, -1 none */
    double cur_t;
    int cur_rule;              /* its entry is this rule's */
    int detour;                /* sent back: only events after detour_t count */
    double detour_t;
    double last_act;           /* the last event counted */
    int scored;                /* res holds the lead's fit part */
} mv_state;

/* The lead enters `stage` at t. Sent back is a detour (nurture, lost,
** disqualified), or an entry by someone else at a lower stage than the lead
** had (sales putting an SQL back to MQL): from then on only new activity
** counts. */
static void enter(mv_cursor *c, mv_state *s, int stage, double t, int by_rule)
{
    const mq_stage *st = &c->model->st[stage];
    int back = !st->on_path ||
               (!by_rule && s->cur >= 0 && c->model->st[s->cur].on_path && st->rank < c->model->st[s->cur].rank);
    if (back) {
        s->detour = 1;
        s->detour_t = t;
        mq_engage_reset(&c->since, t);
    } else if (by_rule) {
        s->detour = 0;               /* the rule moved it on: by new activity */
    }                                /* (sales moving it on again does not end the detour) */
    s->cur = stage;
    s->cur_t = t;
    s->cur_rule = by_rule;
}

/* When the lead's rule-made marketing stage goes stale (recycle's
** stale_after_days), or INFINITY. */
static double stale_at(const mv_cursor *c, const mv_state *s)
{
    const mq_prog *p = mq_rule_prog(c->rule);
    if (!p->stale_days || c->stale_to < 0 || s->cur < 0 || !s->cur_rule) return INFINITY;
    const mq_stage *st = &c->model->st[s->cur];
    if (!st->on_path || st->kind != MQK_MARKETING || mq_stages_find(c->model, p->below, strlen(p->below)) == s->cur)
        return INFINITY;
    return fmax(s->cur_t, s->last_act) + p->stale_days * 86400.0;
}

/* Whether this rule already made an entry at stage `to` after the entries
** applied so far (from j), with no detour before it: the move was written. */
static int written(const mv_cursor *c, int j, int to)
{
    for (; j < c->nen; j++) {
        if (c->en[j].by_rule && c->en[j].stage == to) return 1;
        if (!c->model->st[c->en[j].stage].on_path) return 0;
    }
    return 0;
}

/* Applies the entries before moment t (and sales' at t: their word stands at
** its own moment; this rule's own at t come after the replay's verdict at t)
** and a stale demotion due before t. */
static int catch_up(mv_cursor *c, mv_state *s, int *j, double t, mq_err *err)
{
    const mq_prog *p = mq_rule_prog(c->rule);
    for (;;) {
        const mv_entry *e = *j < c->nen ? &c->en[*j] : NULL;
        double et = e ? e->t : INFINITY, sa = stale_at(c, s);
        if (e && (et < t || (et == t && !e->by_rule)) && et <= sa) {
            enter(c, s, e->stage, et, e->by_rule);
            ++*j;
            continue;
        }
        if (sa < t && sa <= c->as_of) {
            char *why = sqlite3_mprintf("stale: no activity for %g days", p->stale_days);
            if (!written(c, *j, c->stale_to)) {
                if (add_move(c, s->cur, c->stale_to, sa, NAN, "stale", why, err)) return -1;
            } else {
                sqlite3_free(why);
            }
            enter(c, s, c->stale_to, sa, 1);
            continue;
        }
        return 0;
    }
}

static int replay(mv_cursor *c, mq_err *err)
{
    const mq_prog *p = mq_rule_prog(c->rule);
    double created = INFINITY;
    const char *ct = mq_leadscan_created(&c->scan);
    int created_done = !ct || mq_time_parse(ct, strlen(ct), &created) != 0;
    if (!created_done && created > c->as_of) return 0;     /* not a lead yet, as of then */
    mv_state s = {-1, 0, 0, 0, 0, -INFINITY, 0};
    int j = 0, k = 0;
    c->eng.as_of = -INFINITY;    /* nothing counted yet: the first advance scales no sum */
    while (!created_done || k < c->nev) {
        double t = k < c->nev ? c->ev[k].t : INFINITY;
        if (!created_done && created <= t) t = created;
        if (catch_up(c, &s, &j, t, err)) return -1;
        mq_engage_advance(&c->eng, t);
        if (s.detour) mq_engage_advance(&c->since, t);
        int counted = 0, tipped = -1;
        for (; k < c->nev && c->ev[k].t == t; k++) {
            tipped = c->ev[k].rule;
            mq_engage_count(&c->eng, c->ev[k].rule, t);
            if (s.detour && t > s.detour_t) { mq_engage_count(&c->since, c->ev[k].rule, t); counted = 1; }
            s.last_act = t;
        }
        if (created == t) created_done = 1;
        mq_engage *use = &c->eng;
        int move = 1;
        if (s.detour && !(p->requalify_days && t - s.detour_t >= p->requalify_days * 86400.0)) {
            use = &c->since;
            move = counted;              /* no new activity: no move */
        }
        if (move) {
            int rc = s.scored ? mq_prog_rescore(p, c->model, use, &c->res, err)
                              : mq_prog_score(p, c->model, &c->scan.src, use, &c->res, err);
            if (rc != 0) return mq_err_prefix(err, "rule_moves: ");
            s.scored = 1;
            if (!c->res.stage) return mq_err_set(err, "rule_moves: %s", MQ_NEEDS_GRADE);
            int to = stage_of(c, c->res.stage, strlen(c->res.stage), err);
            if (to < 0) return -1;
            if (s.cur < 0 || mq_stages_is_forward(c->model, s.cur, to)) {
                if (!written(c, j, to)) {
                    int signal = 0;
                    for (int i = 0; i < c->res.nitems && !signal; i++)
                        signal = c->res.items[i].kind == MQI_SIGNAL && c->res.items[i].stage &&
                                 mq_stages_find(c->model, c->res.items[i].stage, strlen(c->res.items[i].stage)) == to;
                    if (add_move(c, s.cur, to, t, c->res.score, signal ? "signal" : "score", reason_of(c, to, tipped), err))
                        return -1;
                }
                enter(c, &s, to, t, 1);
            }
        }
        /* this rule's own entries at t: what an earlier replay found here */
        for (; j < c->nen && c->en[j].t == t; j++) enter(c, &s, c->en[j].stage, t, c->en[j].by_rule);
    }
    if (catch_up(c, &s, &j, INFINITY, err)) return -1;
    return mq_leadscan_check(&c->scan, err);
}

/* Moves on to the next lead that has moves. */
static int mv_advance(mv_cursor *c)
{
    mq_err err;
    clear_moves(c);
    for (;;) {
        int rc = mq_leadscan_next(&c->scan, &err);
        if (rc < 0) return mq_vtab_err(c->base.pVtab, &err);
        if (rc == 0) { c->eof = 1; return SQLITE_OK; }
        mq_engage_reset(&c->eng, c->as_of);      /* the lead's budget, for its events' conditions */
        if (read_events(c, &err) || read_entries(c, &err) || replay(c, &err))
            return mq_vtab_err(c->base.pVtab, &err);
        if (c->nmv) return SQLITE_OK;
    }
}

static int mv_next(sqlite3_vtab_cursor *cur)
{
    mv_cursor *c = (mv_cursor *)cur;
    if (++c->pos < c->nmv) return SQLITE_OK;
    return mv_advance(c);
}

static int mv_filter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr, int argc, sqlite3_value **argv)
{
    (void)idxStr; (void)argc;
    mv_cursor *c = (mv_cursor *)cur;
    mv_reset(c);
    mq_err err;
    int a = 0;
    if (sqlite3_value_type(argv[a]) != SQLITE_TEXT) {
        mq_arg_message(&err, "rule_moves", 1, "a rule name (TEXT)", argv[a]);
        return mq_vtab_err(cur->pVtab, &err);
    }
    if (mq_reentered(c->conn, "rule_moves", &err)) return mq_vtab_err(cur->pVtab, &err);
    if (!(c->rule = mq_conn_rule(c->conn, "rule_moves", (const char *)sqlite3_value_text(argv[a++]), &err)) ||
        !(c->model = mq_conn_stages(c->conn, &err)))
        return mq_vtab_err(cur->pVtab, &err);
    const mq_prog *p = mq_rule_prog(c->rule);
    c->as_of = mq_time_now();
    if (idxNum & 1) {
        sqlite3_value *v = argv[a++];
        if (sqlite3_value_type(v) != SQLITE_NULL && mq_value_time(v, &c->as_of) != 0) {
            mq_arg_message(&err, "rule_moves", 2, MQ_TIME_WHAT, v);
            return mq_vtab_err(cur->pVtab, &err);
        }
    }
    c->stale_to = -1;
    if (p->stale_to && (c->stale_to = stage_of(c, p->stale_to, strlen(p->stale_to), &err)) < 0)
        return mq_vtab_err(cur->pVtab, &err);
    mq_leadrange range;
    int rc = mq_leadrange_read(&range, idxNum, argv, a);
    if (rc < 0) return SQLITE_NOMEM;
    if (rc > 0) return SQLITE_OK;
    if (mq_engage_init(&c->eng, p, c->as_of) != 0) { mq_leadrange_free(&range); return SQLITE_NOMEM; }
    if (mq_engage_init(&c->since, p, c->as_of) != 0) {
        mq_engage_free(&c->eng);
        mq_leadrange_free(&range);
        return SQLITE_NOMEM;
    }
    c->eng_ready = 1;
    c->scanning = 1;
    rc = mq_leadscan_open(&c->scan, c->conn, "rule_moves", p, &range, p->nevs > 0, &err);
    if (rc == 0) {
        char *q = sqlite3_mprintf("SELECT lead_id, stage, entered_at, source FROM stage_history%s"
                                  " ORDER BY lead_id, entered_at, id", mq_leadrange_where(&range));
        rc = !q ? mq_err_nomem(&err) : mq_prepare(c->conn, "stage_history", q, &c->hist) == SQLITE_OK ? 0
             : mq_err_set(&err, "rule_moves: %s (is schema/mqlite.sql loaded?)", sqlite3_errmsg(c->conn->db));
        sqlite3_free(q);
        if (rc == 0) {
            mq_leadrange_bind(c->hist, &range);
            int st = mq_step(c->conn, "stage_history", c->hist);
            if (st != SQLITE_ROW && st != SQLITE_DONE)
                rc = st == SQLITE_NOMEM ? mq_err_nomem(&err)
                                        : mq_err_set(&err, "rule_moves: reading stage_history: %s", sqlite3_errmsg(c->conn->db));
            c->hist_valid = st == SQLITE_ROW;
        }
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
    const mv_move *m = &c->mv[c->pos];
    char buf[32];
    switch (col) {
    case COL_LEAD_ID: sqlite3_result_int64(ctx, c->scan.lead_id); break;
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
    case COL_RULE: sqlite3_result_text(ctx, mq_rule_name(c->rule), -1, SQLITE_TRANSIENT); break;
    case COL_AS_OF: sqlite3_result_double(ctx, c->as_of); break;
    }
    return SQLITE_OK;
}

static int mv_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    mv_cursor *c = (mv_cursor *)cur;
    *rowid = c->scan.lead_id * 64 + c->pos;
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
    MQ_TABLE("rule_moves", 2, MQ_RUNS_RULE, &rule_moves_module, NULL),   /* arguments: rule, as_of */
    MQ_END
};
