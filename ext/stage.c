/*
** stage.c — the stage model from SQL: stage_rank, stage_name, stage_lookup, stage_next,
** stage_is_forward and the aggregate stage_max.
**
**     SELECT stage_rank('Marketing Qualified Lead');          -- 3
**     SELECT lead_id, stage_max(stage) FROM stage_history GROUP BY lead_id;
**
** The model is read from mqlite_stages (and mqlite_stage_aliases) and kept
** per connection until the database changes (conn.c); a database without
** those tables gets the default pipeline. The functions read the database and
** write nothing (MQ_READS): the answer changes with the model.
** An unknown stage name is an error that lists the known ones: a typo in a CRM
** export should be fixed (or aliased), not counted as nothing.
*/
#include <stdlib.h>
#include <string.h>

#include "family.h"
#include "sqlarg.h"
#include "utf8text.h"

/* The model, or NULL with the error set on ctx. */
static mq_stages *model(sqlite3_context *ctx, const char *fn)
{
    mq_err err;
    mq_stages *m = mq_conn_stages(sqlite3_user_data(ctx), &err);
    if (!m) {
        mq_err_prefix(&err, "%s: ", fn);
        mq_result_err(ctx, &err);
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
        mq_err err;
        mq_stages_unknown(m, &err, fn, s, (size_t)sqlite3_value_bytes(argv[i]));
        mq_result_err(ctx, &err);
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

const mq_def mq_stage_defs[] = {
    MQ_FUNC("stage_rank",       1, MQ_READS, fn_stage_rank),
    MQ_FUNC("stage_name",       1, MQ_READS, fn_stage_name),
    MQ_FUNC("stage_lookup",     1, MQ_READS, fn_stage_lookup),
    MQ_FUNC("stage_next",       1, MQ_READS, fn_stage_next),
    MQ_FUNC("stage_is_forward", 2, MQ_READS, fn_stage_is_forward),
    MQ_AGG( "stage_max",        1, MQ_READS, max_step, max_final),
    MQ_END
};
