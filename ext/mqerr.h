/*
** mqerr.h — the one way code below SQL reports an error: a small struct the
** caller owns (on its stack, or inside its own state), holding a bounded
** message or the fact that memory ran short. Nothing needs freeing.
**
**     mq_err err;
**     if (mq_prog_score(p, src, NULL, &r, &err) != 0) return mq_result_err(ctx, &err);
**
** In the manner of SQLite's ext/misc/csv.c (zErr[CSV_MXERR], csv_errmsg):
** one buffer, one formatter. A message that does not fit is cut between two
** characters and ends with "…" (utf8text.h says why that matters). Above it,
** the SQL layer turns nomem into sqlite3_result_error_nomem / SQLITE_NOMEM and
** anything else into an ordinary error (sqlarg.h, mq_result_err).
**
** Plain C (no SQLite, no Lua): cmocka tests it directly.
*/
#ifndef MQERR_H
#define MQERR_H

#include <stdarg.h>

/* Room for the longest message mqlite writes (a rule's own error text
** included) and its NUL. */
#define MQ_ERR_MAX 1024

typedef struct mq_err {
    int nomem;                 /* memory ran short: msg is empty */
    char msg[MQ_ERR_MAX];
    int interrupted;           /* the host stopped it (sqlite3_interrupt, a progress
                                  handler): the SQL layer says so as SQLite does */
} mq_err;

#if defined(__GNUC__)
#define MQ_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MQ_PRINTF(f, a)
#endif

/* Sets the message (printf-style), clearing nomem and interrupted; returns -1, so that
** `return mq_err_set(err, ...);` ends a function that fails with -1. Invalid
** UTF-8 in the result becomes '?'. */
int mq_err_set(mq_err *e, const char *fmt, ...) MQ_PRINTF(2, 3);

/* The same with a va_list. */
int mq_err_vset(mq_err *e, const char *fmt, va_list ap);

/* Records that memory ran short (clearing interrupted); returns -1. */
int mq_err_nomem(mq_err *e);

/* Puts a prefix (printf-style) in front of the message already set; a nomem
** error stays as it is. Returns -1. For a layer that names itself:
** mq_err_prefix(err, "%s: ", fn). interrupted stays as it is. */
int mq_err_prefix(mq_err *e, const char *fmt, ...) MQ_PRINTF(2, 3);

#endif
