/*
** leadscan.c — reading leads and their events for a rule, in lead order
** (leadscan.h): the statements, the merge, the errors that name a lead.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadscan.h"
#include "mqtime.h"
#include "sqlarg.h"
#include "utf8text.h"

/* The leads columns in the order of the SELECT below. */
static const char *const lead_cols[] = {
    "id", "created_at", "email", "company", "industry", "employees", "annual_revenue",
    "country", "title", "source", "campaign", "owner", "attrs",
};
#define NLEAD_COLS ((int)(sizeof lead_cols / sizeof *lead_cols))

/* ---- planning the arguments --------------------------------------------------- */

int mq_leadscan_unplanned(int idxNum, const char *fn, mq_err *err)
{
    if (!(idxNum & MQ_LEADSCAN_NO_RULE)) return 0;
    return mq_err_set(err, "%s: a rule name is required, as in %s('b2b')", fn, fn);
}

int mq_leadscan_plan(sqlite3_index_info *info, int col_lead, int col_rule, int col_as_of, int col_extra)
{
    int rule = -1, as_of = -1, extra = -1, lead = -1, lo = -1, hi = -1, rule_seen = 0;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (c->iColumn == col_rule) rule_seen = 1;
        if (!c->usable) continue;
        if (c->iColumn == col_lead && (c->op == SQLITE_INDEX_CONSTRAINT_GT || c->op == SQLITE_INDEX_CONSTRAINT_GE)) lo = i;
        if (c->iColumn == col_lead && (c->op == SQLITE_INDEX_CONSTRAINT_LT || c->op == SQLITE_INDEX_CONSTRAINT_LE)) hi = i;
        if (c->op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
        if (c->iColumn == col_rule) rule = i;
        else if (c->iColumn == col_as_of) as_of = i;
        else if (col_extra >= 0 && c->iColumn == col_extra) extra = i;
        else if (c->iColumn == col_lead) lead = i;
    }
    if (rule < 0) {
        if (rule_seen) return SQLITE_CONSTRAINT;   /* try another plan */
        info->idxNum = MQ_LEADSCAN_NO_RULE;
        info->estimatedCost = 1e300;
        return SQLITE_OK;
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
    if (extra >= 0) {
        info->aConstraintUsage[extra].argvIndex = n++;
        info->aConstraintUsage[extra].omit = 1;
        info->idxNum |= 64;
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
    if (info->nOrderBy == 1 && info->aOrderBy[0].iColumn == col_lead && !info->aOrderBy[0].desc)
        info->orderByConsumed = 1;
    return SQLITE_OK;
}

int mq_leadrange_read(mq_leadrange *r, int idxNum, sqlite3_value **argv, int a)
{
    memset(r, 0, sizeof *r);
    if (idxNum & 2) {
        if (sqlite3_value_type(argv[a]) != SQLITE_INTEGER) return 1;
        r->by_lead = 1;
        r->lead = sqlite3_value_int64(argv[a]);
        return 0;
    }
    r->lo_strict = (idxNum & 16) != 0;
    r->hi_strict = (idxNum & 32) != 0;
    if (idxNum & 4 && !(r->lo = sqlite3_value_dup(argv[a++]))) return -1;
    if (idxNum & 8 && !(r->hi = sqlite3_value_dup(argv[a++]))) return -1;
    return 0;
}

void mq_leadrange_free(mq_leadrange *r)
{
    sqlite3_value_free(r->lo);
    sqlite3_value_free(r->hi);
    r->lo = r->hi = NULL;
}

/* ---- the scan ------------------------------------------------------------------ */

static int column_of(const char *name, size_t len)
{
    for (int i = 0; i < NLEAD_COLS; i++)
        if (strlen(lead_cols[i]) == len && memcmp(lead_cols[i], name, len) == 0) return i;
    return -1;
}

static void row_get(void *self, int slot, const char *name, size_t len, mq_value *out)
{
    mq_leadscan *s = self;
    int col = slot >= 0 ? s->slotcol[slot] : column_of(name, len);
    memset(out, 0, sizeof *out);
    if (col < 0) {
        if (!s->attrs.parsed && !s->attrs.text) {
            const char *t = (const char *)sqlite3_column_text(s->leads, NLEAD_COLS - 1);
            mq_lazy_json_init(&s->attrs, t, (size_t)sqlite3_column_bytes(s->leads, NLEAD_COLS - 1));
        }
        mq_lazy_json_get(&s->attrs, name, len, out);
        return;
    }
    /* JSON true and false arrive from json_extract() as 1 and 0 */
    switch (sqlite3_column_type(s->leads, col)) {
    case SQLITE_INTEGER:
        out->type = MQV_NUM;
        out->is_int = 1;
        out->inum = sqlite3_column_int64(s->leads, col);
        out->num = (double)out->inum;
        break;
    case SQLITE_FLOAT:
        out->type = MQV_NUM;
        out->num = sqlite3_column_double(s->leads, col);
        break;
    case SQLITE_TEXT:
    case SQLITE_BLOB:
        out->type = MQV_TEXT;
        out->s = (const char *)sqlite3_column_text(s->leads, col);
        out->n = (size_t)sqlite3_column_bytes(s->leads, col);
        break;
    default:
        out->type = MQV_NULL;
    }
}

/* A statement failed with rc: memory, or what it was reading and SQLite's message. */
static int read_failed(mq_leadscan *s, int rc, const char *what, mq_err *err)
{
    if (rc == SQLITE_NOMEM) return mq_err_nomem(err);
    return mq_err_db(err, s->conn->db, "%s: reading %s: ", s->fn, what);
}

/* The error for lead `id`, whose attrs the rule reads but which are not JSON:
** which lead, by id and external_id, where the JSON breaks, and what to do. */
static int bad_attrs(mq_leadscan *s, sqlite3_int64 id, mq_err *err)
{
    char ext[MQ_EXCERPT_SIZE] = "";
    mq_err where = {0, "?", 0};
    sqlite3_stmt *st = NULL;
    if (mq_prepare(s->conn, "leads", "SELECT external_id, attrs FROM leads WHERE id = ?1", &st) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, id);
        if (mq_step(s->conn, "leads", st) == SQLITE_ROW) {
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
    if (where.nomem) return mq_err_nomem(err);
    return mq_err_set(err, "%s: lead %lld%s: attrs is not valid JSON (%s); correct it or set it to NULL",
                      s->fn, (long long)id, ext, where.msg);
}

/* After the leads statement failed: when it extracts from attrs, SQLite's
** json_extract() fails the whole statement on one bad value, naming no lead.
** The lead it failed on is the first after the last one read (the scan is in
** id order) whose attrs are not JSON: found only now, the scan itself pays
** nothing for the check. 1 and *id when there is one. */
static int failed_on_attrs(mq_leadscan *s, sqlite3_int64 *id)
{
    if (!s->extracts) return 0;
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (mq_prepare(s->conn, "leads",
                   s->by_lead ? "SELECT id FROM leads WHERE id = ?1 AND attrs IS NOT NULL AND NOT json_valid(attrs)"
                              : "SELECT id FROM leads WHERE (?2 OR id > ?1) AND attrs IS NOT NULL AND NOT json_valid(attrs)"
                                " ORDER BY id LIMIT 1", &st) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, s->by_lead ? s->by_lead_id : s->lead_id);
        if (!s->by_lead) sqlite3_bind_int(st, 2, !s->started);
        if (mq_step(s->conn, "leads", st) == SQLITE_ROW) {
            *id = sqlite3_column_int64(st, 0);
            found = 1;
        }
    }
    sqlite3_finalize(st);
    return found;
}

/* The WHERE clause of a lead_id range on the leads table or one with a
** lead_id column; the bounds are ?9001 and ?9002, inclusive: a strict bound
** on a whole number is moved by one (mq_leadrange_bind), and on any other
** value the two mean the same for an integer id. SQLite checks each row
** again. */
static const char *range_sql(const mq_leadrange *r, int by_lead_id)
{
    static const char *const leads_w[] = {"", " WHERE id >= ?9001", " WHERE id <= ?9002", " WHERE id >= ?9001 AND id <= ?9002"};
    static const char *const other_w[] = {"", " WHERE lead_id >= ?9001", " WHERE lead_id <= ?9002",
                                          " WHERE lead_id >= ?9001 AND lead_id <= ?9002"};
    int k = (r->lo ? 1 : 0) | (r->hi ? 2 : 0);
    return by_lead_id ? other_w[k] : leads_w[k];
}

const char *mq_leadrange_where(const mq_leadrange *r)
{
    return r->by_lead ? " WHERE lead_id = ?1" : range_sql(r, 1);
}

void mq_leadrange_bind(sqlite3_stmt *st, const mq_leadrange *r)
{
    if (r->by_lead) sqlite3_bind_int64(st, 1, r->lead);
    for (int i = 0; i < 2; i++) {
        sqlite3_value *v = i ? r->hi : r->lo;
        if (!v) continue;
        int strict = i ? r->hi_strict : r->lo_strict;
        sqlite3_int64 n = sqlite3_value_int64(v);
        if (strict && sqlite3_value_type(v) == SQLITE_INTEGER && n != (i ? INT64_MIN : INT64_MAX))
            sqlite3_bind_int64(st, 9001 + i, i ? n - 1 : n + 1);
        else
            sqlite3_bind_value(st, 9001 + i, v);
    }
}

static int prepare(mq_leadscan *s, const char *what, const char *sql, sqlite3_stmt **st,
                   const mq_leadrange *r, mq_err *err)
{
    int rc = mq_prepare(s->conn, what, sql, st);
    if (rc == SQLITE_NOMEM) return mq_err_nomem(err);
    if (rc != SQLITE_OK)
        return mq_err_set(err, "%s: %s (is schema/mqlite.sql loaded?)", s->fn, sqlite3_errmsg(s->conn->db));
    mq_leadrange_bind(*st, r);
    return 0;
}

/* A scan of one lead again, for the same program: its statements are reset
** and bound to the new lead, not prepared again (a join that scores 10,000
** leads one by one would otherwise prepare 20,000 statements). */
static int reopen(mq_leadscan *s, const mq_leadrange *r, mq_err *err)
{
    sqlite3_reset(s->leads);
    sqlite3_bind_int64(s->leads, 1, r->lead);
    s->by_lead_id = r->lead;
    s->lead_id = 0;
    s->started = 0;
    s->ev_used = 0;
    s->ev_valid = 0;
    mq_lazy_json_free(&s->attrs);
    s->attrs.text = NULL;
    if (!s->events) return 0;
    sqlite3_reset(s->events);
    sqlite3_bind_int64(s->events, 1, r->lead);
    int rc = mq_step(s->conn, "events", s->events);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return read_failed(s, rc, "events", err);
    s->ev_valid = rc == SQLITE_ROW;
    return 0;
}

int mq_leadscan_open(mq_leadscan *s, mq_conn *conn, const char *fn, const mq_prog *p,
                     const mq_leadrange *r, int with_events, mq_err *err)
{
    if (s->leads && s->p == p && s->conn == conn && s->by_lead && r->by_lead && (s->events != NULL) == (with_events && p->nevs > 0))
        return reopen(s, r, err);
    mq_leadscan_close(s);
    memset(s, 0, sizeof *s);
    s->conn = conn;
    s->fn = fn;
    s->p = p;
    s->by_lead = r->by_lead;
    s->by_lead_id = r->lead;
    s->src.get = row_get;
    s->src.self = s;
    if (!(s->slotcol = sqlite3_malloc((int)sizeof(int) * (p->nfields ? p->nfields : 1)))) return mq_err_nomem(err);
    for (int i = 0; i < p->nfields; i++) s->slotcol[i] = column_of(p->fields[i], strlen(p->fields[i]));

    /* Fields of attrs that declared criteria test are extracted by SQLite's
    ** JSON functions in the same statement (one parse of attrs per row);
    ** their paths are bound, never pasted. A Lua function reading l.anything
    ** still goes through jansson, which keeps JSON types exact. */
    sqlite3_str *sql = sqlite3_str_new(conn->db);
    sqlite3_str_appendall(sql, "SELECT id, created_at, email, company, industry, employees, annual_revenue, country,"
                               " title, source, campaign, owner, attrs");
    int nextra = 0;
    for (int i = 0; i < p->nfields; i++) {
        if (s->slotcol[i] >= 0 || strpbrk(p->fields[i], "\"\\")) continue;
        s->slotcol[i] = NLEAD_COLS + nextra++;
        sqlite3_str_appendf(sql, ", json_extract(attrs, ?%d)", nextra + 1);
    }
    s->extracts = nextra > 0;           /* see failed_on_attrs */
    if (r->by_lead) sqlite3_str_appendall(sql, " FROM leads WHERE id = ?1");
    else sqlite3_str_appendf(sql, " FROM leads%s ORDER BY id", range_sql(r, 0));
    char *q = sqlite3_str_finish(sql);
    if (!q) return mq_err_nomem(err);
    int rc = prepare(s, "leads", q, &s->leads, r, err);
    sqlite3_free(q);
    if (rc != 0) return -1;
    for (int i = 0; i < p->nfields; i++) {
        if (s->slotcol[i] < NLEAD_COLS) continue;
        char *path = sqlite3_mprintf("$.\"%s\"", p->fields[i]);
        if (!path) return mq_err_nomem(err);
        sqlite3_bind_text(s->leads, s->slotcol[i] - NLEAD_COLS + 2, path, -1, sqlite3_free);
    }
    if (!with_events || !p->nevs) return 0;
    char *evq = sqlite3_mprintf("SELECT lead_id, type, occurred_at, props FROM events%s ORDER BY lead_id, occurred_at",
                                mq_leadrange_where(r));
    if (!evq) return mq_err_nomem(err);
    rc = prepare(s, "events", evq, &s->events, r, err);
    sqlite3_free(evq);
    if (rc != 0) return -1;
    rc = mq_step(conn, "events", s->events);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return read_failed(s, rc, "events", err);
    s->ev_valid = rc == SQLITE_ROW;
    return 0;
}

int mq_leadscan_next(mq_leadscan *s, mq_err *err)
{
    int rc = mq_step(s->conn, "leads", s->leads);
    if (rc == SQLITE_DONE) return 0;
    if (rc != SQLITE_ROW) {
        if (rc == SQLITE_NOMEM) return mq_err_nomem(err);
        mq_err_db(err, s->conn->db, "%s: reading leads: ", s->fn);
        sqlite3_int64 bad;
        if (failed_on_attrs(s, &bad)) return bad_attrs(s, bad, err);
        return -1;
    }
    s->lead_id = sqlite3_column_int64(s->leads, 0);
    s->started = 1;
    mq_lazy_json_free(&s->attrs);
    s->attrs.text = NULL;
    return 1;
}

int mq_leadscan_engage(mq_leadscan *s, mq_engage *eng, mq_err *err)
{
    mq_leadevent ev;
    memset(&ev, 0, sizeof ev);
    int rc;
    while ((rc = mq_leadscan_event(s, &ev, err)) == 1)
        if (mq_engage_add(eng, ev.type, ev.typelen, ev.t, &ev.props.src, err) != 0) {
            rc = mq_err_prefix(err, "%s: ", s->fn);
            break;
        }
    mq_lazy_json_free(&ev.props);
    return rc < 0 ? -1 : 0;
}

const char *mq_leadscan_created(const mq_leadscan *s)
{
    return sqlite3_column_type(s->leads, 1) == SQLITE_TEXT ? (const char *)sqlite3_column_text(s->leads, 1) : NULL;
}

int mq_leadscan_event(mq_leadscan *s, mq_leadevent *ev, mq_err *err)
{
    mq_lazy_json_free(&ev->props);
    for (;;) {
        if (s->ev_used) {
            s->ev_used = 0;
            int rc = mq_step(s->conn, "events", s->events);
            if (rc == SQLITE_DONE) s->ev_valid = 0;
            else if (rc != SQLITE_ROW) return read_failed(s, rc, "events", err);
        }
        if (!s->ev_valid) return 0;
        sqlite3_int64 lid = sqlite3_column_int64(s->events, 0);
        if (lid > s->lead_id) return 0;
        s->ev_used = 1;
        if (lid < s->lead_id || sqlite3_column_type(s->events, 1) != SQLITE_TEXT) continue;
        const char *ts = (const char *)sqlite3_column_text(s->events, 2);
        if (!ts || mq_time_parse(ts, (size_t)sqlite3_column_bytes(s->events, 2), &ev->t) != 0) {
            char q[61];
            return mq_err_set(err, "%s: event of lead %lld has a bad occurred_at '%s'", s->fn, (long long)lid,
                              mq_utf8_excerpt(q, sizeof q, ts, (size_t)sqlite3_column_bytes(s->events, 2)));
        }
        ev->type = (const char *)sqlite3_column_text(s->events, 1);
        ev->typelen = (size_t)sqlite3_column_bytes(s->events, 1);
        mq_lazy_json_init(&ev->props, (const char *)sqlite3_column_text(s->events, 3),
                          (size_t)sqlite3_column_bytes(s->events, 3));
        return 1;
    }
}

int mq_leadscan_check(mq_leadscan *s, mq_err *err)
{
    return s->attrs.bad ? bad_attrs(s, s->lead_id, err) : 0;
}

void mq_leadscan_close(mq_leadscan *s)
{
    sqlite3_finalize(s->leads);
    sqlite3_finalize(s->events);
    s->leads = s->events = NULL;
    mq_lazy_json_free(&s->attrs);
    sqlite3_free(s->slotcol);
    s->slotcol = NULL;
}
