/*
** host.c — a small SQLite host for tests/scripts/test_hostile_load.sh,
** compiled against a newer SQLite amalgamation than Debian's (3.47 and later,
** built with SQLITE_ENABLE_PERCENTILE, so that median and percentile are the
** host's own), to load mqlite the way an application or datasette does:
** through SQL, `SELECT load_extension(...)`, inside a running statement.
**
**     host [--define NAME]... SQL...
**         runs each SQL argument on one in-memory connection, printing rows as
**         a|b|c and errors as "error: MESSAGE"; --define registers a function
**         NAME of the host's own first (a name clash).
**     host --oom-sweep EXT STRIDE
**         loads EXT on a fresh connection again and again, the Nth memory
**         allocation of the load failing (N = 1, 1 + STRIDE, ...), until a
**         load no longer reaches N; after each failed load, calls mqlite's
**         functions: a load that failed must leave nothing registered, or (if
**         it failed half-way) functions that still work, never a crash.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite3.h"

static int print_row(void *u, int n, char **v, char **c)
{
    (void)u; (void)c;
    for (int i = 0; i < n; i++) printf("%s%s", i ? "|" : "", v[i] ? v[i] : "");
    printf("\n");
    return 0;
}

static void host_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc; (void)argv;
    sqlite3_result_text(ctx, "the host's own", -1, SQLITE_STATIC);
}

/* ---- failing allocations ------------------------------------------------------ */
static sqlite3_mem_methods base;
static long armed_at, count;       /* fail allocation number armed_at while armed_at > 0 */
static int failed;

static int should_fail(void)
{
    if (armed_at <= 0) return 0;
    if (++count == armed_at) { failed = 1; return 1; }
    return 0;
}
static void *oom_malloc(int n) { return should_fail() ? NULL : base.xMalloc(n); }
static void *oom_realloc(void *p, int n) { return should_fail() ? NULL : base.xRealloc(p, n); }

/* 0 when nothing of mqlite answers, 1 when all three answer, 2 when some do. */
static int probe(sqlite3 *db)
{
    static const char *const q[] = {"SELECT mqlite_version()", "SELECT stage_rank('MQL')",
                                    "SELECT mqlite_median(x) FROM (SELECT 1 x)"};
    int ok = 0;
    for (int i = 0; i < 3; i++) ok += sqlite3_exec(db, q[i], NULL, NULL, NULL) == SQLITE_OK;
    return ok == 0 ? 0 : ok == 3 ? 1 : 2;
}

static int oom_sweep(const char *ext, long stride)
{
    sqlite3_config(SQLITE_CONFIG_GETMALLOC, &base);
    sqlite3_mem_methods m = base;
    m.xMalloc = oom_malloc;
    m.xRealloc = oom_realloc;
    sqlite3_config(SQLITE_CONFIG_MALLOC, &m);
    char *sql = sqlite3_mprintf("SELECT load_extension(%Q)", ext);
    long points = 0, nothing = 0, partial = 0, loaded = 0;
    for (long n = 1;; n += stride) {
        sqlite3 *db;
        if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 2;
        sqlite3_enable_load_extension(db, 1);
        count = 0;
        failed = 0;
        armed_at = n;
        int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        armed_at = 0;
        int p = probe(db);
        sqlite3_close(db);
        if (!failed) {                       /* the whole load ran without reaching n */
            if (rc != SQLITE_OK || p != 1) { printf("oom sweep: the load without a failure did not work\n"); return 1; }
            break;
        }
        points++;
        if (rc == SQLITE_OK && p == 1) loaded++;      /* SQLite or mqlite got over it */
        else if (rc != SQLITE_OK && p == 0) nothing++;
        else partial++;                              /* half-way: still callable, not a crash */
    }
    printf("oom sweep: %ld failure points: %ld loads refused with nothing registered, %ld half-way, %ld loaded\n",
           points, nothing, partial, loaded);
    sqlite3_free(sql);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--oom-sweep") == 0) return oom_sweep(argv[2], atol(argv[3]));
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 2;
    sqlite3_enable_load_extension(db, 1);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--define") == 0 && i + 1 < argc) {
            sqlite3_create_function(db, argv[++i], 1, SQLITE_UTF8, NULL, host_fn, NULL, NULL);
            continue;
        }
        char *err = NULL;
        if (sqlite3_exec(db, argv[i], print_row, NULL, &err) != SQLITE_OK) printf("error: %s\n", err ? err : "?");
        sqlite3_free(err);
        fflush(stdout);
    }
    sqlite3_close(db);
    return 0;
}
