/*
** attribution.c — attribution(milestone [, model [, attribute_to [, start [, stop
** [, half_life_days]]]]]): multi-touch attribution. Credit for each milestone
** (an MQL, an SQL, a won deal) shared out among the touches before it, per
** campaign or per channel, under six models side by side.
**
**     SELECT model, campaign, credit FROM attribution('MQL');
**     SELECT * FROM attribution('won', 'linear', 'channel', '2025-01-01', '2026-01-01');
**
** Touches (the shared data contract of issue 17): the lead's own touch at its
** created_at, its leads.campaign (or, when that is NULL, leads.source as a
** channel); and its events that name a campaign, at occurred_at. A campaign's
** channel is campaigns.channel. A touch counts for a milestone when it is at
** or before it (the event that made the lead an MQL is usually stamped at the
** same second as the entry). Ties in time: the lead's own touch first, then
** events in id order.
**
** Milestones: for a stage of the main path (MQL, SQL, meeting, ...), the
** lead's first entry at that stage's rank or beyond (history.h: a lead that
** skips MQL on its way to SQL reached MQL then), whoever made it (a rule's
** entries count: what the rule says is the MQL is the MQL being explained).
** For 'won' (the stage named won, or an alias of it): each won deal
** (deals.status = 'won', at closed_at, or at created_at when it has none,
** with its amount as revenue) when a table named deals exists and has rows;
** otherwise the lead's first entry at won's rank, with no revenue. A won deal
** without a lead has no touches. start and stop keep the milestones in
** [start, stop).
**
** A milestone without a touch before it goes to '(none)'. Each credit is a
** whole number of millionths and each revenue of cents (amounts rounded to
** the cent), and per model they add up exactly to the milestones and the
** revenue: summed in compensated doubles, then apportioned by the largest
** remainder (attribmodel.h), ties to the row first in order. Rows:
** per model (first, last, linear, u_shaped, w_shaped, time_decay), the
** campaigns in byte order, then touches by source alone (campaign NULL,
** channel the source), then '(none)'; every row a model has, every model has;
** a campaign whose touches all came after the milestones has none.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "attribmodel.h"
#include "history.h"
#include "mqtime.h"
#include "tablefn.h"
#include "utf8text.h"

enum { A_MODEL, A_CAMPAIGN, A_CHANNEL, A_CREDIT, A_REVENUE, A_TOUCHED, A_MILESTONES, A_NCOL };

#define MAX_BUCKETS 100000      /* rows of one model: each holds some 200 bytes */
#define MAX_AMOUNT 1e13         /* revenue in cents stays an exact double */

static const char fn[] = "attribution";

/* A campaign or channel that touches are credited to. The key is a kind byte
** (1 campaign or channel, 2 source alone or no channel, 3 none) and the text,
** so that a source and a campaign of the same name stay apart, and the
** byte order of keys is the order of rows. */
typedef struct abucket {
    char *key;
    int klen;
    char *campaign, *channel;
    mq_ksum credit[MQA_NMODELS], revenue[MQA_NMODELS];
    long long touched;             /* milestones it touched before */
    long long stamp;               /* the last milestone that counted it */
} abucket;

typedef struct atouch {
    double t;
    sqlite3_int64 seq;             /* the order of ties: -1 the lead's own touch, else the event id */
    int b;
} atouch;

typedef struct arun {
    mq_conn *conn;
    int by_channel, models[MQA_NMODELS];
    double half_life;              /* seconds */
    sqlite3_stmt *leads, *events;
    int ld_row, ev_row;
    atouch *tc;
    double *tt, *w;
    int n, cap;
    double created;
    abucket **b;
    int nb, capb, *slots, nslots;
    int none;                      /* the '(none)' bucket, -1 until needed */
    long long serial, milestones, cents;
    int revenue;                   /* milestones carry revenue (won deals) */
    mq_err *err;
} arun;

/* ---- buckets ------------------------------------------------------------------------- */

static unsigned hash(const char *s, int n)
{
    unsigned h = 2166136261u;
    for (int i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static int rehash(arun *r)
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

static void bucket_free(abucket *x)
{
    sqlite3_free(x->key);
    sqlite3_free(x->campaign);
    sqlite3_free(x->channel);
    sqlite3_free(x);
}

static char *dup_text(const char *s, int n)
{
    char *d = sqlite3_malloc(n + 1);
    if (d) { memcpy(d, s, (size_t)n); d[n] = 0; }
    return d;
}

/* The bucket of (kind, text), made when new: its index, or -1 with r->err. */
static int bucket(arun *r, int kind, const char *text, int tlen, const char *campaign, const char *channel)
{
    char stackkey[256], *key = tlen + 1 <= (int)sizeof stackkey ? stackkey : sqlite3_malloc(tlen + 1);
    if (!key) return mq_err_nomem(r->err);
    key[0] = (char)kind;
    if (tlen) memcpy(key + 1, text, (size_t)tlen);
    int klen = tlen + 1;
    if (2 * (r->nb + 1) > r->nslots && rehash(r) != 0) goto nomem;
    unsigned h = hash(key, klen) & (unsigned)(r->nslots - 1);
    for (; r->slots[h] >= 0; h = (h + 1) & (unsigned)(r->nslots - 1)) {
        abucket *x = r->b[r->slots[h]];
        if (x->klen == klen && memcmp(x->key, key, (size_t)klen) == 0) {
            if (key != stackkey) sqlite3_free(key);
            return r->slots[h];
        }
    }
    if (r->nb >= MAX_BUCKETS) {
        if (key != stackkey) sqlite3_free(key);
        return mq_err_set(r->err, "%s: touches name more than %d campaigns or channels", fn, MAX_BUCKETS);
    }
    if (r->nb == r->capb) {
        int nc = r->capb ? r->capb * 2 : 64;
        abucket **nbs = sqlite3_realloc64(r->b, (sqlite3_uint64)nc * sizeof *nbs);
        if (!nbs) goto nomem;
        r->b = nbs;
        r->capb = nc;
    }
    abucket *x = sqlite3_malloc(sizeof *x);
    if (!x) goto nomem;
    memset(x, 0, sizeof *x);
    x->stamp = -1;
    x->klen = klen;
    x->key = dup_text(key, klen);
    x->campaign = campaign ? dup_text(campaign, (int)strlen(campaign)) : NULL;
    x->channel = channel ? dup_text(channel, (int)strlen(channel)) : NULL;
    if (!x->key || (campaign && !x->campaign) || (channel && !x->channel)) {
        bucket_free(x);
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

static int step(arun *r, sqlite3_stmt *st, const char *what, int *row)
{
    int rc = mq_step(r->conn, what, st);
    if (rc == SQLITE_NOMEM) return mq_err_nomem(r->err);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return mq_err_db(r->err, r->conn->db, "%s: reading %s: ", fn, what);
    *row = rc == SQLITE_ROW;
    return 0;
}

/* Adds a touch at t of campaign (may be NULL) with channel (may be NULL). */
static int add_touch(arun *r, double t, sqlite3_int64 seq, const char *campaign, const char *channel)
{
    if (r->n == r->cap) {
        int nc = r->cap ? r->cap * 2 : 16;
        atouch *a = sqlite3_realloc64(r->tc, (sqlite3_uint64)nc * sizeof *a);
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
    const atouch *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static int bad_time(arun *r, const char *what, sqlite3_int64 lead, sqlite3_stmt *st, int col)
{
    char q[61];
    const char *s = (const char *)sqlite3_column_text(st, col);
    return mq_err_set(r->err, "%s: %s of lead %lld is '%s', which is not a date", fn, what, (long long)lead,
                      s ? mq_utf8_excerpt(q, sizeof q, s, (size_t)sqlite3_column_bytes(st, col)) : "NULL");
}

/* Reads lead's touches (both statements move forward to it: leads come in
** ascending order), sorted by time. */
static int load_lead(arun *r, sqlite3_int64 lead)
{
    r->n = 0;
    r->created = NAN;
    while (r->ld_row && sqlite3_column_int64(r->leads, 0) < lead)
        if (step(r, r->leads, "leads", &r->ld_row) != 0) return -1;
    if (r->ld_row && sqlite3_column_int64(r->leads, 0) == lead) {
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

/* One milestone at `at` of the lead whose touches are loaded (r->n = 0 for
** none), its opportunity at opp, worth cents of revenue. */
static int credit(arun *r, double at, double opp, long long cents)
{
    int n = 0;
    while (n < r->n && r->tc[n].t <= at) n++;
    r->serial++;
    r->milestones++;
    r->cents += cents;
    if (n == 0) {
        if (r->none < 0 && (r->none = bucket(r, 3, "", 0, r->by_channel ? NULL : "(none)",
                                             r->by_channel ? "(none)" : NULL)) < 0)
            return -1;
        abucket *x = r->b[r->none];
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
        abucket *x = r->b[r->tc[i].b];
        if (x->stamp != r->serial) { x->stamp = r->serial; x->touched++; }
    }
    for (int m = 0; m < MQA_NMODELS; m++) {
        if (!r->models[m]) continue;
        mq_attr_weights(m, r->tt, n, at, r->created, opp, r->half_life, r->w);
        for (int i = 0; i < n; i++) {
            if (r->w[i] == 0) continue;
            abucket *x = r->b[r->tc[i].b];
            mq_ksum_add(&x->credit[m], r->w[i]);
            if (cents) mq_ksum_add(&x->revenue[m], r->w[i] * (double)cents);
        }
    }
    return 0;
}

/* ---- the milestones ------------------------------------------------------------------ */

typedef struct awindow { double start, stop; int has_start, has_stop; } awindow;

static int in_window(const awindow *w, double t)
{
    return !(w->has_start && t < w->start) && !(w->has_stop && t >= w->stop);
}

/* First entries at the milestone's rank in the stage history. */
static int from_history(arun *r, int rank, int sql_rank, const awindow *win)
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

/* 1 when a table named deals exists and has a row, 0 when not, -1 with err. */
static int have_deals(arun *r)
{
    sqlite3_stmt *st = NULL;
    int rc = mq_prepare(r->conn, "deals", "SELECT EXISTS (SELECT 1 FROM deals)", &st);
    if (rc == SQLITE_NOMEM) return mq_err_nomem(r->err);
    if (rc != SQLITE_OK) {
        int none = strncmp(sqlite3_errmsg(r->conn->db), "no such table", 13) == 0;
        sqlite3_finalize(st);
        return none ? 0 : mq_err_db(r->err, r->conn->db, "%s: reading deals: ", fn);
    }
    int row = 0;
    if (step(r, st, "deals", &row) != 0) { sqlite3_finalize(st); return -1; }
    int any = row && sqlite3_column_int(st, 0) == 1;
    sqlite3_finalize(st);
    return any;
}

/* Won deals, in lead order (those without a lead first). */
static int from_deals(arun *r, const awindow *win)
{
    sqlite3_stmt *st = NULL;
    char currency[4] = "";
    int rc = mq_prepare(r->conn, "deals",
                        "SELECT lead_id, coalesce(closed_at, created_at), created_at, amount, currency, id"
                        " FROM deals WHERE status = 'won' ORDER BY lead_id, id", &st);
    if (rc == SQLITE_NOMEM) return mq_err_nomem(r->err);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(st);
        return mq_err_set(r->err, "%s: deals: %s (is the deals table of schema/mqlite.sql loaded?)", fn,
                          sqlite3_errmsg(r->conn->db));
    }
    int row = 0, loaded = 0;
    sqlite3_int64 cur = 0;
    if (step(r, st, "deals", &row) != 0) goto fail;
    while (row) {
        double at, opp;
        sqlite3_int64 id = sqlite3_column_int64(st, 5);
        const char *ts = (const char *)sqlite3_column_text(st, 1), *cs = (const char *)sqlite3_column_text(st, 2);
        if (!ts || mq_time_parse(ts, (size_t)sqlite3_column_bytes(st, 1), &at) != 0 ||
            !cs || mq_time_parse(cs, (size_t)sqlite3_column_bytes(st, 2), &opp) != 0) {
            mq_err_set(r->err, "%s: won deal %lld has a closed_at or created_at that is not a date", fn, (long long)id);
            goto fail;
        }
        if (in_window(win, at)) {
            double amount = sqlite3_column_type(st, 3) == SQLITE_NULL ? 0 : sqlite3_column_double(st, 3);
            if (!(amount >= 0 && amount < MAX_AMOUNT)) {
                mq_err_set(r->err, "%s: won deal %lld has amount %g; amounts must be from 0 to 10^13", fn,
                           (long long)id, amount);
                goto fail;
            }
            const char *cur3 = (const char *)sqlite3_column_text(st, 4);
            if (cur3 && !currency[0]) memcpy(currency, cur3, strlen(cur3) < 3 ? strlen(cur3) + 1 : 3);
            else if (cur3 && sqlite3_column_type(st, 3) != SQLITE_NULL && strncmp(currency, cur3, 3) != 0) {
                char q[61];
                mq_err_set(r->err, "%s: won deals are in more than one currency (%s and %s); revenue cannot be "
                           "added up across currencies: convert the amounts, or keep the milestones in one",
                           fn, currency, mq_utf8_excerpt_str(q, sizeof q, cur3));
                goto fail;
            }
            if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
                r->n = 0;
                loaded = 0;
            } else if (!loaded || sqlite3_column_int64(st, 0) != cur) {
                cur = sqlite3_column_int64(st, 0);
                if (load_lead(r, cur) != 0) goto fail;
                loaded = 1;
            }
            if (opp > at) opp = at;
            if (credit(r, at, opp, llround(amount * 100)) != 0) goto fail;
        }
        if (step(r, st, "deals", &row) != 0) goto fail;
    }
    sqlite3_finalize(st);
    return 0;
fail:
    sqlite3_finalize(st);
    return -1;
}

/* ---- the rows ------------------------------------------------------------------------ */

static int by_key(const void *a, const void *b)
{
    const abucket *x = *(abucket *const *)a, *y = *(abucket *const *)b;
    int n = x->klen < y->klen ? x->klen : y->klen, c = memcmp(x->key, y->key, (size_t)n);
    return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

static int emit(arun *r, mq_rows *rows)
{
    /* a campaign whose only touches came after every milestone has no row */
    int kept = 0;
    for (int i = 0; i < r->nb; i++) {
        if (r->b[i]->touched > 0) r->b[kept++] = r->b[i];
        else bucket_free(r->b[i]);
    }
    r->nb = kept;
    qsort(r->b, (size_t)r->nb, sizeof *r->b, by_key);
    double *v = sqlite3_malloc64((sqlite3_uint64)(r->nb + 1) * sizeof *v);
    long long *credit = sqlite3_malloc64((sqlite3_uint64)(r->nb + 1) * sizeof *credit);
    long long *revenue = sqlite3_malloc64((sqlite3_uint64)(r->nb + 1) * sizeof *revenue);
    int rc = v && credit && revenue ? 0 : mq_err_nomem(r->err);
    for (int m = 0; m < MQA_NMODELS && rc == 0; m++) {
        if (!r->models[m]) continue;
        /* credits in millionths, revenue in cents: whole numbers that add up */
        for (int i = 0; i < r->nb; i++) v[i] = mq_ksum_value(&r->b[i]->credit[m]) * 1e6;
        if (mq_apportion(v, r->nb, r->milestones * 1000000, credit) != 0) { rc = mq_err_nomem(r->err); break; }
        for (int i = 0; i < r->nb; i++) v[i] = mq_ksum_value(&r->b[i]->revenue[m]);
        if (mq_apportion(v, r->nb, r->cents, revenue) != 0) { rc = mq_err_nomem(r->err); break; }
        for (int i = 0; i < r->nb; i++) {
            mq_rows_add(rows);
            mq_rows_text(rows, A_MODEL, mq_attr_model_name(m));
            mq_rows_text(rows, A_CAMPAIGN, r->b[i]->campaign);
            mq_rows_text(rows, A_CHANNEL, r->b[i]->channel);
            mq_rows_double(rows, A_CREDIT, (double)credit[i] / 1e6);
            if (r->revenue) mq_rows_double(rows, A_REVENUE, (double)revenue[i] / 100);
            mq_rows_int(rows, A_TOUCHED, r->b[i]->touched);
            mq_rows_int(rows, A_MILESTONES, r->milestones);
        }
    }
    sqlite3_free(v);
    sqlite3_free(credit);
    sqlite3_free(revenue);
    return rc;
}

/* ---- arguments ----------------------------------------------------------------------- */

static int read_args(arun *r, mq_stages *m, sqlite3_value **args, int *rank, int *won, awindow *win)
{
    static const char what[] = "a stage of the main path (MQL, SQL, won, ...)";
    if (!args[0] || sqlite3_value_type(args[0]) != SQLITE_TEXT) {
        if (!args[0]) return mq_err_set(r->err, "%s: argument 1 expected %s, found NULL", fn, what);
        return mq_arg_message(r->err, fn, 1, what, args[0]);
    }
    const char *s = (const char *)sqlite3_value_text(args[0]);
    int n = sqlite3_value_bytes(args[0]), k = mq_stages_find(m, s, (size_t)n);
    if (k < 0) return mq_stages_unknown(m, r->err, fn, s, (size_t)n);
    if (!m->st[k].on_path) return mq_arg_message(r->err, fn, 1, what, args[0]);
    *rank = m->st[k].rank;
    *won = k == mq_stages_find(m, "won", 3);

    if (args[1]) {
        const char *ms = sqlite3_value_type(args[1]) == SQLITE_TEXT ? (const char *)sqlite3_value_text(args[1]) : NULL;
        int model = ms ? mq_attr_model_find(ms) : -1;
        if (ms && strcasecmp(ms, "all") == 0) model = MQA_NMODELS;
        if (model < 0)
            return mq_arg_message(r->err, fn, 2, "'all', 'first', 'last', 'linear', 'u_shaped', 'w_shaped' or "
                                  "'time_decay'", args[1]);
        for (int i = 0; i < MQA_NMODELS; i++) r->models[i] = model == MQA_NMODELS || model == i;
    } else {
        for (int i = 0; i < MQA_NMODELS; i++) r->models[i] = 1;
    }
    if (args[2]) {
        const char *bs = sqlite3_value_type(args[2]) == SQLITE_TEXT ? (const char *)sqlite3_value_text(args[2]) : NULL;
        if (!bs || (strcasecmp(bs, "campaign") != 0 && strcasecmp(bs, "channel") != 0))
            return mq_arg_message(r->err, fn, 3, "'campaign' or 'channel'", args[2]);
        r->by_channel = strcasecmp(bs, "channel") == 0;
    }
    if (mq_time_value(args[3], fn, 4, &win->start, &win->has_start, r->err) != 0 ||
        mq_time_value(args[4], fn, 5, &win->stop, &win->has_stop, r->err) != 0)
        return -1;
    double hl = 7;
    if (args[5] && (!mq_value_number(args[5], &hl) || !(hl > 0 && hl <= 36500)))
        return mq_arg_message(r->err, fn, 6, "a half-life in days above 0 (at most 36500)", args[5]);
    r->half_life = hl * 86400.0;
    return 0;
}

/* ---- the table ----------------------------------------------------------------------- */

static void run_free(arun *r)
{
    sqlite3_finalize(r->leads);
    sqlite3_finalize(r->events);
    for (int i = 0; i < r->nb; i++) bucket_free(r->b[i]);
    sqlite3_free(r->b);
    sqlite3_free(r->slots);
    sqlite3_free(r->tc);
    sqlite3_free(r->tt);
    sqlite3_free(r->w);
}

/* Opens the two touch streams, each in lead order: one step per row. */
static int open_touches(arun *r)
{
    static const char *const sql[2] = {
        "SELECT l.id, l.created_at, l.campaign, l.source, c.channel"
        " FROM leads l LEFT JOIN campaigns c ON c.id = l.campaign ORDER BY l.id",
        "SELECT e.lead_id, e.occurred_at, e.campaign, c.channel, e.id"
        " FROM events e LEFT JOIN campaigns c ON c.id = e.campaign"
        " WHERE e.campaign IS NOT NULL ORDER BY e.lead_id, e.occurred_at",
    };
    static const char *const what[2] = { "leads", "events" };
    sqlite3_stmt **st[2] = { &r->leads, &r->events };
    int *row[2] = { &r->ld_row, &r->ev_row };
    for (int i = 0; i < 2; i++) {
        int rc = mq_prepare(r->conn, what[i], sql[i], st[i]);
        if (rc == SQLITE_NOMEM) return mq_err_nomem(r->err);
        if (rc != SQLITE_OK)
            return mq_err_set(r->err, "%s: %s (is schema/mqlite.sql loaded?)", fn, sqlite3_errmsg(r->conn->db));
        if (step(r, *st[i], what[i], row[i]) != 0) return -1;
    }
    return 0;
}

static int attribution_compute(mq_conn *conn, sqlite3_value **args, mq_rows *rows, mq_err *err)
{
    arun r;
    memset(&r, 0, sizeof r);
    r.conn = conn;
    r.err = err;
    r.none = -1;
    awindow win = {0};
    int rank = 0, won = 0, rc = -1;
    if (mq_reentered(conn, fn, err)) return -1;
    mq_stages *m = mq_conn_stages(conn, err);
    if (!m) return mq_err_prefix(err, "%s: ", fn);
    if (read_args(&r, m, args, &rank, &won, &win) != 0) goto done;
    int sql = mq_stages_find(m, "SQL", 3), sql_rank = sql >= 0 && m->st[sql].on_path ? m->st[sql].rank : -1;
    int deals = won ? have_deals(&r) : 0;
    if (deals < 0 || open_touches(&r) != 0) goto done;
    r.revenue = deals;
    if ((deals ? from_deals(&r, &win) : from_history(&r, rank, sql_rank, &win)) != 0) goto done;
    rc = emit(&r, rows);
done:
    mq_stages_release(m);
    run_free(&r);
    return rc;
}

static const mq_tablefn attribution_fn = {
    .name = "attribution",
    .schema = "CREATE TABLE x(model TEXT, campaign TEXT, channel TEXT, credit REAL, revenue REAL, touched INTEGER,"
              " milestones INTEGER, milestone HIDDEN, only_model HIDDEN, attribute_to HIDDEN, start HIDDEN,"
              " stop HIDDEN, half_life_days HIDDEN)",
    .nvisible = A_NCOL,
    .required = 1,
    .usage = "give a milestone: attribution('MQL'), attribution('SQL') or attribution('won'), then optionally "
             "model, 'campaign' or 'channel', start, stop, half_life_days",
    .compute = attribution_compute,
};

const mq_def mq_attribution_defs[] = {
    MQ_TABLE("attribution", 6, MQ_READS, &mq_tablefn_module, &attribution_fn),   /* arguments: hidden columns */
    MQ_END
};
