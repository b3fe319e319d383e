/*
** score_vtab.c — score_leads(rule [, as_of]): every lead of the leads table
** scored in one pass, without building JSON per row.
**
**     SELECT lead_id, score, grade, stage FROM score_leads('b2b') ORDER BY score DESC LIMIT 10;
**     SELECT explanation FROM score_leads('b2b', '2025-06-30') WHERE lead_id = 42;
**
** An eponymous table-valued function in the manner of SQLite's series.c: the
** arguments are HIDDEN columns. It reads the leads table in id order and the
** events table in lead order (the events_lead index) and merges the two, so
** each lead's fit and engagement come from one scan of each table. Columns are
** read directly; the attrs JSON is parsed only for a lead whose rule asks for a
** field that is not a column. The explanation is built only when selected.
*/
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "family.h"
#include "leadjson.h"
#include "mqtime.h"
#include "sqlarg.h"
#include "tablefn.h"
#include "utf8text.h"

enum { COL_LEAD_ID, COL_SCORE, COL_FIT, COL_ENGAGEMENT, COL_GRADE, COL_STAGE, COL_EXPLANATION,
       COL_RULE, COL_AS_OF };

/* The leads columns in the order of the SELECT below. */
static const char *const lead_cols[] = {
    "id", "created_at", "email", "company", "industry", "employees", "annual_revenue",
    "country", "title", "source", "campaign", "owner", "attrs",
};
#define NLEAD_COLS ((int)(sizeof lead_cols / sizeof *lead_cols))

typedef struct sl_vtab {
    sqlite3_vtab base;
    mq_conn *conn;
} sl_vtab;

typedef struct sl_cursor {
    sqlite3_vtab_cursor base;
    mq_conn *conn;
    mq_rule *rule;
    mq_stages *model;           /* ranks a signal's stage against the score's */
    sqlite3_stmt *leads, *events;
    int ev_valid;               /* events has a row not yet consumed */
    int eof;
    sqlite3_int64 lead_id;
    double as_of;
    int has_as_of;
    int *slotcol;               /* program field -> leads column, -1 for attrs */
    int extracts;               /* the statement has json_extract(attrs, ...) columns */
    int started;                /* a lead was read (lead_id is the last one) */
    int by_lead;                /* one lead only, by_lead_id */
    sqlite3_value *lo, *hi;     /* bounds of a lead_id range, or NULL */
    int lo_strict, hi_strict;   /* > and < rather than >= and <= */
    sqlite3_int64 by_lead_id;
    mq_engage eng;
    int eng_ready;
    mq_result res;
    mq_lazy_json attrs;
    mq_source src;
} sl_cursor;

static int sl_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **pp, char **err)
{
    (void)argc; (void)argv; (void)err;
    /* it runs the rule's Lua: its line's class, MQ_RUNS_RULE, makes it direct-only */
    int rc = mq_vtab_declare(db, aux,
        "CREATE TABLE x(lead_id INTEGER, score REAL, fit REAL, engagement REAL, grade TEXT,"
        " stage TEXT, explanation TEXT, rule HIDDEN, as_of HIDDEN)");
    if (rc != SQLITE_OK) return rc;
    sl_vtab *v = sqlite3_malloc(sizeof *v);
    if (!v) return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    v->conn = ((const mq_vtab_aux *)aux)->conn;
    *pp = &v->base;
    return SQLITE_OK;
}

static int sl_disconnect(sqlite3_vtab *v)
{
    sqlite3_free(v);
    return SQLITE_OK;
}

/* idxNum bits: 1 as_of given, 2 lead_id given; without it, a range of
** lead_id (so that a long run can be done in chunks): 4 a lower bound (16:
** strict), 8 an upper bound (32: strict). argv: rule, [as_of], [lead_id |
** [lower] [upper]]. SQLite checks the range again (omit = 0). */
static int sl_best_index(sqlite3_vtab *tab, sqlite3_index_info *info)
{
    int rule = -1, as_of = -1, lead = -1, lo = -1, hi = -1, rule_seen = 0;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (c->iColumn == COL_RULE) rule_seen = 1;
        if (!c->usable) continue;
        if (c->iColumn == COL_LEAD_ID && (c->op == SQLITE_INDEX_CONSTRAINT_GT || c->op == SQLITE_INDEX_CONSTRAINT_GE)) lo = i;
        if (c->iColumn == COL_LEAD_ID && (c->op == SQLITE_INDEX_CONSTRAINT_LT || c->op == SQLITE_INDEX_CONSTRAINT_LE)) hi = i;
        if (c->op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
        if (c->iColumn == COL_RULE) rule = i;
        else if (c->iColumn == COL_AS_OF) as_of = i;
        else if (c->iColumn == COL_LEAD_ID) lead = i;
    }
    if (rule < 0) {
        if (rule_seen) return SQLITE_CONSTRAINT;   /* try another plan */
        mq_err err;
        mq_err_set(&err, "score_leads: a rule name is required, as in score_leads('b2b')");
        return mq_vtab_err(tab, &err);
    }
    int n = 1;
    info->aConstraintUsage[rule].argvIndex = n++;
    info->aConstraintUsage[rule].omit = 1;
    info->idxNum = 0;
    if (as_of >= 0) {
        info->aConstraintUsage[as_of].argvIndex = n++;
        info->aConstraintUsage[as_of].omit = 1;
        info->idxNum |= 1;
    }
    if (lead >= 0) {
        info->aConstraintUsage[lead].argvIndex = n++;
        info->aConstraintUsage[lead].omit = 1;
        info->idxNum |= 2;
        info->estimatedCost = 10;
        info->estimatedRows = 1;
    } else {
        info->estimatedCost = 1e6;
        info->estimatedRows = 100000;
        if (lo >= 0) {
            info->aConstraintUsage[lo].argvIndex = n++;
            info->idxNum |= 4 | (info->aConstraint[lo].op == SQLITE_INDEX_CONSTRAINT_GT ? 16 : 0);
            info->estimatedCost /= 4;
        }
        if (hi >= 0) {
            info->aConstraintUsage[hi].argvIndex = n++;
            info->idxNum |= 8 | (info->aConstraint[hi].op == SQLITE_INDEX_CONSTRAINT_LT ? 32 : 0);
            info->estimatedCost /= 4;
        }
    }
    if (info->nOrderBy == 1 && info->aOrderBy[0].iColumn == COL_LEAD_ID && !info->aOrderBy[0].desc)
        info->orderByConsumed = 1;
    return SQLITE_OK;
}

static int sl_open(sqlite3_vtab *tab, sqlite3_vtab_cursor **pp)
{
    sl_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c) return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    c->conn = ((sl_vtab *)tab)->conn;
    mq_result_init(&c->res);
    *pp = &c->base;
    return SQLITE_OK;
}

static void sl_reset(sl_cursor *c)
{
    sqlite3_finalize(c->leads);
    sqlite3_finalize(c->events);
    c->leads = c->events = NULL;
    if (c->eng_ready) mq_engage_free(&c->eng);
    c->eng_ready = 0;
    mq_lazy_json_free(&c->attrs);
    sqlite3_free(c->slotcol);
    c->slotcol = NULL;
    mq_rule_release(c->rule);
    c->rule = NULL;
    mq_stages_release(c->model);
    c->model = NULL;
    sqlite3_value_free(c->lo);
    sqlite3_value_free(c->hi);
    c->lo = c->hi = NULL;
    c->eof = 1;
}

static int sl_close(sqlite3_vtab_cursor *cur)
{
    sl_cursor *c = (sl_cursor *)cur;
    sl_reset(c);
    mq_result_free(&c->res);
    sqlite3_free(c);
    return SQLITE_OK;
}

static int column_of(const char *name, size_t len)
{
    for (int i = 0; i < NLEAD_COLS; i++)
        if (strlen(lead_cols[i]) == len && memcmp(lead_cols[i], name, len) == 0) return i;
    return -1;
}

static void row_get(void *self, int slot, const char *name, size_t len, mq_value *out)
{
    sl_cursor *c = self;
    int col = slot >= 0 ? c->slotcol[slot] : column_of(name, len);
    memset(out, 0, sizeof *out);
    if (col < 0) {
        if (!c->attrs.parsed && !c->attrs.text) {
            const char *t = (const char *)sqlite3_column_text(c->leads, NLEAD_COLS - 1);
            mq_lazy_json_init(&c->attrs, t, (size_t)sqlite3_column_bytes(c->leads, NLEAD_COLS - 1));
        }
        mq_lazy_json_get(&c->attrs, name, len, out);
        return;
    }
    /* JSON true and false arrive from json_extract() as 1 and 0 */
    switch (sqlite3_column_type(c->leads, col)) {
    case SQLITE_INTEGER:
        out->type = MQV_NUM;
        out->is_int = 1;
        out->inum = sqlite3_column_int64(c->leads, col);
        out->num = (double)out->inum;
        break;
    case SQLITE_FLOAT:
        out->type = MQV_NUM;
        out->num = sqlite3_column_double(c->leads, col);
        break;
    case SQLITE_TEXT:
    case SQLITE_BLOB:
        out->type = MQV_TEXT;
        out->s = (const char *)sqlite3_column_text(c->leads, col);
        out->n = (size_t)sqlite3_column_bytes(c->leads, col);
        break;
    default:
        out->type = MQV_NULL;
    }
}

/* Reports err on the table; returns SQLITE_ERROR or SQLITE_NOMEM. */
static int set_err(sl_cursor *c, const mq_err *err)
{
    return mq_vtab_err(c->base.pVtab, err);
}

/* The same for a message (printf-style). */
static int MQ_PRINTF(2, 3) set_errf(sl_cursor *c, const char *fmt, ...)
{
    mq_err err;
    va_list ap;
    va_start(ap, fmt);
    mq_err_vset(&err, fmt, ap);
    va_end(ap);
    return set_err(c, &err);
}

/* A statement failed with rc: SQLITE_NOMEM, or what (printf-style) as an error. */
#define READ_FAILED(c, rc, ...) ((rc) == SQLITE_NOMEM ? SQLITE_NOMEM : set_errf((c), __VA_ARGS__))

/* The error for lead `id`, whose attrs the rule reads but which are not JSON
** (the schema's CHECK lets '{bad}' in): which lead, by id and external_id,
** where the JSON breaks, and what to do. */
static int bad_attrs(sl_cursor *c, sqlite3_int64 id)
{
    char ext[MQ_EXCERPT_SIZE] = "";
    mq_err where = {0, "?"};
    sqlite3_stmt *st = NULL;
    if (mq_prepare(c->conn, "leads", "SELECT external_id, attrs FROM leads WHERE id = ?1", &st) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, id);
        if (mq_step(c->conn, "leads", st) == SQLITE_ROW) {
            if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
                char q[MQ_EXCERPT_SIZE - 20];
                snprintf(ext, sizeof ext, " (external_id '%s')",
                         mq_utf8_excerpt(q, sizeof q, (const char *)sqlite3_column_text(st, 0),
                                         (size_t)sqlite3_column_bytes(st, 0)));
            }
            mq_json_check((const char *)sqlite3_column_text(st, 1), (size_t)sqlite3_column_bytes(st, 1), &where);
        }
    }
    sqlite3_finalize(st);
    if (where.nomem) return SQLITE_NOMEM;
    return set_errf(c, "score_leads: lead %lld%s: attrs is not valid JSON (%s); correct it or set it to NULL",
                    (long long)id, ext, where.msg);
}

/* After the leads statement failed: when it extracts from attrs, SQLite's
** json_extract() fails the whole statement on one bad value, naming no lead.
** The lead it failed on is the first after the last one read (the scan is in
** id order) whose attrs are not JSON: found only now, the scan itself pays
** nothing for the check. 1 and *id when there is one. */
static int failed_on_attrs(sl_cursor *c, sqlite3_int64 *id)
{
    if (!c->extracts) return 0;
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (mq_prepare(c->conn, "leads",
                   c->by_lead ? "SELECT id FROM leads WHERE id = ?1 AND attrs IS NOT NULL AND NOT json_valid(attrs)"
                              : "SELECT id FROM leads WHERE (?2 OR id > ?1) AND attrs IS NOT NULL AND NOT json_valid(attrs)"
                                " ORDER BY id LIMIT 1", &st) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, c->by_lead ? c->by_lead_id : c->lead_id);
        if (!c->by_lead) sqlite3_bind_int(st, 2, !c->started);
        if (mq_step(c->conn, "leads", st) == SQLITE_ROW) {
            *id = sqlite3_column_int64(st, 0);
            found = 1;
        }
    }
    sqlite3_finalize(st);
    return found;
}

/* Moves to the next lead and scores it. */
static int sl_next(sqlite3_vtab_cursor *cur)
{
    sl_cursor *c = (sl_cursor *)cur;
    int rc = mq_step(c->conn, "leads", c->leads);
    if (rc == SQLITE_DONE) { c->eof = 1; return SQLITE_OK; }
    if (rc != SQLITE_ROW) {
        if (rc == SQLITE_NOMEM) return SQLITE_NOMEM;
        mq_err err;
        mq_err_set(&err, "score_leads: reading leads: %s", sqlite3_errmsg(c->conn->db));
        sqlite3_int64 bad;
        if (failed_on_attrs(c, &bad)) return bad_attrs(c, bad);
        return set_err(c, &err);
    }
    c->lead_id = sqlite3_column_int64(c->leads, 0);
    c->started = 1;
    mq_lazy_json_free(&c->attrs);
    c->attrs.text = NULL;
    const mq_prog *p = mq_rule_prog(c->rule);
    mq_engage_reset(&c->eng, c->as_of);
    mq_err err;
    while (c->ev_valid) {
        sqlite3_int64 lid = sqlite3_column_int64(c->events, 0);
        if (lid > c->lead_id) break;
        if (lid == c->lead_id && sqlite3_column_type(c->events, 1) == SQLITE_TEXT) {
            double t;
            const char *ts = (const char *)sqlite3_column_text(c->events, 2);
            if (!ts || mq_time_parse(ts, (size_t)sqlite3_column_bytes(c->events, 2), &t) != 0) {
                char q[61];
                return set_errf(c, "score_leads: event of lead %lld has a bad occurred_at '%s'", (long long)lid,
                                mq_utf8_excerpt(q, sizeof q, ts, (size_t)sqlite3_column_bytes(c->events, 2)));
            }
            mq_lazy_json props;
            mq_lazy_json_init(&props, (const char *)sqlite3_column_text(c->events, 3),
                              (size_t)sqlite3_column_bytes(c->events, 3));
            int arc = mq_engage_add(&c->eng, (const char *)sqlite3_column_text(c->events, 1),
                                    (size_t)sqlite3_column_bytes(c->events, 1), t, &props.src, &err);
            mq_lazy_json_free(&props);
            if (arc != 0) {
                mq_err_prefix(&err, "score_leads: ");
                return set_err(c, &err);
            }
        }
        rc = mq_step(c->conn, "events", c->events);
        if (rc == SQLITE_DONE) c->ev_valid = 0;
        else if (rc != SQLITE_ROW)
            return READ_FAILED(c, rc, "score_leads: reading events: %s", sqlite3_errmsg(c->conn->db));
    }
    if (mq_prog_score(p, c->model, &c->src, &c->eng, &c->res, &err) != 0) {
        mq_err_prefix(&err, "score_leads: ");
        return set_err(c, &err);
    }
    if (c->attrs.bad) return bad_attrs(c, c->lead_id);
    return SQLITE_OK;
}

/* The WHERE clause of a lead_id range (idxNum's bits 4 and 8) on the leads or
** the events statement; its bounds are ?9001 and ?9002, inclusive: a strict
** bound on a whole number is moved by one (prepare), and on any other value
** the two mean the same for an integer id. SQLite checks each row again. */
static const char *range_sql(int f, int events)
{
    static const char *const leads_w[] = {"", " WHERE id >= ?9001", " WHERE id <= ?9002", " WHERE id >= ?9001 AND id <= ?9002"};
    static const char *const events_w[] = {"", " WHERE lead_id >= ?9001", " WHERE lead_id <= ?9002",
                                           " WHERE lead_id >= ?9001 AND lead_id <= ?9002"};
    int k = (f & 4 ? 1 : 0) | (f & 8 ? 2 : 0);
    return events ? events_w[k] : leads_w[k];
}

static int prepare(sl_cursor *c, const char *sql, sqlite3_stmt **st, int by_events, int by_lead, sqlite3_int64 lead)
{
    int rc = mq_prepare(c->conn, by_events ? "events" : "leads", sql, st);
    if (rc != SQLITE_OK)
        return READ_FAILED(c, rc, "score_leads: %s (is schema/mqlite.sql loaded?)", sqlite3_errmsg(c->conn->db));
    if (by_lead) sqlite3_bind_int64(*st, 1, lead);
    for (int i = 0; i < 2; i++) {
        sqlite3_value *v = i ? c->hi : c->lo;
        if (!v) continue;
        int strict = i ? c->hi_strict : c->lo_strict;
        sqlite3_int64 n = sqlite3_value_int64(v);
        if (strict && sqlite3_value_type(v) == SQLITE_INTEGER && n != (i ? INT64_MIN : INT64_MAX))
            sqlite3_bind_int64(*st, 9001 + i, i ? n - 1 : n + 1);
        else
            sqlite3_bind_value(*st, 9001 + i, v);
    }
    return SQLITE_OK;
}

static int sl_filter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr, int argc, sqlite3_value **argv)
{
    (void)idxStr; (void)argc;
    sl_cursor *c = (sl_cursor *)cur;
    sl_reset(c);
    int a = 0;
    mq_err err;
    if (sqlite3_value_type(argv[a]) != SQLITE_TEXT) {
        mq_arg_message(&err, "score_leads", 1, "a rule name (TEXT)", argv[a]);
        return set_err(c, &err);
    }
    if (mq_reentered(c->conn, "score_leads", &err)) return set_err(c, &err);
    c->rule = mq_conn_rule(c->conn, "score_leads", (const char *)sqlite3_value_text(argv[a++]), &err);
    if (!c->rule) return set_err(c, &err);
    if (mq_prog_has_signals(mq_rule_prog(c->rule)) && !(c->model = mq_conn_stages(c->conn, &err))) {
        mq_err_prefix(&err, "score_leads: ");
        return set_err(c, &err);
    }
    c->as_of = mq_time_now();
    if (idxNum & 1) {
        sqlite3_value *v = argv[a++];
        /* NULL: now, as when not given */
        if (sqlite3_value_type(v) != SQLITE_NULL && mq_value_time(v, &c->as_of) != 0) {
            mq_arg_message(&err, "score_leads", 2, MQ_TIME_WHAT, v);
            return set_err(c, &err);
        }
    }
    int by_lead = (idxNum & 2) != 0;
    sqlite3_int64 lead = 0;
    if (by_lead) {
        if (sqlite3_value_type(argv[a]) != SQLITE_INTEGER) { c->eof = 1; return SQLITE_OK; }
        lead = sqlite3_value_int64(argv[a]);
    }
    int range = by_lead ? 0 : idxNum & (4 | 8);
    c->lo_strict = (idxNum & 16) != 0;
    c->hi_strict = (idxNum & 32) != 0;
    if (range & 4 && !(c->lo = sqlite3_value_dup(argv[a++]))) return SQLITE_NOMEM;
    if (range & 8 && !(c->hi = sqlite3_value_dup(argv[a++]))) return SQLITE_NOMEM;
    const mq_prog *p = mq_rule_prog(c->rule);
    if (!(c->slotcol = sqlite3_malloc((int)sizeof(int) * (p->nfields ? p->nfields : 1)))) return SQLITE_NOMEM;
    for (int i = 0; i < p->nfields; i++) c->slotcol[i] = column_of(p->fields[i], strlen(p->fields[i]));
    if (mq_engage_init(&c->eng, p, c->as_of) != 0) return SQLITE_NOMEM;
    c->eng_ready = 1;
    c->src.get = row_get;
    c->src.self = c;

    /* Fields of attrs that declared criteria test are extracted by SQLite's
    ** JSON functions in the same statement (one parse of attrs per row);
    ** their paths are bound, never pasted. A Lua function reading l.anything
    ** still goes through jansson, which keeps JSON types exact. */
    sqlite3_str *sql = sqlite3_str_new(c->conn->db);
    sqlite3_str_appendall(sql, "SELECT id, created_at, email, company, industry, employees, annual_revenue, country,"
                               " title, source, campaign, owner, attrs");
    int nextra = 0;
    for (int i = 0; i < p->nfields; i++) {
        if (c->slotcol[i] >= 0 || strpbrk(p->fields[i], "\"\\")) continue;
        c->slotcol[i] = NLEAD_COLS + nextra++;
        sqlite3_str_appendf(sql, ", json_extract(attrs, ?%d)", nextra + 1);
    }
    c->extracts = nextra > 0;           /* see failed_on_attrs */
    c->started = 0;
    c->by_lead = by_lead;
    c->by_lead_id = lead;
    if (by_lead) sqlite3_str_appendall(sql, " FROM leads WHERE id = ?1");
    else sqlite3_str_appendf(sql, " FROM leads%s ORDER BY id", range_sql(range, 0));
    char *q = sqlite3_str_finish(sql);
    if (!q) return SQLITE_NOMEM;
    int rc = prepare(c, q, &c->leads, 0, by_lead, lead);
    sqlite3_free(q);
    for (int i = 0; rc == SQLITE_OK && i < p->nfields; i++) {
        if (c->slotcol[i] < NLEAD_COLS) continue;
        char *path = sqlite3_mprintf("$.\"%s\"", p->fields[i]);
        if (!path) return SQLITE_NOMEM;
        sqlite3_bind_text(c->leads, c->slotcol[i] - NLEAD_COLS + 2, path, -1, sqlite3_free);
    }
    if (rc != SQLITE_OK) return rc;
    if (p->nevs) {
        char *evq = by_lead ? sqlite3_mprintf("SELECT lead_id, type, occurred_at, props FROM events WHERE lead_id = ?1")
                            : sqlite3_mprintf("SELECT lead_id, type, occurred_at, props FROM events%s ORDER BY lead_id",
                                              range_sql(range, 1));
        if (!evq) return SQLITE_NOMEM;
        rc = prepare(c, evq, &c->events, 1, by_lead, lead);
        sqlite3_free(evq);
        if (rc != SQLITE_OK) return rc;
        rc = mq_step(c->conn, "events", c->events);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return READ_FAILED(c, rc, "score_leads: reading events: %s", sqlite3_errmsg(c->conn->db));
        c->ev_valid = rc == SQLITE_ROW;
    }
    c->eof = 0;
    return sl_next(cur);
}

static int sl_eof(sqlite3_vtab_cursor *cur) { return ((sl_cursor *)cur)->eof; }

static int sl_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    sl_cursor *c = (sl_cursor *)cur;
    const mq_prog *p = mq_rule_prog(c->rule);
    switch (col) {
    case COL_LEAD_ID: sqlite3_result_int64(ctx, c->lead_id); break;
    case COL_SCORE: sqlite3_result_double(ctx, c->res.score); break;
    case COL_FIT: sqlite3_result_double(ctx, c->res.fit); break;
    case COL_ENGAGEMENT: sqlite3_result_double(ctx, c->res.engagement); break;
    case COL_GRADE: sqlite3_result_text(ctx, p->grades[c->res.grade], -1, SQLITE_TRANSIENT); break;
    case COL_STAGE: sqlite3_result_text(ctx, c->res.stage, -1, SQLITE_TRANSIENT); break;
    case COL_EXPLANATION: {
        char *json = mq_result_json(p, &c->res);
        if (!json) return SQLITE_NOMEM;
        sqlite3_result_text(ctx, json, -1, SQLITE_TRANSIENT);
        sqlite3_result_subtype(ctx, 74);
        free(json);
        break;
    }
    case COL_RULE: sqlite3_result_text(ctx, mq_rule_name(c->rule), -1, SQLITE_TRANSIENT); break;
    case COL_AS_OF: sqlite3_result_double(ctx, c->as_of); break;
    }
    return SQLITE_OK;
}

static int sl_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    *rowid = ((sl_cursor *)cur)->lead_id;
    return SQLITE_OK;
}

static const sqlite3_module score_leads_module = {
    .iVersion = 0,
    .xConnect = sl_connect,
    .xBestIndex = sl_best_index,
    .xDisconnect = sl_disconnect,
    .xOpen = sl_open,
    .xClose = sl_close,
    .xFilter = sl_filter,
    .xNext = sl_next,
    .xEof = sl_eof,
    .xColumn = sl_column,
    .xRowid = sl_rowid,
};

const mq_def mq_score_vtab_defs[] = {
    MQ_TABLE("score_leads", 2, MQ_RUNS_RULE, &score_leads_module, NULL),   /* arguments: rule, as_of */
    MQ_END
};
