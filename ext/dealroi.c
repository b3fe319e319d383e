/*
** dealroi.c — campaign_roi([as_of]): what each campaign cost and brought.
**
**     SELECT campaign, cost, sqls, won, won_revenue, cost_per_sql, cost_per_won, roi
**     FROM campaign_roi();
**
** For each campaign (campaigns, with its cost): its leads (leads.campaign;
** created by as_of), how many of them reached SQL by as_of (reached as
** funnel() says: an entry at a main-path stage of SQL's rank or beyond), the
** won deals of those leads (deals.lead_id; won by as_of, dealscan.h) and their
** amounts; cost per SQL = cost / sqls, cost per won deal = cost / won, and
** ROI = (won_revenue - cost) / cost.
**
** Money of two currencies is never added: a campaign whose won deals are in
** one currency has that currency and their sum; one whose won deals are in
** more than one has currency 'mixed' and no won_revenue or ROI (the cost,
** which campaigns keep without a currency, is taken to be in the deals'
** currency). A cost that is NULL gives no cost per SQL, per won deal or ROI;
** a cost of 0 gives costs per SQL and per won deal of 0 and no ROI (a return
** on nothing spent is not a number). A won deal without an amount counts as
** won and adds nothing to the revenue.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dealscan.h"
#include "history.h"
#include "mqtime.h"
#include "tablefn.h"

enum { R_CAMPAIGN, R_CHANNEL, R_COST, R_LEADS, R_SQLS, R_WON, R_CURRENCY, R_REVENUE, R_PER_SQL, R_PER_WON, R_ROI,
       R_NCOL };

typedef struct camp {
    char *id, *channel, *cur;
    double cost, revenue;
    int has_cost, mixed;
    long long leads, sqls, won;
} camp;

typedef struct roi_state {
    camp *c;
    int n, cap;
    sqlite3_int64 *sql_leads;     /* the leads that reached SQL by as_of, in order */
    size_t nsql, capsql;
} roi_state;

static int cmp_id(const void *a, const void *b)
{
    sqlite3_int64 x = *(const sqlite3_int64 *)a, y = *(const sqlite3_int64 *)b;
    return (x > y) - (x < y);
}

static int reached_sql(const roi_state *r, sqlite3_int64 lead)
{
    return r->nsql && bsearch(&lead, r->sql_leads, r->nsql, sizeof *r->sql_leads, cmp_id) != NULL;
}

static camp *find_camp(roi_state *r, const char *id)
{
    int lo = 0, hi = r->n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2, c = strcmp(r->c[mid].id, id);
        if (c == 0) return &r->c[mid];
        if (c < 0) lo = mid + 1; else hi = mid - 1;
    }
    return NULL;
}

/* the leads that reached SQL by as_of (the history is read in lead order) */
static int read_sqls(roi_state *r, mq_conn *conn, const char *fn, double as_of, mq_err *err)
{
    mq_history h;
    int rc = -1;
    if (mq_history_open(&h, conn, fn, NULL, &as_of) != 0) { *err = h.err; goto out; }
    int sql = mq_stages_find(h.m, "SQL", 3);
    if (sql < 0 || !h.m->st[sql].on_path) {
        mq_err_set(err, "%s: the stage model has no main-path stage named SQL", fn);
        goto out;
    }
    int rank = h.m->st[sql].rank, more;
    double reach[MQ_MAX_RANK];
    while ((more = mq_history_next(&h)) == 1) {
        mq_history_reach(&h, reach);
        if (isnan(reach[rank])) continue;
        if (r->nsql == r->capsql) {
            size_t cap = r->capsql ? 2 * r->capsql : 256;
            sqlite3_int64 *p = sqlite3_realloc64(r->sql_leads, cap * sizeof *p);
            if (!p) { mq_err_nomem(err); goto out; }
            r->sql_leads = p;
            r->capsql = cap;
        }
        r->sql_leads[r->nsql++] = h.lead;
    }
    if (more < 0) { *err = h.err; goto out; }
    if (r->nsql > 1) qsort(r->sql_leads, r->nsql, sizeof *r->sql_leads, cmp_id);   /* (already in order; cheap, and then certain) */
    rc = 0;
out:
    mq_history_close(&h);
    return rc;
}

/* the campaigns with their cost and their leads' counts */
static int read_campaigns(roi_state *r, mq_conn *conn, const char *fn, double as_of, mq_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = mq_prepare(conn, "campaigns", "SELECT c.id, c.channel, c.cost, l.id, l.created_at FROM main.campaigns c"
                                           " LEFT JOIN main.leads l ON l.campaign = c.id ORDER BY c.id, l.id", &st);
    if (rc == SQLITE_NOMEM) return mq_err_nomem(err);
    if (rc != SQLITE_OK) return mq_err_db(err, conn->db, "%s: reading campaigns: ", fn);
    while ((rc = mq_step(conn, "campaigns", st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        if (!id) continue;
        if (!r->n || strcmp(r->c[r->n - 1].id, id) != 0) {
            if (r->n == r->cap) {
                int cap = r->cap ? 2 * r->cap : 64;
                camp *p = sqlite3_realloc64(r->c, (size_t)cap * sizeof *p);
                if (!p) { sqlite3_finalize(st); return mq_err_nomem(err); }
                r->c = p;
                r->cap = cap;
            }
            camp *c = &r->c[r->n++];
            memset(c, 0, sizeof *c);
            c->id = sqlite3_mprintf("%s", id);
            const char *ch = (const char *)sqlite3_column_text(st, 1);
            c->channel = ch ? sqlite3_mprintf("%s", ch) : NULL;
            int ct = sqlite3_column_type(st, 2);
            c->has_cost = ct == SQLITE_INTEGER || ct == SQLITE_FLOAT;
            c->cost = sqlite3_column_double(st, 2);
            if (!c->id || (ch && !c->channel)) { sqlite3_finalize(st); return mq_err_nomem(err); }
            if (c->has_cost && (!isfinite(c->cost) || c->cost < 0)) {
                sqlite3_finalize(st);
                return mq_err_set(err, "%s: campaign '%s' has cost %g, not a finite number of 0 or more", fn, c->id, c->cost);
            }
        }
        if (sqlite3_column_type(st, 3) == SQLITE_NULL) continue;
        camp *c = &r->c[r->n - 1];
        sqlite3_int64 lead = sqlite3_column_int64(st, 3);
        const char *at = (const char *)sqlite3_column_text(st, 4);
        double t;
        /* (a created_at mqlite cannot read is counted: the schema's CHECK let it in as a date) */
        if (at && mq_time_parse(at, (size_t)sqlite3_column_bytes(st, 4), &t) == 0 && t > as_of) continue;
        c->leads++;
        if (reached_sql(r, lead)) c->sqls++;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_NOMEM) return mq_err_nomem(err);
    if (rc != SQLITE_DONE) return mq_err_db(err, conn->db, "%s: reading campaigns: ", fn);
    return 0;
}

/* the won deals of each campaign's leads. In id order, unsorted: each deal
** finds its campaign by binary search, and a campaign's revenue is summed
** only when its deals share one currency, so in id order either way. */
static int read_won(roi_state *r, mq_conn *conn, const char *fn, double as_of, mq_err *err)
{
    mq_dealscan s;
    int rc = mq_dealscan_open(&s, conn, fn, "l.campaign", NULL, as_of);
    mq_deal d;
    if (rc == 0)
        while ((rc = mq_dealscan_next(&s, &d)) == 1) {
            if (d.status != MQ_DEAL_WON || !d.seg) continue;
            camp *c = find_camp(r, d.seg);
            if (!c) continue;                     /* a campaign that campaigns lacks: no cost to set it against */
            c->won++;
            if (!c->cur) {
                if (!(c->cur = sqlite3_mprintf("%s", d.currency))) { mq_err_nomem(&s.err); rc = -1; break; }
            } else if (strcmp(c->cur, d.currency) != 0) {
                c->mixed = 1;
            }
            if (d.has_amount) c->revenue += d.amount;
        }
    if (rc < 0) *err = s.err;
    mq_dealscan_close(&s);
    return rc < 0 ? -1 : 0;
}

static int roi_compute(mq_conn *conn, sqlite3_value **args, mq_rows *rows, mq_err *err)
{
    static const char fn[] = "campaign_roi";
    double as_of;
    if (mq_as_of_value(args[0], fn, 1, &as_of, err) != 0) return -1;
    roi_state r = {0};
    int rc = read_sqls(&r, conn, fn, as_of, err);
    if (rc == 0) rc = read_campaigns(&r, conn, fn, as_of, err);
    if (rc == 0) rc = read_won(&r, conn, fn, as_of, err);
    for (int i = 0; rc == 0 && i < r.n; i++) {
        const camp *c = &r.c[i];
        mq_rows_add(rows);
        mq_rows_text(rows, R_CAMPAIGN, c->id);
        mq_rows_text(rows, R_CHANNEL, c->channel);
        if (c->has_cost) mq_rows_double(rows, R_COST, c->cost);
        mq_rows_int(rows, R_LEADS, c->leads);
        mq_rows_int(rows, R_SQLS, c->sqls);
        mq_rows_int(rows, R_WON, c->won);
        mq_rows_text(rows, R_CURRENCY, c->mixed ? "mixed" : c->cur);
        if (!c->mixed) mq_rows_double(rows, R_REVENUE, c->revenue);
        if (c->has_cost && c->sqls) mq_rows_double(rows, R_PER_SQL, c->cost / (double)c->sqls);
        if (c->has_cost && c->won) mq_rows_double(rows, R_PER_WON, c->cost / (double)c->won);
        if (c->has_cost && c->cost > 0 && !c->mixed) mq_rows_double(rows, R_ROI, (c->revenue - c->cost) / c->cost);
    }
    for (int i = 0; i < r.n; i++) {
        sqlite3_free(r.c[i].id);
        sqlite3_free(r.c[i].channel);
        sqlite3_free(r.c[i].cur);
    }
    sqlite3_free(r.c);
    sqlite3_free(r.sql_leads);
    return rc;
}

static const mq_tablefn roi_fn = {
    .name = "campaign_roi",
    .schema = "CREATE TABLE x(campaign TEXT, channel TEXT, cost REAL, leads INTEGER, sqls INTEGER, won INTEGER,"
              " currency TEXT, won_revenue REAL, cost_per_sql REAL, cost_per_won REAL, roi REAL, as_of HIDDEN)",
    .nvisible = R_NCOL,
    .required = 0,
    .usage = "",
    .compute = roi_compute,
};

const mq_def mq_dealroi_defs[] = {
    MQ_TABLE("campaign_roi", 1, MQ_READS, &mq_tablefn_module, &roi_fn),   /* argument: a hidden column */
    MQ_END
};
