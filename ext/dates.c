/*
** dates.c — the time functions: mqlite_date(text [, format]) and
** days_between(a, b).
**
**     SELECT mqlite_date('03/04/2025', 'dmy');                 -- '2025-04-03 00:00:00'
**     SELECT days_between(mql_at, sql_at) FROM handoffs;
**
** Both read their arguments only (MQ_PURE). A time argument is read the one
** way every mqlite function reads one (mq_value_time in sqlarg.c): ISO-8601
** text or unix seconds, years 0 to 9999.
*/
#include <strings.h>

#include "family.h"
#include "mqtime.h"
#include "sqlarg.h"

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
    case SQLITE_TEXT: {
        const char *s = (const char *)sqlite3_value_text(argv[0]);
        size_t n = (size_t)sqlite3_value_bytes(argv[0]);
        if (!s) return;
        /* Already as this function writes it (an import of an export: most
        ** of a big file): the text itself, neither parsed nor formatted. */
        if (fmt == 0 && mq_time_is_canonical(s, n)) {
            sqlite3_result_value(ctx, argv[0]);
            return;
        }
        if (mq_date_parse(s, n, (mq_datefmt)fmt, &t) != 0) return;
        break;
    }
    default: return;
    }
    if (mq_time_format(t, buf) == 0) sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

const mq_def mq_dates_defs[] = {
    MQ_FUNC("days_between", 2, MQ_PURE, fn_days_between),
    MQ_FUNC("mqlite_date",  1, MQ_PURE, fn_mqlite_date),
    MQ_FUNC("mqlite_date",  2, MQ_PURE, fn_mqlite_date),
    MQ_END
};
