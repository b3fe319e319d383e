/*
** fuzz_leadjson.c — fuzz target: the lead JSON that lead_score() and friends
** take, under the sample rules and a rule with its own Lua functions. The
** answer is a score or a clean error, and the explanation adds up.
*/
#include "fuzz_db.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sqlite3_stmt *score, *check;
    sqlite3 *db = fuzz_db();
    if (!score) {
        score = fuzz_prepare(db, "SELECT lead_score(r, ?1), lead_grade(r, ?1), lead_qualify(r, ?1), lead_explain(r, ?1)"
                                 " FROM (SELECT 'b2b' AS r UNION ALL SELECT 'bant' UNION ALL SELECT 'fn')");
        check = fuzz_prepare(db, "SELECT r, (SELECT total(value ->> 'points') FROM json_each(lead_explain(r, ?1)))"
                                 " = lead_score(r, ?1) FROM (SELECT 'b2b' AS r UNION ALL SELECT 'bant' UNION ALL SELECT 'fn')");
    }
    sqlite3_bind_text(score, 1, (const char *)data, (int)size, SQLITE_TRANSIENT);
    fuzz_drain(score);
    sqlite3_bind_text(check, 1, (const char *)data, (int)size, SQLITE_TRANSIENT);
    while (sqlite3_step(check) == SQLITE_ROW) {
        if (sqlite3_column_type(check, 1) != SQLITE_NULL && sqlite3_column_int(check, 1) != 1) {
            fprintf(stderr, "fuzz_leadjson: rule %s: the explanation does not add up to the score\n",
                    sqlite3_column_text(check, 0));
            abort();
        }
    }
    sqlite3_reset(check);
    sqlite3_clear_bindings(check);
    return 0;
}
