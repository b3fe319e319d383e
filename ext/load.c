/*
** load.c — registering a family's line, checked against the host's names
** first (see load.h and mqlite.c).
*/
#define _GNU_SOURCE           /* dladdr, RTLD_NOLOAD, RTLD_NODELETE */
#include "load.h"

#ifndef _WIN32
#include <dlfcn.h>
#endif
#include <string.h>

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

static void aux_free(void *p)
{
    mq_vtab_aux *a = p;
    mq_conn_release(a->conn);
    sqlite3_free(a);
}

static int create_module(sqlite3 *db, mq_conn *conn, const mq_def *d)
{
    if (conn->checking) {
        int taken = module_taken(db, conn, d->name);
        if (taken <= 0) return taken < 0 ? SQLITE_NOMEM : SQLITE_OK;
        conn->clash = d->name;
        return SQLITE_ERROR;
    }
    mq_vtab_aux *a = sqlite3_malloc(sizeof *a);
    if (!a) return SQLITE_NOMEM;
    a->conn = conn;
    a->def = d;
    mq_conn_retain(conn);
    /* On failure SQLite calls aux_free itself. */
    return sqlite3_create_module_v2(db, d->name, d->module, a, aux_free);
}

int mq_load_def(sqlite3 *db, mq_conn *conn, const mq_def *d)
{
    if (d->module) return create_module(db, conn, d);
    int taken = conn->checking || (d->flags & MQ_IF_FREE) ? function_taken(db, d->name) : 0;
    if (taken < 0) return SQLITE_NOMEM;
    if (conn->checking) {
        if ((d->flags & MQ_IF_FREE) || !taken) return SQLITE_OK;
        conn->clash = d->name;
        return SQLITE_ERROR;
    }
    if (taken) return SQLITE_OK;            /* MQ_IF_FREE, and the host has one */
    mq_conn_retain(conn);
    /* On failure SQLite calls the destructor itself, releasing the reference. */
    return sqlite3_create_function_v2(db, d->name, d->nargs, SQLITE_UTF8 | (d->flags & ~MQ_IF_FREE), conn,
                                      d->xFunc, d->xStep, d->xFinal, mq_conn_release);
}

int mq_load_before(sqlite3 *db, const char *version, mq_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT mqlite_version()", -1, &st, NULL) != SQLITE_OK) {
        clear_error(db);
        return 0;
    }
    int rc = sqlite3_step(st) == SQLITE_ROW ? 1 : 0;
    const char *v = rc ? (const char *)sqlite3_column_text(st, 0) : NULL;
    if (rc && (!v || strcmp(v, version) != 0)) {
        mq_err_set(err, "mqlite: mqlite %s is already loaded in this connection; cannot load %s beside it",
                   v ? v : "(unknown)", version);
        rc = -1;
    }
    sqlite3_finalize(st);
    return rc;
}

/* SQLite unloads an extension whose init fails, and functions registered
** before the failure would be left pointing into unmapped code. dlopen with
** RTLD_NOLOAD finds the copy already loaded (through the address of any
** function in it: this one); RTLD_NODELETE makes the unloading a no-op. */
void mq_load_pin(void)
{
#ifndef _WIN32
    Dl_info info;
    union { void (*f)(void); void *p; } self;
    self.f = mq_load_pin;
    if (dladdr(self.p, &info) && info.dli_fname) dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
#endif
}
