/*
** mqlite.c — the entry point of the mqlite SQLite extension: its meta
** functions, and the one loop that registers every family's table.
**
** Load it with `.load build/mqlite` in the sqlite3 shell, or
** conn.load_extension("build/mqlite") in Python. Then:
**
**     SELECT mqlite_version(), mqlite_lua_version();
**     SELECT lead_score('b2b', '{"annual_revenue": 2000000}');
**
** To find an SQL function: its family's table is in the file named in
** `families` below (family.h says what a line holds); a function's file
** follows from its name (stage_* in stage.c, the rates in rates.c, the dates
** in dates.c, score_leads in score_vtab.c, each report in its own file).
**
** Loading registers everything or nothing, and never replaces a function the
** host already has (issue 11, item 6). Loaded by `SELECT load_extension(...)`,
** the load runs inside a statement, where SQLite refuses to redefine a
** function ("database is locked"); it then unloads the library while the
** functions registered before the failure still point into it, and the next
** call crashes. So the tables are gone through twice: first with
** conn->checking set, which registers nothing and only asks, name by name,
** whether the host has it already; then for real, only if no name clashed.
** median and percentile, which SQLite 3.47+ may have built in, are registered
** only where the host has none (MQ_IF_FREE; mqlite_median and
** mqlite_percentile always are). mqlite_version is registered last, so a
** connection that has it has all of mqlite: loading again does nothing. If a
** registration still fails half-way (out of memory), the library is pinned in
** memory, so that what was registered stays callable.
**
** The API pointer that SQLITE_EXTENSION_INIT1 defines lives in conn.c, at
** the bottom of the SQL side, so that no file needs this one; it is set here
** (SQLITE_EXTENSION_INIT2).
*/
#include <string.h>

#include "family.h"
#include "load.h"
#include "sqlarg.h"

#define MQLITE_VERSION "0.1.0"

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
    /* (without an engine yet, the limits it will get and nothing used) */
    const mq_engine *e = c->engine;
    char *s = sqlite3_mprintf(
        "{\"mqlite\":\"%s\",\"sqlite\":\"%s\",\"lua\":\"%s\",\"lua_state\":%s,\"memory_limit\":%lld,"
        "\"memory_used\":%lld,\"instruction_limit\":%lld,\"rules_compiled\":%u,"
        "\"build\":\"%s\"}",
        MQLITE_VERSION, sqlite3_libversion(), mq_lua_release(), e ? "true" : "false",
        (long long)(e ? mq_engine_memory_limit(e) : MQ_DEFAULT_MEMORY_LIMIT), (long long)(e ? mq_engine_memory_used(e) : 0),
        e ? mq_engine_instruction_limit(e) : MQ_DEFAULT_INSTRUCTION_LIMIT, e ? mq_engine_compiles(e) : 0u,
#ifdef NDEBUG
        "release"
#else
        "debug"
#endif
        );
    if (!s) { sqlite3_result_error_nomem(ctx); return; }
    sqlite3_result_text(ctx, s, -1, sqlite3_free);
}

/* mqlite_limit(name [, value]): reads, or sets and reads, a sandbox limit of
** this connection. 'memory' is bytes of Lua heap for all rules together;
** 'instructions' is Lua VM instructions per lead (all of its rule functions
** share them) and per compile of a rule. */
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
    mq_err err;
    mq_engine *e = mq_conn_engine(c, &err);
    if (!e) {
        mq_result_err(ctx, &err);
        return;
    }
    if (argc == 2 && sqlite3_value_type(argv[1]) != SQLITE_NULL) {
        if (sqlite3_value_type(argv[1]) != SQLITE_INTEGER) {
            mq_arg_error(ctx, fn, 2, "an INTEGER", argv[1]);
            return;
        }
        sqlite3_int64 v = sqlite3_value_int64(argv[1]);
        int rc = mem ? (v < 0 ? -1 : mq_engine_set_memory_limit(e, (size_t)v))
                     : mq_engine_set_instruction_limit(e, v);
        if (rc != 0) {
            if (mem)
                mq_err_set(&err, "%s: memory must be from %lld to %lld bytes, found %lld", fn,
                           (long long)MQ_MIN_MEMORY_LIMIT, (long long)MQ_MAX_MEMORY_LIMIT, (long long)v);
            else
                mq_err_set(&err, "%s: instructions must be from %lld to %lld, found %lld", fn,
                           MQ_MIN_INSTRUCTION_LIMIT, MQ_MAX_INSTRUCTION_LIMIT, (long long)v);
            mq_result_err(ctx, &err);
            return;
        }
    }
    sqlite3_result_int64(ctx, mem ? (sqlite3_int64)mq_engine_memory_limit(e)
                                   : mq_engine_instruction_limit(e));
}

static const mq_def meta_defs[] = {
    MQ_FUNC("mqlite_lua_version", 0, MQ_PURE,         fn_lua_version),
    MQ_FUNC("mqlite_debug",       0, MQ_READS,        fn_debug),
    MQ_FUNC("mqlite_limit",       1, MQ_LIFTS_LIMITS, fn_limit),
    MQ_FUNC("mqlite_limit",       2, MQ_LIFTS_LIMITS, fn_limit),
    MQ_FUNC("mqlite_version",     0, MQ_PURE,         fn_version),    /* last of all: it marks a complete load */
    MQ_END
};

/* ---- entry point ------------------------------------------------------------------- */

static const mq_def *const families[] = {
    mq_score_defs,          /* score.c */
    mq_score_vtab_defs,     /* score_vtab.c */
    mq_moves_defs,          /* moves.c */
    mq_rates_defs,          /* rates.c */
    mq_dates_defs,          /* dates.c */
    mq_percentile_defs,     /* percentile.c */
    mq_auc_defs,            /* aucsql.c */
    mq_decisions_defs,      /* decisions.c */
    mq_criteria_defs,       /* criteria.c */
    mq_scorecard_defs,      /* scorecard.c */
    mq_stage_defs,          /* stage.c */
    mq_funnel_defs,         /* funnel.c */
    mq_cohort_defs,         /* cohort.c */
    mq_speed_defs,          /* speed.c */
    mq_threshold_defs,      /* threshold.c */
    mq_leadgroups_defs,     /* leadgroups.c */
    mq_attribution_defs,    /* attribution.c */
    mq_deals_defs,          /* deals.c */
    mq_dealroi_defs,        /* dealroi.c */
    mq_rowstream_defs,      /* rowstream.c */
    mq_acct_defs,           /* acctsql.c */
    mq_acctscore_defs,      /* acctscore.c */
    mq_route_defs,          /* route.c */
    meta_defs,              /* above: last, since mqlite_version marks a complete load */
};
#define NFAMILIES (sizeof families / sizeof *families)

/* Goes through every line of every family: checking (conn->checking) or
** registering. Returns an SQLite result code, with *pzErrMsg on failure. */
static int register_all(sqlite3 *db, mq_conn *conn, char **pzErrMsg)
{
    for (size_t f = 0; f < NFAMILIES; f++)
        for (const mq_def *d = families[f]; d->name; d++) {
            int rc = mq_load_def(db, conn, d);
            if (rc == SQLITE_OK) continue;
            if (conn->clash)
                *pzErrMsg = sqlite3_mprintf("mqlite: this SQLite already has a function or table named %s; mqlite "
                                            "registered nothing rather than replace it", conn->clash);
            else if (d->module)
                *pzErrMsg = sqlite3_mprintf("mqlite: %s %s (table) failed: %s",
                                            conn->checking ? "checking" : "registering", d->name, sqlite3_errstr(rc));
            else
                *pzErrMsg = sqlite3_mprintf("mqlite: %s %s/%d failed: %s",
                                            conn->checking ? "checking" : "registering", d->name, d->nargs,
                                            sqlite3_errstr(rc));
            return rc;
        }
    return SQLITE_OK;
}

#ifdef _WIN32
__declspec(dllexport)
#else
__attribute__((visibility("default")))
#endif
int sqlite3_mqlite_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);

int sqlite3_mqlite_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi)
{
    /* Every connection that loads mqlite comes here; writing the same pointer
    ** again from another thread would still be a data race, so write once. */
    if (sqlite3_api != pApi) SQLITE_EXTENSION_INIT2(pApi);
    mq_err err;
    int before = mq_load_before(db, MQLITE_VERSION, &err);
    if (before < 0) *pzErrMsg = sqlite3_mprintf("%s", err.msg);
    if (before != 0) return before > 0 ? SQLITE_OK : SQLITE_ERROR;   /* loading twice is harmless */
    mq_conn *conn = mq_conn_new(db);
    if (!conn) {
        *pzErrMsg = sqlite3_mprintf("mqlite: cannot create the Lua state (out of memory)");
        return SQLITE_NOMEM;
    }
    conn->checking = 1;                      /* first pass: register nothing, look for a name the host has */
    int rc = register_all(db, conn, pzErrMsg);
    conn->checking = 0;
    if (rc == SQLITE_OK) {                   /* second pass: register */
        rc = register_all(db, conn, pzErrMsg);
        if (rc != SQLITE_OK) mq_load_pin();
    }
    mq_conn_release(conn);                   /* the registrations hold their own references */
    return rc;
}
