/*
** fuzz_sqlfn.c — fuzz target: every SQL function and table-valued function
** of mqlite, called with arguments of random types (NULL, integer, real,
** text, blob) and values. The input picks the function, the number of
** arguments and each argument; the answer must be a value or an error.
**
** The list of functions is read from pragma_function_list (those that a
** connection without mqlite lacks), so a new function is fuzzed without a
** change here; aggregates run over three rows.
*/
#include "fuzz_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char *name; int narg; int agg; int table; } fn_t;

static fn_t *fns;
static int nfns;
static sqlite3_stmt **stmts;             /* one per (function, argument count) */

static const char *const tables[] = {"funnel", "cohort_conversion", "speed_to_lead", "score_leads"};

static void add(const char *name, int narg, int agg, int table)
{
    fns = realloc(fns, sizeof *fns * (size_t)(nfns + 1));
    if (!fns) abort();
    fns[nfns].name = strdup(name);
    fns[nfns].narg = narg;
    fns[nfns].agg = agg;
    fns[nfns].table = table;
    nfns++;
}

static void list_functions(sqlite3 *db)
{
    sqlite3_stmt *st = fuzz_prepare(db,
        "SELECT name, narg, type = 'a' FROM pragma_function_list"
        " WHERE name NOT IN (SELECT name FROM temp.builtin) ORDER BY name, narg");
    while (sqlite3_step(st) == SQLITE_ROW) {
        int narg = sqlite3_column_int(st, 1);
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (narg < 0) for (int k = 0; k <= 4; k++) add(name, k, sqlite3_column_int(st, 2), 0);
        else add(name, narg, sqlite3_column_int(st, 2), 0);
    }
    sqlite3_finalize(st);
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
        for (int k = 0; k <= 7; k++) add(tables[t], k, 0, 1);
    stmts = calloc((size_t)nfns, sizeof *stmts);
    if (!stmts) abort();
}

static sqlite3_stmt *stmt_for(sqlite3 *db, int i)
{
    if (stmts[i]) return stmts[i];
    char args[64] = "";
    for (int k = 0; k < fns[i].narg; k++) {
        char one[16];
        snprintf(one, sizeof one, "%s?%d", k ? ", " : "", k + 1);
        strcat(args, one);
    }
    char *sql;
    if (fns[i].table) sql = sqlite3_mprintf("SELECT * FROM %s(%s)", fns[i].name, args);
    else if (fns[i].agg) sql = sqlite3_mprintf("SELECT %s(%s) FROM (VALUES (1), (2), (3))", fns[i].name, args);
    else sql = sqlite3_mprintf("SELECT %s(%s)", fns[i].name, args);
    if (sqlite3_prepare_v2(db, sql, -1, &stmts[i], NULL) != SQLITE_OK) stmts[i] = NULL;
    sqlite3_free(sql);
    return stmts[i];
}

/* Reads the next argument from the input: a type byte, a length byte, bytes. */
static size_t bind_arg(sqlite3_stmt *st, int k, const uint8_t *d, size_t n)
{
    if (n == 0) { sqlite3_bind_null(st, k); return 0; }
    int type = d[0] % 6;
    size_t len = n > 1 ? d[1] % 48 : 0;
    if (len > n - 2 || n < 2) len = n >= 2 ? n - 2 : 0;
    const uint8_t *p = d + (n >= 2 ? 2 : 1);
    size_t used = (n >= 2 ? 2 : 1) + len;
    switch (type) {
    case 0: sqlite3_bind_null(st, k); break;
    case 1: {
        long long v = 0;
        for (size_t i = 0; i < len && i < 8; i++) v = (long long)((unsigned long long)v << 8 | p[i]);
        sqlite3_bind_int64(st, k, v);
        break;
    }
    case 2: {
        double v = 0;
        if (len >= sizeof v) memcpy(&v, p, sizeof v);
        else for (size_t i = 0; i < len; i++) v = v * 10 + (p[i] % 10) - (i == 0 && p[i] % 3 == 0 ? 1e3 : 0);
        sqlite3_bind_double(st, k, v);
        break;
    }
    case 3: case 4: sqlite3_bind_text(st, k, (const char *)p, (int)len, SQLITE_TRANSIENT); break;
    default: sqlite3_bind_blob(st, k, p, (int)len, SQLITE_TRANSIENT); break;
    }
    return used;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sqlite3 *db = fuzz_db();
    if (!fns) {
        /* SQLite's own functions, from a connection that never saw mqlite */
        sqlite3_reset_auto_extension();
        sqlite3 *plain;
        if (sqlite3_open(":memory:", &plain) != SQLITE_OK) abort();
        sqlite3_stmt *st = fuzz_prepare(plain, "SELECT DISTINCT name FROM pragma_function_list");
        fuzz_exec(db, "CREATE TEMP TABLE builtin(name TEXT PRIMARY KEY)");
        sqlite3_stmt *ins = fuzz_prepare(db, "INSERT OR IGNORE INTO temp.builtin VALUES (?1)");
        while (sqlite3_step(st) == SQLITE_ROW) {
            sqlite3_bind_text(ins, 1, (const char *)sqlite3_column_text(st, 0), -1, SQLITE_TRANSIENT);
            sqlite3_step(ins);
            sqlite3_reset(ins);
        }
        sqlite3_finalize(st);
        sqlite3_finalize(ins);
        sqlite3_close(plain);
        list_functions(db);
    }
    if (size < 2 || nfns == 0) return 0;
    int i = (data[0] | data[1] << 8) % nfns;
    sqlite3_stmt *st = stmt_for(db, i);
    if (!st) return 0;
    size_t at = 2;
    for (int k = 1; k <= fns[i].narg; k++) at += bind_arg(st, k, data + at, size - at);
    fuzz_drain(st);
    return 0;
}
