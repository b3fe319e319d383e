/*
** conn.h — the bottom of mqlite's SQL side: the state one connection shares
** among all its mqlite functions, and the caches in it (the Lua engine, the
** rule looked up last, the stage model), and the re-entry guard through which
** every mqlite read of the database goes.
**
** Errors are reported through mq_err (mqerr.h): nothing here returns a string
** to free. Lua is reached through luarule.h alone.
*/
#ifndef CONN_H
#define CONN_H

/* The SQLite API reached through sqlite3ext.h: the pointer is defined in
** conn.c (the bottom of the SQL side, so that no file has to import the entry
** file for it) and set by sqlite3_mqlite_init. */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "luarule.h"
#include "mqerr.h"
#include "stagemodel.h"

/* Per-connection state, shared by every function registered on one connection
** and released when the last of them is destroyed with the connection. */
typedef struct mq_conn {
    int refs;
    sqlite3 *db;
    mq_engine *engine;          /* the Lua sandbox and its compiled rules; made on first use */
    /* The rule last looked up, kept while the database is unchanged: an
    ** aggregate or a varying rule name has no per-statement cache. */
    mq_rule *last_rule;
    unsigned last_rule_version;
    sqlite3_int64 last_rule_changes;
    /* The stage model read from mqlite_stages, kept until the database changes. */
    mq_stages *stages;
    unsigned stages_version;
    sqlite3_int64 stages_changes;
    /* The table an mqlite function is reading right now (set around each
    ** prepare and step of it), NULL when none: see mq_reentered. */
    const char *reading;
    /* Loading (load.c): while `checking`, registration registers nothing and
    ** only looks for a name the host already has; the first such name is kept
    ** in `clash`. */
    int checking;
    const char *clash;
    int schema_unreadable;      /* so the module probes wait on a lock once */
} mq_conn;

/* A connection's state with one reference, no engine yet; NULL when memory is
** short. */
mq_conn *mq_conn_new(sqlite3 *db);
/* The connection's engine, made on first use (a host that loads mqlite into
** every connection, as datasette does, gets a Lua state only where a rule
** runs), whose rules the host can interrupt; NULL with err when memory is
** short. */
mq_engine *mq_conn_engine(mq_conn *c, mq_err *err);
void mq_conn_retain(mq_conn *c);
/* Drops a reference (void * for SQLite's destructors). */
void mq_conn_release(void *c);

/* Re-entry guard (issue 11, item 4). A view named mqlite_stages,
** mqlite_stage_aliases, mqlite_rules, stage_history, leads or events, or a
** generated column of one, can call an mqlite function that reads that same
** table, which calls the view again, until the C stack overflows;
** trusted_schema=OFF does not stop it, since the stage functions and reports
** are INNOCUOUS. So mqlite reads through mq_prepare and mq_step, which note
** the table being read on the connection, and every function that reads asks
** mq_reentered first: while mqlite is reading, no mqlite function may read. */
int mq_prepare(mq_conn *c, const char *what, const char *sql, sqlite3_stmt **st);
int mq_step(mq_conn *c, const char *what, sqlite3_stmt *st);
/* mq_step for a reader that only goes forward: *row = 1 on a row, 0 at the
** end, returning 0; else -1 with err set (out of memory, or "fn: reading
** WHAT: " and the database's error). */
int mq_step_row(mq_conn *c, const char *fn, const char *what, sqlite3_stmt *st, int *row, mq_err *err);
/* 0 when c is not reading. Else -1 with "fn: TABLE may not call mqlite
** functions (re-entered)" in err (fn NULL leaves out "fn: "). */
int mq_reentered(const mq_conn *c, const char *fn, mq_err *err);
/* Sets err to the prefix (printf-style) followed by db's last error, and
** marks it interrupted when that error is SQLite's interrupt: a host that
** stops a long read (datasette's time limit) is then told as SQLite tells it
** (sqlarg.h, mq_result_err). Returns -1. */
int mq_err_db(mq_err *err, sqlite3 *db, const char *fmt, ...) MQ_PRINTF(3, 4);

/* The connection's stage model (a new reference): mqlite_stages and
** mqlite_stage_aliases when the database has them, else the default pipeline.
** NULL with err set when they cannot be read (the message names no function). */
mq_stages *mq_conn_stages(mq_conn *c, mq_err *err);

/* The compiled rule `name` from mqlite_rules: a new reference that the caller
** releases with mq_rule_release, or NULL with err set ("fn: ..."). */
mq_rule *mq_conn_rule(mq_conn *c, const char *fn, const char *name, mq_err *err);

#endif
