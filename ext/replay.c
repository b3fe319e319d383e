/*
** replay.c — a lead's history replayed in time under a rule (replay.h; the
** header of moves.c says what the replay decides and why).
*/
#include "replay.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mq_replay_init(mq_replay *r, const char *fn, const mq_prog *p, const mq_stages *model, double as_of,
                   int stale_to, int below)
{
    memset(r, 0, sizeof *r);
    r->fn = fn;
    r->p = p;
    r->model = model;
    r->as_of = as_of;
    r->stale_to = stale_to;
    r->below = below;
    mq_result_init(&r->res);
    if (mq_engage_init(&r->eng, p, as_of) || mq_engage_init(&r->since, p, as_of) || mq_engage_init(&r->now, p, as_of)) {
        mq_replay_free(r);
        return -1;
    }
    return 0;
}

static void clear_moves(mq_replay *r)
{
    for (int i = 0; i < r->nmv; i++) free(r->mv[i].reason);
    r->nmv = 0;
}

void mq_replay_free(mq_replay *r)
{
    clear_moves(r);
    mq_engage_free(&r->eng);
    mq_engage_free(&r->since);
    mq_engage_free(&r->now);
    mq_result_free(&r->res);
    free(r->ev);
    free(r->en);
    free(r->mv);
    r->ev = NULL;
    r->en = NULL;
    r->mv = NULL;
}

void mq_replay_begin(mq_replay *r)
{
    clear_moves(r);
    r->nev = r->nen = 0;
    r->scored = 0;
    mq_engage_reset(&r->eng, r->as_of);     /* the lead's budget, for its events' conditions */
    mq_engage_reset(&r->now, r->as_of);
}

/* Room for one more element of an array that doubles. */
static int room(void **arr, int n, int *cap, size_t size)
{
    if (n < *cap) return 0;
    int ncap = *cap ? *cap * 2 : 16;
    void *q = realloc(*arr, (size_t)ncap * size);
    if (!q) return -1;
    *arr = q;
    *cap = ncap;
    return 0;
}

int mq_replay_event(mq_replay *r, double t, int rule)
{
    if (room((void **)&r->ev, r->nev, &r->evcap, sizeof *r->ev)) return -1;
    r->ev[r->nev] = (mq_rp_event){t, rule, r->nev};
    r->nev++;
    /* counted here too, in the order read, as score_leads counts them */
    mq_engage_count(&r->now, rule, t);
    return 0;
}

int mq_replay_entry(mq_replay *r, double t, int stage, int by_rule)
{
    if (room((void **)&r->en, r->nen, &r->encap, sizeof *r->en)) return -1;
    r->en[r->nen] = (mq_rp_entry){t, stage, by_rule, r->nen};
    r->nen++;
    return 0;
}

static int cmp_event(const void *a, const void *b)
{
    const mq_rp_event *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t ? 1 : (x->seq > y->seq) - (x->seq < y->seq);
}

/* at the same time, others' entries before this rule's (see catch_up) */
static int cmp_entry(const void *a, const void *b)
{
    const mq_rp_entry *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    if (x->by_rule != y->by_rule) return x->by_rule - y->by_rule;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* ---- reasons ------------------------------------------------------------------- */

typedef struct sbuf { char *s; size_t n, cap; int bad; } sbuf;

static void MQ_PRINTF(2, 3) add(sbuf *b, const char *fmt, ...)
{
    if (b->bad) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (k < 0) { b->bad = 1; return; }
        if (b->s && b->n + (size_t)k < b->cap) { b->n += (size_t)k; return; }
        size_t cap = (b->cap ? b->cap : 64) * 2;
        while (cap < b->n + (size_t)k + 1) cap *= 2;
        char *q = realloc(b->s, cap);
        if (!q) { b->bad = 1; return; }
        b->s = q;
        b->cap = cap;
    }
}

static int stage_index(const mq_replay *r, const char *name)
{
    return name ? mq_stages_find(r->model, name, strlen(name)) : -1;
}

/* Why the rule moved the lead to stage `to`: the signal that took it there,
** or the score against the threshold it crossed, the event that tipped it
** (tipped: its event rule, or -1), and its three largest criteria (as
** lead_explain words them). NULL when memory is short. */
static char *reason_of(const mq_replay *r, int to, int tipped)
{
    const mq_result *res = &r->res;
    const mq_prog *p = r->p;
    sbuf b = {0};
    for (int i = 0; i < res->nitems; i++) {
        const mq_item *it = &res->items[i];
        if (it->kind == MQI_SIGNAL && stage_index(r, it->stage) == to) {
            add(&b, "signal: %s", it->reason);
            goto done;
        }
    }
    const mq_threshold *th = NULL;
    for (int i = 0; i < p->nths && !th; i++)
        if (stage_index(r, p->ths[i].stage) == to) th = &p->ths[i];
    if (th) add(&b, "score %g (%s at %g)", res->score, r->model->st[to].name, th->score);
    else add(&b, "score %g (below every threshold)", res->score);
    if (tipped >= 0) add(&b, " on \"%s\"", p->evs[tipped].reason);
    int used[3] = {-1, -1, -1};
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < res->nitems; i++) {
            const mq_item *it = &res->items[i];
            if (it->kind == MQI_CAP || it->points <= 0 || i == used[0] || i == used[1]) continue;
            if (used[k] < 0 || it->points > res->items[used[k]].points) used[k] = i;
        }
        if (used[k] < 0) break;
        const mq_item *it = &res->items[used[k]];
        if (it->count > 1) add(&b, "%s %s (%d times)", k ? ";" : ":", it->reason, it->count);
        else add(&b, "%s %s", k ? ";" : ":", it->reason);
    }
done:
    if (b.bad) { free(b.s); return NULL; }
    return b.s;
}

static int add_move(mq_replay *r, int from, int to, double t, double score, const char *kind, char *reason, mq_err *err)
{
    if (!reason || room((void **)&r->mv, r->nmv, &r->mvcap, sizeof *r->mv)) {
        free(reason);
        return mq_err_nomem(err);
    }
    r->mv[r->nmv++] = (mq_rp_move){from, to, t, score, kind, reason};
    return 0;
}

/* ---- the replay ---------------------------------------------------------------- */

typedef struct rp_state {
    int cur;                   /* the lead's stage, -1 none */
    double cur_t;
    int cur_rule;              /* its entry is this rule's */
    int detour;                /* sent back: only events after detour_t count */
    double detour_t;
    double last_act;           /* the last event counted */
} rp_state;

/* The lead enters `stage` at t. Sent back is a detour (nurture, lost,
** disqualified), or an entry by someone else at a lower stage than the lead
** had (sales putting an SQL back to MQL): from then on only new activity
** counts. */
static void enter(mq_replay *r, rp_state *s, int stage, double t, int by_rule)
{
    const mq_stage *st = &r->model->st[stage];
    int back = !st->on_path ||
               (!by_rule && s->cur >= 0 && r->model->st[s->cur].on_path && st->rank < r->model->st[s->cur].rank);
    if (back) {
        s->detour = 1;
        s->detour_t = t;
        mq_engage_reset(&r->since, t);
    } else if (by_rule) {
        s->detour = 0;               /* the rule moved it on: by new activity */
    }                                /* (sales moving it on again does not end the detour) */
    s->cur = stage;
    s->cur_t = t;
    s->cur_rule = by_rule;
}

/* When the lead's rule-made marketing stage goes stale (recycle's
** stale_after_days), or INFINITY. */
static double stale_at(const mq_replay *r, const rp_state *s)
{
    if (!r->p->stale_days || r->stale_to < 0 || s->cur < 0 || !s->cur_rule || s->cur == r->below) return INFINITY;
    const mq_stage *st = &r->model->st[s->cur];
    if (!st->on_path || st->kind != MQK_MARKETING) return INFINITY;
    return fmax(s->cur_t, s->last_act) + r->p->stale_days * 86400.0;
}

/* Whether this rule already made an entry at stage `to` after the entries
** applied so far (from j), with no detour before it: the move was written. */
static int written(const mq_replay *r, int j, int to)
{
    for (; j < r->nen; j++) {
        if (r->en[j].by_rule && r->en[j].stage == to) return 1;
        if (!r->model->st[r->en[j].stage].on_path) return 0;
    }
    return 0;
}

/* Applies the entries before moment t (and sales' at t: their word stands at
** its own moment; this rule's own at t come after the replay's verdict at t)
** and a stale demotion due before t. */
static int catch_up(mq_replay *r, rp_state *s, int *j, double t, mq_err *err)
{
    for (;;) {
        const mq_rp_entry *e = *j < r->nen ? &r->en[*j] : NULL;
        double et = e ? e->t : INFINITY, sa = stale_at(r, s);
        if (e && (et < t || (et == t && !e->by_rule)) && et <= sa) {
            enter(r, s, e->stage, et, e->by_rule);
            ++*j;
            continue;
        }
        if (sa < t && sa <= r->as_of) {
            if (!written(r, *j, r->stale_to)) {
                sbuf b = {0};
                add(&b, "stale: no activity for %g days", r->p->stale_days);
                if (b.bad) { free(b.s); return mq_err_nomem(err); }
                if (add_move(r, s->cur, r->stale_to, sa, NAN, "stale", b.s, err)) return -1;
            }
            enter(r, s, r->stale_to, sa, 1);
            continue;
        }
        return 0;
    }
}

/* Scores the lead at the moment `use` is measured to (the fit part once). */
static int score_with(mq_replay *r, const mq_source *lead, mq_engage *use, mq_err *err)
{
    int rc = r->scored ? mq_prog_rescore(r->p, r->model, use, &r->res, err)
                       : mq_prog_score(r->p, r->model, lead, use, &r->res, err);
    if (rc != 0) return mq_err_prefix(err, "%s: ", r->fn);
    r->scored = 1;
    if (!r->res.stage) return mq_err_set(err, "%s: %s", r->fn, MQ_NEEDS_GRADE);
    return 0;
}

int mq_replay_run(mq_replay *r, const mq_source *lead, double created, mq_err *err)
{
    const mq_prog *p = r->p;
    int created_done = isnan(created);
    if (!created_done && created > r->as_of) return 0;     /* not a lead yet, as of then */
    if (r->nev > 1) qsort(r->ev, (size_t)r->nev, sizeof *r->ev, cmp_event);
    if (r->nen > 1) qsort(r->en, (size_t)r->nen, sizeof *r->en, cmp_entry);
    rp_state s = {-1, 0, 0, 0, 0, -INFINITY};
    int j = 0, k = 0;
    r->eng.as_of = -INFINITY;    /* nothing counted yet: the first advance scales no sum */
    while (!created_done || k < r->nev) {
        double t = k < r->nev ? r->ev[k].t : INFINITY;
        if (!created_done && created <= t) t = created;
        if (catch_up(r, &s, &j, t, err)) return -1;
        mq_engage_advance(&r->eng, t);
        if (s.detour) mq_engage_advance(&r->since, t);
        int counted = 0, tipped = -1;
        for (; k < r->nev && r->ev[k].t == t; k++) {
            tipped = r->ev[k].rule;
            mq_engage_count(&r->eng, r->ev[k].rule, t);
            if (s.detour && t > s.detour_t) { mq_engage_count(&r->since, r->ev[k].rule, t); counted = 1; }
            s.last_act = t;
        }
        if (created == t) created_done = 1;
        mq_engage *use = &r->eng;
        int move = 1;
        if (s.detour && !(p->requalify_days && t - s.detour_t >= p->requalify_days * 86400.0)) {
            use = &r->since;
            move = counted;              /* no new activity: no move */
        }
        if (move) {
            if (score_with(r, lead, use, err)) return -1;
            int to = stage_index(r, r->res.stage);
            if (to < 0) return mq_stages_unknown(r->model, err, r->fn, r->res.stage, strlen(r->res.stage));
            if (s.cur < 0 || mq_stages_is_forward(r->model, s.cur, to)) {
                if (!written(r, j, to)) {
                    int signal = 0;
                    for (int i = 0; i < r->res.nitems && !signal; i++)
                        signal = r->res.items[i].kind == MQI_SIGNAL && stage_index(r, r->res.items[i].stage) == to;
                    if (add_move(r, s.cur, to, t, r->res.score, signal ? "signal" : "threshold",
                                 reason_of(r, to, tipped), err))
                        return -1;
                }
                enter(r, &s, to, t, 1);
            }
        }
        /* this rule's own entries at t: what an earlier replay found here */
        for (; j < r->nen && r->en[j].t == t; j++) enter(r, &s, r->en[j].stage, t, r->en[j].by_rule);
    }
    return catch_up(r, &s, &j, INFINITY, err);
}

int mq_replay_score(mq_replay *r, const mq_source *lead, mq_err *err)
{
    return score_with(r, lead, &r->now, err);
}
