/*
** dealscan.c — reading deals as of a time (see dealscan.h).
*/
#include <math.h>
#include <string.h>

#include "dealscan.h"
#include "mqtime.h"
#include "utf8text.h"

/* up to 40 bytes of column i, cut between characters, for an error */
static const char *excerpt(char q[41], sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    if (!s) return "NULL";
    return mq_utf8_excerpt(q, 41, s, (size_t)sqlite3_column_bytes(st, i));
}

int mq_deals_exist(mq_conn *conn)
{
    sqlite3_stmt *st = NULL;
    int yes = 0;
    if (sqlite3_prepare_v2(conn->db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'deals'", -1, &st,
                           NULL) == SQLITE_OK)
        yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

int mq_dealscan_open(mq_dealscan *s, mq_conn *conn, const char *fn, const char *seg, const char *order, double as_of)
{
    memset(s, 0, sizeof *s);
    s->conn = conn;
    s->fn = fn;
    s->as_of = as_of;
    if (mq_reentered(conn, fn, &s->err)) return -1;
    if (!mq_deals_exist(conn))
        return mq_err_set(&s->err, "%s: this database has no deals table (run mqlite init to add it, then mqlite import DB deals)",
                          fn);
    char *sql = sqlite3_mprintf("SELECT d.id, d.lead_id, d.amount, d.currency, d.status, d.stage, d.created_at,"
                                " d.closed_at, d.loss_reason, %s FROM main.deals d LEFT JOIN main.leads l ON l.id = d.lead_id"
                                " ORDER BY %s",
                                seg ? seg : "NULL", order ? order : "d.id");
    if (!sql) return mq_err_nomem(&s->err);
    int rc = mq_prepare(conn, "deals", sql, &s->st);
    sqlite3_free(sql);
    if (rc == SQLITE_NOMEM) return mq_err_nomem(&s->err);
    if (rc != SQLITE_OK) return mq_err_db(&s->err, conn->db, "%s: reading deals: ", fn);
    return 0;
}

/* a column as a time, or -1 */
static int col_time(sqlite3_stmt *st, int i, double *t)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    if (!s || sqlite3_column_type(st, i) != SQLITE_TEXT) return -1;
    return mq_time_parse(s, (size_t)sqlite3_column_bytes(st, i), t);
}

int mq_dealscan_next(mq_dealscan *s, mq_deal *d)
{
    for (;;) {
        int rc = mq_step(s->conn, "deals", s->st);
        if (rc == SQLITE_DONE) return 0;
        if (rc == SQLITE_NOMEM) return mq_err_nomem(&s->err);
        if (rc != SQLITE_ROW) return mq_err_db(&s->err, s->conn->db, "%s: reading deals: ", s->fn);
        sqlite3_stmt *st = s->st;
        char q[41];
        memset(d, 0, sizeof *d);
        d->id = sqlite3_column_int64(st, 0);
        d->has_lead = sqlite3_column_type(st, 1) == SQLITE_INTEGER;
        d->lead_id = d->has_lead ? sqlite3_column_int64(st, 1) : 0;
        int at = sqlite3_column_type(st, 2);
        if (at == SQLITE_INTEGER || at == SQLITE_FLOAT) {
            d->amount = sqlite3_column_double(st, 2);
            d->has_amount = 1;
            if (!isfinite(d->amount) || d->amount < 0)
                return mq_err_set(&s->err, "%s: deal %lld has amount %g, not a finite number of 0 or more", s->fn,
                                  (long long)d->id, d->amount);
        } else if (at != SQLITE_NULL) {
            return mq_err_set(&s->err, "%s: deal %lld has amount '%s', not a number", s->fn, (long long)d->id,
                              excerpt(q, st, 2));
        }
        d->currency = (const char *)sqlite3_column_text(st, 3);
        if (!d->currency) return mq_err_set(&s->err, "%s: deal %lld has no currency", s->fn, (long long)d->id);
        const char *status = (const char *)sqlite3_column_text(st, 4);
        if (status && strcmp(status, "open") == 0) d->status = MQ_DEAL_OPEN;
        else if (status && strcmp(status, "won") == 0) d->status = MQ_DEAL_WON;
        else if (status && strcmp(status, "lost") == 0) d->status = MQ_DEAL_LOST;
        else
            return mq_err_set(&s->err, "%s: deal %lld has status '%s', not open, won or lost", s->fn, (long long)d->id,
                              excerpt(q, st, 4));
        d->stage = (const char *)sqlite3_column_text(st, 5);
        if (col_time(st, 6, &d->created) != 0)
            return mq_err_set(&s->err, "%s: deal %lld has created_at '%s', not a date mqlite reads", s->fn,
                              (long long)d->id, excerpt(q, st, 6));
        d->has_closed = sqlite3_column_type(st, 7) != SQLITE_NULL;
        if (d->has_closed && col_time(st, 7, &d->closed) != 0)
            return mq_err_set(&s->err, "%s: deal %lld has closed_at '%s', not a date mqlite reads", s->fn,
                              (long long)d->id, excerpt(q, st, 7));
        d->loss_reason = (const char *)sqlite3_column_text(st, 8);
        d->seg = (const char *)sqlite3_column_text(st, 9);
        /* as of as_of: not yet created, or not yet closed */
        if (d->created > s->as_of) continue;
        if (d->status != MQ_DEAL_OPEN && d->has_closed && d->closed > s->as_of) d->status = MQ_DEAL_OPEN;
        d->age_days = (s->as_of - d->created) / 86400.0;
        return 1;
    }
}

void mq_dealscan_close(mq_dealscan *s)
{
    sqlite3_finalize(s->st);
    s->st = NULL;
}
