/*
** tablefn.h — the plumbing of mqlite's report tables: an eponymous virtual
** table whose arguments are HIDDEN columns (as in SQLite's series.c) and whose
** rows a compute function builds in full when the query starts.
**
** A report states its schema, how many visible columns come before the hidden
** arguments, how many arguments are required, and a compute function; the
** rest (xBestIndex, cursors, returning the arguments as column values) is here.
*/
#ifndef TABLEFN_H
#define TABLEFN_H

#include "family.h"
#include "sqlarg.h"

/* The most arguments a report takes (cohort_conversion has 9). */
#define MQ_TABLEFN_MAX_ARGS 16

typedef struct mq_cell {
    int type;              /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT or SQLITE_NULL */
    sqlite3_int64 i;
    double d;
    char *s;               /* sqlite3_malloc'd */
} mq_cell;

typedef struct mq_rows {
    int ncol;
    mq_cell *cells;
    int nrows, cap;
    int oom;
} mq_rows;

/* Starts a new row (all NULL); later setters fill its columns. */
void mq_rows_add(mq_rows *r);
void mq_rows_int(mq_rows *r, int col, sqlite3_int64 v);
/* A double; NAN becomes NULL. */
void mq_rows_double(mq_rows *r, int col, double v);
void mq_rows_text(mq_rows *r, int col, const char *s);

typedef struct mq_tablefn {
    const char *name;
    const char *schema;        /* "CREATE TABLE x(visible..., arg1 HIDDEN, ...)" */
    int nvisible;
    int required;              /* the first `required` arguments must be given */
    const char *usage;         /* for the error when they are not */
    /* args[i] is NULL when argument i was not given. Fills rows, or returns
    ** -1 with err set. */
    int (*compute)(mq_conn *conn, sqlite3_value **args, mq_rows *rows, mq_err *err);
} mq_tablefn;

/* The module of every report: a family's line names it with the report's
** mq_tablefn as its spec, e.g.
**     { "funnel", 4, MQ_READS, NULL, NULL, NULL, &mq_tablefn_module, &funnel_spec }, */
extern const sqlite3_module mq_tablefn_module;

/* For a module's xConnect: declares the table and configures it by the
** line's flag class (MQ_RUNS_RULE: direct use only; else innocuous). aux is
** the mq_vtab_aux the module was registered with. */
int mq_vtab_declare(sqlite3 *db, const mq_vtab_aux *aux, const char *schema);

#endif
