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
**
** Loading registers everything or nothing, and never replaces a function the
** host already has (issue 11, item 6). Loaded by `SELECT load_extension(...)`,
** the load runs inside a statement, where SQLite refuses to redefine a
** function ("database is locked"); it then unloads the library while the
** functions registered before the failure still point into it, and the next
** call crashes. So the families are registered twice over: first with
** conn->checking set, which registers nothing and only asks, name by name,
** whether the host has it already; then for real, only if no name clashed.
** median and percentile, which SQLite 3.47+ may have built in, are registered
** only where the host has none (MQ_IF_FREE; mqlite_median and
** mqlite_percentile always are). mqlite_version is registered last, so a
** connection that has it has all of mqlite: loading again does nothing. If a
** registration still fails half-way (out of memory), the library is pinned in
** memory, so that what was registered stays callable.
*/
#define _GNU_SOURCE           /* dladdr, RTLD_NOLOAD, RTLD_NODELETE */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1
#define SQLITE_EXTENSION_INIT_DONE
#include "mqlite.h"

#ifndef _WIN32
#include <dlfcn.h>
#endif
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

int mq_prepare(mq_conn *c, const char *what, const char *sql, sqlite3_stmt **st)
{
    const char *prev = c->reading;
    c->reading = what;
    int rc = sqlite3_prepare_v2(c->db, sql, -1, st, NULL);
    c->reading = prev;
    return rc;
}

int mq_step(mq_conn *c, const char *what, sqlite3_stmt *st)
{
    const char *prev = c->reading;
    c->reading = what;
    int rc = sqlite3_step(st);
    c->reading = prev;
    return rc;
}

int mq_reentered(const mq_conn *c, const char *fn, char **err)
{
    if (!c->reading) return 0;
    *err = fn ? sqlite3_mprintf("%s: %s may not call mqlite functions (re-entered)", fn, c->reading)
              : sqlite3_mprintf("%s may not call mqlite functions (re-entered)", c->reading);
    return -1;
}

/* The probes below leave "no such function" as the connection's error, and
** sqlite3_open() fails when an automatic extension (sqlite3_auto_extension)
** leaves any error behind: a statement that prepares clears it. */
static void clear_error(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "SELECT 1", -1, &st, NULL);
    sqlite3_finalize(st);
}

/* 1 when the host has a function of this name, with any number of
** arguments, 0 when not, -1 when memory is short. Preparing a call with no
** arguments works with every build of SQLite (pragma_function_list may be
** compiled out): "no such function" means free; success or "wrong number of
** arguments" means taken. */
static int function_taken(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st = NULL;
    char *sql = sqlite3_mprintf("SELECT %s()", name);
    if (!sql) return -1;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    sqlite3_free(sql);
    sqlite3_finalize(st);
    int taken = rc == SQLITE_NOMEM ? -1 : rc == SQLITE_OK || strncmp(sqlite3_errmsg(db), "no such function", 16) != 0;
    clear_error(db);
    return taken;
}

/* 1 when the host has a virtual table module of this name, 0 when not, -1
** when memory is short: from pragma_module_list where the build has it, else
** by naming it as a table-valued function ("no such table" means free; a real
** table of that name, "... is not a function", is not a module). */
static int module_taken(sqlite3 *db, mq_conn *conn, const char *name)
{
    sqlite3_stmt *st = NULL;
    int taken;
    if (conn->schema_unreadable) return 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_module_list WHERE name = ?1 COLLATE NOCASE", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        taken = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(st);
        clear_error(db);
        return taken;
    }
    /* Naming a table reads the schema, which fails while another connection
    ** holds a lock or when the schema cannot load with trusted_schema=OFF (a
    ** database whose CHECKs call functions that are not innocuous: `mqlite
    ** init` must still load mqlite to upgrade it). Then no probe can answer,
    ** and the name is taken as free: functions, which are checked without the
    ** schema, are what hosts actually share names with. */
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema LIMIT 0", -1, &st, NULL) != SQLITE_OK) {
        int nomem = sqlite3_errcode(db) == SQLITE_NOMEM;
        sqlite3_finalize(st);
        clear_error(db);
        conn->schema_unreadable = !nomem;
        return nomem ? -1 : 0;
    }
    sqlite3_finalize(st);
    char *sql = sqlite3_mprintf("SELECT * FROM %s()", name);
    if (!sql) return -1;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    sqlite3_free(sql);
    sqlite3_finalize(st);
    const char *msg = sqlite3_errmsg(db);
    taken = rc == SQLITE_NOMEM ? -1
          : rc == SQLITE_OK || (strncmp(msg, "no such table", 13) != 0 && !strstr(msg, "is not a function"));
    clear_error(db);
    return taken;
}

int mq_create_function(sqlite3 *db, mq_conn *conn, const char *name, int nargs, int flags,
                       void (*xFunc)(sqlite3_context *, int, sqlite3_value **),
                       void (*xStep)(sqlite3_context *, int, sqlite3_value **),
                       void (*xFinal)(sqlite3_context *))
{
    int taken = conn->checking || (flags & MQ_IF_FREE) ? function_taken(db, name) : 0;
    if (taken < 0) return SQLITE_NOMEM;
    if (conn->checking) {
        if ((flags & MQ_IF_FREE) || !taken) return SQLITE_OK;
        conn->clash = name;
        return SQLITE_ERROR;
    }
    if (taken) return SQLITE_OK;            /* MQ_IF_FREE, and the host has one */
    mq_conn_retain(conn);
    /* On failure SQLite calls the destructor itself, releasing the reference. */
    return sqlite3_create_function_v2(db, name, nargs, SQLITE_UTF8 | (flags & ~MQ_IF_FREE), conn,
                                      xFunc, xStep, xFinal, mq_conn_release);
}

int mq_create_module(sqlite3 *db, mq_conn *conn, const char *name, const sqlite3_module *module, void *aux,
                     void (*destroy)(void *))
{
    if (conn->checking) {
        destroy(aux);
        int taken = module_taken(db, conn, name);
        if (taken <= 0) return taken < 0 ? SQLITE_NOMEM : SQLITE_OK;
        conn->clash = name;
        return SQLITE_ERROR;
    }
    return sqlite3_create_module_v2(db, name, module, aux, destroy);
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
    if (sqlite3_value_type(v) == SQLITE_TEXT) {
        char q[41];           /* up to 40 bytes of the text, cut between characters */
        return sqlite3_mprintf("%s: argument %d expected %s, found TEXT '%s'", fn, i, what,
                               mq_utf8_excerpt(q, sizeof q, (const char *)sqlite3_value_text(v),
                                               (size_t)sqlite3_value_bytes(v)));
    }
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
    int rc = mq_create_function(db, conn, "mqlite_lua_version", 0, pure, fn_lua_version, NULL, NULL);
    if (rc == SQLITE_OK) rc = mq_create_function(db, conn, "mqlite_debug", 0, SQLITE_INNOCUOUS, fn_debug, NULL, NULL);
    /* Changing limits from a view or trigger of someone else's database would
    ** let that database lift the sandbox's caps: direct calls only. */
    for (int n = 1; n <= 2 && rc == SQLITE_OK; n++)
        rc = mq_create_function(db, conn, "mqlite_limit", n, SQLITE_DIRECTONLY, fn_limit, NULL, NULL);
    /* last of all (meta is the last family): its presence means a complete load */
    if (rc == SQLITE_OK) rc = mq_create_function(db, conn, "mqlite_version", 0, pure, fn_version, NULL, NULL);
    return rc;
}

/* ---- entry point ------------------------------------------------------------------- */

int sqlite3_mqlite_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);

static const struct {
    const char *family;
    mq_register_fn reg;
} families[] = {
    {"score", mq_register_score},
    {"score_leads", mq_register_score_vtab},
    {"rates", mq_register_rates},
    {"percentile", mq_register_percentile},
    {"stage", mq_register_stage},
    {"funnel", mq_register_funnel},
    {"cohort_conversion", mq_register_cohort},
    {"speed_to_lead", mq_register_speed},
    {"lead_threshold", mq_register_threshold},
    {"meta", mq_register_meta},            /* last: mqlite_version marks a complete load */
};

/* 1 when this connection has mqlite loaded already (its mqlite_version), 0
** when not; -1 with *pzErrMsg when another version of it is. */
static int loaded_before(sqlite3 *db, char **pzErrMsg)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT mqlite_version()", -1, &st, NULL) != SQLITE_OK) {
        clear_error(db);
        return 0;
    }
    int rc = sqlite3_step(st) == SQLITE_ROW ? 1 : 0;
    const char *v = rc ? (const char *)sqlite3_column_text(st, 0) : NULL;
    if (rc && (!v || strcmp(v, MQLITE_VERSION) != 0)) {
        *pzErrMsg = sqlite3_mprintf("mqlite: mqlite %s is already loaded in this connection; cannot load %s beside it",
                                    v ? v : "(unknown)", MQLITE_VERSION);
        rc = -1;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Keeps this library in memory for the life of the process: SQLite unloads
** an extension whose init fails, and functions registered before the failure
** would be left pointing into unmapped code. dlopen with RTLD_NOLOAD finds
** the copy already loaded; RTLD_NODELETE makes the unloading a no-op. */
static void pin_library(void)
{
#ifndef _WIN32
    Dl_info info;
    union { int (*f)(sqlite3 *, char **, const sqlite3_api_routines *); void *p; } self;
    self.f = sqlite3_mqlite_init;
    if (dladdr(self.p, &info) && info.dli_fname) dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
#endif
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_mqlite_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi)
{
    /* Every connection that loads mqlite comes here; writing the same pointer
    ** again from another thread would still be a data race, so write once. */
    if (sqlite3_api != pApi) SQLITE_EXTENSION_INIT2(pApi);
    int before = loaded_before(db, pzErrMsg);
    if (before != 0) return before > 0 ? SQLITE_OK : SQLITE_ERROR;   /* loading twice is harmless */
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
    /* first pass: register nothing, look for a name the host has */
    int rc = SQLITE_OK;
    conn->checking = 1;
    for (size_t i = 0; i < sizeof families / sizeof *families && rc == SQLITE_OK; i++) {
        rc = families[i].reg(db, conn);
        if (rc != SQLITE_OK)
            *pzErrMsg = conn->clash
                ? sqlite3_mprintf("mqlite: this SQLite already has a function or table named %s; mqlite registered "
                                  "nothing rather than replace it", conn->clash)
                : sqlite3_mprintf("mqlite: checking %s failed: %s", families[i].family, sqlite3_errstr(rc));
    }
    conn->checking = 0;
    /* second pass: register */
    for (size_t i = 0; i < sizeof families / sizeof *families && rc == SQLITE_OK; i++) {
        rc = families[i].reg(db, conn);
        if (rc != SQLITE_OK) {
            *pzErrMsg = sqlite3_mprintf("mqlite: registering %s failed: %s", families[i].family, sqlite3_errstr(rc));
            pin_library();
        }
    }
    mq_conn_release(conn);     /* the registrations hold their own references */
    return rc;
}
