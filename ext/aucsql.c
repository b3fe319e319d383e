/*
** aucsql.c — the aggregates roc_auc(score, outcome) and
** roc_auc_diff(score_a, score_b, outcome): how well a score ranks the leads
** that reached an outcome above those that did not, with a 95 % interval.
**
**     SELECT roc_auc(score, outcome) FROM rule_decisions('b2b', 'SQL');
**     -- {"auc":0.8412,"lower":0.8201,"upper":0.8623,"se":0.0108,"positives":354,"negatives":1647}
**     SELECT roc_auc_diff(a.score, b.score, a.outcome) ->> 'difference' FROM ...;
**
** The value is a JSON object, read with ->>: the area and its bounds come
** from one sort, and asking for them one by one would sort again. outcome
** is 0 or 1; a row with a NULL argument is left out, as count(x) leaves it;
** with no lead of one of the classes there is no area and the result is
** NULL. The interval is DeLong's (auc.c), normal, clipped to [0, 1] (to
** [-1, 1] for a difference, which is score_b's area less score_a's).
*/
#include "auc.h"
#include "family.h"
#include "sqlarg.h"

typedef struct auc_agg {
    double *a, *b;
    unsigned char *y;
    sqlite3_int64 n, cap;
    int failed;
} auc_agg;

static int grow(auc_agg *g, int two)
{
    sqlite3_int64 ncap = g->cap ? g->cap * 2 : 256;
    double *na = sqlite3_realloc64(g->a, (sqlite3_uint64)ncap * sizeof *na);
    if (na) g->a = na;
    double *nb = two && na ? sqlite3_realloc64(g->b, (sqlite3_uint64)ncap * sizeof *nb) : NULL;
    if (nb) g->b = nb;
    unsigned char *ny = na && (nb || !two) ? sqlite3_realloc64(g->y, (sqlite3_uint64)ncap) : NULL;
    if (!ny) return -1;
    g->y = ny;
    g->cap = ncap;
    return 0;
}

/* One row: nscores scores, then the outcome. */
static void step(sqlite3_context *ctx, sqlite3_value **argv, int nscores, const char *fn)
{
    auc_agg *g = sqlite3_aggregate_context(ctx, sizeof *g);
    if (!g) { sqlite3_result_error_nomem(ctx); return; }
    if (g->failed) return;
    for (int i = 0; i <= nscores; i++)
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return;
    double s[2], y;
    for (int i = 0; i < nscores; i++)
        if (!mq_value_number(argv[i], &s[i])) {
            mq_arg_error(ctx, fn, i + 1, "a score (a number)", argv[i]);
            g->failed = 1;
            return;
        }
    if (!mq_value_number(argv[nscores], &y) || (y != 0 && y != 1)) {
        mq_arg_error(ctx, fn, nscores + 1, "0 or 1 (whether the lead reached the outcome)", argv[nscores]);
        g->failed = 1;
        return;
    }
    if (g->n == g->cap && grow(g, nscores == 2) != 0) { sqlite3_result_error_nomem(ctx); g->failed = 1; return; }
    g->a[g->n] = s[0];
    if (nscores == 2) g->b[g->n] = s[1];
    g->y[g->n++] = (unsigned char)y;
}

static void auc_step(sqlite3_context *c, int n, sqlite3_value **v) { (void)n; step(c, v, 1, "roc_auc"); }
static void diff_step(sqlite3_context *c, int n, sqlite3_value **v) { (void)n; step(c, v, 2, "roc_auc_diff"); }

static void final(sqlite3_context *ctx, int two)
{
    auc_agg *g = sqlite3_aggregate_context(ctx, 0);
    if (!g) { sqlite3_result_null(ctx); return; }
    if (!g->failed) {
        mq_auc r;
        int rc = two ? mq_auc_diff(g->a, g->b, g->y, (size_t)g->n, &r) : mq_auc_one(g->a, g->y, (size_t)g->n, &r);
        if (rc < 0) sqlite3_result_error_nomem(ctx);
        else if (rc > 0) sqlite3_result_null(ctx);
        else {
            double lo, hi;
            mq_auc_interval(two ? r.diff : r.auc, r.se, 0.95, !two, &lo, &hi);
            char *json = two
                ? sqlite3_mprintf("{\"auc_a\":%.10g,\"auc_b\":%.10g,\"difference\":%.10g,\"lower\":%.10g,\"upper\":%.10g,"
                                  "\"se\":%.10g,\"positives\":%lld,\"negatives\":%lld}",
                                  r.auc, r.auc_b, r.diff, lo, hi, r.se, (long long)r.positives, (long long)r.negatives)
                : sqlite3_mprintf("{\"auc\":%.10g,\"lower\":%.10g,\"upper\":%.10g,\"se\":%.10g,\"positives\":%lld,"
                                  "\"negatives\":%lld}",
                                  r.auc, lo, hi, r.se, (long long)r.positives, (long long)r.negatives);
            if (!json) sqlite3_result_error_nomem(ctx);
            else sqlite3_result_text(ctx, json, -1, sqlite3_free);
        }
    }
    sqlite3_free(g->a);
    sqlite3_free(g->b);
    sqlite3_free(g->y);
    g->a = g->b = NULL;
    g->y = NULL;
}

static void auc_final(sqlite3_context *c) { final(c, 0); }
static void diff_final(sqlite3_context *c) { final(c, 1); }

const mq_def mq_auc_defs[] = {
    MQ_AGG("roc_auc",      2, MQ_PURE, auc_step,  auc_final),
    MQ_AGG("roc_auc_diff", 3, MQ_PURE, diff_step, diff_final),
    MQ_END
};
