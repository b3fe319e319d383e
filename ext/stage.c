/*
** stage.c — the stage model from SQL: stage_rank, stage_name, stage_lookup, stage_next,
** stage_is_forward and the aggregate stage_max.
**
**     SELECT stage_rank('Marketing Qualified Lead');          -- 3
**     SELECT lead_id, stage_max(stage) FROM stage_history GROUP BY lead_id;
**
** The model is read from mqlite_stages (and mqlite_stage_aliases) and kept
** per connection until the database changes; a database without those tables
** gets the default pipeline. The functions only read, so they are INNOCUOUS;
** they are not DETERMINISTIC because the answer changes with the model.
** An unknown stage name is an error that lists the known ones: a typo in a CRM
** export should be fixed (or aliased), not counted as nothing.
*/
#include <stdlib.h>
#include <string.h>

#include "mqlite.h"

static char *load_err(sqlite3 *db, const char *what)
{
    return sqlite3_mprintf("cannot read %s: %s", what, sqlite3_errmsg(db));
}

/* Reads the model from the database; NULL with *err on failure. */
static mq_stages *load(mq_conn *c, char **err)
{
    sqlite3 *db = c->db;
    sqlite3_stmt *st = NULL;
    *err = NULL;
    int rc = mq_prepare(c, "mqlite_stages", "SELECT name, rank, kind, terminal, on_path FROM mqlite_stages ORDER BY rank, rowid",
                        &st);
    if (rc != SQLITE_OK) {
        if (strstr(sqlite3_errmsg(db), "no such table")) return mq_stages_default();
        *err = load_err(db, "mqlite_stages");
        return NULL;
    }
    mq_stages *m = mq_stages_new();
    if (!m) { sqlite3_finalize(st); return NULL; }
    while ((rc = mq_step(c, "mqlite_stages", st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (!name) continue;
        if (mq_stages_add(m, name, sqlite3_column_int(st, 1), (const char *)sqlite3_column_text(st, 2),
                          sqlite3_column_int(st, 3), sqlite3_column_int(st, 4)) != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        if (rc != SQLITE_NOMEM) *err = load_err(db, "mqlite_stages");
        goto fail;
    }
    if (m->n == 0) {
        *err = sqlite3_mprintf("mqlite_stages has no stages");
        goto fail;
    }
    rc = mq_prepare(c, "mqlite_stage_aliases", "SELECT alias, stage FROM mqlite_stage_aliases", &st);
    if (rc != SQLITE_OK) return m;             /* no aliases table: none */
    while ((rc = mq_step(c, "mqlite_stage_aliases", st)) == SQLITE_ROW) {
        const char *alias = (const char *)sqlite3_column_text(st, 0), *stage = (const char *)sqlite3_column_text(st, 1);
        if (!alias || !stage) continue;
        if (mq_stages_alias(m, alias, stage) != 0) {
            char qa[61], qs[61];
            *err = sqlite3_mprintf("mqlite_stage_aliases: alias '%s' names '%s', which is not in mqlite_stages",
                                   mq_utf8_excerpt_str(qa, sizeof qa, alias), mq_utf8_excerpt_str(qs, sizeof qs, stage));
            sqlite3_finalize(st);
            goto fail;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        *err = load_err(db, "mqlite_stage_aliases");
        goto fail;
    }
    return m;
fail:
    mq_stages_release(m);
    return NULL;
}

mq_stages *mq_conn_stages(mq_conn *c, char **err)
{
    unsigned version = 0;
    sqlite3_file_control(c->db, "main", SQLITE_FCNTL_DATA_VERSION, &version);
    sqlite3_int64 changes = sqlite3_total_changes64(c->db);
    *err = NULL;
    if (!c->stages || version != c->stages_version || changes != c->stages_changes) {
        if (mq_reentered(c, NULL, err)) return NULL;
        mq_stages *m = load(c, err);
        if (!m) return NULL;
        mq_stages_release(c->stages);
        c->stages = m;
        c->stages_version = version;
        c->stages_changes = changes;
    }
    mq_stages_retain(c->stages);
    return c->stages;
}

/* The model, or NULL with the error set on ctx. */
static mq_stages *model(sqlite3_context *ctx, const char *fn)
{
    char *err = NULL;
    mq_stages *m = mq_conn_stages(sqlite3_user_data(ctx), &err);
    if (!m) {
        char *msg = err ? sqlite3_mprintf("%s: %s", fn, err) : NULL;
        if (msg) sqlite3_result_error(ctx, msg, -1);
        else sqlite3_result_error_nomem(ctx);
        sqlite3_free(msg);
        sqlite3_free(err);
    }
    return m;
}

/* Index of the stage named by argv[i]; -1 for NULL (result NULL set), -2 error set. */
static int stage_arg(sqlite3_context *ctx, const char *fn, const mq_stages *m, sqlite3_value **argv, int i)
{
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return -1;
    }
    if (sqlite3_value_type(argv[i]) != SQLITE_TEXT) {
        mq_arg_error(ctx, fn, i + 1, "a stage name (TEXT)", argv[i]);
        return -2;
    }
    const char *s = (const char *)sqlite3_value_text(argv[i]);
    int k = mq_stages_find(m, s, (size_t)sqlite3_value_bytes(argv[i]));
    if (k < 0) {
        char known[512], q[61];
        mq_stages_list(m, known, sizeof known);
        char *msg = sqlite3_mprintf("%s: unknown stage '%s'; known stages are %s "
                                    "(add others to mqlite_stages or mqlite_stage_aliases)", fn,
                                    mq_utf8_excerpt(q, sizeof q, s, (size_t)sqlite3_value_bytes(argv[i])), known);
        if (msg) sqlite3_result_error(ctx, msg, -1);
        else sqlite3_result_error_nomem(ctx);
        sqlite3_free(msg);
        return -2;
    }
    return k;
}

typedef enum { ST_RANK, ST_NAME, ST_NEXT } stage_out;

static void stage_one(sqlite3_context *ctx, sqlite3_value **argv, const char *fn, stage_out what)
{
    mq_stages *m = model(ctx, fn);
    if (!m) return;
    int k = stage_arg(ctx, fn, m, argv, 0);
    if (k >= 0) {
        int nx;
        switch (what) {
        case ST_RANK: sqlite3_result_int(ctx, m->st[k].rank); break;
        case ST_NAME: sqlite3_result_text(ctx, m->st[k].name, -1, SQLITE_TRANSIENT); break;
        case ST_NEXT:
            nx = mq_stages_next(m, k);
            if (nx < 0) sqlite3_result_null(ctx);
            else sqlite3_result_text(ctx, m->st[nx].name, -1, SQLITE_TRANSIENT);
            break;
        }
    }
    mq_stages_release(m);
}

static void fn_stage_rank(sqlite3_context *c, int n, sqlite3_value **v) { (void)n; stage_one(c, v, "stage_rank", ST_RANK); }
static void fn_stage_name(sqlite3_context *c, int n, sqlite3_value **v) { (void)n; stage_one(c, v, "stage_name", ST_NAME); }
static void fn_stage_next(sqlite3_context *c, int n, sqlite3_value **v) { (void)n; stage_one(c, v, "stage_next", ST_NEXT); }

/* stage_lookup(name): stage_name() that gives NULL for an unknown name, for
** an importer that lists every bad row instead of stopping at the first. */
static void fn_stage_lookup(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) return;
    mq_stages *m = model(ctx, "stage_lookup");
    if (!m) return;
    int k = mq_stages_find(m, (const char *)sqlite3_value_text(argv[0]), (size_t)sqlite3_value_bytes(argv[0]));
    if (k >= 0) sqlite3_result_text(ctx, m->st[k].name, -1, SQLITE_TRANSIENT);
    mq_stages_release(m);
}

static void fn_stage_is_forward(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    mq_stages *m = model(ctx, "stage_is_forward");
    if (!m) return;
    int a = stage_arg(ctx, "stage_is_forward", m, argv, 0), b = a >= 0 ? stage_arg(ctx, "stage_is_forward", m, argv, 1) : a;
    if (a >= 0 && b >= 0) sqlite3_result_int(ctx, mq_stages_is_forward(m, a, b));
    mq_stages_release(m);
}

/* stage_max(stage): the furthest main-path stage among the rows (the first
** seen of the highest rank); NULL when no row names a main-path stage. */
typedef struct max_agg {
    mq_stages *m;
    int best;
    int failed;
} max_agg;

static void max_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    max_agg *a = sqlite3_aggregate_context(ctx, sizeof *a);
    if (!a) { sqlite3_result_error_nomem(ctx); return; }
    if (a->failed) return;
    if (!a->m) {
        if (!(a->m = model(ctx, "stage_max"))) { a->failed = 1; return; }
        a->best = -1;
    }
    int k = stage_arg(ctx, "stage_max", a->m, argv, 0);
    if (k == -2) { a->failed = 1; return; }
    if (k >= 0 && a->m->st[k].on_path && (a->best < 0 || a->m->st[k].rank > a->m->st[a->best].rank)) a->best = k;
}

static void max_final(sqlite3_context *ctx)
{
    max_agg *a = sqlite3_aggregate_context(ctx, 0);
    if (!a) { sqlite3_result_null(ctx); return; }
    if (!a->failed) {
        if (a->m && a->best >= 0) sqlite3_result_text(ctx, a->m->st[a->best].name, -1, SQLITE_TRANSIENT);
        else sqlite3_result_null(ctx);
    }
    mq_stages_release(a->m);
    a->m = NULL;
}

int mq_register_stage(sqlite3 *db, mq_conn *conn)
{
    int rc = mq_create_function(db, conn, "stage_rank", 1, SQLITE_INNOCUOUS, fn_stage_rank, NULL, NULL);
    if (rc == SQLITE_OK) rc = mq_create_function(db, conn, "stage_name", 1, SQLITE_INNOCUOUS, fn_stage_name, NULL, NULL);
    if (rc == SQLITE_OK) rc = mq_create_function(db, conn, "stage_lookup", 1, SQLITE_INNOCUOUS, fn_stage_lookup, NULL, NULL);
    if (rc == SQLITE_OK) rc = mq_create_function(db, conn, "stage_next", 1, SQLITE_INNOCUOUS, fn_stage_next, NULL, NULL);
    if (rc == SQLITE_OK) rc = mq_create_function(db, conn, "stage_is_forward", 2, SQLITE_INNOCUOUS, fn_stage_is_forward, NULL, NULL);
    if (rc == SQLITE_OK) rc = mq_create_function(db, conn, "stage_max", 1, SQLITE_INNOCUOUS, NULL, max_step, max_final);
    return rc;
}
