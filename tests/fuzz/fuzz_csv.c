/*
** fuzz_csv.c — fuzz target: one CSV line of a leads file, through the checks
** and the insert that `mqlite import` runs on it (scripts/mqlite-import), for
** each date order. A line that the checks pass must insert: otherwise one
** odd row would abort a whole import instead of being reported by line.
**
** The fields are split as the importer's CSV reader splits them (commas,
** double quotes with "" inside); the SQL below mirrors the importer's
** whole(), number(), date_ok(), its attrs values and its INSERT for leads.
*/
#include "fuzz_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NFIELDS 8      /* external_id, created_at, email, company, employees, revenue, title, extra */

static const char *const CHECK_AND_INSERT =
    "INSERT INTO leads(external_id, created_at, email, company, employees, annual_revenue, title, attrs)"
    " SELECT id, mqlite_date(created_at, ?9), email, company, CAST(employees AS INTEGER), revenue + 0, title,"
    "        json_object('extra', iif(extra GLOB '*[0-9]*' AND extra NOT GLOB '*[^-+.eE0-9]*' AND json_valid(extra)"
    "            AND (json_type(extra) = 'real' AND (extra + 0) - (extra + 0) IS NOT NULL"
    "                 OR json_type(extra) = 'integer' AND CAST(CAST(extra AS INTEGER) AS TEXT) = extra), extra + 0, extra))"
    " FROM (SELECT nullif(trim(?1), '') AS id, nullif(trim(?2), '') AS created_at, nullif(trim(?3), '') AS email,"
    "              nullif(trim(?4), '') AS company, nullif(trim(?5), '') AS employees, nullif(trim(?6), '') AS revenue,"
    "              nullif(trim(?7), '') AS title, nullif(trim(?8), '') AS extra)"
    " WHERE created_at IS NOT NULL AND mqlite_date(created_at, ?9) IS NOT NULL"
    "   AND (employees IS NULL OR (employees GLOB '[0-9]*' AND employees NOT GLOB '*[^0-9]*'"
    "        AND NOT (length(ltrim(employees, '0')) > 19"
    "                 OR length(ltrim(employees, '0')) = 19 AND ltrim(employees, '0') > '9223372036854775807')))"
    "   AND (revenue IS NULL OR (json_valid(revenue) AND json_type(revenue) IN ('integer', 'real') AND revenue + 0 >= 0"
    "        AND (revenue + 0) - (revenue + 0) IS NOT NULL))"
    "   AND (id IS NULL OR NOT EXISTS (SELECT 1 FROM leads l WHERE l.external_id = id))";

/* Splits one CSV record into at most NFIELDS fields (malloc'd copies). */
static int split(const uint8_t *d, size_t n, char *out[NFIELDS], size_t len[NFIELDS])
{
    int k = 0;
    size_t i = 0;
    while (k < NFIELDS) {
        char *f = malloc(n + 1);
        size_t m = 0;
        if (!f) abort();
        if (i < n && d[i] == '"') {
            i++;
            while (i < n) {
                if (d[i] == '"') {
                    if (i + 1 < n && d[i + 1] == '"') { f[m++] = '"'; i += 2; continue; }
                    i++;
                    break;
                }
                f[m++] = (char)d[i++];
            }
            while (i < n && d[i] != ',' && d[i] != '\n') f[m++] = (char)d[i++];
        } else {
            while (i < n && d[i] != ',' && d[i] != '\n') f[m++] = (char)d[i++];
        }
        f[m] = '\0';
        out[k] = f;
        len[k] = m;
        k++;
        if (i >= n || d[i] == '\n') break;
        i++;                                   /* the comma */
    }
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sqlite3_stmt *ins;
    sqlite3 *db = fuzz_db();
    if (!ins) ins = fuzz_prepare(db, CHECK_AND_INSERT);
    char *f[NFIELDS];
    size_t len[NFIELDS];
    int k = split(data, size, f, len);
    static const char *const orders[] = {"iso", "dmy", "mdy", "ymd"};
    fuzz_exec(db, "SAVEPOINT fz");
    for (int o = 0; o < 4; o++) {
        for (int i = 0; i < NFIELDS; i++) {
            if (i < k) sqlite3_bind_text(ins, i + 1, f[i], (int)len[i], SQLITE_STATIC);
            else sqlite3_bind_null(ins, i + 1);
        }
        sqlite3_bind_text(ins, 9, orders[o], -1, SQLITE_STATIC);
        int rc = sqlite3_step(ins);
        if (rc != SQLITE_DONE && sqlite3_extended_errcode(db) != SQLITE_CONSTRAINT_UNIQUE) {
            /* invalid UTF-8 is refused by json_object() whatever the checks say */
            const char *msg = sqlite3_errmsg(db);
            if (!strstr(msg, "malformed JSON") && !strstr(msg, "JSON cannot hold BLOB")) {
                fprintf(stderr, "fuzz_csv: a line that passes the checks fails to insert (%s): %s\n", orders[o], msg);
                abort();
            }
        }
        sqlite3_reset(ins);
    }
    fuzz_exec(db, "ROLLBACK TO fz; RELEASE fz");
    for (int i = 0; i < k; i++) free(f[i]);
    return 0;
}
