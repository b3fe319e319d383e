/*
** deals.c — what the deals are worth: deal_summary(), pipeline() and
** loss_reasons(), read from the deals table as it stood at as_of (default
** now; dealscan.h says what "as of" means).
**
**     SELECT * FROM deal_summary();              -- one row per currency
**     SELECT * FROM deal_summary('2026-06-30', 'owner');
**     SELECT * FROM pipeline();                  -- open deals per currency and stage
**     SELECT * FROM loss_reasons();
**
** Amounts of different currencies are never added together: every figure of
** money is on a row of one currency (a report with two currencies has a row
** for each). A deal without an amount is counted as a deal (win rate, ages)
** and in no_amount, and left out of every sum and average of money: an
** average deal size that took it as 0 would be wrong by an unknown amount.
**
** The win rate is over closed deals, won / (won + lost), with its Wilson 95 %
** bounds; beside it win_rate_with_open is won / all deals, the figure a
** report that counts the open deals as not won gives (issue 17: Maven's 63.15
** % against 51.06 %). The input is sorted by the group (segment, currency;
** currency, stage), so that each report is one pass with one group open.
*/
#include <math.h>
#include <string.h>

#include "dealscan.h"
#include "history.h"
#include "mathstat.h"
#include "tablefn.h"

/* The columns of deals and leads a summary may be grouped by: the name a
** caller gives (checked against this list; never pasted into SQL) and the
** expression it stands for. */
static const struct { const char *name, *expr; } groups[] = {
    { "owner", "d.owner" },     { "product", "d.product" },   { "account", "d.account" },
    { "stage", "d.stage" },     { "source", "l.source" },     { "campaign", "l.campaign" },
    { "lead_owner", "l.owner" },
};
#define NGROUPS (sizeof groups / sizeof *groups)

/* 1 when two group values (either may be NULL) are the same */
static int same_text(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

/* Starts a group of a one-pass report: its counters x (size bytes) zeroed
** and its two names copied (either may be NULL) into *a and *b, members of
** x whose old texts are freed first. 0, or -1 when memory is short. */
static int group_start(void *x, size_t size, char **a, const char *av, char **b, const char *bv)
{
    sqlite3_free(*a);
    sqlite3_free(*b);
    memset(x, 0, size);
    *a = av ? sqlite3_mprintf("%s", av) : NULL;
    *b = bv ? sqlite3_mprintf("%s", bv) : NULL;
    return (av && !*a) || (bv && !*b) ? -1 : 0;
}

/* ---- deal_summary([as_of [, group_by]]) -------------------------------------------- */

enum { U_SEGMENT, U_CURRENCY, U_DEALS, U_OPEN, U_PIPELINE, U_WON, U_REVENUE, U_AVG, U_LOST, U_LOST_VALUE,
       U_WIN_RATE, U_WIN_LOW, U_WIN_HIGH, U_WITH_OPEN, U_NO_AMOUNT, U_NCOL };

typedef struct summ {
    char *seg, *cur;
    long long n, open, won, won_priced, lost, no_amount;
    double pipeline, revenue, lost_value;
} summ;

static void summ_emit(mq_rows *rows, const summ *x)
{
    mq_rows_add(rows);
    mq_rows_text(rows, U_SEGMENT, x->seg);
    mq_rows_text(rows, U_CURRENCY, x->cur);
    mq_rows_int(rows, U_DEALS, x->n);
    mq_rows_int(rows, U_OPEN, x->open);
    mq_rows_double(rows, U_PIPELINE, x->pipeline);
    mq_rows_int(rows, U_WON, x->won);
    mq_rows_double(rows, U_REVENUE, x->revenue);
    mq_rows_double(rows, U_AVG, x->won_priced ? x->revenue / (double)x->won_priced : NAN);
    mq_rows_int(rows, U_LOST, x->lost);
    mq_rows_double(rows, U_LOST_VALUE, x->lost_value);
    long long closed = x->won + x->lost;
    if (closed > 0) {
        double lo, hi;
        mq_wilson((double)x->won, (double)closed, 0.95, &lo, &hi);
        mq_rows_double(rows, U_WIN_RATE, (double)x->won / (double)closed);
        mq_rows_double(rows, U_WIN_LOW, lo);
        mq_rows_double(rows, U_WIN_HIGH, hi);
    }
    if (x->n > 0) mq_rows_double(rows, U_WITH_OPEN, (double)x->won / (double)x->n);
    mq_rows_int(rows, U_NO_AMOUNT, x->no_amount);
}

static int summary_compute(mq_conn *conn, sqlite3_value **args, mq_rows *rows, mq_err *err)
{
    static const char fn[] = "deal_summary";
    double as_of;
    if (mq_as_of_value(args[0], fn, 1, &as_of, err) != 0) return -1;
    const char *seg = NULL;
    if (args[1] && sqlite3_value_type(args[1]) != SQLITE_NULL) {
        const char *name = sqlite3_value_type(args[1]) == SQLITE_TEXT ? (const char *)sqlite3_value_text(args[1]) : NULL;
        for (size_t i = 0; name && i < NGROUPS; i++)
            if (strcmp(name, groups[i].name) == 0) seg = groups[i].expr;
        if (!seg)
            return mq_arg_message(err, fn, 2, "owner, product, account, stage, source, campaign or lead_owner", args[1]);
    }
    char *order = sqlite3_mprintf("%s, d.currency, d.id", seg ? seg : "NULL");
    if (!order) return mq_err_nomem(err);
    mq_dealscan s;
    int rc = mq_dealscan_open(&s, conn, fn, seg, order, as_of);
    sqlite3_free(order);
    summ x = {0};
    int started = 0, ngroups = 0;
    mq_deal d;
    if (rc == 0) {
        while ((rc = mq_dealscan_next(&s, &d)) == 1) {
            if (!started || !same_text(x.seg, d.seg) || strcmp(x.cur, d.currency) != 0) {
                if (started) summ_emit(rows, &x);
                if (++ngroups > MQ_MAX_GROUPS) {
                    mq_err_set(&s.err, "%s: more than %d groups", fn, MQ_MAX_GROUPS);
                    rc = -1;
                    break;
                }
                if (group_start(&x, sizeof x, &x.seg, d.seg, &x.cur, d.currency) != 0) {
                    mq_err_nomem(&s.err);
                    rc = -1;
                    break;
                }
                started = 1;
            }
            x.n++;
            if (!d.has_amount) x.no_amount++;
            double a = d.has_amount ? d.amount : 0;
            if (d.status == MQ_DEAL_OPEN) { x.open++; x.pipeline += a; }
            else if (d.status == MQ_DEAL_WON) { x.won++; x.revenue += a; x.won_priced += d.has_amount; }
            else { x.lost++; x.lost_value += a; }
        }
    }
    if (rc == 0 && started) summ_emit(rows, &x);
    sqlite3_free(x.seg);
    sqlite3_free(x.cur);
    if (rc < 0) *err = s.err;
    mq_dealscan_close(&s);
    return rc < 0 ? -1 : 0;
}

/* ---- pipeline([as_of]) ---------------------------------------------------------------- */

/* Ageing: the days since the deal was created, as of as_of, in four buckets. */
enum { P_CURRENCY, P_STAGE, P_DEALS, P_VALUE, P_AVG_AMOUNT, P_AVG_AGE, P_AGE_30, P_AGE_60, P_AGE_90, P_AGE_OVER,
       P_NO_AMOUNT, P_NCOL };

typedef struct pipe {
    char *cur, *stage;
    long long n, priced, age[4], no_amount;
    double value, age_sum;
} pipe;

static void pipe_emit(mq_rows *rows, const pipe *x)
{
    mq_rows_add(rows);
    mq_rows_text(rows, P_CURRENCY, x->cur);
    mq_rows_text(rows, P_STAGE, x->stage);
    mq_rows_int(rows, P_DEALS, x->n);
    mq_rows_double(rows, P_VALUE, x->value);
    mq_rows_double(rows, P_AVG_AMOUNT, x->priced ? x->value / (double)x->priced : NAN);
    mq_rows_double(rows, P_AVG_AGE, x->n ? x->age_sum / (double)x->n : NAN);
    for (int i = 0; i < 4; i++) mq_rows_int(rows, P_AGE_30 + i, x->age[i]);
    mq_rows_int(rows, P_NO_AMOUNT, x->no_amount);
}

static int pipeline_compute(mq_conn *conn, sqlite3_value **args, mq_rows *rows, mq_err *err)
{
    static const char fn[] = "pipeline";
    double as_of;
    if (mq_as_of_value(args[0], fn, 1, &as_of, err) != 0) return -1;
    mq_dealscan s;
    int rc = mq_dealscan_open(&s, conn, fn, NULL, "d.currency, d.stage, d.id", as_of);
    pipe x = {0};
    int started = 0;
    mq_deal d;
    if (rc == 0) {
        while ((rc = mq_dealscan_next(&s, &d)) == 1) {
            if (d.status != MQ_DEAL_OPEN) continue;
            if (!started || strcmp(x.cur, d.currency) != 0 || !same_text(x.stage, d.stage)) {
                if (started) pipe_emit(rows, &x);
                if (group_start(&x, sizeof x, &x.cur, d.currency, &x.stage, d.stage) != 0) {
                    mq_err_nomem(&s.err);
                    rc = -1;
                    break;
                }
                started = 1;
            }
            x.n++;
            if (d.has_amount) { x.value += d.amount; x.priced++; }
            else x.no_amount++;
            /* whole days: a deal 30.9 days old is in 0-30 */
            double days = floor(d.age_days);
            x.age_sum += d.age_days;
            x.age[days <= 30 ? 0 : days <= 60 ? 1 : days <= 90 ? 2 : 3]++;
        }
    }
    if (rc == 0 && started) pipe_emit(rows, &x);
    sqlite3_free(x.cur);
    sqlite3_free(x.stage);
    if (rc < 0) *err = s.err;
    mq_dealscan_close(&s);
    return rc < 0 ? -1 : 0;
}

/* ---- loss_reasons([as_of]) ------------------------------------------------------------ */

/* A count per reason needs no money, so no currency: the lost deals of every
** currency together. A deal lost without a reason is the row whose reason is
** NULL. share: of all lost deals. */
enum { L_REASON, L_DEALS, L_SHARE, L_NCOL };

/* a reason's row; its share is set once the total is known */
static void loss_emit(mq_rows *rows, const char *reason, long long n)
{
    mq_rows_add(rows);
    mq_rows_text(rows, L_REASON, reason);
    mq_rows_int(rows, L_DEALS, n);
}

static int loss_compute(mq_conn *conn, sqlite3_value **args, mq_rows *rows, mq_err *err)
{
    static const char fn[] = "loss_reasons";
    double as_of;
    if (mq_as_of_value(args[0], fn, 1, &as_of, err) != 0) return -1;
    mq_dealscan s;
    int rc = mq_dealscan_open(&s, conn, fn, NULL, "d.loss_reason, d.id", as_of);
    char *reason = NULL;
    long long n = 0, total = 0;
    int started = 0, first = rows->nrows;
    mq_deal d;
    if (rc == 0) {
        while ((rc = mq_dealscan_next(&s, &d)) == 1) {
            if (d.status != MQ_DEAL_LOST) continue;
            total++;
            if (!started || !same_text(reason, d.loss_reason)) {
                if (started) loss_emit(rows, reason, n);
                sqlite3_free(reason);
                reason = d.loss_reason ? sqlite3_mprintf("%s", d.loss_reason) : NULL;
                if (d.loss_reason && !reason) { mq_err_nomem(&s.err); rc = -1; break; }
                n = 0;
                started = 1;
            }
            n++;
        }
    }
    if (rc == 0 && started) loss_emit(rows, reason, n);
    /* the shares, once the total is known */
    for (int i = first; rc == 0 && !rows->oom && i < rows->nrows; i++) {
        mq_cell *c = &rows->cells[i * rows->ncol + L_DEALS];
        rows->cells[i * rows->ncol + L_SHARE] = (mq_cell){ .type = SQLITE_FLOAT, .d = (double)c->i / (double)total };
    }
    sqlite3_free(reason);
    if (rc < 0) *err = s.err;
    mq_dealscan_close(&s);
    return rc < 0 ? -1 : 0;
}

/* ---- the family ---------------------------------------------------------------------- */

static const mq_tablefn summary_fn = {
    .name = "deal_summary",
    .schema = "CREATE TABLE x(segment TEXT, currency TEXT, deals INTEGER, open INTEGER, pipeline_value REAL,"
              " won INTEGER, won_revenue REAL, avg_deal_size REAL, lost INTEGER, lost_value REAL, win_rate REAL,"
              " win_rate_low REAL, win_rate_high REAL, win_rate_with_open REAL, no_amount INTEGER,"
              " as_of HIDDEN, group_by HIDDEN)",
    .nvisible = U_NCOL,
    .required = 0,
    .usage = "",
    .compute = summary_compute,
};

static const mq_tablefn pipeline_fn = {
    .name = "pipeline",
    .schema = "CREATE TABLE x(currency TEXT, stage TEXT, deals INTEGER, value REAL, avg_amount REAL, avg_age_days REAL,"
              " age_0_30 INTEGER, age_31_60 INTEGER, age_61_90 INTEGER, age_over_90 INTEGER, no_amount INTEGER,"
              " as_of HIDDEN)",
    .nvisible = P_NCOL,
    .required = 0,
    .usage = "",
    .compute = pipeline_compute,
};

static const mq_tablefn loss_fn = {
    .name = "loss_reasons",
    .schema = "CREATE TABLE x(reason TEXT, deals INTEGER, share REAL, as_of HIDDEN)",
    .nvisible = L_NCOL,
    .required = 0,
    .usage = "",
    .compute = loss_compute,
};

const mq_def mq_deals_defs[] = {
    MQ_TABLE("deal_summary", 2, MQ_READS, &mq_tablefn_module, &summary_fn),   /* arguments: hidden columns */
    MQ_TABLE("pipeline",     1, MQ_READS, &mq_tablefn_module, &pipeline_fn),
    MQ_TABLE("loss_reasons", 1, MQ_READS, &mq_tablefn_module, &loss_fn),
    MQ_END
};
