/*
** ruleprog.c — scoring a lead with a compiled rule, in C.
**
** The order of an explanation is fixed: fit criteria as declared, event rules
** as declared (each followed by its own cap), group caps, the fit cap, the
** engagement cap, the total cap. Each cap applies once, to what the caps
** before it left: a group cap's cut counts against fit and engagement in
** proportion to the group's fit and engagement points, the total cap's in
** proportion to fit and engagement, so fit + engagement is always the score.
** Each item is rounded to a whole number before it is added, so the score is
** the exact sum of the items that lead_explain() shows.
*/
#include "ruleprog.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void mq_prog_init(mq_prog *p)
{
    memset(p, 0, sizeof *p);
    p->grade_start = -1;
}

/* ---- the program's memory ---------------------------------------------------- */

/* Every block carries its size in front, as the allocator needs the old size. */
typedef union { max_align_t align; size_t n; } mem_head;

void *mq_prog_mem(mq_prog *p, void *ptr, size_t n)
{
    mem_head *h = ptr ? (mem_head *)ptr - 1 : NULL;
    size_t old = h ? h->n + sizeof *h : 0;
    if (n > SIZE_MAX - sizeof *h) return NULL;
    size_t total = n ? n + sizeof *h : 0;
    mem_head *nh;
    if (p->alloc) {
        nh = p->alloc(p->alloc_ud, h, old, total);
    } else if (total == 0) {
        free(h);
        nh = NULL;
    } else {
        nh = realloc(h, total);
    }
    if (!nh) return NULL;
    nh->n = n;
    return nh + 1;
}

size_t mq_prog_mem_size(const void *ptr) { return ((const mem_head *)ptr - 1)->n; }

static void mem_free(mq_prog *p, void *ptr)
{
    if (ptr) mq_prog_mem(p, ptr, 0);
}

char *mq_prog_strndup(mq_prog *p, const char *s, size_t n)
{
    char *c = mq_prog_mem(p, NULL, n + 1);
    if (!c) return NULL;
    memcpy(c, s, n);
    c[n] = 0;
    return c;
}

static void cond_free(mq_prog *p, mq_cond *c)
{
    for (int i = 0; i < c->ntests; i++) {
        for (int k = 0; k < c->tests[i].nstrs; k++) mem_free(p, c->tests[i].strs[k]);
        mem_free(p, c->tests[i].strs);
        mem_free(p, c->tests[i].lens);
    }
    mem_free(p, c->tests);
    c->tests = NULL;
    c->ntests = 0;
}

void mq_prog_free(mq_prog *p)
{
    for (int i = 0; i < p->nfields; i++) mem_free(p, p->fields[i]);
    mem_free(p, p->fields);
    for (int i = 0; i < p->nfits; i++) {
        mem_free(p, p->fits[i].reason);
        cond_free(p, &p->fits[i].cond);
    }
    mem_free(p, p->fits);
    for (int i = 0; i < p->nevs; i++) {
        mem_free(p, p->evs[i].type);
        mem_free(p, p->evs[i].reason);
        mem_free(p, p->evs[i].stage);
        cond_free(p, &p->evs[i].where);
    }
    mem_free(p, p->evs);
    for (int i = 0; i < p->ngroups; i++) mem_free(p, p->groups[i].name);
    mem_free(p, p->groups);
    for (int i = 0; i < p->nths; i++) mem_free(p, p->ths[i].stage);
    mem_free(p, p->ths);
    mem_free(p, p->below);
    mem_free(p, p->stale_to);
    mem_free(p, p->route);
    for (int i = 0; i < p->ngrades; i++) mem_free(p, p->grades[i]);
    mem_free(p, p->grades);
    mq_call_fn call = p->call;
    void *call_ud = p->call_ud;
    mq_alloc_fn alloc = p->alloc;
    void *alloc_ud = p->alloc_ud;
    mq_prog_init(p);
    p->call = call;
    p->call_ud = call_ud;
    p->alloc = alloc;
    p->alloc_ud = alloc_ud;
}

int mq_prog_field(mq_prog *p, const char *name, size_t len)
{
    for (int i = 0; i < p->nfields; i++)
        if (strlen(p->fields[i]) == len && memcmp(p->fields[i], name, len) == 0) return i;
    char **f = mq_prog_mem(p, p->fields, (size_t)(p->nfields + 1) * sizeof *f);
    if (!f) return -1;
    p->fields = f;
    if (!(f[p->nfields] = mq_prog_strndup(p, name, len))) return -1;
    return p->nfields++;
}

int mq_prog_grade_index(const mq_prog *p, const char *g, size_t n)
{
    for (int i = 0; i < p->ngrades; i++)
        if (strlen(p->grades[i]) == n && strncasecmp(p->grades[i], g, n) == 0) return i;
    return -1;
}

static int cmp_threshold(const void *a, const void *b)
{
    const mq_threshold *x = a, *y = b;
    return x->score < y->score ? 1 : x->score > y->score ? -1 : 0;
}

int mq_prog_default_grades(mq_prog *p)
{
    static const char *const def[] = {"A+", "A", "B", "C", "D", "F"};
    if (p->ngrades) return 0;
    if (!(p->grades = mq_prog_mem(p, NULL, 6 * sizeof *p->grades))) return -1;
    for (int i = 0; i < 6; i++) {
        if (!(p->grades[i] = mq_prog_strndup(p, def[i], strlen(def[i])))) return -1;
        p->ngrades++;
    }
    return 0;
}

int mq_prog_finish(mq_prog *p)
{
    if (mq_prog_default_grades(p) != 0) return -1;
    if (p->grade_start < 0) p->grade_start = p->ngrades >= 2 ? p->ngrades - 2 : 0;
    if (!p->below && !(p->below = mq_prog_strndup(p, "IQL", 3))) return -1;
    if (p->nths > 1) qsort(p->ths, (size_t)p->nths, sizeof *p->ths, cmp_threshold);   /* ths may be NULL */
    for (int i = 0; i < p->nfits; i++)
        if (p->fits[i].grade_step == MQ_STEP_DEFAULT)
            p->fits[i].grade_step = p->fits[i].points > 0 ? 1 : p->fits[i].points < 0 ? -1 : 0;
    return 0;
}

/* Evaluates a condition: 1 holds, 0 does not, -1 error. *points may be set by
** a Lua function that returns a number. */
static int cond_holds(const mq_prog *p, const mq_cond *c, const mq_source *src, mq_budget *b,
                      double *points, int *has_points, mq_err *err)
{
    *has_points = 0;
    for (int i = 0; i < c->ntests; i++) {
        const mq_test *t = &c->tests[i];
        mq_value v = {MQV_NULL, 0, 0, 0, NULL, 0, NULL};
        if (src) src->get(src->self, t->field, p->fields[t->field], strlen(p->fields[t->field]), &v);
        if (!mq_test_holds(t, &v)) return 0;
    }
    if (c->fn >= 0) {
        int applies = 0;
        if (!p->call) return mq_err_set(err, "rule has a function but no engine to run it");
        if (p->call(p->call_ud, c->fn, src, b, &applies, points, has_points, err) != 0) return -1;
        return applies;
    }
    return 1;
}

/* ---- results ------------------------------------------------------------------- */

void mq_result_init(mq_result *r) { memset(r, 0, sizeof *r); }

void mq_result_reset(mq_result *r)
{
    r->score = r->fit = r->engagement = 0;
    r->grade = 0;
    r->stage = NULL;
    r->nitems = 0;
    r->fit_ready = 0;
}

void mq_result_free(mq_result *r)
{
    free(r->items);
    free(r->group_fit);
    mq_result_init(r);
}

static mq_item *push_item(mq_result *r, mq_itemkind kind, double points, const char *reason)
{
    if (r->nitems == r->cap) {
        int ncap = r->cap ? r->cap * 2 : 16;
        mq_item *it = realloc(r->items, (size_t)ncap * sizeof *it);
        if (!it) return NULL;
        r->items = it;
        r->cap = ncap;
    }
    mq_item *it = &r->items[r->nitems++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->points = points;
    it->reason = reason;
    return it;
}

/* Round half away from zero; -0 becomes 0 so that JSON never shows "-0". */
static double whole(double x)
{
    double r = round(x);
    return r == 0 ? 0 : r;
}

/* Appends a cap item when sum lies outside [-cap, cap]; returns the new sum. */
static double apply_cap(mq_result *r, double sum, double cap, const char *what, int *oom)
{
    if (cap <= 0 || fabs(sum) <= cap) return sum;
    double target = sum > 0 ? cap : -cap;
    mq_item *it = push_item(r, MQI_CAP, target - sum, NULL);
    if (!it) { *oom = 1; return sum; }
    it->what = what;
    it->limit = cap;
    return target;
}

/* ---- engagement ------------------------------------------------------------------ */

int mq_engage_init(mq_engage *a, const mq_prog *p, double as_of)
{
    memset(a, 0, sizeof *a);
    a->p = p;
    size_t n = p->nevs ? (size_t)p->nevs : 1;
    a->sum = calloc(n, sizeof *a->sum);
    a->count = calloc(n, sizeof *a->count);
    if (!a->sum || !a->count) { mq_engage_free(a); return -1; }
    a->as_of = as_of;
    mq_budget_init(&a->budget);
    return 0;
}

void mq_engage_reset(mq_engage *a, double as_of)
{
    size_t n = a->p->nevs ? (size_t)a->p->nevs : 1;
    memset(a->sum, 0, n * sizeof *a->sum);
    memset(a->count, 0, n * sizeof *a->count);
    a->nevents = 0;
    a->as_of = as_of;
    mq_budget_init(&a->budget);
}

void mq_engage_free(mq_engage *a)
{
    free(a->sum);
    free(a->count);
    a->sum = NULL;
    a->count = NULL;
}

int mq_engage_match(mq_engage *a, const char *type, size_t typelen, const mq_source *props, mq_err *err)
{
    const mq_prog *p = a->p;
    for (int i = 0; i < p->nevs; i++) {
        const mq_evrule *e = &p->evs[i];
        if (e->typelen != typelen || strncasecmp(type, e->type, typelen) != 0) continue;
        if (e->where.ntests || e->where.fn >= 0) {
            double pts;
            int hp, h = cond_holds(p, &e->where, props, &a->budget, &pts, &hp, err);
            if (h < 0) return -2;
            if (!h) continue;
        }
        return i;   /* the first matching rule takes the event */
    }
    return -1;
}

void mq_engage_count(mq_engage *a, int i, double t)
{
    const mq_evrule *e = &a->p->evs[i];
    if (t > a->as_of) return;
    double w = e->half_life > 0 ? exp2(-((a->as_of - t) / 86400.0) / e->half_life) : 1.0;
    if (e->once) {
        if (w > a->sum[i]) a->sum[i] = w;
        a->count[i] = 1;
    } else {
        a->sum[i] += w;
        a->count[i]++;
    }
    a->nevents++;
}

/* Every weight is 2^(-age/half-life), so moving the moment on multiplies each
** rule's sum (and the best weight of a once-rule) by the same factor. */
void mq_engage_advance(mq_engage *a, double as_of)
{
    const mq_prog *p = a->p;
    for (int i = 0; i < p->nevs; i++)
        if (a->count[i] && p->evs[i].half_life > 0)
            a->sum[i] *= exp2(-((as_of - a->as_of) / 86400.0) / p->evs[i].half_life);
    a->as_of = as_of;
}

int mq_engage_add(mq_engage *a, const char *type, size_t typelen, double t,
                  const mq_source *props, mq_err *err)
{
    if (t > a->as_of) return 0;
    int i = mq_engage_match(a, type, typelen, props, err);
    if (i == -2) return -1;
    if (i >= 0) mq_engage_count(a, i, t);
    return 0;
}

/* ---- scoring --------------------------------------------------------------------- */

const char *mq_prog_stage(const mq_prog *p, double score, int grade)
{
    for (int i = 0; i < p->nths; i++) {
        const mq_threshold *t = &p->ths[i];
        if (score < t->score) continue;
        if (t->min_grade >= 0) {
            if (grade < 0) return NULL;
            if (grade > t->min_grade) continue;
        }
        return t->stage;
    }
    return p->below;
}

/* Rank of a stage among the rule's thresholds (lowest score = 0); a stage the
** thresholds do not name ranks above them all. Used only where the stage
** model does not know both stages compared (see higher_stage). */
static int rule_rank(const mq_prog *p, const char *stage)
{
    if (!stage) return -1;
    if (stage == p->below || strcasecmp(stage, p->below) == 0) return 0;
    for (int i = 0; i < p->nths; i++)
        if (strcasecmp(p->ths[i].stage, stage) == 0) return p->nths - i;
    return p->nths + 1;
}

/* Whether stage a ranks above stage b (b may be NULL: none yet). Both named in
** the stage model: by its ranks, so that a signal to PQL does not demote a
** lead that is SQL by score; otherwise by the rule's thresholds. */
static int higher_stage(const mq_prog *p, const mq_stages *model, const char *a, const char *b)
{
    if (!b) return a != NULL;
    if (model) {
        int ia = mq_stages_find(model, a, strlen(a)), ib = mq_stages_find(model, b, strlen(b));
        if (ia >= 0 && ib >= 0) return model->st[ia].rank > model->st[ib].rank;
    }
    return rule_rank(p, a) > rule_rank(p, b);
}

/* Splits a cap's cut between fit and engagement in proportion to the parts
** (fpart, epart) of the sum it cut; the fit share is whole, so both are. */
static void share_cut(double cut, double fpart, double epart, double *fit, double *engagement)
{
    double sum = fpart + epart;
    double f = sum != 0 ? whole(cut * fpart / sum) : 0;
    *fit += f;
    *engagement += cut - f;
}

/* Engagement, caps, grade and stage, after the fit part: items, fit, grade
** and group_sum's fit halves are filled (group_sum is r's memory). */
static int score_rest(const mq_prog *p, const mq_stages *model, mq_engage *eng, mq_result *r,
                      double fit, int grade, double *group_sum, mq_err *err);

int mq_prog_score(const mq_prog *p, const mq_stages *model, const mq_source *lead, mq_engage *eng,
                  mq_result *r, mq_err *err)
{
    mq_budget own;
    mq_budget_init(&own);
    mq_budget *budget = eng ? &eng->budget : &own;
    int grade = p->grade_start;
    double *group_sum = NULL;   /* per group: its fit points, then its engagement points */
    mq_result_reset(r);
    if (p->ngroups) {
        /* r's own memory, kept from lead to lead: the fit part of each group
        ** (for mq_prog_rescore), then the sums the scoring works in */
        if (r->ngroup_fit < p->ngroups) {
            double *g = realloc(r->group_fit, (size_t)p->ngroups * 3 * sizeof *g);
            if (!g) return mq_err_nomem(err);
            r->group_fit = g;
            r->ngroup_fit = p->ngroups;
        }
        group_sum = r->group_fit + p->ngroups;
        memset(group_sum, 0, (size_t)p->ngroups * 2 * sizeof *group_sum);
    }

    double fit = 0;
    for (int i = 0; lead && i < p->nfits; i++) {
        const mq_fit *f = &p->fits[i];
        double pts = f->points;
        int hp, h = cond_holds(p, &f->cond, lead, budget, &pts, &hp, err);
        if (h < 0) goto fail;
        if (!h) continue;
        pts = whole(hp ? pts : f->points);
        if (!push_item(r, MQI_FIT, pts, f->reason)) goto nomem;
        fit += pts;
        grade -= f->grade_step;
        if (f->group >= 0) group_sum[2 * f->group] += pts;
    }
    r->nfit = r->nitems;
    r->fit0 = fit;
    r->grade0 = grade;
    for (int g = 0; g < p->ngroups; g++) r->group_fit[g] = group_sum[2 * g];
    r->fit_ready = 1;
    return score_rest(p, model, eng, r, fit, grade, group_sum, err);
nomem:
    mq_err_nomem(err);
fail:
    return -1;
}

int mq_prog_rescore(const mq_prog *p, const mq_stages *model, mq_engage *eng, mq_result *r, mq_err *err)
{
    if (!r->fit_ready) return mq_err_set(err, "rescore: the lead was not scored before");
    double *group_sum = p->ngroups ? r->group_fit + p->ngroups : NULL;
    for (int g = 0; g < p->ngroups; g++) {
        group_sum[2 * g] = r->group_fit[g];
        group_sum[2 * g + 1] = 0;
    }
    r->nitems = r->nfit;
    return score_rest(p, model, eng, r, r->fit0, r->grade0, group_sum, err);
}

static int score_rest(const mq_prog *p, const mq_stages *model, mq_engage *eng, mq_result *r,
                      double fit, int grade, double *group_sum, mq_err *err)
{
    int oom = 0;
    double engagement = 0;
    const char *signal = NULL;
    for (int i = 0; eng && i < p->nevs; i++) {
        if (!eng->count[i]) continue;
        const mq_evrule *e = &p->evs[i];
        double pts = whole(e->points * eng->sum[i]);
        mq_item *it = push_item(r, e->stage ? MQI_SIGNAL : MQI_EVENT, pts, e->reason);
        if (!it) goto nomem;
        it->count = eng->count[i];
        it->what = e->type;
        it->stage = e->stage;
        if (e->cap > 0) pts += apply_cap(r, pts, e->cap, e->type, &oom) - pts;
        engagement += pts;
        if (e->group >= 0) group_sum[2 * e->group + 1] += pts;
        if (e->stage && higher_stage(p, model, e->stage, signal)) signal = e->stage;
    }

    for (int g = 0; g < p->ngroups; g++) {
        double gf = group_sum[2 * g], ge = group_sum[2 * g + 1];
        double cut = apply_cap(r, gf + ge, p->groups[g].cap, p->groups[g].name, &oom) - (gf + ge);
        if (cut != 0) share_cut(cut, gf, ge, &fit, &engagement);
    }
    fit = apply_cap(r, fit, p->cap_fit, "fit", &oom);
    engagement = apply_cap(r, engagement, p->cap_engagement, "engagement", &oom);
    double score = fit + engagement;
    double cut = apply_cap(r, score, p->cap_total, "total", &oom) - score;
    if (cut != 0) {
        share_cut(cut, fit, engagement, &fit, &engagement);
        score = fit + engagement;
    }
    if (oom) goto nomem;

    if (grade < 0) grade = 0;
    if (grade >= p->ngrades) grade = p->ngrades - 1;
    r->score = score;
    r->fit = fit;
    r->engagement = engagement;
    r->grade = grade;
    r->stage = mq_prog_stage(p, score, grade);
    if (signal && higher_stage(p, model, signal, r->stage)) r->stage = signal;
    return 0;
nomem:
    return mq_err_nomem(err);
}
