/*
** mqlite.c — the entry point of the mqlite SQLite extension, and its meta
** functions.
**
** Load it with `.load build/mqlite` in the sqlite3 shell, or
** conn.load_extension("build/mqlite") in Python. Then:
**
**     SELECT mqlite_version(), mqlite_lua_version();
**     SELECT lead_score('b2b', '{"annual_revenue": 2000000}');
**
** Each family of functions lives in its own file and is registered from the
** table below; a failure to register any of them fails the load.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1
#define SQLITE_EXTENSION_INIT_DONE
#include "mqlite.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interrupt.h"
#include "mqtime.h"

/* ---- shared helpers (declared in mqlite.h) --------------------------------------- */

void mq_conn_retain(mq_conn *c) { c->refs++; }

void mq_conn_release(void *p)
{
    mq_conn *c = p;
    if (!c || --c->refs > 0) return;
    mq_rule_release(c->last_rule);
    mq_engine_release(c->engine);
    mq_stages_release(c->stages);
    sqlite3_free(c);
}

int mq_create_function(sqlite3 *db, mq_conn *conn, const char *name, int nargs, int flags,
                       void (*xFunc)(sqlite3_context *, int, sqlite3_value **),
                       void (*xStep)(sqlite3_context *, int, sqlite3_value **),
                       void (*xFinal)(sqlite3_context *))
{
    mq_conn_retain(conn);
    /* On failure SQLite calls the destructor itself, releasing the reference. */
    return sqlite3_create_function_v2(db, name, nargs, SQLITE_UTF8 | flags, conn,
                                      xFunc, xStep, xFinal, mq_conn_release);
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

char *mq_arg_message(const char *fn, int i, const char *what, sqlite3_value *v)
{
    if (sqlite3_value_type(v) == SQLITE_TEXT)
        return sqlite3_mprintf("%s: argument %d expected %s, found TEXT '%.40s'", fn, i, what,
                               (const char *)sqlite3_value_text(v));
    return sqlite3_mprintf("%s: argument %d expected %s, found %s", fn, i, what, mq_type_name(v));
}

void mq_arg_error(sqlite3_context *ctx, const char *fn, int i, const char *what, sqlite3_value *v)
{
    char *msg = mq_arg_message(fn, i, what, v);
    if (!msg) { sqlite3_result_error_nomem(ctx); return; }
    sqlite3_result_error(ctx, msg, -1);
    sqlite3_free(msg);
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

int mq_arg_time(sqlite3_context *ctx, const char *fn, int i, sqlite3_value *v, double *out)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
    case SQLITE_FLOAT:
        *out = sqlite3_value_double(v);
        if (isfinite(*out)) return 0;
        break;
    case SQLITE_TEXT:
        if (mq_time_parse((const char *)sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v), out) == 0)
            return 0;
        break;
    default: break;
    }
    mq_arg_error(ctx, fn, i, "an ISO-8601 date or unix seconds", v);
    return -1;
}

/* ---- meta functions ---------------------------------------------------------------- */

static void fn_version(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc; (void)argv;
    sqlite3_result_text(ctx, MQLITE_VERSION, -1, SQLITE_STATIC);
}

static void fn_lua_version(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc; (void)argv;
    sqlite3_result_text(ctx, mq_lua_release(), -1, SQLITE_STATIC);
}

/* A JSON object that tells what is loaded and how it is limited. */
static void fn_debug(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc; (void)argv;
    mq_conn *c = sqlite3_user_data(ctx);
    char *s = sqlite3_mprintf(
        "{\"mqlite\":\"%s\",\"sqlite\":\"%s\",\"lua\":\"%s\",\"memory_limit\":%lld,"
        "\"memory_used\":%lld,\"instruction_limit\":%lld,\"rules_compiled\":%u,"
        "\"build\":\"%s %s\"}",
        MQLITE_VERSION, sqlite3_libversion(), mq_lua_release(),
        (long long)mq_engine_memory_limit(c->engine), (long long)mq_engine_memory_used(c->engine),
        mq_engine_instruction_limit(c->engine), mq_engine_compiles(c->engine),
#ifdef NDEBUG
        "release",
#else
        "debug",
#endif
        __DATE__);
    if (!s) { sqlite3_result_error_nomem(ctx); return; }
    sqlite3_result_text(ctx, s, -1, sqlite3_free);
}

/* mqlite_limit(name [, value]): reads, or sets and reads, a sandbox limit of
** this connection. 'memory' is bytes of Lua heap for all rules together;
** 'instructions' is Lua VM instructions per call of a rule. */
static void fn_limit(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    static const char fn[] = "mqlite_limit";
    mq_conn *c = sqlite3_user_data(ctx);
    if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
        mq_arg_error(ctx, fn, 1, "'memory' or 'instructions'", argv[0]);
        return;
    }
    const char *name = (const char *)sqlite3_value_text(argv[0]);
    int mem = strcmp(name, "memory") == 0;
    if (!mem && strcmp(name, "instructions") != 0) {
        mq_arg_error(ctx, fn, 1, "'memory' or 'instructions'", argv[0]);
        return;
    }
    if (argc == 2 && sqlite3_value_type(argv[1]) != SQLITE_NULL) {
        if (sqlite3_value_type(argv[1]) != SQLITE_INTEGER) {
            mq_arg_error(ctx, fn, 2, "an INTEGER", argv[1]);
            return;
        }
        sqlite3_int64 v = sqlite3_value_int64(argv[1]);
        int rc = mem ? (v < 0 ? -1 : mq_engine_set_memory_limit(c->engine, (size_t)v))
                     : mq_engine_set_instruction_limit(c->engine, v);
        if (rc != 0) {
            char *msg = mem
                ? sqlite3_mprintf("%s: memory must be from %lld to %lld bytes, found %lld", fn,
                                  (long long)MQ_MIN_MEMORY_LIMIT, (long long)MQ_MAX_MEMORY_LIMIT, (long long)v)
                : sqlite3_mprintf("%s: instructions must be from %lld to %lld, found %lld", fn,
                                  MQ_MIN_INSTRUCTION_LIMIT, MQ_MAX_INSTRUCTION_LIMIT, (long long)v);
            sqlite3_result_error(ctx, msg ? msg : "out of memory", -1);
            sqlite3_free(msg);
            return;
        }
    }
    sqlite3_result_int64(ctx, mem ? (sqlite3_int64)mq_engine_memory_limit(c->engine)
                                   : mq_engine_instruction_limit(c->engine));
}

int mq_register_meta(sqlite3 *db, mq_conn *conn)
{
    const int pure = SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    int rc = mq_create_function(db, conn, "mqlite_version", 0, pure, fn_version, NULL, NULL);
    if (rc == SQLITE_OK) rc = mq_create_function(db, conn, "mqlite_lua_version", 0, pure, fn_lua_version, NULL, NULL);
    if (rc == SQLITE_OK) rc = mq_create_function(db, conn, "mqlite_debug", 0, SQLITE_INNOCUOUS, fn_debug, NULL, NULL);
    /* Changing limits from a view or trigger of someone else's database would
    ** let that database lift the sandbox's caps: direct calls only. */
    for (int n = 1; n <= 2 && rc == SQLITE_OK; n++)
        rc = mq_create_function(db, conn, "mqlite_limit", n, SQLITE_DIRECTONLY, fn_limit, NULL, NULL);
    return rc;
}

/* ---- entry point ------------------------------------------------------------------- */

static const struct {
    const char *family;
    mq_register_fn reg;
} families[] = {
    {"meta", mq_register_meta},
    {"score", mq_register_score},
    {"score_leads", mq_register_score_vtab},
    {"rates", mq_register_rates},
    {"percentile", mq_register_percentile},
    {"stage", mq_register_stage},
    {"funnel", mq_register_funnel},
    {"cohort_conversion", mq_register_cohort},
    {"speed_to_lead", mq_register_speed},
};

int sqlite3_mqlite_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_mqlite_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi)
{
    /* Every connection that loads mqlite comes here; writing the same pointer
    ** again from another thread would still be a data race, so write once. */
    if (sqlite3_api != pApi) SQLITE_EXTENSION_INIT2(pApi);
    mq_conn *conn = sqlite3_malloc(sizeof *conn);
    if (!conn) return SQLITE_NOMEM;
    memset(conn, 0, sizeof *conn);
    conn->refs = 1;
    conn->db = db;
    if (!(conn->engine = mq_engine_new())) {
        sqlite3_free(conn);
        *pzErrMsg = sqlite3_mprintf("mqlite: cannot create the Lua state (out of memory)");
        return SQLITE_NOMEM;
    }
    mq_engine_set_stop(conn->engine, mq_sql_interrupted, db);   /* Ctrl-C, interrupt(), progress handlers */
    int rc = SQLITE_OK;
    for (size_t i = 0; i < sizeof families / sizeof *families && rc == SQLITE_OK; i++) {
        rc = families[i].reg(db, conn);
        if (rc != SQLITE_OK)
            *pzErrMsg = sqlite3_mprintf("mqlite: registering %s failed: %s", families[i].family, sqlite3_errstr(rc));
    }
    mq_conn_release(conn);     /* the registrations hold their own references */
    return rc;
}
