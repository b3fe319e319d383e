/*
** sqlarg.h — reading the arguments of an SQL function, and reporting errors
** to SQLite: what every family file uses above conn.h.
**
** Argument errors are worded one way: "fn: argument 2 expected X, found Y",
** with the text itself quoted for TEXT. Errors from below (mq_err) reach
** SQLite in one way: out of memory as sqlite3_result_error_nomem or
** SQLITE_NOMEM, anything else as an ordinary error.
*/
#ifndef SQLARG_H
#define SQLARG_H

#include "conn.h"

/* ---- reporting --------------------------------------------------------------------- */

/* Sets err on ctx: sqlite3_result_error_nomem when err->nomem, SQLite's own
** interrupt (SQLITE_INTERRUPT, "interrupted") when err->interrupted, else the
** message. */
void mq_result_err(sqlite3_context *ctx, const mq_err *err);
/* The same for a virtual table: puts the message in vtab->zErrMsg and returns
** SQLITE_ERROR, or returns SQLITE_NOMEM or SQLITE_INTERRUPT (no message). */
int mq_vtab_err(sqlite3_vtab *vtab, const mq_err *err);

/* ---- arguments --------------------------------------------------------------------- */

/* "INTEGER", "REAL", "TEXT", "BLOB" or "NULL", for error messages. */
const char *mq_type_name(sqlite3_value *v);

/* Sets err to "fn: argument i expected what, found TYPE" (with the text
** itself for TEXT; i counts from 1). Returns -1. */
int mq_arg_message(mq_err *err, const char *fn, int i, const char *what, sqlite3_value *v);
/* Sets that message on ctx. */
void mq_arg_error(sqlite3_context *ctx, const char *fn, int i, const char *what, sqlite3_value *v);

/* True when v is INTEGER or REAL, or TEXT that reads wholly as a number. On
** success *out holds the number. */
int mq_value_number(sqlite3_value *v, double *out);

/* The one reading of an SQL value as a time: ISO-8601 TEXT (mq_time_parse) or
** unix seconds (INTEGER or REAL), within the years 0 to 9999 that mqlite can
** write as dates (MQ_TIME_MIN to MQ_TIME_MAX). Returns 0 and sets *out, or -1
** for any other value (NULL included: the caller decides what NULL means). */
int mq_value_time(sqlite3_value *v, double *out);

/* The words of a time argument's error, for mq_arg_message. Reports say the
** range, since they label periods by date. */
#define MQ_TIME_WHAT "an ISO-8601 date or unix seconds"
#define MQ_TIME_WHAT_RANGE "an ISO-8601 date or unix seconds (years 0 to 9999)"

/* A time argument of a scalar function: mq_value_time, or -1 with the error
** set on ctx. NULL is the caller's case. */
int mq_arg_time(sqlite3_context *ctx, const char *fn, int i, sqlite3_value *v, double *out);

/* The compiled rule named by argv[i] (TEXT). Returns a new reference that the
** caller releases with mq_rule_release, or NULL: with an error set on ctx, or
** without one when the argument is NULL (the caller returns NULL then). A
** constant name (the usual lead_score('b2b', ...)) is resolved once per
** statement and kept as SQLite auxiliary data, so scoring a million rows reads
** the rules table once, not a million times. */
mq_rule *mq_rule_arg(sqlite3_context *ctx, const char *fn, sqlite3_value **argv, int i);

#endif
