/*
** fuzz_time.c — fuzz target: dates and timestamps, as text and as the C
** parser sees them. A time that parses formats to text that parses back to
** the same second.
*/
#include "fuzz_db.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "mqtime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sqlite3_stmt *sql;
    sqlite3 *db = fuzz_db();
    if (!sql) {
        sql = fuzz_prepare(db,
            "SELECT days_between(?1, '2025-01-01'), days_between('2025-01-01', ?1),"
            " mqlite_date(?1), mqlite_date(?1, 'dmy'), mqlite_date(?1, 'mdy'), mqlite_date(?1, 'ymd'),"
            " engagement_score('b2b', 'whitepaper_download', ?1, NULL, '2026-01-01'),"
            " engagement_score('b2b', 'demo_request', '2025-01-01', NULL, ?1),"
            " lead_score('b2b', json_object('as_of', ?1))");
    }
    sqlite3_bind_text(sql, 1, (const char *)data, (int)size, SQLITE_TRANSIENT);
    fuzz_drain(sql);

    double t;
    if (mq_time_parse((const char *)data, size, &t) == 0) {
        char buf[32];
        double back;
        if (mq_time_format(t, buf) == 0) {
            size_t n = 0;
            while (buf[n]) n++;
            if (mq_time_parse(buf, n, &back) != 0 || fabs(back - floor(t)) > 1.0) {
                fprintf(stderr, "fuzz_time: %.3f formats as '%s', which parses as %.3f\n", t, buf, back);
                abort();
            }
        }
    }
    for (int f = 0; f < 4; f++) (void)mq_date_parse((const char *)data, size, (mq_datefmt)f, &t);
    return 0;
}
