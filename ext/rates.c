/*
** rates.c — conversion rates, confidence bounds, campaign rates and durations.
**
**     SELECT conversion_rate(200, 500), wilson_lower(200, 500), wilson_upper(200, 500);
**     SELECT email_benchmark('open_rate', open_rate(opens, delivered)) FROM campaigns;
**
** Rates are fractions (0.4, not 40). A zero denominator gives NULL, not an
** error: a month without MQLs has no MQL->SQL rate. Counts must not be
** negative. All of these are pure: SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS.
*/
#include <math.h>
#include <string.h>
#include <strings.h>

#include "mathstat.h"
#include "mqlite.h"
#include "mqtime.h"

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

static void error_fmt(sqlite3_context *ctx, char *msg)
{
    if (!msg) { sqlite3_result_error_nomem(ctx); return; }
    sqlite3_result_error(ctx, msg, -1);
    sqlite3_free(msg);
}

/* Reads a numerator and a denominator that must not be negative. */
static int counts(sqlite3_context *ctx, const char *fn, sqlite3_value **argv, double *num, double *den)
{
    if (number_arg(ctx, fn, argv, 0, num) <= 0) return 0;
    if (number_arg(ctx, fn, argv, 1, den) <= 0) return 0;
    if (*num < 0 || *den < 0) {
        error_fmt(ctx, sqlite3_mprintf("%s: counts must not be negative, found %g and %g", fn, *num, *den));
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
        error_fmt(ctx, sqlite3_mprintf("%s: %s (%g) exceed %s (%g)", fn, part, k, whole, n));
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
            error_fmt(ctx, sqlite3_mprintf("%s: confidence must be between 0 and 1 (exclusive), found %g", fn, conf));
            return;
        }
    }
    if (k > n) {
        error_fmt(ctx, sqlite3_mprintf("%s: converted (%g) exceeds total (%g)", fn, k, n));
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
            sqlite3_result_error(ctx, "email_benchmark: there is no published range for click_to_open_rate; "
                                      "compare it with your own history", -1);
        else {
            char q[41];
            error_fmt(ctx, sqlite3_mprintf("email_benchmark: unknown metric '%s'; expected 'open_rate' (or 'open') "
                                           "or 'click_rate' (or 'click', 'click_through', 'ctr')",
                                           mq_utf8_excerpt(q, sizeof q, m, (size_t)sqlite3_value_bytes(argv[0]))));
        }
        return;
    }
    double v;
    if (number_arg(ctx, fn, argv, 1, &v) <= 0) return;
    if (v < 0 || v > 1) {
        error_fmt(ctx, sqlite3_mprintf("email_benchmark: value expected a fraction from 0 to 1 (0.25 for 25 %%), found %g", v));
        return;
    }
    sqlite3_result_text(ctx, mq_email_verdict((mq_bench_metric)metric, v), -1, SQLITE_STATIC);
}

/* days_between(a, b): days from a to b, b - a, fractional, negative when b is earlier. */
static void fn_days_between(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    double a, b;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    if (mq_arg_time(ctx, "days_between", 1, argv[0], &a) != 0) return;
    if (mq_arg_time(ctx, "days_between", 2, argv[1], &b) != 0) return;
    sqlite3_result_double(ctx, (b - a) / 86400.0);
}

/* mqlite_date(text [, format]): 'YYYY-MM-DD HH:MM:SS' (UTC), or NULL when the
** text is not a date in that format. format is 'iso' (default: ISO-8601 or
** unix seconds), 'dmy', 'mdy' or 'ymd'. NULL rather than an error, so that an
** importer can list every bad row instead of stopping at the first. */
static void fn_mqlite_date(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    static const char *const names[] = {"iso", "dmy", "mdy", "ymd"};
    int fmt = 0;
    if (argc == 2) {
        const char *f = sqlite3_value_type(argv[1]) == SQLITE_TEXT ? (const char *)sqlite3_value_text(argv[1]) : "";
        fmt = -1;
        for (int i = 0; i < 4; i++) if (strcasecmp(f, names[i]) == 0) fmt = i;
        if (fmt < 0) {
            mq_arg_error(ctx, "mqlite_date", 2, "a format: 'iso', 'dmy', 'mdy' or 'ymd'", argv[1]);
            return;
        }
    }
    double t;
    char buf[32];
    switch (sqlite3_value_type(argv[0])) {
    case SQLITE_NULL: return;
    case SQLITE_INTEGER:
    case SQLITE_FLOAT:
        if (fmt != 0) return;
        t = sqlite3_value_double(argv[0]);
        break;
    case SQLITE_TEXT:
        if (mq_date_parse((const char *)sqlite3_value_text(argv[0]), (size_t)sqlite3_value_bytes(argv[0]),
                          (mq_datefmt)fmt, &t) != 0)
            return;
        break;
    default: return;
    }
    if (mq_time_format(t, buf) == 0) sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

int mq_register_rates(sqlite3 *db, mq_conn *conn)
{
    static const struct {
        const char *name;
        int nargs;
        void (*fn)(sqlite3_context *, int, sqlite3_value **);
    } fns[] = {
        {"conversion_rate", 2, fn_conversion_rate}, {"wilson_lower", 2, fn_wilson_lower},
        {"wilson_lower", 3, fn_wilson_lower}, {"wilson_upper", 2, fn_wilson_upper},
        {"wilson_upper", 3, fn_wilson_upper}, {"open_rate", 2, fn_open_rate}, {"click_rate", 2, fn_click_rate},
        {"click_to_open_rate", 2, fn_click_to_open}, {"response_rate", 2, fn_response_rate},
        {"cost_per_mql", 2, fn_cost_per_mql}, {"email_benchmark", 2, fn_email_benchmark},
        {"days_between", 2, fn_days_between}, {"mqlite_date", 1, fn_mqlite_date}, {"mqlite_date", 2, fn_mqlite_date},
    };
    int rc = SQLITE_OK;
    for (size_t i = 0; i < sizeof fns / sizeof *fns && rc == SQLITE_OK; i++)
        rc = mq_create_function(db, conn, fns[i].name, fns[i].nargs, SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                fns[i].fn, NULL, NULL);
    return rc;
}
