/*
** scorecard.c — the aggregate scorecard_fit(lead_id, feature, outcome [, value [, lambda]]):
** the logistic regression of logit.h over rows that say which features each
** lead has, for `mqlite learn`.
**
**     SELECT scorecard_fit(lead_id, feature, outcome) FROM (
**         SELECT lead_id, feature, outcome FROM training ORDER BY lead_id);
**     -- {"intercept":-1.9,"weights":[0.8,-0.1,...],"leads":7392,"positives":2862,...}
**
** One row per feature a lead has (feature a whole number from 1 to 4000;
** value its value, default 1: a count of events, say), or one row with
** feature NULL for a lead that has none (it counts, with every feature 0);
** the rows of a lead come together, in lead_id order, and carry the same
** outcome (0 or 1). weights[f-1] is feature f's weight in log odds per unit
** of value (0 for a feature no lead has); lambda (default 1) is the L2
** penalty. A NULL lead_id or outcome is an error: a lead left out silently
** changes the model.
*/
#include <math.h>

#include "family.h"
#include "logit.h"
#include "sqlarg.h"

typedef struct sc_agg {
    size_t *off;            /* lead i's features: feat[off[i] .. off[i+1]) */
    int *feat;
    double *val;
    unsigned char *y;
    size_t nleads, capleads, capy, nfeat, capfeat, capval;
    sqlite3_int64 lead;     /* the current lead's id */
    int started;
    int maxf;
    double lambda;
    int failed;
} sc_agg;

static const char FN[] = "scorecard_fit";

static void fail(sqlite3_context *ctx, sc_agg *a, const char *msg)
{
    mq_err err;
    mq_err_set(&err, "%s: %s", FN, msg);
    mq_result_err(ctx, &err);
    a->failed = 1;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 0;
    size_t ncap = *cap ? *cap * 2 : 1024;
    while (ncap < need) ncap *= 2;
    void *np = sqlite3_realloc64(*p, (sqlite3_uint64)ncap * size);
    if (!np) return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

static void sc_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    sc_agg *a = sqlite3_aggregate_context(ctx, sizeof *a);
    if (!a) { sqlite3_result_error_nomem(ctx); return; }
    if (a->failed) return;
    if (sqlite3_value_type(argv[0]) != SQLITE_INTEGER) {
        mq_arg_error(ctx, FN, 1, "a lead id (INTEGER)", argv[0]);
        a->failed = 1;
        return;
    }
    double yv, fv, lambda = 1;
    if (!mq_value_number(argv[2], &yv) || (yv != 0 && yv != 1)) {
        mq_arg_error(ctx, FN, 3, "0 or 1 (whether the lead reached the outcome)", argv[2]);
        a->failed = 1;
        return;
    }
    int has_f = sqlite3_value_type(argv[1]) != SQLITE_NULL;
    if (has_f && (!mq_value_number(argv[1], &fv) || fv != (int)fv || fv < 1 || fv > MQ_LOGIT_MAX_FEATURES)) {
        mq_arg_error(ctx, FN, 2, "a feature number from 1 to 4000, or NULL", argv[1]);
        a->failed = 1;
        return;
    }
    double x = 1;
    if (argc > 3 && sqlite3_value_type(argv[3]) != SQLITE_NULL &&
        (!mq_value_number(argv[3], &x) || !isfinite(x) || fabs(x) > 1e6)) {
        mq_arg_error(ctx, FN, 4, "the feature's value (a number, default 1)", argv[3]);
        a->failed = 1;
        return;
    }
    if (argc > 4 && (!mq_value_number(argv[4], &lambda) || !(lambda > 0) || lambda > 1e9)) {
        mq_arg_error(ctx, FN, 5, "a penalty above 0 (lambda)", argv[4]);
        a->failed = 1;
        return;
    }
    if (!a->started) a->lambda = lambda;
    else if (lambda != a->lambda) { fail(ctx, a, "lambda must be the same for every row"); return; }
    sqlite3_int64 lead = sqlite3_value_int64(argv[0]);
    if (!a->started || lead != a->lead) {
        if (a->started && lead < a->lead) { fail(ctx, a, "rows must come in lead_id order (ORDER BY lead_id)"); return; }
        if (grow((void **)&a->off, &a->capleads, a->nleads + 2, sizeof *a->off) != 0 ||
            grow((void **)&a->y, &a->capy, a->nleads + 1, 1) != 0) {
            sqlite3_result_error_nomem(ctx);
            a->failed = 1;
            return;
        }
        a->off[a->nleads] = a->nfeat;
        a->y[a->nleads] = (unsigned char)yv;
        a->nleads++;
        a->off[a->nleads] = a->nfeat;
        a->lead = lead;
        a->started = 1;
    } else if (a->y[a->nleads - 1] != (unsigned char)yv) {
        fail(ctx, a, "a lead's rows must have the same outcome");
        return;
    }
    if (!has_f || x == 0) return;
    int f = (int)fv;
    for (size_t j = a->off[a->nleads - 1]; j < a->nfeat; j++)
        if (a->feat[j] == f) { fail(ctx, a, "a lead has the same feature twice"); return; }
    if (grow((void **)&a->feat, &a->capfeat, a->nfeat + 1, sizeof *a->feat) != 0 ||
        grow((void **)&a->val, &a->capval, a->nfeat + 1, sizeof *a->val) != 0) {
        sqlite3_result_error_nomem(ctx);
        a->failed = 1;
        return;
    }
    a->val[a->nfeat] = x;
    a->feat[a->nfeat++] = f;
    a->off[a->nleads] = a->nfeat;
    if (f > a->maxf) a->maxf = f;
}

static void sc_final(sqlite3_context *ctx)
{
    sc_agg *a = sqlite3_aggregate_context(ctx, 0);
    if (!a || a->failed || !a->nleads) {
        if (a && !a->failed) sqlite3_result_null(ctx);
    } else {
        int d = a->maxf;
        double *w = sqlite3_malloc64((sqlite3_uint64)(d + 1) * sizeof *w);
        mq_logit info;
        if (!w || mq_logit_fit(a->off, a->feat, a->val, a->y, a->nleads, d, a->lambda, w, &info) != 0) {
            sqlite3_result_error_nomem(ctx);
        } else {
            size_t pos = 0;
            for (size_t i = 0; i < a->nleads; i++) pos += a->y[i];
            sqlite3_str *s = sqlite3_str_new(NULL);
            sqlite3_str_appendf(s, "{\"intercept\":%.10g,\"weights\":[", w[0]);
            for (int f = 1; f <= d; f++) sqlite3_str_appendf(s, f > 1 ? ",%.10g" : "%.10g", w[f]);
            sqlite3_str_appendf(s, "],\"leads\":%lld,\"positives\":%lld,\"iterations\":%d,\"converged\":%s,\"loglik\":%.10g}",
                                (long long)a->nleads, (long long)pos, info.iterations,
                                info.converged ? "true" : "false", info.loglik);
            char *json = sqlite3_str_finish(s);
            if (!json) sqlite3_result_error_nomem(ctx);
            else sqlite3_result_text(ctx, json, -1, sqlite3_free);
        }
        sqlite3_free(w);
    }
    if (a) {
        sqlite3_free(a->off);
        sqlite3_free(a->feat);
        sqlite3_free(a->val);
        sqlite3_free(a->y);
        a->off = NULL;
        a->feat = NULL;
        a->val = NULL;
        a->y = NULL;
    }
}

const mq_def mq_scorecard_defs[] = {
    MQ_AGG("scorecard_fit", 3, MQ_PURE, sc_step, sc_final),
    MQ_AGG("scorecard_fit", 4, MQ_PURE, sc_step, sc_final),
    MQ_AGG("scorecard_fit", 5, MQ_PURE, sc_step, sc_final),
    MQ_END
};
