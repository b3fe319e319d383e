/*
** tablefn.c — eponymous table-valued functions over materialized rows.
**
** Reports are small (a row per stage, per period, per owner), so building all
** rows in xFilter and handing them out is simpler and no slower than
** streaming. The arguments are hidden columns: each equality constraint on
** one becomes an argument, and the column reads back the value given.
*/
#include "tablefn.h"

#include <math.h>
#include <string.h>

typedef struct tf_vtab {
    sqlite3_vtab base;
    mq_conn *conn;
    const mq_tablefn *spec;
    int nargs;                 /* from the family's line */
} tf_vtab;

typedef struct tf_cursor {
    sqlite3_vtab_cursor base;
    mq_rows rows;
    int row;
    sqlite3_value *args[MQ_TABLEFN_MAX_ARGS];
} tf_cursor;

static mq_cell *cell(mq_rows *r, int col)
{
    return &r->cells[(size_t)(r->nrows - 1) * (size_t)r->ncol + (size_t)col];
}

void mq_rows_add(mq_rows *r)
{
    if (r->oom) return;
    if (r->nrows == r->cap) {
        int ncap = r->cap ? r->cap * 2 : 16;
        mq_cell *c = sqlite3_realloc64(r->cells, (sqlite3_uint64)ncap * (sqlite3_uint64)r->ncol * sizeof *c);
        if (!c) { r->oom = 1; return; }
        r->cells = c;
        r->cap = ncap;
    }
    r->nrows++;
    memset(cell(r, 0), 0, (size_t)r->ncol * sizeof(mq_cell));
    for (int i = 0; i < r->ncol; i++) cell(r, i)->type = SQLITE_NULL;
}

void mq_rows_int(mq_rows *r, int col, sqlite3_int64 v)
{
    if (r->oom) return;
    cell(r, col)->type = SQLITE_INTEGER;
    cell(r, col)->i = v;
}

void mq_rows_double(mq_rows *r, int col, double v)
{
    if (r->oom || isnan(v)) return;
    cell(r, col)->type = SQLITE_FLOAT;
    cell(r, col)->d = v;
}

void mq_rows_text(mq_rows *r, int col, const char *s)
{
    if (r->oom || !s) return;
    if (!(cell(r, col)->s = sqlite3_mprintf("%s", s))) { r->oom = 1; return; }
    cell(r, col)->type = SQLITE_TEXT;
}

static void rows_free(mq_rows *r)
{
    for (int i = 0; i < r->nrows * r->ncol; i++) sqlite3_free(r->cells[i].s);
    sqlite3_free(r->cells);
    memset(r, 0, sizeof *r);
}

int mq_vtab_declare(sqlite3 *db, const mq_vtab_aux *aux, const char *schema)
{
    int rc = sqlite3_declare_vtab(db, schema);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_vtab_config(db, (aux->def->flags & SQLITE_DIRECTONLY) ? SQLITE_VTAB_DIRECTONLY : SQLITE_VTAB_INNOCUOUS);
}

static int tf_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **pp, char **err)
{
    (void)argc; (void)argv; (void)err;
    const mq_vtab_aux *a = aux;
    const mq_tablefn *spec = a->def->spec;
    if (a->def->nargs > MQ_TABLEFN_MAX_ARGS) return SQLITE_INTERNAL;
    int rc = mq_vtab_declare(db, a, spec->schema);
    if (rc != SQLITE_OK) return rc;
    tf_vtab *v = sqlite3_malloc(sizeof *v);
    if (!v) return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    v->conn = a->conn;
    v->spec = spec;
    v->nargs = a->def->nargs;
    *pp = &v->base;
    return SQLITE_OK;
}

static int tf_disconnect(sqlite3_vtab *v)
{
    sqlite3_free(v);
    return SQLITE_OK;
}

/* idxNum: bit i set when argument i is given; argv holds them in order. */
static int tf_best_index(sqlite3_vtab *tab, sqlite3_index_info *info)
{
    const mq_tablefn *spec = ((tf_vtab *)tab)->spec;
    int nargs = ((tf_vtab *)tab)->nargs;
    int use[MQ_TABLEFN_MAX_ARGS], seen = 0;
    for (int i = 0; i < MQ_TABLEFN_MAX_ARGS; i++) use[i] = -1;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        int a = c->iColumn - spec->nvisible;
        if (a < 0 || a >= nargs) continue;
        seen |= 1 << a;
        if (c->usable && c->op == SQLITE_INDEX_CONSTRAINT_EQ) use[a] = i;
    }
    int n = 1, mask = 0;
    for (int a = 0; a < nargs; a++) {
        if (use[a] < 0) continue;
        info->aConstraintUsage[use[a]].argvIndex = n++;
        info->aConstraintUsage[use[a]].omit = 1;
        mask |= 1 << a;
    }
    /* A required argument missing from this plan: one the query gives but
    ** this plan cannot use is no plan; one it does not give at all may yet be
    ** in another plan (an OR in WHERE makes SQLite ask once per term), so
    ** this plan costs the most and, if chosen, says so in xFilter: an error
    ** here would end the planning early. */
    int missing = 0;
    for (int a = 0; a < spec->required; a++) {
        if (mask & (1 << a)) continue;
        if (seen & (1 << a)) return SQLITE_CONSTRAINT;   /* given, but not usable in this plan */
        missing = 1;
    }
    info->idxNum = mask;
    info->estimatedCost = missing ? 1e300 : 1000;
    info->estimatedRows = 100;
    return SQLITE_OK;
}

static int tf_open(sqlite3_vtab *tab, sqlite3_vtab_cursor **pp)
{
    tf_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c) return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    c->rows.ncol = ((tf_vtab *)tab)->spec->nvisible;
    *pp = &c->base;
    return SQLITE_OK;
}

static void free_args(tf_cursor *c)
{
    for (int i = 0; i < MQ_TABLEFN_MAX_ARGS; i++) {
        sqlite3_value_free(c->args[i]);
        c->args[i] = NULL;
    }
}

static int tf_close(sqlite3_vtab_cursor *cur)
{
    tf_cursor *c = (tf_cursor *)cur;
    rows_free(&c->rows);
    free_args(c);
    sqlite3_free(c);
    return SQLITE_OK;
}

static int tf_filter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr, int argc, sqlite3_value **argv)
{
    (void)idxStr; (void)argc;
    tf_cursor *c = (tf_cursor *)cur;
    tf_vtab *v = (tf_vtab *)cur->pVtab;
    int ncol = c->rows.ncol;
    rows_free(&c->rows);
    c->rows.ncol = ncol;
    free_args(c);
    mq_err err;
    if ((idxNum & ((1 << v->spec->required) - 1)) != (1 << v->spec->required) - 1) {
        mq_err_set(&err, "%s: %s", v->spec->name, v->spec->usage);
        return mq_vtab_err(cur->pVtab, &err);
    }
    for (int a = 0, k = 0; a < v->nargs; a++) {
        if (!(idxNum & (1 << a))) continue;
        if (!(c->args[a] = sqlite3_value_dup(argv[k++]))) return SQLITE_NOMEM;
    }
    sqlite3_value *args[MQ_TABLEFN_MAX_ARGS] = {0};
    for (int a = 0; a < v->nargs; a++)
        if (c->args[a] && sqlite3_value_type(c->args[a]) != SQLITE_NULL) args[a] = c->args[a];
    c->row = 0;
    if (v->spec->compute(v->conn, args, &c->rows, &err) != 0) return mq_vtab_err(cur->pVtab, &err);
    return c->rows.oom ? SQLITE_NOMEM : SQLITE_OK;
}

static int tf_next(sqlite3_vtab_cursor *cur)
{
    ((tf_cursor *)cur)->row++;
    return SQLITE_OK;
}

static int tf_eof(sqlite3_vtab_cursor *cur)
{
    tf_cursor *c = (tf_cursor *)cur;
    return c->row >= c->rows.nrows;
}

static int tf_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    tf_cursor *c = (tf_cursor *)cur;
    if (col >= c->rows.ncol) {
        sqlite3_value *a = c->args[col - c->rows.ncol];
        if (a) sqlite3_result_value(ctx, a);
        return SQLITE_OK;
    }
    const mq_cell *x = &c->rows.cells[(size_t)c->row * (size_t)c->rows.ncol + (size_t)col];
    switch (x->type) {
    case SQLITE_INTEGER: sqlite3_result_int64(ctx, x->i); break;
    case SQLITE_FLOAT: sqlite3_result_double(ctx, x->d); break;
    case SQLITE_TEXT: sqlite3_result_text(ctx, x->s, -1, SQLITE_TRANSIENT); break;
    default: sqlite3_result_null(ctx);
    }
    return SQLITE_OK;
}

static int tf_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    *rowid = ((tf_cursor *)cur)->row + 1;
    return SQLITE_OK;
}

const sqlite3_module mq_tablefn_module = {
    .iVersion = 0,
    .xConnect = tf_connect,
    .xBestIndex = tf_best_index,
    .xDisconnect = tf_disconnect,
    .xOpen = tf_open,
    .xClose = tf_close,
    .xFilter = tf_filter,
    .xNext = tf_next,
    .xEof = tf_eof,
    .xColumn = tf_column,
    .xRowid = tf_rowid,
};
