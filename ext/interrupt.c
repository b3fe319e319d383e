/*
** interrupt.c — telling the rule engine that the host wants to stop.
**
** While a rule's Lua runs, SQLite's VDBE does not, so neither
** sqlite3_interrupt() nor a progress handler can reach it: the rule would
** run out its whole budget (hours with mqlite_limit('instructions', 1e12)).
** SQLite 3.40 has no sqlite3_is_interrupted() (that came in 3.41), so the
** engine asks here every few milliseconds of Lua (sandbox.c, STOP_PROBE),
** and this file answers through the public API alone: it steps a small
** statement on the same connection. Preparing and stepping check the
** interrupt flag, and the statement's recursive CTE runs about 2,000 VDBE
** steps (17 a row), enough for a progress handler set with N <= 2,000
** (datasette's time limit uses N = 1,000) to be called at least once. A
** statement that stops with SQLITE_INTERRUPT means: stop.
**
** The statement is prepared for each question (some 50 us, every 10 ms of
** Lua: under 1% of a long-running rule) rather than kept: an unfinalized
** statement would make the host's sqlite3_close() fail.
*/
#include "interrupt.h"
#include "mqlite.h"

#define PROBE_SQL "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 120) " \
                  "SELECT count(*) FROM c"

int mq_sql_interrupted(void *data)
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
