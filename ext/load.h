/*
** load.h — loading mqlite into a connection without ever replacing what the
** host has (issue 11, item 6): registration of one line of a family's table,
** checked first, and the guards around the load. Used by mqlite.c alone.
*/
#ifndef LOAD_H
#define LOAD_H

#include "family.h"

/* Registers one line of a family's table on db. With conn->checking set,
** registers nothing and only asks whether the host has the name already:
** SQLITE_ERROR with conn->clash set when it does (and the line has no
** MQ_IF_FREE). Returns an SQLite result code. */
int mq_load_def(sqlite3 *db, mq_conn *conn, const mq_def *d);

/* 1 when this connection has mqlite `version` loaded already (its
** mqlite_version), 0 when not; -1 with err when another version is. */
int mq_load_before(sqlite3 *db, const char *version, mq_err *err);

/* Keeps this library in memory for the life of the process. */
void mq_load_pin(void);

#endif
