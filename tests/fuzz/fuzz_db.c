/*
** fuzz_db.c — the shared database of fuzz_db.h.
**
** Small limits keep each execution fast: a fuzz input that finds a slow path
** shows up as a budget error, not as a timeout.
*/
#include "fuzz_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MQ_SRCDIR
#define MQ_SRCDIR "."
#endif

int sqlite3_mqlite_init(sqlite3 *db, char **err, const sqlite3_api_routines *api);

static char *slurp(const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", MQ_SRCDIR, rel);
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "fuzz: cannot open %s\n", path); abort(); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (!s || fread(s, 1, (size_t)n, f) != (size_t)n) abort();
    s[n] = '\0';
    fclose(f);
    return s;
}

void fuzz_exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "fuzz: setup failed: %s\n", err ? err : "?");
        abort();
    }
}

sqlite3_stmt *fuzz_prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "fuzz: cannot prepare %s: %s\n", sql, sqlite3_errmsg(db));
        abort();
    }
    return st;
}

void fuzz_drain(sqlite3_stmt *stmt)
{
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        /* read every column as text, as a report would */
        for (int i = 0; i < sqlite3_column_count(stmt); i++) (void)sqlite3_column_text(stmt, i);
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
}

static void add_rule(sqlite3 *db, const char *name, const char *src)
{
    sqlite3_stmt *st = fuzz_prepare(db, "INSERT OR REPLACE INTO mqlite_rules(name, source) VALUES (?1, ?2)");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, src, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) abort();
    sqlite3_finalize(st);
}

static sqlite3 *db;

/* At exit, so that valgrind sees every byte freed: the targets' statements,
** then the connection (and with it mqlite's Lua state). */
static void close_db(void)
{
    sqlite3_stmt *st;
    while ((st = sqlite3_next_stmt(db, NULL)) != NULL) sqlite3_finalize(st);
    sqlite3_close(db);
    db = NULL;
}

sqlite3 *fuzz_db(void)
{
    if (db) return db;
    sqlite3_auto_extension((void (*)(void))sqlite3_mqlite_init);
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) abort();
    atexit(close_db);
    char *schema = slurp("schema/mqlite.sql");
    fuzz_exec(db, schema);
    free(schema);
    char *b2b = slurp("samples/rules/b2b.lua"), *bant = slurp("samples/rules/bant.lua");
    add_rule(db, "b2b", b2b);
    add_rule(db, "bant", bant);
    free(b2b);
    free(bant);
    add_rule(db, "fn", "thresholds { MQL = 10, SQL = 20 }\n"
                       "fit('long title', 5, function(l) return #(l.title or '') > 10 end)\n"
                       "fit('points', 0, function(l) return tonumber(l.employees) end)\n"
                       "event('page_view', 1, { cap = 5, where = { path = '/pricing' } })\n");
    fuzz_exec(db,
        "SELECT mqlite_limit('memory', 16 * 1024 * 1024), mqlite_limit('instructions', 200000);"
        "INSERT INTO leads(id, created_at, email, company, industry, employees, annual_revenue, country, title, source, attrs)"
        " VALUES (1, '2025-01-05', 'ann@acme.com', 'Acme', 'software', 250, 5000000, 'US', 'VP Marketing', 'webinar', '{\"web_visits\": 30000, \"cms\": \"wordpress\"}'),"
        "        (2, '2025-02-10', 'bob@gmail.com', 'Bob Co', 'retail', 5, 10000, 'FR', 'Owner', 'ads', NULL),"
        "        (3, '2025-03-01', 'cy@big.io', 'Big', 'fintech', 5000, 90000000, 'DE', 'CTO', 'organic', '{}');"
        "INSERT INTO events(lead_id, type, occurred_at, props) VALUES"
        " (1, 'whitepaper_download', '2025-01-06', NULL), (1, 'pricing_page_visit', '2025-01-07', '{\"path\": \"/pricing\"}'),"
        " (1, 'demo_request', '2025-01-09', NULL), (2, 'unsubscribe', '2025-02-11', NULL), (3, 'sales_contact', '2025-03-03', NULL);"
        "INSERT INTO stage_history(lead_id, stage, entered_at, source) VALUES"
        " (1, 'IQL', '2025-01-05', 'fuzz'), (1, 'MQL', '2025-01-07', 'fuzz'), (1, 'SQL', '2025-01-20', 'fuzz'),"
        " (2, 'IQL', '2025-02-10', 'fuzz'), (2, 'MQL', '2025-02-12', 'fuzz'), (2, 'nurture', '2025-03-01', 'fuzz'),"
        " (3, 'MQL', '2025-03-01', 'fuzz'), (3, 'won', '2025-05-01', 'fuzz');");
    return db;
}
