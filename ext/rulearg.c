/*
** rulearg.c — from a rule name in SQL to a compiled rule.
**
** The source is read from mqlite_rules and handed to the engine, which
** compiles it only when it differs from what it compiled last under that
** name. A constant name (the usual lead_score('b2b', ...)) is resolved once per
** statement and kept as SQLite auxiliary data, so scoring a million rows reads
** the rules table once, not a million times.
*/
#include "rulearg.h"

#include <stdlib.h>
#include <string.h>

mq_rule *mq_rule_lookup(mq_conn *conn, const char *fn, const char *name, char **err)
{
    sqlite3_stmt *st = NULL;
    mq_rule *r = NULL;
    *err = NULL;
    /* Nothing in the database changed since the last lookup of this name:
    ** the rule is the same (SQLITE_FCNTL_DATA_VERSION counts other
    ** connections' commits, total_changes this connection's writes). */
    unsigned version = 0;
    sqlite3_file_control(conn->db, "main", SQLITE_FCNTL_DATA_VERSION, &version);
    sqlite3_int64 changes = sqlite3_total_changes64(conn->db);
    if (conn->last_rule && version == conn->last_rule_version && changes == conn->last_rule_changes &&
        strcmp(mq_rule_name(conn->last_rule), name) == 0) {
        mq_rule_retain(conn->last_rule);
        return conn->last_rule;
    }
    if (mq_reentered(conn, fn, err)) return NULL;
    int rc = mq_prepare(conn, "mqlite_rules", "SELECT source FROM mqlite_rules WHERE name = ?1", &st);
    if (rc != SQLITE_OK) {
        const char *why = sqlite3_errmsg(conn->db);
        if (strstr(why, "no such table"))
            *err = sqlite3_mprintf("%s: this database has no mqlite_rules table; "
                                   "create it with schema/mqlite.sql (scripts/mqlite init)", fn);
        else
            *err = sqlite3_mprintf("%s: cannot read mqlite_rules: %s", fn, why);
        return NULL;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    rc = mq_step(conn, "mqlite_rules", st);
    /* BLOB too: readfile() in the sqlite3 shell returns one. */
    int ct = rc == SQLITE_ROW ? sqlite3_column_type(st, 0) : SQLITE_NULL;
    if (ct == SQLITE_TEXT || ct == SQLITE_BLOB) {
        char *cerr = NULL;
        const char *src = ct == SQLITE_TEXT ? (const char *)sqlite3_column_text(st, 0)
                                            : (const char *)sqlite3_column_blob(st, 0);
        if (!src) src = "";
        r = mq_engine_rule(conn->engine, name, src, (size_t)sqlite3_column_bytes(st, 0), &cerr);
        if (!r) *err = sqlite3_mprintf("%s: %s", fn, cerr ? cerr : "out of memory");
        free(cerr);
    } else if (rc == SQLITE_ROW) {
        char q[MQ_EXCERPT_SIZE];
        *err = sqlite3_mprintf("%s: rule '%s' has no source text in mqlite_rules", fn, mq_utf8_excerpt_str(q, sizeof q, name));
    } else if (rc == SQLITE_DONE) {
        char q[MQ_EXCERPT_SIZE];
        *err = sqlite3_mprintf("%s: no rule named '%s' in mqlite_rules", fn, mq_utf8_excerpt_str(q, sizeof q, name));
    } else {
        *err = sqlite3_mprintf("%s: cannot read mqlite_rules: %s", fn, sqlite3_errmsg(conn->db));
    }
    sqlite3_finalize(st);
    if (r) {
        mq_rule_release(conn->last_rule);
        mq_rule_retain(r);
        conn->last_rule = r;
        conn->last_rule_version = version;
        conn->last_rule_changes = changes;
    }
    return r;
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
    char *err = NULL;
    r = mq_rule_lookup(sqlite3_user_data(ctx), fn, name, &err);
    if (!r) {
        if (err) sqlite3_result_error(ctx, err, -1);
        else sqlite3_result_error_nomem(ctx);
        sqlite3_free(err);
        return NULL;
    }
    mq_rule_retain(r);                 /* the statement's reference */
    sqlite3_set_auxdata(ctx, i, r, release_aux);
    return r;
}
