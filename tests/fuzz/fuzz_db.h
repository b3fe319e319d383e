/*
** fuzz_db.h — what every fuzz target shares: an in-memory database with
** mqlite linked in (through sqlite3_auto_extension, as an application that
** links the extension statically would), the schema, the sample rules and a
** few leads, events and stage entries to report on.
*/
#ifndef FUZZ_DB_H
#define FUZZ_DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* The shared database, made on first use; aborts if it cannot be made. */
sqlite3 *fuzz_db(void);

/* Runs sql (no result rows wanted); aborts on error: a setup bug. */
void fuzz_exec(sqlite3 *db, const char *sql);

/* Steps stmt to the end and resets it; SQL errors are expected input. */
void fuzz_drain(sqlite3_stmt *stmt);

/* Prepares sql; aborts when it does not prepare (the target's SQL is fixed). */
sqlite3_stmt *fuzz_prepare(sqlite3 *db, const char *sql);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
