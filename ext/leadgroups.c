/*
** leadgroups.c — lead_groups(group_by [, fold]): every lead's group value,
** as the reports group it, for SQL that groups by itself; and
** lead_group_kind(name): what a group name is, without an error.
**
**     SELECT g.value, count(*) FROM lead_groups('lead_origin', 1) g GROUP BY 1;
**     CREATE TEMP TABLE g AS SELECT * FROM lead_groups(:by, :fold);   -- then join on lead_id
**     SELECT lead_group_kind('month');                                 -- NULL: neither
**
** One row per lead of main.leads, in id order: lead_id and value, the value
** that funnel(), speed_to_lead() and cohort_conversion() put in `segment` for
** the same group_by and fold (groupby.c makes both), NULL for no value.
** group_by is required (TEXT); the rows are built when the query starts, so
** a join should read it once (as the outer loop, or from a temp table).
*/
#include "groupby.h"
#include "tablefn.h"

enum { G_LEAD_ID, G_VALUE, G_NCOL };

static int groups_compute(mq_conn *conn, sqlite3_value **args, mq_rows *rows, mq_err *err)
{
    static const char fn[] = "lead_groups";
    mq_groupby g;
    sqlite3_stmt *st = NULL;
    char *expr = NULL, *sql = NULL;
    int rc = SQLITE_NOMEM;
    if (!args[0]) {
        mq_err_set(err, "%s: argument 1 expected the name of a column of leads or a key of its attrs (TEXT), found NULL",
                   fn);
        return -1;
    }
    if (mq_group_open(&g, conn, fn, args[0], 1, args[1], 2, err) != 0) {
        mq_group_close(&g);
        return -1;
    }
    if (!(expr = mq_group_expr(&g, 1)) ||
        !(sql = sqlite3_mprintf("SELECT l.id, %s FROM main.leads l ORDER BY l.id", expr)))
        goto done;
    rc = mq_prepare(conn, "leads", sql, &st);
    if (rc == SQLITE_OK) rc = mq_group_bind(&g, st, 1);
    while (rc == SQLITE_OK && (rc = mq_step(conn, "leads", st)) == SQLITE_ROW) {
        mq_rows_add(rows);
        mq_rows_int(rows, G_LEAD_ID, sqlite3_column_int64(st, 0));
        mq_rows_text(rows, G_VALUE, (const char *)sqlite3_column_text(st, 1));
        rc = rows->oom ? SQLITE_NOMEM : SQLITE_OK;
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
    else if (rc != SQLITE_NOMEM) mq_err_db(err, conn->db, "%s: reading leads: ", fn);
done:
    if (rc == SQLITE_NOMEM) mq_err_nomem(err);
    sqlite3_finalize(st);
    sqlite3_free(sql);
    sqlite3_free(expr);
    mq_group_close(&g);
    return rc == SQLITE_OK ? 0 : -1;
}

/* lead_group_kind(name): 'column', 'attrs', 'account' or NULL (neither, or name NULL):
** what group_by would group by. For a caller that must decide before it
** asks for a report (the conversion script's old --by PERIOD). */
static void fn_group_kind(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    static const char fn[] = "lead_group_kind";
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
        mq_arg_error(ctx, fn, 1, "the name of a column of leads or a key of its attrs (TEXT)", argv[0]);
        return;
    }
    const char *name = (const char *)sqlite3_value_text(argv[0]);
    if (!name) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    mq_err err;
    int k = mq_group_kind(sqlite3_user_data(ctx), fn, name, sqlite3_value_bytes(argv[0]), &err);
    if (k < 0) mq_result_err(ctx, &err);
    else if (k > 0) sqlite3_result_text(ctx, k == 1 ? "column" : k == 3 ? "account" : "attrs", -1, SQLITE_STATIC);
}

static const mq_tablefn groups_fn = {
    .name = "lead_groups",
    .schema = "CREATE TABLE x(lead_id INTEGER, value TEXT, group_by HIDDEN, fold HIDDEN)",
    .nvisible = G_NCOL,
    .required = 1,
    .usage = "group_by is required, as in lead_groups('source')",
    .compute = groups_compute,
};

const mq_def mq_leadgroups_defs[] = {
    MQ_TABLE("lead_groups",     2, MQ_READS, &mq_tablefn_module, &groups_fn),   /* arguments: hidden columns */
    MQ_FUNC("lead_group_kind",  1, MQ_READS, fn_group_kind),
    MQ_END
};
