/*
** rates.c — conversion rates, confidence bounds, campaign rates and durations.
**
**     SELECT conversion_rate(200, 500), wilson_lower(200, 500), wilson_upper(200, 500);
**     SELECT email_benchmark('open_rate', open_rate(opens, delivered)) FROM campaigns;
**
** Rates are fractions (0.4, not 40). A zero denominator gives NULL, not an
** error: a month without MQLs has no MQL->SQL rate. Counts must not be
** negative. All of these read their arguments only (MQ_PURE).
*/
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "mathstat.h"
#include "family.h"
#include "sqlarg.h"
#include "utf8text.h"

/* Reads argument i as a number: 1 ok, 0 NULL (result set to NULL), -1 error set. */
static int number_arg(sqlite3_context *ctx, const char *fn, sqlite3_value **argv, int i, double *out)
{
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return 0;
    }
    if (!mq_value_number(argv[i], out)) {
        mq_arg_error(ctx, fn, i + 1, "a number", argv[i]);
        return -1;
    }
    return 1;
}

/* Sets an error (printf-style) on ctx. */
static void MQ_PRINTF(2, 3) error_fmt(sqlite3_context *ctx, const char *fmt, ...)
{
    mq_err err;
    va_list ap;
    va_start(ap, fmt);
    mq_err_vset(&err, fmt, ap);
    va_end(ap);
    mq_result_err(ctx, &err);
}

/* Reads a numerator and a denominator that must not be negative. */
static int counts(sqlite3_context *ctx, const char *fn, sqlite3_value **argv, double *num, double *den)
{
    if (number_arg(ctx, fn, argv, 0, num) <= 0) return 0;
    if (number_arg(ctx, fn, argv, 1, den) <= 0) return 0;
    if (*num < 0 || *den < 0) {
        error_fmt(ctx, "%s: counts must not be negative, found %g and %g", fn, *num, *den);
        return 0;
    }
    return 1;
}

static void fn_conversion_rate(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    double k, n;
    if (!counts(ctx, "conversion_rate", argv, &k, &n)) return;
    if (n == 0) sqlite3_result_null(ctx);
    else sqlite3_result_double(ctx, k / n);
}

/* A rate whose numerator is a subset of its denominator: opens of delivered,
** clicks of opens. More in the numerator means the data is inconsistent. */
static void subset_rate(sqlite3_context *ctx, sqlite3_value **argv, const char *fn, const char *part, const char *whole)
{
    double k, n;
    if (!counts(ctx, fn, argv, &k, &n)) return;
    if (k > n) {
        error_fmt(ctx, "%s: %s (%g) exceed %s (%g)", fn, part, k, whole, n);
        return;
    }
    if (n == 0) sqlite3_result_null(ctx);
    else sqlite3_result_double(ctx, k / n);
}

static void fn_open_rate(sqlite3_context *c, int n, sqlite3_value **v) { (void)n; subset_rate(c, v, "open_rate", "opens", "delivered"); }
static void fn_click_rate(sqlite3_context *c, int n, sqlite3_value **v) { (void)n; subset_rate(c, v, "click_rate", "clicks", "delivered"); }
static void fn_click_to_open(sqlite3_context *c, int n, sqlite3_value **v) { (void)n; subset_rate(c, v, "click_to_open_rate", "clicks", "opens"); }
static void fn_response_rate(sqlite3_context *c, int n, sqlite3_value **v) { (void)n; subset_rate(c, v, "response_rate", "responders", "sent"); }

static void fn_cost_per_mql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    double cost, mqls;
    if (!counts(ctx, "cost_per_mql", argv, &cost, &mqls)) return;
    if (mqls == 0) sqlite3_result_null(ctx);
    else sqlite3_result_double(ctx, cost / mqls);
}

/* wilson_lower / wilson_upper(converted, total [, confidence]) */
static void wilson(sqlite3_context *ctx, int argc, sqlite3_value **argv, int upper)
{
    const char *fn = upper ? "wilson_upper" : "wilson_lower";
    double k, n, conf = 0.95, lo, hi;
    if (!counts(ctx, fn, argv, &k, &n)) return;
    if (argc == 3) {
        if (number_arg(ctx, fn, argv, 2, &conf) <= 0) return;
        if (!(conf > 0 && conf < 1)) {
            error_fmt(ctx, "%s: confidence must be between 0 and 1 (exclusive), found %g", fn, conf);
            return;
        }
    }
    if (k > n) {
        error_fmt(ctx, "%s: converted (%g) exceeds total (%g)", fn, k, n);
        return;
    }
    if (n == 0) { sqlite3_result_null(ctx); return; }
    mq_wilson(k, n, conf, &lo, &hi);
    sqlite3_result_double(ctx, upper ? hi : lo);
}

static void fn_wilson_lower(sqlite3_context *c, int n, sqlite3_value **v) { wilson(c, n, v, 0); }
static void fn_wilson_upper(sqlite3_context *c, int n, sqlite3_value **v) { wilson(c, n, v, 1); }

/* email_benchmark(metric, value) -> 'below' | 'typical' | 'above' */
static void fn_email_benchmark(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    static const char fn[] = "email_benchmark";
    static const char *const opens[] = {"open_rate", "open", "opens", NULL};
    static const char *const clicks[] = {"click_rate", "click", "clicks", "click_through", "click_through_rate", "ctr", NULL};
    if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
        mq_arg_error(ctx, fn, 1, "a metric name ('open_rate' or 'click_rate')", argv[0]);
        return;
    }
    const char *m = (const char *)sqlite3_value_text(argv[0]);
    int metric = -1;
    for (int i = 0; opens[i]; i++) if (strcasecmp(m, opens[i]) == 0) metric = MQ_BENCH_OPEN;
    for (int i = 0; clicks[i]; i++) if (strcasecmp(m, clicks[i]) == 0) metric = MQ_BENCH_CLICK;
    if (metric < 0) {
        if (strcasecmp(m, "click_to_open_rate") == 0 || strcasecmp(m, "ctor") == 0)
            error_fmt(ctx, "email_benchmark: there is no published range for click_to_open_rate; "
                           "compare it with your own history");
        else {
            char q[41];
            error_fmt(ctx, "email_benchmark: unknown metric '%s'; expected 'open_rate' (or 'open') "
                           "or 'click_rate' (or 'click', 'click_through', 'ctr')",
                      mq_utf8_excerpt(q, sizeof q, m, (size_t)sqlite3_value_bytes(argv[0])));
        }
        return;
    }
    double v;
    if (number_arg(ctx, fn, argv, 1, &v) <= 0) return;
    if (v < 0 || v > 1) {
        error_fmt(ctx, "email_benchmark: value expected a fraction from 0 to 1 (0.25 for 25 %%), found %g", v);
        return;
    }
    sqlite3_result_text(ctx, mq_email_verdict((mq_bench_metric)metric, v), -1, SQLITE_STATIC);
}

const mq_def mq_rates_defs[] = {
    MQ_FUNC("conversion_rate",    2, MQ_PURE, fn_conversion_rate),
    MQ_FUNC("wilson_lower",       2, MQ_PURE, fn_wilson_lower),
    MQ_FUNC("wilson_lower",       3, MQ_PURE, fn_wilson_lower),
    MQ_FUNC("wilson_upper",       2, MQ_PURE, fn_wilson_upper),
    MQ_FUNC("wilson_upper",       3, MQ_PURE, fn_wilson_upper),
    MQ_FUNC("open_rate",          2, MQ_PURE, fn_open_rate),
    MQ_FUNC("click_rate",         2, MQ_PURE, fn_click_rate),
    MQ_FUNC("click_to_open_rate", 2, MQ_PURE, fn_click_to_open),
    MQ_FUNC("response_rate",      2, MQ_PURE, fn_response_rate),
    MQ_FUNC("cost_per_mql",       2, MQ_PURE, fn_cost_per_mql),
    MQ_FUNC("email_benchmark",    2, MQ_PURE, fn_email_benchmark),
    MQ_END
};
