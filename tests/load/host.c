/*
** host.c — a small SQLite host for tests/scripts/test_hostile_load.sh,
** compiled against a newer SQLite amalgamation than Debian's (3.47 and later,
** built with SQLITE_ENABLE_PERCENTILE, so that median and percentile are the
** host's own), to load mqlite the way an application or datasette does:
** through SQL, `SELECT load_extension(...)`, inside a running statement.
**
**     host [--define NAME | --module NAME]... SQL...
**         runs each SQL argument on one in-memory connection, printing rows as
**         a|b|c and errors as "error: MESSAGE"; --define registers a function
**         NAME of the host's own first, --module an (empty) table-valued
**         function NAME (a name clash).
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

/* An eponymous virtual table with one column and no rows. */
static int e_connect(sqlite3 *db, void *a, int c, const char *const *v, sqlite3_vtab **pp, char **e)
{
    (void)a; (void)c; (void)v; (void)e;
    int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(a)");
    if (rc == SQLITE_OK && !(*pp = sqlite3_malloc(sizeof **pp))) rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK) memset(*pp, 0, sizeof **pp);
    return rc;
}
static int e_best(sqlite3_vtab *t, sqlite3_index_info *i) { (void)t; (void)i; return SQLITE_OK; }
static int e_disconnect(sqlite3_vtab *t) { sqlite3_free(t); return SQLITE_OK; }
static int e_open(sqlite3_vtab *t, sqlite3_vtab_cursor **pp)
{
    (void)t;
    if (!(*pp = sqlite3_malloc(sizeof **pp))) return SQLITE_NOMEM;
    memset(*pp, 0, sizeof **pp);
    return SQLITE_OK;
}
static int e_close(sqlite3_vtab_cursor *c) { sqlite3_free(c); return SQLITE_OK; }
static int e_filter(sqlite3_vtab_cursor *c, int n, const char *s, int a, sqlite3_value **v)
{
    (void)c; (void)n; (void)s; (void)a; (void)v;
    return SQLITE_OK;
}
static int e_next(sqlite3_vtab_cursor *c) { (void)c; return SQLITE_OK; }
static int e_eof(sqlite3_vtab_cursor *c) { (void)c; return 1; }
static int e_column(sqlite3_vtab_cursor *c, sqlite3_context *x, int i) { (void)c; (void)x; (void)i; return SQLITE_OK; }
static int e_rowid(sqlite3_vtab_cursor *c, sqlite3_int64 *r) { (void)c; *r = 0; return SQLITE_OK; }
static sqlite3_module empty_module = {
    .xConnect = e_connect, .xBestIndex = e_best, .xDisconnect = e_disconnect, .xOpen = e_open, .xClose = e_close,
    .xFilter = e_filter, .xNext = e_next, .xEof = e_eof, .xColumn = e_column, .xRowid = e_rowid,
};

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
        if (strcmp(argv[i], "--module") == 0 && i + 1 < argc) {
            sqlite3_create_module(db, argv[++i], &empty_module, NULL);
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
