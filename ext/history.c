/*
** history.c — the ordered scan of stage_history shared by the funnel reports.
**
** One pass in lead order (the stage_history_lead index), the group value
** joined from leads, each stage name mapped to the model through the
** model's name cache (stagemodel.h).
*/
#include "history.h"

#include <math.h>
#include <string.h>

#include "mqtime.h"
#include "utf8text.h"

/* A step of the scan failed (rc): out of memory, or why it could not read. */
static int read_failed(mq_history *h, int rc)
{
    if (rc == SQLITE_NOMEM) return mq_err_nomem(&h->err);
    return mq_err_db(&h->err, h->conn->db, "%s: reading stage_history: ", h->fn);
}

int mq_history_open(mq_history *h, mq_conn *conn, const char *fn, const mq_groupby *group, const double *as_of)
{
    memset(h, 0, sizeof *h);
    h->conn = conn;
    h->fn = fn;
    if (as_of) {
        h->cutoff = *as_of;
        h->has_cutoff = 1;
    }
    int grouped = group && group->on;
    h->what = grouped ? "stage_history or leads" : "stage_history";
    if (mq_reentered(conn, fn, &h->err)) return -1;
    if (!(h->m = mq_conn_stages(conn, &h->err))) return mq_err_prefix(&h->err, "%s: ", fn);
    for (int i = 0; i < h->m->n; i++)
        if (h->m->st[i].rank >= MQ_MAX_RANK || h->m->st[i].rank < 0) {
            char q[61];
            return mq_err_set(&h->err, "%s: stage '%s' has rank %d; ranks must be from 0 to %d", fn,
                              mq_utf8_excerpt_str(q, sizeof q, h->m->st[i].name), h->m->st[i].rank, MQ_MAX_RANK - 1);
        }
    /* the group value: groupby.c's expression over main.leads, its key ?1 */
    char *expr = grouped ? mq_group_expr(group, 1) : NULL;
    /* column 4: whether a rule made the entry (source 'rule:NAME[@V]') */
    char *sql = !grouped ? sqlite3_mprintf("SELECT lead_id, stage, entered_at, NULL, substr(source, 1, 5) = 'rule:'"
                                           " FROM stage_history ORDER BY lead_id")
              : expr ? sqlite3_mprintf("SELECT h.lead_id, h.stage, h.entered_at, %s, substr(h.source, 1, 5) = 'rule:'"
                                       " FROM stage_history h LEFT JOIN main.leads l ON l.id = h.lead_id"
                                       " ORDER BY h.lead_id", expr)
              : NULL;
    sqlite3_free(expr);
    if (!sql) return mq_err_nomem(&h->err);
    int rc = mq_prepare(conn, h->what, sql, &h->st);
    sqlite3_free(sql);
    if (rc == SQLITE_NOMEM) return mq_err_nomem(&h->err);
    if (rc == SQLITE_OK && grouped) rc = mq_group_bind(group, h->st, 1);
    if (rc == SQLITE_NOMEM) return mq_err_nomem(&h->err);
    if (rc != SQLITE_OK)
        return mq_err_set(&h->err, "%s: %s (is schema/mqlite.sql loaded?)", fn, sqlite3_errmsg(conn->db));
    rc = mq_step(conn, h->what, h->st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return read_failed(h, rc);
    h->row = rc == SQLITE_ROW;
    return 0;
}

void mq_history_close(mq_history *h)
{
    sqlite3_finalize(h->st);
    mq_stages_release(h->m);
    sqlite3_free(h->e);
    sqlite3_free(h->group);
    mq_stage_names_clear(&h->names);
    memset(h, 0, sizeof *h);
}

int mq_history_next(mq_history *h)
{
    if (!h->row) return 0;
    h->n = 0;
    h->lead = sqlite3_column_int64(h->st, 0);
    sqlite3_free(h->group);
    h->group = NULL;
    if (sqlite3_column_type(h->st, 3) != SQLITE_NULL &&
        !(h->group = sqlite3_mprintf("%s", sqlite3_column_text(h->st, 3))))
        return mq_err_nomem(&h->err);
    while (h->row && sqlite3_column_int64(h->st, 0) == h->lead) {
        const char *name = (const char *)sqlite3_column_text(h->st, 1);
        const char *ts = (const char *)sqlite3_column_text(h->st, 2);
        int nlen = sqlite3_column_bytes(h->st, 1);
        int k = name ? mq_stage_names_find(&h->names, h->m, name, (size_t)nlen) : -1;
        if (k < 0) {
            char known[512], q[61];
            mq_stages_list(h->m, known, sizeof known);
            return mq_err_set(&h->err, "%s: stage '%s' of lead %lld is not a known stage (%s); add it to "
                              "mqlite_stages or mqlite_stage_aliases", h->fn,
                              mq_utf8_excerpt(q, sizeof q, name, (size_t)nlen), (long long)h->lead, known);
        }
        double t;
        if (!ts || mq_time_parse(ts, (size_t)sqlite3_column_bytes(h->st, 2), &t) != 0) {
            char qn[61], qt[61];
            return mq_err_set(&h->err, "%s: lead %lld entered '%s' at '%s', which is not a date", h->fn,
                              (long long)h->lead, mq_utf8_excerpt_str(qn, sizeof qn, h->m->st[k].name),
                              mq_utf8_excerpt(qt, sizeof qt, ts, (size_t)sqlite3_column_bytes(h->st, 2)));
        }
        if (h->has_cutoff && t > h->cutoff) goto next;
        if (h->n == h->cap) {
            int ncap = h->cap ? h->cap * 2 : 16;
            mq_hentry *e = sqlite3_realloc64(h->e, (sqlite3_uint64)ncap * sizeof *e);
            if (!e) return mq_err_nomem(&h->err);
            h->e = e;
            h->cap = ncap;
        }
        h->e[h->n].stage = k;
        h->e[h->n].t = t;
        h->e[h->n].by_rule = sqlite3_column_int(h->st, 4) == 1;
        h->n++;
    next:;
        int rc = mq_step(h->conn, h->what, h->st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) return read_failed(h, rc);
        h->row = rc == SQLITE_ROW;
    }
    return 1;
}

void mq_history_reach(const mq_history *h, double *reach)
{
    for (int r = 0; r < MQ_MAX_RANK; r++) reach[r] = NAN;
    for (int i = 0; i < h->n; i++) {
        const mq_stage *s = &h->m->st[h->e[i].stage];
        if (!s->on_path) continue;
        if (isnan(reach[s->rank]) || h->e[i].t < reach[s->rank]) reach[s->rank] = h->e[i].t;
    }
    /* reached r = at rank r or beyond: the earliest of every rank from r up */
    for (int r = MQ_MAX_RANK - 2; r >= 0; r--)
        if (!isnan(reach[r + 1]) && (isnan(reach[r]) || reach[r + 1] < reach[r])) reach[r] = reach[r + 1];
}

void mq_history_by_rule(const mq_history *h, unsigned char *by_rule)
{
    unsigned char rule[MQ_MAX_RANK] = {0}, other[MQ_MAX_RANK] = {0};
    for (int i = 0; i < h->n; i++) {
        const mq_stage *s = &h->m->st[h->e[i].stage];
        if (s->on_path) (h->e[i].by_rule ? rule : other)[s->rank] = 1;
    }
    /* at rank r or beyond, as reach counts */
    for (int r = MQ_MAX_RANK - 2; r >= 0; r--) {
        rule[r] |= rule[r + 1];
        other[r] |= other[r + 1];
    }
    for (int r = 0; r < MQ_MAX_RANK; r++) by_rule[r] = (unsigned char)(rule[r] && !other[r]);
}

int mq_time_value(sqlite3_value *v, const char *fn, int argn, double *out, int *has, mq_err *err)
{
    *has = 0;
    if (!v || sqlite3_value_type(v) == SQLITE_NULL) return 0;     /* not given */
    if (mq_value_time(v, out) != 0) return mq_arg_message(err, fn, argn, MQ_TIME_WHAT_RANGE, v);
    *has = 1;
    return 0;
}

int mq_as_of_value(sqlite3_value *v, const char *fn, int argn, double *as_of, mq_err *err)
{
    double given;
    int has;
    if (mq_time_value(v, fn, argn, &given, &has, err) != 0) return -1;
    *as_of = has ? given : mq_time_now();
    return 0;
}
