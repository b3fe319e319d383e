/*
** percentile.c — the aggregates median(x) and percentile(x, p).
**
**     SELECT median(days_between(mql_at, sql_at)) FROM handoffs;
**     SELECT percentile(hours_to_contact, 90) FROM speed;
**
** p runs from 0 to 100, as in SQLite's own ext/misc/percentile.c, and the value
** is interpolated between the two nearest ranks. NULLs are ignored; no value
** at all gives NULL. Text that is not a number, and BLOBs, are errors rather
** than silently skipped: a median over half the data is a wrong answer.
*/
#include <math.h>

#include "mathstat.h"
#include "mqlite.h"

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
        sqlite3_result_error(ctx, "percentile: p must be the same for every row", -1);
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

static void median_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    step(ctx, argv[0], 50, "median");
}

static void percentile_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    double p;
    if (!mq_value_number(argv[1], &p)) {
        pct_agg *a = sqlite3_aggregate_context(ctx, sizeof *a);
        if (a) a->failed = 1;
        mq_arg_error(ctx, "percentile", 2, "a percentile from 0 to 100", argv[1]);
        return;
    }
    if (p < 0 || p > 100) {
        pct_agg *a = sqlite3_aggregate_context(ctx, sizeof *a);
        if (a) a->failed = 1;
        char *msg = sqlite3_mprintf("percentile: p must be from 0 to 100, found %g", p);
        sqlite3_result_error(ctx, msg ? msg : "out of memory", -1);
        sqlite3_free(msg);
        return;
    }
    step(ctx, argv[0], p, "percentile");
}

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

int mq_register_percentile(sqlite3 *db, mq_conn *conn)
{
    const int flags = SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    int rc = mq_create_function(db, conn, "median", 1, flags, NULL, median_step, final);
    if (rc == SQLITE_OK) rc = mq_create_function(db, conn, "percentile", 2, flags, NULL, percentile_step, final);
    return rc;
}
