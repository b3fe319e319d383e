/*
** percentile.c — the aggregates mqlite_median(x) and mqlite_percentile(x, p),
** also named median(x) and percentile(x, p) where the host has none.
**
**     SELECT median(days_between(mql_at, sql_at)) FROM handoffs;
**     SELECT mqlite_percentile(hours_to_contact, 90) FROM speed;
**
** Naming: SQLite 3.47 and later can be built with its own median and
** percentile (SQLITE_ENABLE_PERCENTILE; better-sqlite3 12 is). mqlite never
** replaces a function the host has (see mqlite.c and MQ_IF_FREE in family.h), so it registers median and
** percentile only when the host has no function of that name, and always
** registers the same aggregates as mqlite_median and mqlite_percentile, the
** names to use where mqlite's own rules (below) must apply.
**
** p runs from 0 to 100, as in SQLite's own ext/misc/percentile.c, and the value
** is interpolated between the two nearest ranks. NULLs are ignored; no value
** at all gives NULL. Text that is not a number, and BLOBs, are errors rather
** than silently skipped: a median over half the data is a wrong answer.
*/
#include <math.h>

#include "mathstat.h"
#include "family.h"
#include "sqlarg.h"

typedef struct pct_agg {
    double *x;
    sqlite3_int64 n, cap;
    double p;
    int has_p;
    int failed;
} pct_agg;

static void step(sqlite3_context *ctx, sqlite3_value *v, double p, const char *fn)
{
    pct_agg *a = sqlite3_aggregate_context(ctx, sizeof *a);
    if (!a) { sqlite3_result_error_nomem(ctx); return; }
    if (a->failed) return;
    if (!a->has_p) {
        a->p = p;
        a->has_p = 1;
    } else if (a->p != p) {
        mq_err err;
        mq_err_set(&err, "%s: p must be the same for every row", fn);
        mq_result_err(ctx, &err);
        a->failed = 1;
        return;
    }
    if (sqlite3_value_type(v) == SQLITE_NULL) return;
    double x;
    if (!mq_value_number(v, &x)) {
        mq_arg_error(ctx, fn, 1, "a number", v);
        a->failed = 1;
        return;
    }
    if (a->n == a->cap) {
        sqlite3_int64 ncap = a->cap ? a->cap * 2 : 64;
        double *nx = sqlite3_realloc64(a->x, (sqlite3_uint64)ncap * sizeof *nx);
        if (!nx) { sqlite3_result_error_nomem(ctx); a->failed = 1; return; }
        a->x = nx;
        a->cap = ncap;
    }
    a->x[a->n++] = x;
}

static void median_with(sqlite3_context *ctx, sqlite3_value **argv, const char *fn)
{
    step(ctx, argv[0], 50, fn);
}

static void percentile_with(sqlite3_context *ctx, sqlite3_value **argv, const char *fn)
{
    double p;
    if (!mq_value_number(argv[1], &p)) {
        pct_agg *a = sqlite3_aggregate_context(ctx, sizeof *a);
        if (a) a->failed = 1;
        mq_arg_error(ctx, fn, 2, "a percentile from 0 to 100", argv[1]);
        return;
    }
    if (p < 0 || p > 100) {
        pct_agg *a = sqlite3_aggregate_context(ctx, sizeof *a);
        if (a) a->failed = 1;
        mq_err err;
        mq_err_set(&err, "%s: p must be from 0 to 100, found %g", fn, p);
        mq_result_err(ctx, &err);
        return;
    }
    step(ctx, argv[0], p, fn);
}

/* The errors name the function as it was called. */
static void median_step(sqlite3_context *c, int n, sqlite3_value **v) { (void)n; median_with(c, v, "median"); }
static void mq_median_step(sqlite3_context *c, int n, sqlite3_value **v) { (void)n; median_with(c, v, "mqlite_median"); }
static void percentile_step(sqlite3_context *c, int n, sqlite3_value **v) { (void)n; percentile_with(c, v, "percentile"); }
static void mq_percentile_step(sqlite3_context *c, int n, sqlite3_value **v) { (void)n; percentile_with(c, v, "mqlite_percentile"); }

static void final(sqlite3_context *ctx)
{
    pct_agg *a = sqlite3_aggregate_context(ctx, 0);
    if (!a) { sqlite3_result_null(ctx); return; }
    if (!a->failed && a->n > 0) {
        mq_sort_doubles(a->x, (size_t)a->n);
        sqlite3_result_double(ctx, mq_percentile_sorted(a->x, (size_t)a->n, a->p));
    } else if (!a->failed) {
        sqlite3_result_null(ctx);
    }
    sqlite3_free(a->x);
    a->x = NULL;
}

const mq_def mq_percentile_defs[] = {
    MQ_AGG("mqlite_median",     1, MQ_PURE,              mq_median_step,     final),
    MQ_AGG("mqlite_percentile", 2, MQ_PURE,              mq_percentile_step, final),
    MQ_AGG("median",            1, MQ_PURE | MQ_IF_FREE, median_step,        final),
    MQ_AGG("percentile",        2, MQ_PURE | MQ_IF_FREE, percentile_step,    final),
    MQ_END
};
