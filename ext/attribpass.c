/*
** attribpass.c — the reading pass of attribution() (attribpass.h): each
** lead's touches and each milestone read once, in lead order, and every
** milestone's weights under the chosen models added, unrounded, to the
** buckets of the lead's segment. attribution.c has the conventions and does
** the rounding and the rows; nothing here writes a row.
**
** Streams, all ordered by lead: leads (with the lead's group value: the
** groupby.c expression, its attrs key bound, never pasted), events that
** name a campaign, and the milestones: stage_history (history.c) or won
** deals (dealscan.c). A lead's own touch and its events are merged by time; ties: the
** lead's own touch first, then events in id order.
*/
#include "attribpass.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dealscan.h"
#include "history.h"
#include "mqtime.h"
#include "utf8text.h"

#define MAX_BUCKETS 100000      /* rows of one model: each holds some 200 bytes */
#define MAX_AMOUNT 1e13         /* revenue in cents stays an exact double */

static const char fn[] = "attribution";

/* ---- buckets ------------------------------------------------------------------------- */

static unsigned hash(const char *s, int n)
{
    unsigned h = 2166136261u;
    for (int i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static int rehash(attr_run *r)
{
    int ns = r->nslots ? r->nslots * 2 : 256;
    int *s = sqlite3_malloc64((sqlite3_uint64)ns * sizeof *s);
    if (!s) return -1;
    for (int i = 0; i < ns; i++) s[i] = -1;
    for (int i = 0; i < r->nb; i++) {
        unsigned h = hash(r->b[i]->key, r->b[i]->klen) & (unsigned)(ns - 1);
        while (s[h] >= 0) h = (h + 1) & (unsigned)(ns - 1);
        s[h] = i;
    }
    sqlite3_free(r->slots);
    r->slots = s;
    r->nslots = ns;
    return 0;
}

void mq_attr_bucket_free(attr_bucket *x)
{
    sqlite3_free(x->key);
    sqlite3_free(x->campaign);
    sqlite3_free(x->channel);
    sqlite3_free(x);
}

static char *dup_text(const char *s, int n)
{
    char *d = sqlite3_malloc(n + 1);
    if (d) { if (n) memcpy(d, s, (size_t)n); d[n] = 0; }
    return d;
}

/* The bucket of (the loaded lead's segment, kind, text), made when new: its
** index, or -1 with r->err. */
static int bucket(attr_run *r, int kind, const char *text, int tlen, const char *campaign, const char *channel)
{
    char stackkey[256], *key = tlen + 5 <= (int)sizeof stackkey ? stackkey : sqlite3_malloc(tlen + 5);
    if (!key) return mq_err_nomem(r->err);
    /* the segment's number first: the same in every key of a segment */
    unsigned sn = (unsigned)r->seg->key;
    for (int i = 0; i < 4; i++) key[i] = (char)(sn >> (24 - 8 * i));
    key[4] = (char)kind;
    if (tlen) memcpy(key + 5, text, (size_t)tlen);
    int klen = tlen + 5;
    if (2 * (r->nb + 1) > r->nslots && rehash(r) != 0) goto nomem;
    unsigned h = hash(key, klen) & (unsigned)(r->nslots - 1);
    for (; r->slots[h] >= 0; h = (h + 1) & (unsigned)(r->nslots - 1)) {
        attr_bucket *x = r->b[r->slots[h]];
        if (x->klen == klen && memcmp(x->key, key, (size_t)klen) == 0) {
            if (key != stackkey) sqlite3_free(key);
            return r->slots[h];
        }
    }
    if (r->nb >= MAX_BUCKETS) {
        if (key != stackkey) sqlite3_free(key);
        return mq_err_set(r->err, "%s: touches name more than %d campaigns or channels%s", fn, MAX_BUCKETS,
                          r->group->on ? " over all the segments" : "");
    }
    if (r->nb == r->capb) {
        int nc = r->capb ? r->capb * 2 : 64;
        attr_bucket **nbs = sqlite3_realloc64(r->b, (sqlite3_uint64)nc * sizeof *nbs);
        if (!nbs) goto nomem;
        r->b = nbs;
        r->capb = nc;
    }
    attr_bucket *x = sqlite3_malloc(sizeof *x);
    if (!x) goto nomem;
    memset(x, 0, sizeof *x);
    x->stamp = -1;
    x->seg = r->seg;
    x->klen = klen;
    x->key = dup_text(key, klen);
    x->campaign = campaign ? dup_text(campaign, (int)strlen(campaign)) : NULL;
    x->channel = channel ? dup_text(channel, (int)strlen(channel)) : NULL;
    if (!x->key || (campaign && !x->campaign) || (channel && !x->channel)) {
        mq_attr_bucket_free(x);
        goto nomem;
    }
    r->b[r->nb] = x;
    r->slots[h] = r->nb;
    if (key != stackkey) sqlite3_free(key);
    return r->nb++;
nomem:
    if (key != stackkey) sqlite3_free(key);
    return mq_err_nomem(r->err);
}

/* ---- a lead's touches ---------------------------------------------------------------- */

static int step(attr_run *r, sqlite3_stmt *st, const char *what, int *row)
{
    return mq_step_row(r->conn, fn, what, st, row, r->err);
}

/* Adds a touch at t of campaign (may be NULL) with channel (may be NULL). */
static int add_touch(attr_run *r, double t, sqlite3_int64 seq, const char *campaign, const char *channel)
{
    if (r->n == r->cap) {
        int nc = r->cap ? r->cap * 2 : 16;
        attr_touch *a = sqlite3_realloc64(r->tc, (sqlite3_uint64)nc * sizeof *a);
        if (a) r->tc = a;
        double *tt = a ? sqlite3_realloc64(r->tt, (sqlite3_uint64)nc * sizeof *tt) : NULL;
        if (tt) r->tt = tt;
        double *w = tt ? sqlite3_realloc64(r->w, (sqlite3_uint64)nc * sizeof *w) : NULL;
        if (!w) return mq_err_nomem(r->err);
        r->w = w;
        r->cap = nc;
    }
    /* by channel, a source is a channel: it shares the row of a campaign channel of that name */
    int b = r->by_channel ? (channel ? bucket(r, 1, channel, (int)strlen(channel), NULL, channel)
                                     : bucket(r, 2, "", 0, NULL, NULL))
          : campaign ? bucket(r, 1, campaign, (int)strlen(campaign), campaign, channel)
                     : bucket(r, 2, channel, (int)strlen(channel), NULL, channel);
    if (b < 0) return -1;
    r->tc[r->n].t = t;
    r->tc[r->n].seq = seq;
    r->tc[r->n].b = b;
    r->n++;
    return 0;
}

static int by_time(const void *a, const void *b)
{
    const attr_touch *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static int bad_time(attr_run *r, const char *what, sqlite3_int64 lead, sqlite3_stmt *st, int col)
{
    char q[61];
    const char *s = (const char *)sqlite3_column_text(st, col);
    return mq_err_set(r->err, "%s: %s of lead %lld is '%s', which is not a date", fn, what, (long long)lead,
                      s ? mq_utf8_excerpt(q, sizeof q, s, (size_t)sqlite3_column_bytes(st, col)) : "NULL");
}

/* The segment of that group value (NULL: no value, or not grouped) becomes
** the current one, made when new. 0, or -1 with r->err. */
static int set_segment(attr_run *r, const char *value)
{
    int before = r->segs.n;
    mq_bucket *g = mq_buckets_get(&r->segs, value);
    if (!g) return mq_err_nomem(r->err);
    if (r->segs.n > before) {
        g->key = r->segs.n - 1;     /* its number in the bucket keys (the sort is by name) */
        if (mq_group_limit(r->group, fn, r->segs.n, MQ_MAX_GROUPS, "groups", r->err) != 0) return -1;
    }
    r->seg = g;
    return 0;
}

/* Reads lead's touches (both statements move forward to it: leads come in
** ascending order), sorted by time, and its segment. */
static int load_lead(attr_run *r, sqlite3_int64 lead)
{
    r->n = 0;
    r->created = NAN;
    while (r->ld_row && sqlite3_column_int64(r->leads, 0) < lead)
        if (step(r, r->leads, "leads", &r->ld_row) != 0) return -1;
    int found = r->ld_row && sqlite3_column_int64(r->leads, 0) == lead;
    if (set_segment(r, found ? (const char *)sqlite3_column_text(r->leads, 5) : NULL) != 0) return -1;
    if (found) {
        const char *ts = (const char *)sqlite3_column_text(r->leads, 1);
        if (!ts || mq_time_parse(ts, (size_t)sqlite3_column_bytes(r->leads, 1), &r->created) != 0)
            return bad_time(r, "created_at", lead, r->leads, 1);
        const char *campaign = (const char *)sqlite3_column_text(r->leads, 2);
        const char *source = (const char *)sqlite3_column_text(r->leads, 3);
        const char *channel = (const char *)sqlite3_column_text(r->leads, 4);
        if (campaign ? add_touch(r, r->created, -1, campaign, channel) != 0
                     : source && add_touch(r, r->created, -1, NULL, source) != 0)
            return -1;
    }
    while (r->ev_row && sqlite3_column_int64(r->events, 0) < lead)
        if (step(r, r->events, "events", &r->ev_row) != 0) return -1;
    while (r->ev_row && sqlite3_column_int64(r->events, 0) == lead) {
        double t;
        const char *ts = (const char *)sqlite3_column_text(r->events, 1);
        if (!ts || mq_time_parse(ts, (size_t)sqlite3_column_bytes(r->events, 1), &t) != 0)
            return bad_time(r, "an event's occurred_at", lead, r->events, 1);
        if (add_touch(r, t, sqlite3_column_int64(r->events, 4), (const char *)sqlite3_column_text(r->events, 2),
                      (const char *)sqlite3_column_text(r->events, 3)) != 0)
            return -1;
        if (step(r, r->events, "events", &r->ev_row) != 0) return -1;
    }
    if (r->n > 1) qsort(r->tc, (size_t)r->n, sizeof *r->tc, by_time);
    return 0;
}

/* ---- crediting one milestone --------------------------------------------------------- */

/* One milestone at `at` of the lead whose touches and segment are loaded
** (r->n = 0 for none), its opportunity at opp, worth cents of revenue. */
static int credit(attr_run *r, double at, double opp, long long cents)
{
    int n = 0;
    while (n < r->n && r->tc[n].t <= at) n++;
    r->serial++;
    r->seg->count[AS_MILESTONES]++;
    r->seg->count[AS_CENTS] += cents;
    if (n == 0) {
        if (!r->seg->count[AS_NONE]) {
            int b = bucket(r, 3, "", 0, r->by_channel ? NULL : "(none)", r->by_channel ? "(none)" : NULL);
            if (b < 0) return -1;
            r->seg->count[AS_NONE] = b + 1;
        }
        attr_bucket *x = r->b[r->seg->count[AS_NONE] - 1];
        x->touched++;
        for (int m = 0; m < MQA_NMODELS; m++)
            if (r->models[m]) {
                mq_ksum_add(&x->credit[m], 1);
                mq_ksum_add(&x->revenue[m], (double)cents);
            }
        return 0;
    }
    for (int i = 0; i < n; i++) {
        r->tt[i] = r->tc[i].t;
        attr_bucket *x = r->b[r->tc[i].b];
        if (x->stamp != r->serial) { x->stamp = r->serial; x->touched++; }
    }
    for (int m = 0; m < MQA_NMODELS; m++) {
        if (!r->models[m]) continue;
        mq_attr_weights(m, r->tt, n, r->created, opp, r->half_life, r->w);
        for (int i = 0; i < n; i++) {
            if (r->w[i] == 0) continue;
            attr_bucket *x = r->b[r->tc[i].b];
            mq_ksum_add(&x->credit[m], r->w[i]);
            if (cents) mq_ksum_add(&x->revenue[m], r->w[i] * (double)cents);
        }
    }
    return 0;
}

/* ---- the milestones ------------------------------------------------------------------ */

static int in_window(const attr_window *w, double t)
{
    return !(w->has_start && t < w->start) && !(w->has_stop && t >= w->stop);
}

/* First entries at the milestone's rank in the stage history. */
int mq_attr_from_history(attr_run *r, int rank, int sql_rank, const attr_window *win)
{
    mq_history h;
    if (mq_history_open(&h, r->conn, fn, NULL, NULL) != 0) {
        *r->err = h.err;
        mq_history_close(&h);
        return -1;
    }
    double reach[MQ_MAX_RANK];
    int rc;
    while ((rc = mq_history_next(&h)) == 1) {
        mq_history_reach(&h, reach);
        double at = reach[rank];
        if (isnan(at) || !in_window(win, at)) continue;
        /* the opportunity: the lead's SQL, for milestones past it */
        double opp = at;
        if (sql_rank >= 0 && rank > sql_rank && !isnan(reach[sql_rank]) && reach[sql_rank] <= at) opp = reach[sql_rank];
        if (load_lead(r, h.lead) != 0 || credit(r, at, opp, 0) != 0) {
            mq_history_close(&h);
            return -1;
        }
    }
    if (rc < 0) *r->err = h.err;
    mq_history_close(&h);
    return rc < 0 ? -1 : 0;
}

/* 1 when the deals table exists and has a row, 0 when not, -1 with err.
** (Whether it exists is asked of the schema, as the deal reports ask it:
** not read from the wording of an error.) */
int mq_attr_have_deals(attr_run *r)
{
    if (!mq_deals_exist(r->conn)) return 0;
    sqlite3_stmt *st = NULL;
    int rc = mq_prepare(r->conn, "deals", "SELECT EXISTS (SELECT 1 FROM main.deals)", &st);
    if (rc == SQLITE_NOMEM) return mq_err_nomem(r->err);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(st);
        return mq_err_db(r->err, r->conn->db, "%s: reading deals: ", fn);
    }
    int row = 0;
    if (step(r, st, "deals", &row) != 0) { sqlite3_finalize(st); return -1; }
    int any = row && sqlite3_column_int(st, 0) == 1;
    sqlite3_finalize(st);
    return any;
}

/* Keeps the won deals' currency in currency (one, or the error): revenue is
** not added up across currencies. A deal without an amount brings no
** revenue, so its currency is none of the sum's. */
static int one_currency(attr_run *r, char currency[4], const mq_deal *d)
{
    if (!d->has_amount) return 0;
    if (!currency[0]) {
        size_t n = strlen(d->currency);
        memcpy(currency, d->currency, n < 3 ? n + 1 : 3);
        return 0;
    }
    if (strncmp(currency, d->currency, 3) == 0) return 0;
    char q[61];
    return mq_err_set(r->err, "%s: won deals are in more than one currency (%s and %s); revenue cannot be "
                      "added up across currencies: convert the amounts, or keep the milestones in one",
                      fn, currency, mq_utf8_excerpt_str(q, sizeof q, d->currency));
}

/* Credits one deal read by dealscan when it is a won one in the window.
** loaded, cur: whether a lead's touches are loaded, and which. */
static int credit_deal(attr_run *r, const mq_deal *d, const attr_window *win, char currency[4], int *loaded,
                       sqlite3_int64 *cur)
{
    /* a won deal's milestone is its closing; without a closed_at, its creation */
    double at = d->has_closed ? d->closed : d->created, opp = d->created < at ? d->created : at;
    if (d->status != MQ_DEAL_WON || !in_window(win, at)) return 0;
    if (d->amount >= MAX_AMOUNT)
        return mq_err_set(r->err, "%s: won deal %lld has amount %g; amounts must be from 0 to 10^13", fn,
                          (long long)d->id, d->amount);
    if (one_currency(r, currency, d) != 0) return -1;
    if (!d->has_lead) {
        r->n = 0;
        *loaded = 0;
        if (set_segment(r, NULL) != 0) return -1;
    } else if (!*loaded || d->lead_id != *cur) {
        *cur = d->lead_id;
        if (load_lead(r, *cur) != 0) return -1;
        *loaded = 1;
    }
    return credit(r, at, opp, llround(d->amount * 100));
}

/* Won deals, in lead order (those without a lead first), read by dealscan.h
** as they stand now (as_of +Inf), so that every value is checked as the deal
** reports check it: an amount that is not a number stops attribution with
** deal_summary()'s error, never a revenue of 0. Every deal is read, open and
** lost ones too, and checked. Attribution's own rules come on top: the
** amount cap (cents exact in a double) and a single currency. */
int mq_attr_from_deals(attr_run *r, const attr_window *win)
{
    mq_dealscan s;
    mq_deal d;
    char currency[4] = "";
    int rc, loaded = 0;
    sqlite3_int64 cur = 0;
    if (mq_dealscan_open(&s, r->conn, fn, NULL, "d.lead_id, d.id", INFINITY) != 0) rc = -1;
    else
        while ((rc = mq_dealscan_next(&s, &d)) == 1)
            if (credit_deal(r, &d, win, currency, &loaded, &cur) != 0) {
                mq_dealscan_close(&s);
                return -1;
            }
    if (rc < 0) *r->err = s.err;
    mq_dealscan_close(&s);
    return rc;
}

/* ---- the streams --------------------------------------------------------------------- */

void mq_attr_close(attr_run *r)
{
    sqlite3_finalize(r->leads);
    sqlite3_finalize(r->events);
    for (int i = 0; i < r->nb; i++) mq_attr_bucket_free(r->b[i]);
    sqlite3_free(r->b);
    sqlite3_free(r->slots);
    sqlite3_free(r->tc);
    sqlite3_free(r->tt);
    sqlite3_free(r->w);
    mq_buckets_free(&r->segs);
}

int mq_attr_open(attr_run *r)
{
    /* column 5: the lead's group value (groupby.c's expression, "NULL" when not
    ** grouped; an attrs key is bound as ?1, never written into the SQL) */
    char *expr = mq_group_expr(r->group, 1);
    char *lsql = expr ? sqlite3_mprintf("SELECT l.id, l.created_at, l.campaign, l.source, c.channel, %s"
                                        " FROM leads l LEFT JOIN campaigns c ON c.id = l.campaign ORDER BY l.id", expr)
                      : NULL;
    sqlite3_free(expr);
    if (!lsql) return mq_err_nomem(r->err);
    const char *sql[2] = {
        lsql,
        "SELECT e.lead_id, e.occurred_at, e.campaign, c.channel, e.id"
        " FROM events e LEFT JOIN campaigns c ON c.id = e.campaign"
        " WHERE e.campaign IS NOT NULL ORDER BY e.lead_id, e.occurred_at",
    };
    static const char *const what[2] = { "leads", "events" };
    sqlite3_stmt **st[2] = { &r->leads, &r->events };
    int *row[2] = { &r->ld_row, &r->ev_row };
    for (int i = 0; i < 2; i++) {
        int rc = mq_prepare(r->conn, what[i], sql[i], st[i]);
        if (rc == SQLITE_OK && i == 0) rc = mq_group_bind(r->group, *st[i], 1);
        if (i == 0) sqlite3_free(lsql);
        if (rc == SQLITE_NOMEM) return mq_err_nomem(r->err);
        if (rc != SQLITE_OK)
            return mq_err_set(r->err, "%s: %s (is schema/mqlite.sql loaded?)", fn, sqlite3_errmsg(r->conn->db));
        if (step(r, *st[i], what[i], row[i]) != 0) return -1;
    }
    return 0;
}
