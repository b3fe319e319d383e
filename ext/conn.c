/*
** conn.c — one connection's mqlite state and its caches (see conn.h): the
** engine, the rule looked up last, the stage model, and the re-entry guard.
**
** Both caches are kept while nothing in the database changed
** (SQLITE_FCNTL_DATA_VERSION counts other connections' commits,
** sqlite3_total_changes this connection's writes).
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1                 /* the API pointer (conn.h); mqlite.c sets it */
#include "conn.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8text.h"

/* ---- the engine's stop question ---------------------------------------------------- */

/* While a rule's Lua runs, SQLite's VDBE does not, so neither
** sqlite3_interrupt() nor a progress handler can reach it: the rule would
** run out its whole budget (hours with mqlite_limit('instructions', 1e12)).
** SQLite 3.40 has no sqlite3_is_interrupted() (that came in 3.41), so the
** engine asks here every few milliseconds of Lua (sandbox.c, STOP_PROBE),
** and this answers through the public API alone: it steps a small statement
** on the same connection. Preparing and stepping check the interrupt flag,
** and the statement's recursive CTE runs about 2,000 VDBE steps (17 a row),
** enough for a progress handler set with N <= 2,000 (datasette's time limit
** uses N = 1,000) to be called at least once. A statement that stops with
** SQLITE_INTERRUPT means: stop.
**
** The statement is prepared for each question (some 50 us, every 10 ms of
** Lua: under 1% of a long-running rule) rather than kept: an unfinalized
** statement would make the host's sqlite3_close() fail. */
#define PROBE_SQL "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 120) " \
                  "SELECT count(*) FROM c"

static int interrupted(void *data)
{
    sqlite3 *db = data;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, PROBE_SQL, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {}
    }
    sqlite3_finalize(st);
    return rc == SQLITE_INTERRUPT;
}

/* ---- lifetime -------------------------------------------------------------------------- */

mq_conn *mq_conn_new(sqlite3 *db)
{
    mq_conn *c = sqlite3_malloc(sizeof *c);
    if (!c) return NULL;
    memset(c, 0, sizeof *c);
    c->refs = 1;
    c->db = db;
    return c;
}

mq_engine *mq_conn_engine(mq_conn *c, mq_err *err)
{
    if (!c->engine) {
        if (!(c->engine = mq_engine_new())) {
            mq_err_nomem(err);
            return NULL;
        }
        mq_engine_set_stop(c->engine, interrupted, c->db);   /* Ctrl-C, interrupt(), progress handlers */
    }
    return c->engine;
}

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

/* ---- the re-entry guard ------------------------------------------------------------- */

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

int mq_step_row(mq_conn *c, const char *fn, const char *what, sqlite3_stmt *st, int *row, mq_err *err)
{
    int rc = mq_step(c, what, st);
    if (rc == SQLITE_NOMEM) return mq_err_nomem(err);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return mq_err_db(err, c->db, "%s: reading %s: ", fn, what);
    *row = rc == SQLITE_ROW;
    return 0;
}

int mq_reentered(const mq_conn *c, const char *fn, mq_err *err)
{
    if (!c->reading) return 0;
    if (fn) return mq_err_set(err, "%s: %s may not call mqlite functions (re-entered)", fn, c->reading);
    return mq_err_set(err, "%s may not call mqlite functions (re-entered)", c->reading);
}

/* Where the database is now: a cache entry made at the same version and
** changes is still good. Another connection's commit moves the data
** version, this connection's writes the changes; a ROLLBACK moves neither,
** so whether a write transaction is open is part of the version too: what
** was read inside one (seeing its uncommitted writes) is read again once it
** has ended. (Still missed: a rollback to a savepoint, and a rollback
** followed by a new write transaction before any change; both would need
** the host's rollback hook, which an extension must not take.) */
static void db_version(mq_conn *c, unsigned *version, sqlite3_int64 *changes)
{
    unsigned dv = 0;
    sqlite3_file_control(c->db, "main", SQLITE_FCNTL_DATA_VERSION, &dv);
    *version = dv * 2u + (sqlite3_txn_state(c->db, "main") == SQLITE_TXN_WRITE);
    *changes = sqlite3_total_changes64(c->db);
}

/* ---- the stage model ------------------------------------------------------------------- */

static int load_err(mq_conn *c, const char *what, mq_err *err)
{
    return mq_err_db(err, c->db, "cannot read %s: ", what);
}

/* Reads the model from the database; NULL with err on failure. */
static mq_stages *load_stages(mq_conn *c, mq_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = mq_prepare(c, "mqlite_stages", "SELECT name, rank, kind, terminal, on_path FROM mqlite_stages ORDER BY rank, rowid",
                        &st);
    if (rc != SQLITE_OK) {
        if (strstr(sqlite3_errmsg(c->db), "no such table")) {
            mq_stages *d = mq_stages_default();
            if (!d) mq_err_nomem(err);
            return d;
        }
        load_err(c, "mqlite_stages", err);
        return NULL;
    }
    mq_stages *m = mq_stages_new();
    if (!m) { sqlite3_finalize(st); mq_err_nomem(err); return NULL; }
    while ((rc = mq_step(c, "mqlite_stages", st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (!name) continue;
        if (mq_stages_add(m, name, sqlite3_column_int(st, 1), (const char *)sqlite3_column_text(st, 2),
                          sqlite3_column_int(st, 3), sqlite3_column_int(st, 4)) != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        if (rc == SQLITE_NOMEM) mq_err_nomem(err);
        else load_err(c, "mqlite_stages", err);
        goto fail;
    }
    if (m->n == 0) {
        mq_err_set(err, "mqlite_stages has no stages");
        goto fail;
    }
    rc = mq_prepare(c, "mqlite_stage_aliases", "SELECT alias, stage FROM mqlite_stage_aliases", &st);
    if (rc != SQLITE_OK) return m;             /* no aliases table: none */
    while ((rc = mq_step(c, "mqlite_stage_aliases", st)) == SQLITE_ROW) {
        const char *alias = (const char *)sqlite3_column_text(st, 0), *stage = (const char *)sqlite3_column_text(st, 1);
        if (!alias || !stage) continue;
        if (mq_stages_alias(m, alias, stage) != 0) {
            char qa[61], qs[61];
            mq_err_set(err, "mqlite_stage_aliases: alias '%s' names '%s', which is not in mqlite_stages",
                       mq_utf8_excerpt_str(qa, sizeof qa, alias), mq_utf8_excerpt_str(qs, sizeof qs, stage));
            sqlite3_finalize(st);
            goto fail;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        load_err(c, "mqlite_stage_aliases", err);
        goto fail;
    }
    return m;
fail:
    mq_stages_release(m);
    return NULL;
}

mq_stages *mq_conn_stages(mq_conn *c, mq_err *err)
{
    unsigned version;
    sqlite3_int64 changes;
    db_version(c, &version, &changes);
    if (!c->stages || version != c->stages_version || changes != c->stages_changes) {
        if (mq_reentered(c, NULL, err)) return NULL;
        mq_stages *m = load_stages(c, err);
        if (!m) return NULL;
        mq_stages_release(c->stages);
        c->stages = m;
        c->stages_version = version;
        c->stages_changes = changes;
    }
    mq_stages_retain(c->stages);
    return c->stages;
}

/* ---- rules ------------------------------------------------------------------------------ */

/* The source is read from mqlite_rules and handed to the engine, which
** compiles it only when it differs from what it compiled last under that name. */
mq_rule *mq_conn_rule(mq_conn *c, const char *fn, const char *name, mq_err *err)
{
    sqlite3_stmt *st = NULL;
    mq_rule *r = NULL;
    unsigned version;
    sqlite3_int64 changes;
    db_version(c, &version, &changes);
    if (c->last_rule && version == c->last_rule_version && changes == c->last_rule_changes &&
        strcmp(mq_rule_name(c->last_rule), name) == 0) {
        mq_rule_retain(c->last_rule);
        return c->last_rule;
    }
    if (mq_reentered(c, fn, err)) return NULL;
    int rc = mq_prepare(c, "mqlite_rules", "SELECT source FROM mqlite_rules WHERE name = ?1", &st);
    if (rc != SQLITE_OK) {
        const char *why = sqlite3_errmsg(c->db);
        if (rc == SQLITE_NOMEM) mq_err_nomem(err);
        else if (strstr(why, "no such table"))
            mq_err_set(err, "%s: this database has no mqlite_rules table; "
                            "create it with schema/mqlite.sql (scripts/mqlite init)", fn);
        else
            mq_err_set(err, "%s: cannot read mqlite_rules: %s", fn, why);
        return NULL;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    rc = mq_step(c, "mqlite_rules", st);
    /* BLOB too: readfile() in the sqlite3 shell returns one. */
    int ct = rc == SQLITE_ROW ? sqlite3_column_type(st, 0) : SQLITE_NULL;
    if (ct == SQLITE_TEXT || ct == SQLITE_BLOB) {
        const char *src = ct == SQLITE_TEXT ? (const char *)sqlite3_column_text(st, 0)
                                            : (const char *)sqlite3_column_blob(st, 0);
        if (!src) src = "";
        mq_engine *e = mq_conn_engine(c, err);
        r = e ? mq_engine_rule(e, name, src, (size_t)sqlite3_column_bytes(st, 0), err) : NULL;
        if (!r && !err->nomem) mq_err_prefix(err, "%s: ", fn);
    } else if (rc == SQLITE_ROW) {
        char q[MQ_EXCERPT_SIZE];
        mq_err_set(err, "%s: rule '%s' has no source text in mqlite_rules", fn, mq_utf8_excerpt_str(q, sizeof q, name));
    } else if (rc == SQLITE_DONE) {
        char q[MQ_EXCERPT_SIZE];
        mq_err_set(err, "%s: no rule named '%s' in mqlite_rules", fn, mq_utf8_excerpt_str(q, sizeof q, name));
    } else if (rc == SQLITE_NOMEM) {
        mq_err_nomem(err);
    } else {
        mq_err_db(err, c->db, "%s: cannot read mqlite_rules: ", fn);
    }
    sqlite3_finalize(st);
    if (r) {
        mq_rule_release(c->last_rule);
        mq_rule_retain(r);
        c->last_rule = r;
        c->last_rule_version = version;
        c->last_rule_changes = changes;
    }
    return r;
}

int mq_err_db(mq_err *err, sqlite3 *db, const char *fmt, ...)
{
    char prefix[MQ_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    mq_err_set(err, "%s%s", prefix, sqlite3_errmsg(db));
    err->interrupted = sqlite3_errcode(db) == SQLITE_INTERRUPT;
    return -1;
}
