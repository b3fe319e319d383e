/*
** fuzz_rule.c — fuzz target: rule source text. Each input becomes the rule
** 'fz', which scores two leads; whatever the text, the answer is a score or
** a clean error, and the explanation adds up to the score.
*/
#include "fuzz_db.h"

#include <stdio.h>
#include <stdlib.h>

#define LEAD "{\"title\": \"VP Sales\", \"employees\": 120, \"email\": \"a@b.com\", \"annual_revenue\": 2e6," \
             " \"attrs\": {\"demo\": true, \"downloads\": 4}, \"as_of\": \"2025-06-01\"," \
             " \"events\": [{\"type\": \"whitepaper_download\", \"occurred_at\": \"2025-05-01\"}," \
             " {\"type\": \"demo_request\", \"occurred_at\": \"2025-05-20\", \"props\": {\"path\": \"/demo\"}}]}"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sqlite3_stmt *put, *score, *check;
    sqlite3 *db = fuzz_db();
    if (!put) {
        put = fuzz_prepare(db, "INSERT OR REPLACE INTO mqlite_rules(name, source) VALUES ('fz', ?1)");
        score = fuzz_prepare(db, "SELECT lead_score('fz', ?1), lead_grade('fz', ?1), lead_qualify('fz', ?1),"
                                 " lead_stage('fz', 42), lead_stage('fz', 42, 'B') FROM (SELECT ?1)");
        check = fuzz_prepare(db, "SELECT (SELECT total(value ->> 'points') FROM json_each(lead_explain('fz', ?1)))"
                                 " = lead_score('fz', ?1)");
    }
    sqlite3_bind_text(put, 1, (const char *)data, (int)size, SQLITE_TRANSIENT);
    int rc = sqlite3_step(put);
    sqlite3_reset(put);
    if (rc != SQLITE_DONE) return 0;           /* e.g. not UTF-8: the table refuses it */
    static const char *const leads[] = {LEAD, "{}"};
    for (int i = 0; i < 2; i++) {
        sqlite3_bind_text(score, 1, leads[i], -1, SQLITE_STATIC);
        fuzz_drain(score);
        sqlite3_bind_text(check, 1, leads[i], -1, SQLITE_STATIC);
        if (sqlite3_step(check) == SQLITE_ROW && sqlite3_column_type(check, 0) != SQLITE_NULL &&
            sqlite3_column_int(check, 0) != 1) {
            fprintf(stderr, "fuzz_rule: the explanation does not add up to the score\n");
            abort();
        }
        sqlite3_reset(check);
    }
    return 0;
}
