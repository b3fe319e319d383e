/*
** sqlarg.c — SQL arguments in, errors out (see sqlarg.h).
*/
#include "sqlarg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mqtime.h"
#include "utf8text.h"

/* A rule the host stopped is reported as SQLite reports its own interrupts:
** SQLITE_INTERRUPT and the message "interrupted", with no rule name, since
** hosts recognise their stop by those (datasette's time limit looks for the
** exact message to say "SQL query took too long"; others test the code). */
void mq_result_err(sqlite3_context *ctx, const mq_err *err)
{
    if (err->nomem) sqlite3_result_error_nomem(ctx);
    else if (err->interrupted) sqlite3_result_error_code(ctx, SQLITE_INTERRUPT);
    else sqlite3_result_error(ctx, err->msg, -1);
}

int mq_vtab_err(sqlite3_vtab *vtab, const mq_err *err)
{
    if (err->nomem) return SQLITE_NOMEM;
    if (err->interrupted) {
        sqlite3_free(vtab->zErrMsg);
        vtab->zErrMsg = NULL;
        return SQLITE_INTERRUPT;
    }
    char *msg = sqlite3_mprintf("%s", err->msg);
    if (!msg) return SQLITE_NOMEM;
    sqlite3_free(vtab->zErrMsg);
    vtab->zErrMsg = msg;
    return SQLITE_ERROR;
}

const char *mq_type_name(sqlite3_value *v)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER: return "INTEGER";
    case SQLITE_FLOAT: return "REAL";
    case SQLITE_TEXT: return "TEXT";
    case SQLITE_BLOB: return "BLOB";
    default: return "NULL";
    }
}

int mq_arg_message(mq_err *err, const char *fn, int i, const char *what, sqlite3_value *v)
{
    if (sqlite3_value_type(v) == SQLITE_TEXT) {
        char q[41];           /* up to 40 bytes of the text, cut between characters */
        return mq_err_set(err, "%s: argument %d expected %s, found TEXT '%s'", fn, i, what,
                          mq_utf8_excerpt(q, sizeof q, (const char *)sqlite3_value_text(v),
                                          (size_t)sqlite3_value_bytes(v)));
    }
    return mq_err_set(err, "%s: argument %d expected %s, found %s", fn, i, what, mq_type_name(v));
}

void mq_arg_error(sqlite3_context *ctx, const char *fn, int i, const char *what, sqlite3_value *v)
{
    mq_err err;
    mq_arg_message(&err, fn, i, what, v);
    mq_result_err(ctx, &err);
}

int mq_value_number(sqlite3_value *v, double *out)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER: *out = (double)sqlite3_value_int64(v); return 1;
    case SQLITE_FLOAT: *out = sqlite3_value_double(v); return 1;
    case SQLITE_TEXT: {
        const char *s = (const char *)sqlite3_value_text(v);
        char *end;
        if (!s || !*s) return 0;
        *out = strtod(s, &end);
        while (*end == ' ') end++;
        return end != s && *end == 0 && isfinite(*out);
    }
    default: return 0;
    }
}

int mq_value_time(sqlite3_value *v, double *out)
{
    double t;
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
    case SQLITE_FLOAT: t = sqlite3_value_double(v); break;
    case SQLITE_TEXT:
        if (mq_time_parse((const char *)sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v), &t) != 0) return -1;
        break;
    default: return -1;
    }
    if (!(t >= MQ_TIME_MIN && t < MQ_TIME_MAX)) return -1;     /* NAN and infinities too */
    *out = t;
    return 0;
}

int mq_arg_time(sqlite3_context *ctx, const char *fn, int i, sqlite3_value *v, double *out)
{
    if (mq_value_time(v, out) == 0) return 0;
    mq_arg_error(ctx, fn, i, MQ_TIME_WHAT, v);
    return -1;
}

static void release_aux(void *p) { mq_rule_release(p); }

mq_rule *mq_rule_arg(sqlite3_context *ctx, const char *fn, sqlite3_value **argv, int i)
{
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return NULL;
    if (sqlite3_value_type(argv[i]) != SQLITE_TEXT) {
        mq_arg_error(ctx, fn, i + 1, "a rule name (TEXT)", argv[i]);
        return NULL;
    }
    const char *name = (const char *)sqlite3_value_text(argv[i]);
    if (!name) { sqlite3_result_error_nomem(ctx); return NULL; }
    mq_rule *r = sqlite3_get_auxdata(ctx, i);
    if (r && strcmp(mq_rule_name(r), name) == 0) {
        mq_rule_retain(r);
        return r;
    }
    mq_err err;
    r = mq_conn_rule(sqlite3_user_data(ctx), fn, name, &err);
    if (!r) {
        mq_result_err(ctx, &err);
        return NULL;
    }
    mq_rule_retain(r);                 /* the statement's reference */
    sqlite3_set_auxdata(ctx, i, r, release_aux);
    return r;
}
