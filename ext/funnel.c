/*
** funnel.c — funnel([start [, stop [, window_days [, group_by [, fold [, as_of]]]]]]): for each
** main-path rank, the leads that reached it, the conversion from the rank
** before and from the top, Wilson bounds, and the median days it took.
**
**     SELECT stage, reached, round(from_previous, 3) FROM funnel('2025-01-01', '2025-04-01');
**     SELECT * FROM funnel(NULL, NULL, 90, 'source');
**     SELECT * FROM funnel(NULL, NULL, NULL, 'lead_origin', 1);   -- an attrs key, case folded
**
** The cohort is the leads whose first main-path entry (the top of the funnel)
** falls in [start, stop); their later steps count even after stop, but with a
** window only those within window_days of that entry. "Reached a rank" means
** an entry at that rank or beyond, so a lead that skips MQL on its way to SQL
** counts for both (with 0 days between them), and a lead recycled to nurture
** keeps what it reached. Stages that share a rank (MQL and PQL) share a row.
** group_by names a column of leads or a key of its attrs, fold = 1 groups by
** lower(trim(value)): groupby.h has the rules. With as_of, the history as it
** was then: entries after it are not read. by_rules: how many of the leads
** that reached a rank have only a rule's entries there (source 'rule:...'),
** none by sales or an import: reached minus by_rules is what people decided,
** so a rule's own SQLs are never taken for sales' verdict.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buckets.h"
#include "history.h"
#include "mathstat.h"
#include "tablefn.h"

enum { F_SEGMENT, F_STAGE, F_RANK, F_REACHED, F_FROM_PREV, F_FROM_TOP, F_LOWER, F_UPPER, F_MEDIAN_DAYS,
       F_BY_RULES, F_NCOL };

/* The distinct main-path ranks of the model, ascending. */
static int path_ranks(const mq_stages *m, int *ranks)
{
    int n = 0;
    for (int r = 0; r < MQ_MAX_RANK; r++)
        for (int i = 0; i < m->n; i++)
            if (m->st[i].on_path && m->st[i].rank == r) {
                ranks[n++] = r;
                break;
            }
    return n;
}

/* Reads window_days. */
static int funnel_args(sqlite3_value **args, double *window, mq_err *err)
{
    *window = 0;
    if (args[2]) {
        double w;
        if (!mq_value_number(args[2], &w) || w <= 0) {
            mq_arg_message(err, "funnel", 3, "a window in days above 0", args[2]);
            return -1;
        }
        *window = w;
    }
    return 0;
}

static int funnel_compute(mq_conn *conn, sqlite3_value **args, mq_rows *rows, mq_err *err)
{
    double start = 0, stop = 0, window, as_of = 0;
    int has_start, has_stop, has_as_of;
    mq_groupby group;
    if (mq_time_value(args[0], "funnel", 1, &start, &has_start, err) != 0 ||
        mq_time_value(args[1], "funnel", 2, &stop, &has_stop, err) != 0 ||
        funnel_args(args, &window, err) != 0 ||
        mq_time_value(args[5], "funnel", 6, &as_of, &has_as_of, err) != 0)
        return -1;
    if (mq_group_open(&group, conn, "funnel", args[3], 4, args[4], 5, err) != 0) {
        mq_group_close(&group);
        return -1;
    }

    mq_history h;
    if (mq_history_open(&h, conn, "funnel", &group, has_as_of ? &as_of : NULL) != 0) {
        *err = h.err;
        mq_history_close(&h);
        mq_group_close(&group);
        return -1;
    }
    int ranks[MQ_MAX_RANK], nr = path_ranks(h.m, ranks), rc;
    mq_buckets t = {0};
    if (!group.on && !mq_buckets_get(&t, NULL)) goto nomem;
    double reach[MQ_MAX_RANK];
    unsigned char by_rule[MQ_MAX_RANK];
    int *rules = NULL;          /* per bucket and rank: leads only a rule put there */
    int nrules = 0;
    while ((rc = mq_history_next(&h)) == 1) {
        mq_history_reach(&h, reach);
        mq_history_by_rule(&h, by_rule);
        double top = reach[ranks[0]];
        if (isnan(top) || (has_start && top < start) || (has_stop && top >= stop)) continue;
        int before = t.n;
        mq_bucket *g = mq_buckets_get(&t, h.group);
        if (!g) goto nomem;
        if (t.n > before) g->key = t.n - 1;     /* its row in rules (the sort is by name) */
        if (mq_group_limit(&group, "funnel", t.n, MQ_MAX_GROUPS, "groups", err) != 0) goto fail;
        int gi = (int)g->key;
        if (gi >= nrules) {
            int n = t.n + 16, *r = sqlite3_realloc64(rules, (sqlite3_uint64)n * MQ_MAX_RANK * sizeof *r);
            if (!r) goto nomem;
            memset(r + (size_t)nrules * MQ_MAX_RANK, 0, (size_t)(n - nrules) * MQ_MAX_RANK * sizeof *r);
            rules = r;
            nrules = n;
        }
        for (int j = 0; j < nr; j++) {
            double at = reach[ranks[j]];
            if (isnan(at) || (window > 0 && at - top > window * 86400.0)) break;
            g->count[j]++;
            rules[gi * MQ_MAX_RANK + j] += by_rule[ranks[j]];
            if (j > 0 && mq_dvec_push(&g->vals[j], (at - reach[ranks[j - 1]]) / 86400.0) != 0) goto nomem;
        }
    }
    if (rc < 0) {
        *err = h.err;
        goto fail;
    }
    mq_buckets_sort(&t);
    for (int i = 0; i < t.n; i++) {
        mq_bucket *g = t.b[i];
        for (int j = 0; j < nr; j++) {
            char label[128];
            mq_stages_rank_label(h.m, ranks[j], label, sizeof label);
            mq_rows_add(rows);
            mq_rows_text(rows, F_SEGMENT, g->name);
            mq_rows_text(rows, F_STAGE, label);
            mq_rows_int(rows, F_RANK, ranks[j]);
            mq_rows_int(rows, F_REACHED, g->count[j]);
            if (g->count[0] > 0) mq_rows_double(rows, F_FROM_TOP, (double)g->count[j] / (double)g->count[0]);
            if (j > 0 && g->count[j - 1] > 0) {
                double lo, hi;
                mq_wilson((double)g->count[j], (double)g->count[j - 1], 0.95, &lo, &hi);
                mq_rows_double(rows, F_FROM_PREV, (double)g->count[j] / (double)g->count[j - 1]);
                mq_rows_double(rows, F_LOWER, lo);
                mq_rows_double(rows, F_UPPER, hi);
            }
            mq_rows_double(rows, F_MEDIAN_DAYS, mq_dvec_median(&g->vals[j]));
            mq_rows_int(rows, F_BY_RULES, rules ? rules[(int)g->key * MQ_MAX_RANK + j] : 0);
        }
    }
    sqlite3_free(rules);
    mq_buckets_free(&t);
    mq_history_close(&h);
    mq_group_close(&group);
    return 0;
nomem:
    mq_err_nomem(err);
fail:
    sqlite3_free(rules);
    mq_buckets_free(&t);
    mq_history_close(&h);
    mq_group_close(&group);
    return -1;
}

static const mq_tablefn funnel_fn = {
    .name = "funnel",
    .schema = "CREATE TABLE x(segment TEXT, stage TEXT, rank INTEGER, reached INTEGER, from_previous REAL,"
              " from_top REAL, lower REAL, upper REAL, median_days REAL, by_rules INTEGER,"
              " start HIDDEN, stop HIDDEN, window_days HIDDEN, group_by HIDDEN, fold HIDDEN, as_of HIDDEN)",
    .nvisible = F_NCOL,
    .required = 0,
    .usage = "",
    .compute = funnel_compute,
};

const mq_def mq_funnel_defs[] = {
    MQ_TABLE("funnel", 6, MQ_READS, &mq_tablefn_module, &funnel_fn),   /* arguments: hidden columns */
    MQ_END
};
