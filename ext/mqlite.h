/*
** mqlite.h — what the extension's family files share: the SQLite API through
** sqlite3ext.h, the per-connection state, and argument checking that words
** every type error the same way ("fn: argument 2 expected X, found Y").
**
** Only files that talk to SQLite include this. Lua is reached through
** luarule.h alone.
*/
#ifndef MQLITE_H
#define MQLITE_H

#include <sqlite3ext.h>
#ifndef SQLITE_EXTENSION_INIT_DONE
SQLITE_EXTENSION_INIT3
#endif

#include "luarule.h"
#include "stagemodel.h"
#include "utf8text.h"

#define MQLITE_VERSION "0.1.0"

/* Per-connection state, shared by every function registered on one connection
** and released when the last of them is destroyed with the connection. */
typedef struct mq_conn {
    int refs;
    sqlite3 *db;
    mq_engine *engine;          /* the Lua sandbox and its compiled rules */
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
    /* Loading (mqlite.c): while `checking`, mq_create_function and
    ** mq_create_module register nothing and only look for a name the host
    ** already has; the first such name is kept in `clash`. */
    int checking;
    const char *clash;
    int schema_unreadable;      /* so the module probes wait on a lock once */
} mq_conn;

void mq_conn_retain(mq_conn *c);
void mq_conn_release(void *c);

/* Registration of one family of functions; returns an SQLite result code. */
typedef int (*mq_register_fn)(sqlite3 *db, mq_conn *conn);
int mq_register_meta(sqlite3 *db, mq_conn *conn);
int mq_register_score(sqlite3 *db, mq_conn *conn);
int mq_register_score_vtab(sqlite3 *db, mq_conn *conn);
int mq_register_rates(sqlite3 *db, mq_conn *conn);
int mq_register_percentile(sqlite3 *db, mq_conn *conn);
int mq_register_stage(sqlite3 *db, mq_conn *conn);
int mq_register_funnel(sqlite3 *db, mq_conn *conn);
int mq_register_cohort(sqlite3 *db, mq_conn *conn);
int mq_register_speed(sqlite3 *db, mq_conn *conn);
int mq_register_threshold(sqlite3 *db, mq_conn *conn);

/* The connection's stage model (a new reference): mqlite_stages and
** mqlite_stage_aliases when the database has them, else the default pipeline.
** NULL with *err (sqlite3_malloc'd) when they cannot be read. */
mq_stages *mq_conn_stages(mq_conn *c, char **err);

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
/* 0 when c is not reading. Else -1 with *err = "fn: TABLE may not call mqlite
** functions (re-entered)" (sqlite3_malloc'd, NULL when memory is short; fn
** NULL leaves out "fn: "). */
int mq_reentered(const mq_conn *c, const char *fn, char **err);

/* A flag of mq_create_function, never passed to SQLite: register the
** function only when the host has none of that name (median, percentile);
** without it, a name the host has fails the whole load. */
#define MQ_IF_FREE 0x40000000

/* Registers a scalar or aggregate function with conn as its user data. */
int mq_create_function(sqlite3 *db, mq_conn *conn, const char *name, int nargs, int flags,
                       void (*xFunc)(sqlite3_context *, int, sqlite3_value **),
                       void (*xStep)(sqlite3_context *, int, sqlite3_value **),
                       void (*xFinal)(sqlite3_context *));

/* Registers an eponymous virtual table (a table-valued function), as
** sqlite3_create_module_v2 (destroy(aux) is called when it is not
** registered), with the same checking as above. */
int mq_create_module(sqlite3 *db, mq_conn *conn, const char *name, const sqlite3_module *module, void *aux,
                     void (*destroy)(void *));

/* "INTEGER", "REAL", "TEXT", "BLOB" or "NULL", for error messages. */
const char *mq_type_name(sqlite3_value *v);

/* "fn: argument i expected what, found TYPE" (with the text itself for TEXT),
** sqlite3_malloc'd; NULL when memory is short. */
char *mq_arg_message(const char *fn, int i, const char *what, sqlite3_value *v);
/* Sets that message on ctx (i counts from 1). */
void mq_arg_error(sqlite3_context *ctx, const char *fn, int i, const char *what, sqlite3_value *v);

/* True when v is INTEGER or REAL, or TEXT that reads wholly as a number. On
** success *out holds the number. */
int mq_value_number(sqlite3_value *v, double *out);

/* A time argument: ISO-8601 TEXT or unix seconds (INTEGER/REAL). Returns 0 and
** sets *out, or sets an error on ctx and returns -1. NULL is the caller's case. */
int mq_arg_time(sqlite3_context *ctx, const char *fn, int i, sqlite3_value *v, double *out);

#endif
