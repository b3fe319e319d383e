/*
** attribution.c — attribution(milestone [, model [, attribute_to [, start [, stop
** [, half_life_days [, group_by [, fold]]]]]]]): multi-touch attribution. Credit
** for each milestone (an MQL, an SQL, a won deal) shared out among the touches
** before it, per campaign or per channel, under six models side by side, for
** the whole or per segment. This file reads the arguments and rounds and
** writes the rows; attribpass.c reads the data in one pass.
**
**     SELECT model, campaign, credit FROM attribution('MQL');
**     SELECT * FROM attribution('won', 'linear', 'channel', '2025-01-01', '2026-01-01');
**     SELECT segment, model, campaign, credit FROM attribution('MQL', NULL, NULL, NULL, NULL, NULL, 'account');
**
** Touches (the shared data contract of issue 17): the lead's own touch at its
** created_at, its leads.campaign (or, when that is NULL, leads.source as a
** channel); and its events that name a campaign, at occurred_at. A campaign's
** channel is campaigns.channel. A touch counts for a milestone when it is at
** or before it (the event that made the lead an MQL is usually stamped at the
** same second as the entry). Ties in time: the lead's own touch first, then
** events in id order.
**
** Milestones: for a stage of the main path (MQL, SQL, meeting, ...), the
** lead's first entry at that stage's rank or beyond (history.h: a lead that
** skips MQL on its way to SQL reached MQL then), whoever made it (a rule's
** entries count: what the rule says is the MQL is the MQL being explained).
** For 'won' (the stage named won, or an alias of it): each won deal
** (deals.status = 'won', at closed_at, or at created_at when it has none,
** with its amount as revenue) when a table named deals exists and has rows
** (every deal read and checked as deal_summary() reads it, dealscan.h);
** otherwise the lead's first entry at won's rank, with no revenue. A won deal
** without a lead has no touches. start and stop keep the milestones in
** [start, stop).
**
** Segments (group_by, fold: groupby.h, as funnel() takes them): a milestone
** belongs to its lead's segment, the lead's value of a column of leads, an
** attrs key or `account`; a won deal without a lead to the NULL segment. As
** in funnel(), grouped rows are only the segments, NULL among them being the
** leads with no value; not grouped, segment is NULL throughout: the whole.
**
** A milestone without a touch before it goes to '(none)'. Each credit is a
** whole number of millionths and each revenue of cents (amounts rounded to
** the cent), and per segment and model they add up exactly to the segment's
** milestones and revenue: summed in compensated doubles, then apportioned by
** the largest remainder (attribmodel.h), ties to the row first in order.
** Rows: per segment (NULL first, then in byte order), per model (first,
** last, linear, u_shaped, w_shaped, time_decay), the campaigns in byte
** order, then touches by source alone (campaign NULL, channel the source),
** then '(none)'; every row a model has, every model of the segment has; a
** campaign whose touches all came after the segment's milestones has none.
*/
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "attribpass.h"
#include "history.h"
#include "tablefn.h"

enum { A_SEGMENT, A_MODEL, A_CAMPAIGN, A_CHANNEL, A_CREDIT, A_REVENUE, A_TOUCHED, A_MILESTONES, A_NCOL };

static const char fn[] = "attribution";

/* ---- the rows ------------------------------------------------------------------------ */

/* Segments in their sorted order, then keys in byte order (the segment's
** number leads every key of a segment, so within one it is the same). */
static int by_key(const void *a, const void *b)
{
    const attr_bucket *x = *(attr_bucket *const *)a, *y = *(attr_bucket *const *)b;
    long long sx = x->seg->count[AS_ORDER], sy = y->seg->count[AS_ORDER];
    if (sx != sy) return sx < sy ? -1 : 1;
    int n = x->klen < y->klen ? x->klen : y->klen, c = memcmp(x->key, y->key, (size_t)n);
    return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

/* The rows of one segment's buckets b[0..n-1], per model: credits in
** millionths and revenue in cents, whole numbers that add up to the
** segment's milestones and revenue. v, credit, revenue: room for n. */
static int emit_segment(attr_run *r, attr_bucket **b, int n, double *v, long long *credit, long long *revenue,
                        mq_rows *rows)
{
    const mq_bucket *seg = b[0]->seg;
    long long milestones = seg->count[AS_MILESTONES];
    for (int m = 0; m < MQA_NMODELS; m++) {
        if (!r->models[m]) continue;
        for (int i = 0; i < n; i++) v[i] = mq_ksum_value(&b[i]->credit[m]) * 1e6;
        if (mq_apportion(v, n, milestones * 1000000, credit) != 0) return mq_err_nomem(r->err);
        for (int i = 0; i < n; i++) v[i] = mq_ksum_value(&b[i]->revenue[m]);
        if (mq_apportion(v, n, seg->count[AS_CENTS], revenue) != 0) return mq_err_nomem(r->err);
        for (int i = 0; i < n; i++) {
            mq_rows_add(rows);
            mq_rows_text(rows, A_SEGMENT, seg->name);
            mq_rows_text(rows, A_MODEL, mq_attr_model_name(m));
            mq_rows_text(rows, A_CAMPAIGN, b[i]->campaign);
            mq_rows_text(rows, A_CHANNEL, b[i]->channel);
            mq_rows_double(rows, A_CREDIT, (double)credit[i] / 1e6);
            if (r->revenue) mq_rows_double(rows, A_REVENUE, (double)revenue[i] / 100);
            mq_rows_int(rows, A_TOUCHED, b[i]->touched);
            mq_rows_int(rows, A_MILESTONES, milestones);
        }
    }
    return 0;
}

static int emit(attr_run *r, mq_rows *rows)
{
    /* a campaign whose only touches came after every milestone of its segment has no row */
    int kept = 0;
    for (int i = 0; i < r->nb; i++) {
        if (r->b[i]->touched > 0) r->b[kept++] = r->b[i];
        else mq_attr_bucket_free(r->b[i]);
    }
    r->nb = kept;
    mq_buckets_sort(&r->segs);
    for (int i = 0; i < r->segs.n; i++) r->segs.b[i]->count[AS_ORDER] = i;
    if (r->nb > 1) qsort(r->b, (size_t)r->nb, sizeof *r->b, by_key);
    double *v = sqlite3_malloc64((sqlite3_uint64)(r->nb + 1) * sizeof *v);
    long long *credit = sqlite3_malloc64((sqlite3_uint64)(r->nb + 1) * sizeof *credit);
    long long *revenue = sqlite3_malloc64((sqlite3_uint64)(r->nb + 1) * sizeof *revenue);
    int rc = v && credit && revenue ? 0 : mq_err_nomem(r->err);
    /* each segment's buckets are a run of b: apportioned apart */
    for (int lo = 0, hi; lo < r->nb && rc == 0; lo = hi) {
        for (hi = lo + 1; hi < r->nb && r->b[hi]->seg == r->b[lo]->seg; hi++) {}
        rc = emit_segment(r, r->b + lo, hi - lo, v, credit, revenue, rows);
    }
    sqlite3_free(v);
    sqlite3_free(credit);
    sqlite3_free(revenue);
    return rc;
}

/* ---- arguments ----------------------------------------------------------------------- */

static int read_args(attr_run *r, mq_stages *m, sqlite3_value **args, int *rank, int *won, attr_window *win)
{
    static const char what[] = "a stage of the main path (MQL, SQL, won, ...)";
    if (!args[0] || sqlite3_value_type(args[0]) != SQLITE_TEXT) {
        if (!args[0]) return mq_err_set(r->err, "%s: argument 1 expected %s, found NULL", fn, what);
        return mq_arg_message(r->err, fn, 1, what, args[0]);
    }
    const char *s = (const char *)sqlite3_value_text(args[0]);
    int n = sqlite3_value_bytes(args[0]), k = mq_stages_find(m, s, (size_t)n);
    if (k < 0) return mq_stages_unknown(m, r->err, fn, s, (size_t)n);
    if (!m->st[k].on_path) return mq_arg_message(r->err, fn, 1, what, args[0]);
    *rank = m->st[k].rank;
    *won = k == mq_stages_find(m, "won", 3);

    if (args[1]) {
        const char *ms = sqlite3_value_type(args[1]) == SQLITE_TEXT ? (const char *)sqlite3_value_text(args[1]) : NULL;
        int model = ms ? mq_attr_model_find(ms) : -1;
        if (ms && strcasecmp(ms, "all") == 0) model = MQA_NMODELS;
        if (model < 0)
            return mq_arg_message(r->err, fn, 2, "'all', 'first', 'last', 'linear', 'u_shaped', 'w_shaped' or "
                                  "'time_decay'", args[1]);
        for (int i = 0; i < MQA_NMODELS; i++) r->models[i] = model == MQA_NMODELS || model == i;
    } else {
        for (int i = 0; i < MQA_NMODELS; i++) r->models[i] = 1;
    }
    if (args[2]) {
        const char *bs = sqlite3_value_type(args[2]) == SQLITE_TEXT ? (const char *)sqlite3_value_text(args[2]) : NULL;
        if (!bs || (strcasecmp(bs, "campaign") != 0 && strcasecmp(bs, "channel") != 0))
            return mq_arg_message(r->err, fn, 3, "'campaign' or 'channel'", args[2]);
        r->by_channel = strcasecmp(bs, "channel") == 0;
    }
    if (mq_time_value(args[3], fn, 4, &win->start, &win->has_start, r->err) != 0 ||
        mq_time_value(args[4], fn, 5, &win->stop, &win->has_stop, r->err) != 0)
        return -1;
    double hl = 7;
    if (args[5] && (!mq_value_number(args[5], &hl) || !(hl > 0 && hl <= 36500)))
        return mq_arg_message(r->err, fn, 6, "a half-life in days above 0 (at most 36500)", args[5]);
    r->half_life = hl * 86400.0;
    return 0;
}

/* ---- the table ----------------------------------------------------------------------- */

static int attribution_compute(mq_conn *conn, sqlite3_value **args, mq_rows *rows, mq_err *err)
{
    attr_run r;
    mq_groupby group;
    memset(&r, 0, sizeof r);
    r.conn = conn;
    r.err = err;
    r.group = &group;
    attr_window win = {0};
    int rank = 0, won = 0, rc = -1;
    if (mq_reentered(conn, fn, err)) return -1;
    mq_stages *m = mq_conn_stages(conn, err);
    if (!m) return mq_err_prefix(err, "%s: ", fn);
    /* (group opened first: closing it is then always right) */
    if (mq_group_open(&group, conn, fn, args[6], 7, args[7], 8, err) != 0 ||
        read_args(&r, m, args, &rank, &won, &win) != 0)
        goto done;
    int sql = mq_stages_find(m, "SQL", 3), sql_rank = sql >= 0 && m->st[sql].on_path ? m->st[sql].rank : -1;
    int deals = won ? mq_attr_have_deals(&r) : 0;
    if (deals < 0 || mq_attr_open(&r) != 0) goto done;
    r.revenue = deals;
    if ((deals ? mq_attr_from_deals(&r, &win) : mq_attr_from_history(&r, rank, sql_rank, &win)) != 0) goto done;
    rc = emit(&r, rows);
done:
    mq_stages_release(m);
    mq_attr_close(&r);
    mq_group_close(&group);
    return rc;
}

static const mq_tablefn attribution_fn = {
    .name = "attribution",
    .schema = "CREATE TABLE x(segment TEXT, model TEXT, campaign TEXT, channel TEXT, credit REAL, revenue REAL,"
              " touched INTEGER, milestones INTEGER, milestone HIDDEN, only_model HIDDEN, attribute_to HIDDEN,"
              " start HIDDEN, stop HIDDEN, half_life_days HIDDEN, group_by HIDDEN, fold HIDDEN)",
    .nvisible = A_NCOL,
    .required = 1,
    .usage = "give a milestone: attribution('MQL'), attribution('SQL') or attribution('won'), then optionally "
             "model, 'campaign' or 'channel', start, stop, half_life_days, group_by, fold",
    .compute = attribution_compute,
};

const mq_def mq_attribution_defs[] = {
    MQ_TABLE("attribution", 8, MQ_READS, &mq_tablefn_module, &attribution_fn),   /* arguments: hidden columns */
    MQ_END
};
