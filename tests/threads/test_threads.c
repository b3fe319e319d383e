/*
** test_threads.c — 4 threads, each with its own connection to one WAL
** database, score and report at once; every result must equal the one a
** single thread got first, and the writes of all threads must all be there.
** Built twice: plainly for make test, and with ThreadSanitizer for make
** check-threads. mqlite is linked in and registered with
** sqlite3_auto_extension, as an application would.
**
** What the threads share is only the database file: a connection (and so
** its Lua state, its compiled rules and its caches) stays in one thread.
**
** usage: test_threads DB   (a database made by mqgen, in WAL mode)
*/
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 4
#define ROUNDS 3

int sqlite3_mqlite_init(sqlite3 *db, char **err, const sqlite3_api_routines *api);

/* The reports every thread runs; each is reduced to one line of text. */
static const char *const queries[] = {
    "SELECT count(*), sum(score), sum(fit), round(total(engagement), 6), group_concat(stage, '') FROM"
    " (SELECT * FROM score_leads('b2b', '2026-01-01') ORDER BY lead_id)",
    "SELECT group_concat(stage || ':' || reached || ':' || ifnull(round(from_previous, 9), '-') || ':' || ifnull(round(median_days, 6), '-'), ' ') FROM funnel()",
    "SELECT group_concat(cohort || ':' || entered || ':' || converted || ':' || ifnull(round(median_days, 6), '-'), ' ') FROM cohort_conversion('MQL', 'SQL', 'month', 90)",
    "SELECT sum(lead_score('bant', json_object('employees', employees, 'title', title))) FROM leads",
    "SELECT group_concat(mqls || ':' || contacted || ':' || within_sla || ':' || ifnull(round(median_hours, 6), '-'), ' ') FROM speed_to_lead()",
};
#define NQ (int)(sizeof queries / sizeof *queries)

static const char *path;
static char *expected[NQ];

static char *run(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    char *out = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "threads: %s\n", sqlite3_errmsg(db));
        return NULL;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        out = strdup(t ? t : "NULL");
    }
    if (sqlite3_finalize(st) != SQLITE_OK) {
        fprintf(stderr, "threads: %s\n", sqlite3_errmsg(db));
        free(out);
        return NULL;
    }
    return out;
}

static sqlite3 *open_db(void)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "threads: cannot open %s\n", path);
        exit(1);
    }
    sqlite3_busy_timeout(db, 60000);
    return db;
}

/* Each thread: ROUNDS of every report, and one scoring write per round that
** adds the scores of all leads in one transaction. Returns mismatches. */
static void *worker(void *arg)
{
    long id = (long)arg, bad = 0;
    sqlite3 *db = open_db();
    for (int r = 0; r < ROUNDS; r++) {
        for (int q = 0; q < NQ; q++) {
            int k = (q + (int)id) % NQ;                /* threads run them in different orders */
            char *got = run(db, queries[k]);
            if (!got || strcmp(got, expected[k]) != 0) {
                fprintf(stderr, "threads: thread %ld, report %d differs:\n  got  %.200s\n  want %.200s\n", id, k,
                        got ? got : "(error)", expected[k]);
                bad++;
            }
            free(got);
        }
        char *err = NULL;
        if (sqlite3_exec(db,
                "INSERT INTO scores(lead_id, rule, scored_at, score, fit, engagement, grade, stage, explanation)"
                " SELECT lead_id, 'b2b', '2026-01-01', score, fit, engagement, grade, stage, explanation"
                " FROM score_leads('b2b', '2026-01-01');"
                /* the same source again: every connection sees a changed rule */
                "UPDATE mqlite_rules SET source = source || '' WHERE name = 'b2b';",
                NULL, NULL, &err) != SQLITE_OK) {
            fprintf(stderr, "threads: thread %ld: write failed: %s\n", id, err);
            sqlite3_free(err);
            bad++;
        }
    }
    sqlite3_close(db);
    return (void *)bad;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_threads DB\n");
        return 2;
    }
    path = argv[1];
    sqlite3_auto_extension((void (*)(void))sqlite3_mqlite_init);
    sqlite3 *db = open_db();                       /* the first load, before any thread */
    char *mode = run(db, "PRAGMA journal_mode = WAL");
    free(mode);
    char *before = run(db, "SELECT count(*) FROM scores");
    char *leads = run(db, "SELECT count(*) FROM leads");
    for (int q = 0; q < NQ; q++)
        if (!(expected[q] = run(db, queries[q]))) return 1;

    pthread_t t[THREADS];
    long bad = 0;
    for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += (long)r;
    }
    char *after = run(db, "SELECT count(*) FROM scores");
    long want = atol(before) + (long)THREADS * ROUNDS * atol(leads);
    if (atol(after) != want) {
        fprintf(stderr, "threads: %s scores after the run, expected %ld\n", after, want);
        bad++;
    }
    printf("threads: %d threads x %d rounds x %d reports on %s leads, %ld scores written: %s\n", THREADS, ROUNDS, NQ,
           leads, want - atol(before), bad ? "MISMATCH" : "all equal to the single-threaded run");
    for (int q = 0; q < NQ; q++) free(expected[q]);
    free(before);
    free(after);
    free(leads);
    sqlite3_close(db);
    return bad != 0;
}
