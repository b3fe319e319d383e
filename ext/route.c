/*
** route.c — who gets a newly qualified lead: route_plan(rule [, as_of
** [, moves]]) and rule_route(rule).
**
**     SELECT lead_id, owner, team, assigned_at, reason FROM route_plan('b2b', '2026-11-30 02:00:00');
**
** route_plan reads, and writes nothing: it lists the assignments the rule's
** route { } (routedsl.c) makes now, and the score script writes them into
** lead_assignments (and leads.owner) in its transaction. A lead is due when
** this rule has made an entry for it at the route's stage or beyond on the
** main path (a move of rule_moves, written by `mqlite score`), at or before
** as_of, and it has no row in lead_assignments yet (any rule's: a lead has
** one owner, given once, ever). Its assigned_at is that entry's entered_at,
** so assignments are dated by the data, as moves are, never by the run.
** moves (a dry run's, which it does not write) adds entries as if they were
** in stage_history: a JSON array of [lead_id, stage, entered_at, version].
**
** Due leads are taken in the order they qualified (time, then lead id). Each:
**   - keep_owner and leads.owner set: that owner, reason 'kept owner';
**   - else its territory, the lead's `by` (a leads column, else an attrs
**     key; compared in lower case, blanks trimmed), names a team (teams,
**     else teams["*"]); no team: overflow, owner NULL;
**   - within the team, round robin: the member after the one the team's
**     latest assignment under this rule went to (members in the order the
**     rule lists them), skipping members at capacity; all at capacity:
**     overflow, owner NULL, with the team.
** The rotation's pointer is thus the database's own last assignment, not a
** counter that could drift from it: the next night continues where this one
** stopped, and a full run over all the data gives what the nightly runs gave.
** Assignments to a member the rule no longer lists are passed over: the
** rotation resumes after the latest one to a member it still lists.
** Plain rotation (not "fewest open first") keeps the count of leads each
** member gets within one of the others' when no capacity binds, whoever
** closes faster.
** Open: an assignment whose lead has had no entry, at or after its
** assigned_at, at a closed-kind, terminal or detour stage (won, lost,
** disqualified, nurture) as of the moment being decided. Capacity counts a
** member's open assignments (under any rule, kept owners included) at that
** moment, so the nightly and the full run count alike.
** Overflow rows are assignments too (owner NULL, the reason says why): the
** queue a manager works by hand; they are written once like the others.
*/
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "mqtime.h"
#include "tablefn.h"
#include "utf8text.h"

enum { R_LEAD, R_OWNER, R_TEAM, R_AT, R_RULE, R_VERSION, R_REASON, R_NCOL };

typedef struct closing { sqlite3_int64 lead; double t; } closing;
/* ord: where it was added, to break ties of time as the order of adding does */
typedef struct due { sqlite3_int64 lead; double t; char *at; sqlite3_int64 version; int ord; } due;
/* A capped member's open count, swept forward as decide asks in time order
** (counting every assignment at each question was quadratic): `made` (read,
** sorted by at) enter as the time passes their at, those decided now at once;
** `open` is a min-heap of the entered ones' closing moments (INFINITY: open
** still), popped as the time passes them: what is left is open. */
typedef struct held { double at, closed; } held;
typedef struct capped {
    const char *name;
    double cap;
    held *made; int nmade, rmade, entered;  /* made[0..entered) have entered */
    double *open; int nopen;                /* room: nmade + the dues */
} capped;

typedef struct plan {
    mq_conn *conn;
    const char *fn;
    mq_err *err;
    json_t *route;
    mq_stages *m;
    mq_stage_names names;   /* the stage names entries use, resolved once */
    closing *cl; int ncl, rcl;
    due *dues; int ndue, rdue;
    capped *caps; int ncaps;
    json_t *last;           /* team -> index of the member its latest assignment went to */
} plan;

static int grow(void **arr, int n, int *room, size_t size)
{
    if (n < *room) return 0;
    int r = *room ? *room * 2 : 64;
    void *q = realloc(*arr, (size_t)r * size);
    if (!q) return -1;
    *arr = q;
    *room = r;
    return 0;
}

/* A stage that ends a lead's being open: closed kind, terminal, or a detour. */
static int closes(plan *p, const char *s, int n)
{
    const mq_stages *m = p->m;
    int i = s ? mq_stage_names_find(&p->names, m, s, (size_t)n) : -1;
    return i >= 0 && (m->st[i].kind == MQK_CLOSED || m->st[i].terminal || !m->st[i].on_path);
}

static int step(plan *p, sqlite3_stmt *st, const char *what)
{
    int rc = mq_step(p->conn, what, st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) return rc;
    if (rc == SQLITE_NOMEM) return mq_err_nomem(p->err), -1;
    return mq_err_db(p->err, p->conn->db, "%s: reading %s: ", p->fn, what);
}

static int prepare(plan *p, const char *what, const char *sql, sqlite3_stmt **st)
{
    int rc = mq_prepare(p->conn, what, sql, st);
    if (rc == SQLITE_OK) return 0;
    if (rc == SQLITE_NOMEM) return mq_err_nomem(p->err);
    const char *msg = sqlite3_errmsg(p->conn->db);
    if (strstr(msg, "no such table"))
        return mq_err_set(p->err, "%s: %s: run mqlite init on the database first (it adds lead_assignments)", p->fn, msg);
    return mq_err_db(p->err, p->conn->db, "%s: reading %s: ", p->fn, what);
}

/* Every entry at a closing stage, as of as_of, in (lead, time) order. */
static int read_closing(plan *p, double as_of)
{
    sqlite3_stmt *st;
    if (prepare(p, "stage_history", "SELECT lead_id, stage, entered_at FROM stage_history ORDER BY lead_id", &st)) return -1;
    int rc;
    while ((rc = step(p, st, "stage_history")) == SQLITE_ROW) {
        double t;
        const char *ts = (const char *)sqlite3_column_text(st, 2);
        if (!ts || mq_time_parse(ts, (size_t)sqlite3_column_bytes(st, 2), &t) != 0 || t > as_of) continue;
        if (!closes(p, (const char *)sqlite3_column_text(st, 1), sqlite3_column_bytes(st, 1))) continue;
        if (grow((void **)&p->cl, p->ncl, &p->rcl, sizeof *p->cl)) { rc = mq_err_nomem(p->err); break; }
        p->cl[p->ncl].lead = sqlite3_column_int64(st, 0);
        p->cl[p->ncl++].t = t;
    }
    sqlite3_finalize(st);
    return rc < 0 ? -1 : 0;
}

static int cmp_closing(const void *a, const void *b)
{
    const closing *x = a, *y = b;
    if (x->lead != y->lead) return x->lead < y->lead ? -1 : 1;
    return (x->t > y->t) - (x->t < y->t);
}

/* When the lead's assignment at t stopped being open: its first closing
** entry at or after t, or INFINITY. */
static double closed_after(const plan *p, sqlite3_int64 lead, double t)
{
    int lo = 0, hi = p->ncl;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (p->cl[mid].lead < lead || (p->cl[mid].lead == lead && p->cl[mid].t < t)) lo = mid + 1;
        else hi = mid;
    }
    return lo < p->ncl && p->cl[lo].lead == lead ? p->cl[lo].t : INFINITY;
}

static capped *capped_of(plan *p, const char *owner)
{
    for (int i = 0; owner && i < p->ncaps; i++)
        if (strcmp(p->caps[i].name, owner) == 0) return &p->caps[i];
    return NULL;
}

/* c's min-heap of closing moments (room made before deciding): add, drop the earliest. */
static void heap_push(capped *c, double closed)
{
    int i;
    for (i = c->nopen++; i > 0 && c->open[(i - 1) / 2] > closed; i = (i - 1) / 2) c->open[i] = c->open[(i - 1) / 2];
    c->open[i] = closed;
}

static void heap_pop(capped *c)
{
    double last = c->open[--c->nopen];
    int i = 0;
    for (int k; (k = 2 * i + 1) < c->nopen; i = k) {
        if (k + 1 < c->nopen && c->open[k + 1] < c->open[k]) k++;
        if (c->open[k] >= last) break;
        c->open[i] = c->open[k];
    }
    c->open[i] = last;
}

/* Notes owner's assignment at t: read from lead_assignments, or decided now
** (at the time last asked: open from then on). 0, or -1 with err set. */
static int note(plan *p, const char *owner, sqlite3_int64 lead, double t, int now)
{
    capped *c = capped_of(p, owner);
    if (!c) return 0;
    if (now) return heap_push(c, closed_after(p, lead, t)), 0;
    if (grow((void **)&c->made, c->nmade, &c->rmade, sizeof *c->made)) return mq_err_nomem(p->err);
    c->made[c->nmade++] = (held){t, closed_after(p, lead, t)};
    return 0;
}

static int cmp_held(const void *a, const void *b)
{
    const held *x = a, *y = b;
    return (x->at > y->at) - (x->at < y->at);
}

/* The member's assignments open at t (made by it, not closed by it); t never goes back. */
static int open_at(capped *c, double t)
{
    while (c->entered < c->nmade && c->made[c->entered].at <= t) heap_push(c, c->made[c->entered++].closed);
    while (c->nopen && c->open[0] <= t) heap_pop(c);
    return c->nopen;
}

/* The member index of name in the team's list, or -1. */
static int member_index(const json_t *list, const char *name)
{
    for (size_t i = 0; name && i < json_array_size(list); i++)
        if (strcmp(json_string_value(json_array_get(list, i)), name) == 0) return (int)i;
    return -1;
}

/* The assignments made so far: capacity's counts, and each team's latest
** under this rule (the rotation's pointer). */
static int read_assignments(plan *p, const char *rule)
{
    sqlite3_stmt *st;
    if (prepare(p, "lead_assignments", "SELECT lead_id, owner, team, assigned_at, rule FROM lead_assignments", &st)) return -1;
    json_t *members = json_object_get(p->route, "members");
    json_t *when = json_object();                   /* team -> [time, lead] of the latest */
    int rc;
    if (!when) rc = mq_err_nomem(p->err), rc = -1;
    else while ((rc = step(p, st, "lead_assignments")) == SQLITE_ROW) {
        double t;
        const char *ts = (const char *)sqlite3_column_text(st, 3);
        const char *owner = (const char *)sqlite3_column_text(st, 1);
        const char *team = (const char *)sqlite3_column_text(st, 2);
        const char *r = (const char *)sqlite3_column_text(st, 4);
        sqlite3_int64 lead = sqlite3_column_int64(st, 0);
        if (!ts || mq_time_parse(ts, (size_t)sqlite3_column_bytes(st, 3), &t) != 0) continue;
        if (note(p, owner, lead, t, 0)) { rc = -1; break; }
        if (!team || !owner || !r || strcmp(r, rule) != 0) continue;
        int k = member_index(json_object_get(members, team), owner);
        if (k < 0) continue;
        json_t *w = json_object_get(when, team);
        double wt = w ? json_real_value(json_array_get(w, 0)) : -INFINITY;
        sqlite3_int64 wl = w ? (sqlite3_int64)json_integer_value(json_array_get(w, 1)) : 0;
        if (t > wt || (t == wt && lead > wl)) {
            if (json_object_set_new(when, team, json_pack("[fI]", t, (json_int_t)lead)) ||
                json_object_set_new(p->last, team, json_integer(k))) { rc = mq_err_nomem(p->err); break; }
        }
    }
    json_decref(when);
    sqlite3_finalize(st);
    return rc < 0 ? -1 : 0;
}

/* Adds the entry (lead, stage s, time text ts) to the dues when it is at
** the route's stage or beyond, by as_of; d is the lead's due so far, or NULL.
** Returns 0, or -1 with err set. */
static int add_entry(plan *p, due *d, sqlite3_int64 lead, const char *s, size_t sn, const char *ts, size_t tn,
                     sqlite3_int64 version, int rank, double as_of)
{
    double t;
    int i = s ? mq_stage_names_find(&p->names, p->m, s, sn) : -1;
    if (i < 0 || !p->m->st[i].on_path || p->m->st[i].rank < rank) return 0;
    if (!ts || mq_time_parse(ts, tn, &t) != 0 || t > as_of) return 0;
    if (d) {
        if (t >= d->t) return 0;
        free(d->at);
    } else {
        if (grow((void **)&p->dues, p->ndue, &p->rdue, sizeof *p->dues)) return mq_err_nomem(p->err);
        d = &p->dues[p->ndue];
        d->ord = p->ndue++;
    }
    d->lead = lead;
    d->t = t;
    d->version = version;
    if (!(d->at = malloc(tn + 1))) { d->at = NULL; d->t = INFINITY; return mq_err_nomem(p->err); }
    if (tn) memcpy(d->at, ts, tn);
    d->at[tn] = '\0';
    return 0;
}

/* By lead, then time, then the order added: each lead's earliest first. */
static int cmp_due_lead(const void *a, const void *b)
{
    const due *x = a, *y = b;
    if (x->lead != y->lead) return x->lead < y->lead ? -1 : 1;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return (x->ord > y->ord) - (x->ord < y->ord);
}

/* A dry run's moves (route_plan's third argument), which are not in
** stage_history: a JSON array of [lead_id, stage, entered_at, version].
** Each qualifying one of a lead with no assignment is added as a due of its
** own, and one sort by (lead, time) puts each lead's earliest first, which
** read_dues keeps: n log n, where looking each up among the dues as it came
** was quadratic. */
static int add_moves(plan *p, sqlite3_value *arg, int rank, double as_of)
{
    if (!arg || sqlite3_value_type(arg) == SQLITE_NULL) return 0;
    json_t *j = NULL;
    if (sqlite3_value_type(arg) == SQLITE_TEXT)
        j = json_loadb((const char *)sqlite3_value_text(arg), (size_t)sqlite3_value_bytes(arg), 0, NULL);
    size_t n = json_array_size(j);
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(j, i);
        json_t *l = json_array_get(e, 0), *s = json_array_get(e, 1), *t = json_array_get(e, 2), *v = json_array_get(e, 3);
        if (!json_is_integer(l) || !json_is_string(s) || !json_is_string(t) || (v && !json_is_integer(v) && !json_is_null(v))) {
            n = 0;
            break;
        }
    }
    if (!json_is_array(j) || (n == 0 && json_array_size(j) > 0)) {
        json_decref(j);
        return mq_arg_message(p->err, p->fn, 3, "a JSON array of [lead_id, stage, entered_at, version]", arg);
    }
    sqlite3_stmt *has;
    if (prepare(p, "lead_assignments", "SELECT 1 FROM lead_assignments WHERE lead_id = ?1", &has)) { json_decref(j); return -1; }
    int rc = 0, first = p->ndue, st = SQLITE_DONE;
    sqlite3_int64 lead = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *e = json_array_get(j, i);
        sqlite3_int64 prev = lead;
        lead = (sqlite3_int64)json_integer_value(json_array_get(e, 0));
        if (i == 0 || lead != prev) {               /* (once for a run of one lead's moves) */
            sqlite3_reset(has);
            sqlite3_bind_int64(has, 1, lead);
            if ((st = step(p, has, "lead_assignments")) < 0) rc = -1;
        }
        if (rc || st == SQLITE_ROW) continue;       /* assigned already */
        json_t *s = json_array_get(e, 1), *t = json_array_get(e, 2), *v = json_array_get(e, 3);
        rc = add_entry(p, NULL, lead, json_string_value(s), json_string_length(s), json_string_value(t),
                       json_string_length(t), json_is_integer(v) ? (sqlite3_int64)json_integer_value(v) : 0, rank, as_of);
    }
    sqlite3_finalize(has);
    json_decref(j);
    if (rc == 0 && p->ndue > first) qsort(p->dues, (size_t)p->ndue, sizeof *p->dues, cmp_due_lead);
    return rc;
}

/* The rule's entries at the route's stage or beyond, of leads with no
** assignment: the earliest of each, as of as_of. */
static int read_dues(plan *p, const char *rule, int rank, double as_of, sqlite3_value *moves)
{
    /* route { from = }: a lead that qualified before it is not routed */
    double from = -INFINITY;
    json_t *fj = json_object_get(p->route, "from");
    if (fj && mq_time_parse(json_string_value(fj), json_string_length(fj), &from) != 0) from = -INFINITY;
    sqlite3_stmt *st;
    if (prepare(p, "stage_history",
                "SELECT h.lead_id, h.stage, h.entered_at, h.source FROM stage_history h"
                " WHERE (h.source = 'rule:' || ?1 OR substr(h.source, 1, length(?1) + 6) = 'rule:' || ?1 || '@')"
                "   AND NOT EXISTS (SELECT 1 FROM lead_assignments a WHERE a.lead_id = h.lead_id)"
                " ORDER BY h.lead_id", &st)) return -1;
    sqlite3_bind_text(st, 1, rule, -1, SQLITE_STATIC);
    int rc;
    while ((rc = step(p, st, "stage_history")) == SQLITE_ROW) {
        sqlite3_int64 lead = sqlite3_column_int64(st, 0);
        due *d = p->ndue && p->dues[p->ndue - 1].lead == lead ? &p->dues[p->ndue - 1] : NULL;
        const char *src = (const char *)sqlite3_column_text(st, 3), *v = src ? strchr(src, '@') : NULL;
        if (add_entry(p, d, lead, (const char *)sqlite3_column_text(st, 1), (size_t)sqlite3_column_bytes(st, 1),
                      (const char *)sqlite3_column_text(st, 2), (size_t)sqlite3_column_bytes(st, 2),
                      v ? strtoll(v + 1, NULL, 10) : 0, rank, as_of)) { rc = -1; break; }
    }
    sqlite3_finalize(st);
    if (rc >= 0 && add_moves(p, moves, rank, as_of)) rc = -1;
    /* each lead's earliest (the first of its dues, which are in lead order),
    ** and not if it qualified before `from` */
    int kept = 0;
    for (int i = 0; i < p->ndue; i++) {
        if ((i && p->dues[i].lead == p->dues[i - 1].lead) || p->dues[i].t < from || !p->dues[i].at) free(p->dues[i].at);
        else p->dues[kept++] = p->dues[i];
    }
    p->ndue = kept;
    return rc < 0 ? -1 : 0;
}

static int cmp_due(const void *a, const void *b)
{
    const due *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return (x->lead > y->lead) - (x->lead < y->lead);
}

/* The lead's territory, trimmed, into raw (as the lead has it) and buf (in
** lower case, what teams' keys are compared with); "" when none. */
static void territory(sqlite3_stmt *lead, int col, int attrs, const char *by, char *buf, char *raw, size_t len)
{
    const char *s = NULL;
    size_t n = 0;
    json_t *j = NULL;
    buf[0] = '\0';
    if (col >= 0 && sqlite3_column_type(lead, col) != SQLITE_NULL) {
        s = (const char *)sqlite3_column_text(lead, col);
        n = (size_t)sqlite3_column_bytes(lead, col);
    } else if (col < 0 && attrs >= 0 && sqlite3_column_type(lead, attrs) == SQLITE_TEXT) {
        j = json_loadb((const char *)sqlite3_column_text(lead, attrs), (size_t)sqlite3_column_bytes(lead, attrs), 0, NULL);
        json_t *v = json_object_get(j, by);
        if (json_is_string(v)) { s = json_string_value(v); n = json_string_length(v); }
        else if (json_is_integer(v)) { snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); s = buf; n = strlen(buf); }
    }
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    /* Longer than any team's key can be (MQ_MAX_REASON bytes, routedsl.c):
    ** it matches none, and is shown cut, whole characters, in the reason. */
    if (n >= len) {
        mq_utf8_excerpt(raw, len, s, n);
        buf[0] = '\1';   /* no key starts with a control byte */
        buf[1] = '\0';
        json_decref(j);
        return;
    }
    memmove(buf, s ? s : "", n);
    buf[n] = '\0';
    memcpy(raw, buf, n + 1);
    for (char *c = buf; *c; c++) if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
    json_decref(j);
}

/* Decides each due lead, in order, and adds its row. */
static int decide(plan *p, const char *rule, mq_rows *rows)
{
    sqlite3_stmt *lead;
    if (prepare(p, "leads", "SELECT * FROM leads WHERE id = ?1", &lead)) return -1;
    const char *by = json_string_value(json_object_get(p->route, "by"));
    int col = -1, attrs = -1, ocol = -1;
    for (int i = 0; i < sqlite3_column_count(lead); i++) {
        const char *c = sqlite3_column_name(lead, i);
        if (sqlite3_stricmp(c, by) == 0) col = i;
        if (sqlite3_stricmp(c, "attrs") == 0) attrs = i;
        if (sqlite3_stricmp(c, "owner") == 0) ocol = i;
    }
    json_t *teams = json_object_get(p->route, "teams"), *members = json_object_get(p->route, "members");
    int keep = json_is_true(json_object_get(p->route, "keep_owner")), rc = 0;
    for (int k = 0; k < p->ndue && rc == 0; k++) {
        due *d = &p->dues[k];
        char terr[256], raw[256], shown[MQ_EXCERPT_SIZE], reason[512];
        const char *owner = NULL, *team = NULL;
        sqlite3_reset(lead);
        sqlite3_bind_int64(lead, 1, d->lead);
        int s = step(p, lead, "leads");
        if (s < 0) { rc = -1; break; }
        if (s != SQLITE_ROW) continue;                /* deleted since */
        const char *had = ocol >= 0 ? (const char *)sqlite3_column_text(lead, ocol) : NULL;
        territory(lead, col, attrs, by, terr, raw, sizeof terr);
        if (keep && had && *had) {
            owner = had;                          /* whole: the lead's text, good until the next reset */
            snprintf(reason, sizeof reason, "kept owner");
        } else {
            json_t *t = json_object_get(teams, terr);
            const char *star = t ? "" : " (*)";
            if (!t) t = json_object_get(teams, "*");
            mq_utf8_excerpt_str(shown, sizeof shown, raw);
            if (!t) {
                snprintf(reason, sizeof reason, *terr ? "overflow: no team for %s '%s'" : "overflow: no %s%s", by, *terr ? shown : "");
            } else {
                team = json_string_value(t);
                json_t *list = json_object_get(members, team);
                int n = (int)json_array_size(list);
                json_t *lj = json_object_get(p->last, team);
                int start = lj ? (int)json_integer_value(lj) + 1 : 0;
                for (int i = 0; i < n && !owner; i++) {
                    int j = (start + i) % n;
                    const char *who = json_string_value(json_array_get(list, j));
                    capped *c = capped_of(p, who);
                    if (c && open_at(c, d->t) >= c->cap) continue;
                    owner = who;
                    if (json_object_set_new(p->last, team, json_integer(j))) { rc = mq_err_nomem(p->err); break; }
                }
                if (owner && *terr) snprintf(reason, sizeof reason, "%s '%s' -> team %s%s", by, shown, team, star);
                else if (owner) snprintf(reason, sizeof reason, "no %s -> team %s%s", by, team, star);
                else snprintf(reason, sizeof reason, "overflow: team %s at capacity", team);
            }
        }
        if (rc) break;
        if (owner && note(p, owner, d->lead, d->t, 1)) { rc = -1; break; }
        mq_rows_add(rows);
        mq_rows_int(rows, R_LEAD, d->lead);
        if (owner) mq_rows_text(rows, R_OWNER, owner);
        if (team) mq_rows_text(rows, R_TEAM, team);
        mq_rows_text(rows, R_AT, d->at);
        mq_rows_text(rows, R_RULE, rule);
        if (d->version > 0) mq_rows_int(rows, R_VERSION, d->version);
        mq_rows_text(rows, R_REASON, reason);
        if (rows->oom) rc = mq_err_nomem(p->err);
    }
    sqlite3_finalize(lead);
    return rc;
}

static void plan_free(plan *p)
{
    for (int i = 0; i < p->ndue; i++) free(p->dues[i].at);
    free(p->dues);
    free(p->cl);
    for (int i = 0; i < p->ncaps; i++) { free(p->caps[i].made); free(p->caps[i].open); }
    free(p->caps);
    json_decref(p->route);
    json_decref(p->last);
    if (p->m) mq_stages_release(p->m);
    mq_stage_names_clear(&p->names);
}

/* The rule's route as JSON into *out (NULL when it declares none). Returns 0,
** or -1 with err set. */
static int route_of(mq_conn *conn, const char *fn, const char *name, json_t **out, mq_err *err)
{
    *out = NULL;
    mq_rule *r = mq_conn_rule(conn, fn, name, err);
    if (!r) return -1;
    const char *src = mq_rule_prog(r)->route;
    int rc = 0;
    if (src && !(*out = json_loads(src, 0, NULL))) rc = mq_err_nomem(err);
    mq_rule_release(r);
    return rc;
}

static int plan_compute(mq_conn *conn, sqlite3_value **args, mq_rows *rows, mq_err *err)
{
    static const char fn[] = "route_plan";
    if (!args[0] || sqlite3_value_type(args[0]) == SQLITE_NULL) return 0;   /* (= NULL reaches no row) */
    if (sqlite3_value_type(args[0]) != SQLITE_TEXT) return mq_arg_message(err, fn, 1, "a rule's name (TEXT)", args[0]);
    double as_of;
    if (mq_as_of_value(args[1], fn, 2, &as_of, err) != 0) return -1;
    const char *rule = (const char *)sqlite3_value_text(args[0]);
    plan p = {.conn = conn, .fn = fn, .err = err};
    int rc = -1;
    if (route_of(conn, fn, rule, &p.route, err) != 0) return -1;
    if (!p.route) return 0;                           /* no route { }: no one to assign */
    if (!(p.last = json_object()) || !(p.m = mq_conn_stages(conn, err))) {
        if (!p.last) mq_err_nomem(err);
        goto done;
    }
    const char *when = json_string_value(json_object_get(p.route, "when"));
    int w = mq_stages_find(p.m, when, strlen(when));
    if (w < 0 || !p.m->st[w].on_path) {
        char shown[MQ_EXCERPT_SIZE];
        mq_err_set(err, "%s: rule '%s' route: when names '%s', which is no main-path stage", fn, rule,
                   mq_utf8_excerpt_str(shown, sizeof shown, when));
        goto done;
    }
    json_t *cap = json_object_get(p.route, "capacity");
    const char *name;
    json_t *v;
    if (!(p.caps = calloc(json_object_size(cap) + 1, sizeof *p.caps))) { mq_err_nomem(err); goto done; }
    json_object_foreach(cap, name, v) {
        p.caps[p.ncaps].name = name;
        p.caps[p.ncaps++].cap = json_number_value(v);
    }
    /* (the closing entries matter only to capacity: a route without it skips that scan) */
    if ((p.ncaps && (read_closing(&p, as_of) || (p.ncl > 1 ? qsort(p.cl, (size_t)p.ncl, sizeof *p.cl, cmp_closing) : (void)0, 0))) ||
        read_assignments(&p, rule) || read_dues(&p, rule, p.m->st[w].rank, as_of, args[2]))
        goto done;
    if (p.ndue > 1) qsort(p.dues, (size_t)p.ndue, sizeof *p.dues, cmp_due);
    for (capped *c = p.caps; c < p.caps + p.ncaps; c++) {   /* in time order; room for all that can be open */
        if (c->nmade > 1) qsort(c->made, (size_t)c->nmade, sizeof *c->made, cmp_held);
        if (!(c->open = malloc(((size_t)c->nmade + (size_t)p.ndue + 1) * sizeof *c->open))) { mq_err_nomem(err); goto done; }
    }
    rc = decide(&p, rule, rows);
done:
    plan_free(&p);
    return rc;
}

static const mq_tablefn plan_fn = {
    .name = "route_plan",
    .schema = "CREATE TABLE x(lead_id INTEGER, owner TEXT, team TEXT, assigned_at TEXT, rule TEXT, version INTEGER,"
              " reason TEXT, rule_name HIDDEN, as_of HIDDEN, moves HIDDEN)",
    .nvisible = R_NCOL,
    .required = 1,
    .usage = "route_plan(rule [, as_of [, moves]])",
    .compute = plan_compute,
};

/* rule_route(rule): the rule's route { } as JSON (territory keys in lower
** case, keys sorted), NULL when it declares none: to read what the rule says. */
static void fn_rule_route(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    mq_rule *r = mq_rule_arg(ctx, "rule_route", argv, 0);
    if (!r) return;
    const char *src = mq_rule_prog(r)->route;
    /* (keys sorted: Lua's table order varies from one state to the next) */
    json_t *j = src ? json_loads(src, 0, NULL) : NULL;
    char *text = j ? json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
    if (text) sqlite3_result_text(ctx, text, -1, SQLITE_TRANSIENT);
    else if (src) sqlite3_result_error_nomem(ctx);
    free(text);
    json_decref(j);
    mq_rule_release(r);
}

const mq_def mq_route_defs[] = {
    MQ_FUNC("rule_route", 1, MQ_RUNS_RULE, fn_rule_route),
    MQ_TABLE("route_plan", 3, MQ_RUNS_RULE, &mq_tablefn_module, &plan_fn),   /* arguments: hidden columns */
    MQ_END
};
