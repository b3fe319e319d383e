/*
** ruledsl.c — the rule language. A rule is a Lua chunk that declares its
** criteria by calling fit(), event(), signal(), thresholds(), decay(),
** grades(), group(), caps(), recycle() and account(); running the chunk once fills an mq_prog
** that C evaluates (ruleprog.c). Example:
**
**     thresholds { MQL = 50, SQL = { score = 100, grade = "B" } }
**     fit("annual revenue of $1M or more", 20, { annual_revenue = at_least(1e6) })
**     event("whitepaper_download", 10, { cap = 30 })
**
** What the functions build lives in the program's memory, which comes from
** the Lua allocator (so the memory cap counts it), and work in C that grows
** with what the rule passes (a list of 10,000 strings, the search for a group
** among 50,000) is charged to the compile's budget before it is done.
** Values are checked by luaconv.c (finite numbers, UTF-8 text); the tests a
** condition uses (at_least, one_of, ...) are made by ruletests.c.
** Stack discipline: helpers leave the stack as they found it.
*/
#include "ruledsl.h"
#include "luaconv.h"
#include "utf8text.h"

#include <ctype.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static mq_dsl *dsl_of(lua_State *L) { return lua_touserdata(L, lua_upvalueindex(1)); }

/* The rule being declared (every function below runs as a function of the
** language, with the mq_dsl as upvalue 1). */
static mq_build *builder(lua_State *L, const char *fn)
{
    mq_dsl *d = dsl_of(L);
    if (!d->building)
        luaL_error(L, "%s: declarations are allowed only while the rule is loaded", fn);
    return d->building;
}

static mq_prog *prog_of(lua_State *L) { return &dsl_of(L)->building->prog; }

static char *check_text(lua_State *L, int idx, const char *fn, const char *what)
{
    return mq_conv_text(L, prog_of(L), idx, fn, what);
}

static char *lower_dup(lua_State *L, const char *s, size_t n)
{
    return mq_conv_lower(L, prog_of(L), s, n);
}

static void mem_free(lua_State *L, void *p)
{
    if (p) mq_prog_mem(prog_of(L), p, 0);
}

/* Work in C proportional to n (a list, a search) is charged before it runs. */
static void charge(lua_State *L, double n, const char *fn)
{
    mq_guard_charge(L, n, fn, "the rule declares too much");
}

/* Room for element n (0-based) of an array of n elements: capacity doubles,
** so declaring n criteria copies O(n) bytes, not O(n^2). */
static void *grow(lua_State *L, void *arr, int n, size_t size)
{
    mq_prog *p = prog_of(L);
    if (arr && (size_t)(n + 1) * size <= mq_prog_mem_size(arr)) return arr;
    size_t cap = n < 4 ? 4 : (size_t)n * 2;
    void *q = mq_prog_mem(p, arr, cap * size);
    if (!q) mq_sb_nomem(L);
    return q;
}

/* Reads opts[key] as an optional number; returns 1 when present. */
static int opt_number(lua_State *L, int opts, const char *fn, const char *key, double *out)
{
    if (opts == 0) return 0;
    int t = lua_getfield(L, opts, key);
    if (t == LUA_TNIL) { lua_pop(L, 1); return 0; }
    if (t != LUA_TNUMBER) luaL_error(L, "%s: option %s expected a number, found %s", fn, key, lua_typename(L, t));
    char what[64];
    snprintf(what, sizeof what, "option %s", key);
    *out = mq_conv_number(L, -1, fn, what, MQ_FINITE);
    lua_pop(L, 1);
    return 1;
}

static int group_index(lua_State *L, mq_build *r, const char *name, size_t n)
{
    mq_prog *p = &r->prog;
    charge(L, p->ngroups, "group");
    for (int i = 0; i < p->ngroups; i++)
        if (strlen(p->groups[i].name) == n && memcmp(p->groups[i].name, name, n) == 0) return i;
    p->groups = grow(L, p->groups, p->ngroups, sizeof *p->groups);
    p->groups[p->ngroups].cap = 0;
    if (!(p->groups[p->ngroups].name = mq_prog_strndup(p, name, n))) mq_sb_nomem(L);
    return p->ngroups++;
}

static int opt_group(lua_State *L, mq_build *r, int opts, const char *fn)
{
    if (opts == 0) return -1;
    int t = lua_getfield(L, opts, "group");
    if (t == LUA_TNIL) { lua_pop(L, 1); return -1; }
    if (t != LUA_TSTRING) luaL_error(L, "%s: option group expected a string, found %s", fn, lua_typename(L, t));
    size_t n;
    const char *s = lua_tolstring(L, -1, &n);
    int g = group_index(L, r, s, n);
    lua_pop(L, 1);
    return g;
}

/* The options table at idx, or 0 when absent. Unknown keys are errors: a
** misspelt "cap" must not silently do nothing. */
static int check_opts(lua_State *L, int idx, const char *fn, const char *const *known)
{
    if (lua_isnoneornil(L, idx)) return 0;
    if (!lua_istable(L, idx)) luaL_error(L, "%s: options expected a table, found %s", fn, luaL_typename(L, idx));
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        charge(L, 1, fn);
        int ok = 0;
        if (lua_type(L, -1) == LUA_TSTRING)
            for (int i = 0; known[i] && !ok; i++) ok = strcmp(lua_tostring(L, -1), known[i]) == 0;
        if (!ok)
            luaL_error(L, "%s: unknown option '%s'", fn,
                       lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
    }
    return lua_absindex(L, idx);
}

/* Keeps the function at idx for the life of the rule; returns its handle. */
static int keep_function(lua_State *L, mq_build *r, int idx)
{
    r->fnrefs = grow(L, r->fnrefs, r->nfns, sizeof *r->fnrefs);
    lua_pushvalue(L, idx);
    r->fnrefs[r->nfns] = luaL_ref(L, LUA_REGISTRYINDEX);
    r->prog.has_fn = 1;
    return r->nfns++;
}

/* Test constructors return a table {op=, a=, b=, list=} with the test metatable. */
static int is_test(lua_State *L, int idx)
{
    if (!lua_getmetatable(L, idx)) return 0;
    lua_rawgeti(L, LUA_REGISTRYINDEX, dsl_of(L)->test_mt_ref);
    int same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return same;
}

static void add_strings(lua_State *L, mq_test *t, int list, const char *fn)
{
    lua_Integer n = luaL_len(L, list);
    if (n < 1 || n > 10000) luaL_error(L, "%s: expected a list of 1 to 10000 strings", fn);
    charge(L, (double)n, fn);
    mq_prog *p = prog_of(L);
    t->strs = mq_prog_mem(p, NULL, (size_t)n * sizeof *t->strs);
    t->lens = mq_prog_mem(p, NULL, (size_t)n * sizeof *t->lens);
    if (!t->strs || !t->lens) mq_sb_nomem(L);
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, list, i) != LUA_TSTRING)
            luaL_error(L, "%s: item %d of the list expected a string, found %s", fn, (int)i, luaL_typename(L, -1));
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        charge(L, ceil((double)len / 16), fn);
        t->strs[t->nstrs] = lower_dup(L, s, len);
        t->lens[t->nstrs++] = len;
        lua_pop(L, 1);
    }
}

/* Appends one test on field `key` from the value at idx to c. */
static void add_test(lua_State *L, mq_build *r, mq_cond *c, const char *key, size_t keylen, int idx, const char *fn)
{
    c->tests = grow(L, c->tests, c->ntests, sizeof *c->tests);
    mq_test *t = &c->tests[c->ntests];
    memset(t, 0, sizeof *t);
    c->ntests++;              /* counted now so that an error below frees what was built */
    charge(L, 1 + r->prog.nfields, fn);
    if ((t->field = mq_prog_field(&r->prog, key, keylen)) < 0) mq_sb_nomem(L);
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER: {
        char what[96], shown[MQ_EXCERPT_SIZE];
        snprintf(what, sizeof what, "condition on '%s'", mq_utf8_excerpt(shown, sizeof shown, key, keylen));
        t->op = MQT_EQ_NUM;
        t->a = mq_conv_number(L, idx, fn, what, MQ_FINITE);
        return;
    }
    case LUA_TBOOLEAN: t->op = lua_toboolean(L, idx) ? MQT_TRUE : MQT_FALSE; return;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        t->op = MQT_EQ_TEXT;
        t->strs = mq_prog_mem(&r->prog, NULL, sizeof *t->strs);
        t->lens = mq_prog_mem(&r->prog, NULL, sizeof *t->lens);
        if (!t->strs || !t->lens) mq_sb_nomem(L);
        t->strs[0] = lower_dup(L, s, n);
        t->lens[0] = n;
        t->nstrs = 1;
        return;
    }
    case LUA_TTABLE:
        if (!is_test(L, idx)) {       /* a plain list: one of these values */
            t->op = MQT_ONE_OF;
            add_strings(L, t, idx, fn);
            return;
        }
        lua_getfield(L, idx, "op");
        t->op = (mq_testop)lua_tointeger(L, -1);
        lua_getfield(L, idx, "a");
        t->a = lua_tonumber(L, -1);
        lua_getfield(L, idx, "b");
        t->b = lua_tonumber(L, -1);
        lua_getfield(L, idx, "negate");
        t->negate = lua_toboolean(L, -1);
        lua_pop(L, 4);
        if (lua_getfield(L, idx, "list") == LUA_TTABLE) add_strings(L, t, lua_gettop(L), fn);
        lua_pop(L, 1);
        return;
    default:
        luaL_error(L, "%s: condition on '%s' expected a test such as at_least(10), a string, a number, a boolean or a list, found %s",
                   fn, key, luaL_typename(L, idx));
    }
}

/* A condition: a table {field = test, ...} (all must hold) or a function. */
static void check_cond(lua_State *L, mq_build *r, mq_cond *c, int idx, const char *fn)
{
    c->fn = -1;
    if (lua_isfunction(L, idx)) { c->fn = keep_function(L, r, idx); return; }
    if (!lua_istable(L, idx) || is_test(L, idx))
        luaL_error(L, "%s: condition expected a table such as { employees = at_least(50) } or a function, found %s",
                   fn, is_test(L, idx) ? "a test without a field" : luaL_typename(L, idx));
    idx = lua_absindex(L, idx);
    lua_pushnil(L);
    while (lua_next(L, idx)) {                 /* stack: key value */
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_error(L, "%s: condition keys must be field names (strings)", fn);
        size_t kn;
        const char *k = lua_tolstring(L, -2, &kn);
        add_test(L, r, c, k, kn, lua_gettop(L), fn);
        lua_pop(L, 1);
    }
}

/* fit(reason, points, condition [, { group =, grade = }]) */
static int dsl_fit(lua_State *L)
{
    static const char *const known[] = {"group", "grade", NULL};
    mq_build *r = builder(L, "fit");
    mq_prog *p = &r->prog;
    int opts = check_opts(L, 4, "fit", known);
    p->fits = grow(L, p->fits, p->nfits, sizeof *p->fits);
    mq_fit *f = &p->fits[p->nfits];
    memset(f, 0, sizeof *f);
    f->cond.fn = -1;
    f->group = -1;
    f->grade_step = MQ_STEP_DEFAULT;
    p->nfits++;
    f->reason = check_text(L, 1, "fit", "reason");
    f->points = mq_conv_points(L, 2, "fit");
    if (lua_isnoneornil(L, 3)) luaL_error(L, "fit: a condition is required (argument 3)");
    check_cond(L, r, &f->cond, 3, "fit");
    f->group = opt_group(L, r, opts, "fit");
    double step;
    if (opt_number(L, opts, "fit", "grade", &step)) {
        if (step != floor(step) || fabs(step) > 20) luaL_error(L, "fit: option grade must be a whole number of steps");
        f->grade_step = (int)step;
    }
    return 0;
}

static void default_reason(lua_State *L, mq_evrule *e)
{
    e->reason = mq_prog_strndup(prog_of(L), e->type, e->typelen);
    if (!e->reason) mq_sb_nomem(L);
    for (char *s = e->reason; *s; s++) if (*s == '_') *s = ' ';
}

/* Shared by event() and signal(): options at index opts (0 if none). */
static void event_options(lua_State *L, mq_build *r, mq_evrule *e, int opts, const char *fn)
{
    double v = 0;   /* set by opt_number; luaL_error does not return */
    if (opt_number(L, opts, fn, "cap", &v)) {
        if (v <= 0) luaL_error(L, "%s: option cap must be above 0", fn);
        e->cap = v;
    }
    if (opt_number(L, opts, fn, "half_life_days", &v)) {
        if (v <= 0) luaL_error(L, "%s: option half_life_days must be above 0", fn);
        e->half_life = v;
    }
    if (!opts) return;
    if (lua_getfield(L, opts, "decay") == LUA_TBOOLEAN && !lua_toboolean(L, -1)) e->half_life = 0;
    lua_pop(L, 1);
    lua_getfield(L, opts, "once");
    e->once = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (lua_getfield(L, opts, "reason") != LUA_TNIL) {
        char *t = check_text(L, -1, fn, "option reason");   /* may raise: free the old one after */
        mem_free(L, e->reason);
        e->reason = t;
    }
    lua_pop(L, 1);
    if (lua_getfield(L, opts, "stage") != LUA_TNIL) {
        char *t = check_text(L, -1, fn, "option stage");
        mem_free(L, e->stage);
        e->stage = t;
    }
    lua_pop(L, 1);
    if (lua_getfield(L, opts, "where") != LUA_TNIL) check_cond(L, r, &e->where, -1, fn);
    lua_pop(L, 1);
    e->group = opt_group(L, r, opts, fn);
}

static mq_evrule *new_event(lua_State *L, mq_build *r, const char *fn)
{
    mq_prog *p = &r->prog;
    p->evs = grow(L, p->evs, p->nevs, sizeof *p->evs);
    mq_evrule *e = &p->evs[p->nevs++];
    memset(e, 0, sizeof *e);
    e->where.fn = -1;
    e->group = -1;
    e->half_life = -1;          /* the rule's default, resolved at the end */
    e->type = check_text(L, 1, fn, "event type");
    e->typelen = strlen(e->type);
    for (char *c = e->type; *c; c++) *c = (char)tolower((unsigned char)*c);
    return e;
}

/* event(type, points [, { reason=, cap=, once=, half_life_days=, decay=, group=, where=, stage= }]) */
static int dsl_event(lua_State *L)
{
    static const char *const known[] = {"reason", "cap", "once", "half_life_days", "decay", "group", "where", "stage", NULL};
    mq_build *r = builder(L, "event");
    int opts = check_opts(L, 3, "event", known);
    mq_evrule *e = new_event(L, r, "event");
    e->points = mq_conv_points(L, 2, "event");
    default_reason(L, e);
    event_options(L, r, e, opts, "event");
    return 0;
}

/* signal(type, reason [, { stage = "SQL", points = 0, ... }]): straight to a stage. */
static int dsl_signal(lua_State *L)
{
    static const char *const known[] = {"points", "stage", "cap", "once", "half_life_days", "decay", "group", "where", NULL};
    mq_build *r = builder(L, "signal");
    int opts = check_opts(L, 3, "signal", known);
    mq_evrule *e = new_event(L, r, "signal");
    e->reason = check_text(L, 2, "signal", "reason");
    if (opts && lua_getfield(L, opts, "points") != LUA_TNIL) e->points = mq_conv_points(L, -1, "signal");
    if (opts) lua_pop(L, 1);
    event_options(L, r, e, opts, "signal");
    if (!e->stage && !(e->stage = mq_prog_strndup(&r->prog, "SQL", 3))) mq_sb_nomem(L);
    e->once = 1;
    return 0;
}

/* The score on top of the stack, which must be finite. */
static double threshold_score(lua_State *L, const char *stage)
{
    double v = lua_tonumber(L, -1);
    if (!isfinite(v))
        luaL_error(L, "thresholds: %s must be a finite score, found %s", stage, mq_conv_number_text(L, -1));
    return v;
}

/* thresholds { MQL = 50, SQL = { score = 100, grade = "B" }, below = "IQL" } */
static int dsl_thresholds(lua_State *L)
{
    mq_build *r = builder(L, "thresholds");
    mq_prog *p = &r->prog;
    luaL_checktype(L, 1, LUA_TTABLE);
    if (p->nths) luaL_error(L, "thresholds: declared twice");
    lua_pushnil(L);
    while (lua_next(L, 1)) {                   /* stack: stage value */
        if (lua_type(L, -2) != LUA_TSTRING) luaL_error(L, "thresholds: keys must be stage names");
        charge(L, 1, "thresholds");
        const char *stage = lua_tostring(L, -2);
        if (strcmp(stage, "below") == 0) {
            char *t = check_text(L, -1, "thresholds", "below");
            mem_free(L, p->below);
            p->below = t;
            lua_pop(L, 1);
            continue;
        }
        p->ths = grow(L, p->ths, p->nths, sizeof *p->ths);
        r->grade_names = grow(L, r->grade_names, p->nths, sizeof *r->grade_names);
        mq_threshold *t = &p->ths[p->nths];
        r->grade_names[p->nths] = NULL;
        t->stage = NULL;
        t->min_grade = -1;
        p->nths++;
        t->stage = check_text(L, -2, "thresholds", "stage");
        if (lua_type(L, -1) == LUA_TNUMBER) {
            t->score = threshold_score(L, stage);
        } else if (lua_istable(L, -1)) {
            if (lua_getfield(L, -1, "score") != LUA_TNUMBER)
                luaL_error(L, "thresholds: %s.score expected a number", stage);
            t->score = threshold_score(L, stage);
            lua_pop(L, 1);
            if (lua_getfield(L, -1, "grade") != LUA_TNIL)
                r->grade_names[p->nths - 1] = check_text(L, -1, "thresholds", "grade");
            lua_pop(L, 1);
        } else {
            luaL_error(L, "thresholds: %s expected a score or { score =, grade = }, found %s", stage, luaL_typename(L, -1));
        }
        lua_pop(L, 1);
    }
    return 0;
}

/* decay { half_life_days = 90 } */
static int dsl_decay(lua_State *L)
{
    static const char *const known[] = {"half_life_days", NULL};
    mq_build *r = builder(L, "decay");
    int opts = check_opts(L, 1, "decay", known);
    double v = 0;   /* set by opt_number; luaL_error does not return */
    if (!opt_number(L, opts, "decay", "half_life_days", &v) || v <= 0)
        luaL_error(L, "decay: half_life_days expected a number of days above 0");
    r->prog.default_half_life = v;
    return 0;
}

/* grades { "A+", "A", "B", "C", "D", "F", start = "D" }, best first. */
static int dsl_grades(lua_State *L)
{
    mq_build *r = builder(L, "grades");
    mq_prog *p = &r->prog;
    luaL_checktype(L, 1, LUA_TTABLE);
    if (p->ngrades) luaL_error(L, "grades: declared twice");
    lua_Integer n = luaL_len(L, 1);
    if (n < 2 || n > 26) luaL_error(L, "grades: expected a list of 2 to 26 grades, best first");
    if (!(p->grades = mq_prog_mem(p, NULL, (size_t)n * sizeof *p->grades))) mq_sb_nomem(L);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        p->grades[p->ngrades++] = check_text(L, -1, "grades", "grade");
        lua_pop(L, 1);
    }
    if (lua_getfield(L, 1, "start") != LUA_TNIL) {
        size_t sn;
        const char *s = luaL_checklstring(L, -1, &sn);
        if ((p->grade_start = mq_prog_grade_index(p, s, sn)) < 0)
            luaL_error(L, "grades: start '%s' is not one of the grades", s);
    }
    lua_pop(L, 1);
    return 0;
}

/* group(name, { cap = 40 }) */
static int dsl_group(lua_State *L)
{
    static const char *const known[] = {"cap", NULL};
    mq_build *r = builder(L, "group");
    int opts = check_opts(L, 2, "group", known);
    mem_free(L, check_text(L, 1, "group", "name"));   /* checks the name; group_index copies it */
    size_t nn;
    const char *name = lua_tolstring(L, 1, &nn);
    int g = group_index(L, r, name, nn);
    double v = 0;   /* set by opt_number; luaL_error does not return */
    if (opt_number(L, opts, "group", "cap", &v)) {
        if (v <= 0) luaL_error(L, "group: option cap must be above 0");
        r->prog.groups[g].cap = v;
    }
    return 0;
}

/* caps { total = 150, fit = 80, engagement = 100 } */
static int dsl_caps(lua_State *L)
{
    static const char *const known[] = {"total", "fit", "engagement", NULL};
    mq_build *r = builder(L, "caps");
    int opts = check_opts(L, 1, "caps", known);
    double *dst[] = {&r->prog.cap_total, &r->prog.cap_fit, &r->prog.cap_engagement};
    for (int i = 0; i < 3; i++) {
        double v;
        if (opt_number(L, opts, "caps", known[i], &v)) {
            if (v <= 0) luaL_error(L, "caps: %s must be above 0", known[i]);
            *dst[i] = v;
        }
    }
    return 0;
}

/* recycle { requalify_after_days = 90, stale_after_days = 60, stale_to = "nurture" }:
** how the rule treats leads sent back or out (rule_moves, moves.c). Without
** it, a lead on a detour (nurture, lost, disqualified) is moved forward again
** only by activity after it; requalify_after_days lets its whole score count
** again after that many days there; stale_after_days demotes a lead the rule
** made MQL (or any marketing stage above the lowest) to stale_to after that
** many days without activity. */
static int dsl_recycle(lua_State *L)
{
    static const char *const known[] = {"requalify_after_days", "stale_after_days", "stale_to", NULL};
    mq_build *r = builder(L, "recycle");
    mq_prog *p = &r->prog;
    int opts = check_opts(L, 1, "recycle", known);
    if (p->recycle_declared) luaL_error(L, "recycle: declared twice");
    p->recycle_declared = 1;
    double v = 0;   /* set by opt_number; luaL_error does not return */
    if (opt_number(L, opts, "recycle", "requalify_after_days", &v)) {
        if (v <= 0) luaL_error(L, "recycle: requalify_after_days must be above 0");
        p->requalify_days = v;
    }
    if (opt_number(L, opts, "recycle", "stale_after_days", &v)) {
        if (v <= 0) luaL_error(L, "recycle: stale_after_days must be above 0");
        p->stale_days = v;
    }
    if (opts && lua_getfield(L, opts, "stale_to") != LUA_TNIL) {
        if (!p->stale_days) luaL_error(L, "recycle: stale_to needs stale_after_days");
        p->stale_to = check_text(L, -1, "recycle", "stale_to");
    }
    if (opts) lua_pop(L, 1);
    if (p->stale_days && !p->stale_to && !(p->stale_to = mq_prog_strndup(p, "nurture", 7))) mq_sb_nomem(L);
    return 0;
}

/* account { mqa_at = 120, roles = 2, engaged_within_days = 90, cap = 200,
** signal_half_life_days = 30 }: how account_scores (acctscore.c) rolls the
** rule's lead scores up to accounts, and when an account is marketing
** qualified (its score at mqa_at or above, with `roles` buying-group roles
** engaged). Values only, so it costs what any declaration costs. */
static int dsl_account(lua_State *L)
{
    static const char *const known[] = {"mqa_at", "roles", "engaged_within_days", "cap", "signal_half_life_days", NULL};
    mq_prog *p = &builder(L, "account")->prog;
    if (lua_isnoneornil(L, 1)) luaL_error(L, "account: options expected a table, found nil");
    int opts = check_opts(L, 1, "account", known);
    if (p->account_declared) luaL_error(L, "account: declared twice");
    p->account_declared = 1;
    double v = 0;   /* set by opt_number; luaL_error does not return */
    if (opt_number(L, opts, "account", "mqa_at", &v)) { p->mqa_at = v; p->has_mqa_at = 1; }
    if (opt_number(L, opts, "account", "roles", &v)) {
        if (v < 0 || v > 4 || v != (int)v) luaL_error(L, "account: roles must be a whole number from 0 to 4");
        p->mqa_roles = (int)v;
    }
    if (opt_number(L, opts, "account", "engaged_within_days", &v)) {
        if (v <= 0) luaL_error(L, "account: engaged_within_days must be above 0");
        p->engaged_days = v;
    }
    if (opt_number(L, opts, "account", "cap", &v)) {
        if (v <= 0) luaL_error(L, "account: cap must be above 0");
        p->account_cap = v;
    }
    if (opt_number(L, opts, "account", "signal_half_life_days", &v)) {
        if (v <= 0) luaL_error(L, "account: signal_half_life_days must be above 0");
        p->signal_half_life = v;
    }
    if (p->mqa_roles && !p->has_mqa_at) luaL_error(L, "account: roles needs mqa_at");
    return 0;
}
/* route { ... }: routedsl.c */
static int dsl_route(lua_State *L) { return mq_dsl_route(L, builder(L, "route")); }

/* ---- the language's table and the build's life --------------------------------------- */

static const luaL_Reg dsl_funcs[] = {
    {"fit", dsl_fit}, {"event", dsl_event}, {"signal", dsl_signal},
    {"thresholds", dsl_thresholds}, {"decay", dsl_decay}, {"grades", dsl_grades},
    {"group", dsl_group}, {"caps", dsl_caps}, {"recycle", dsl_recycle},
    {"account", dsl_account},
    {"route", dsl_route},
    {NULL, NULL},
};

void mq_dsl_add(lua_State *L, int tmpl, void *ud)
{
    mq_dsl *d = ud;
    lua_newtable(L);                           /* metatable of test objects */
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    d->test_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushvalue(L, tmpl);
    lua_pushlightuserdata(L, d);
    luaL_setfuncs(L, dsl_funcs, 1);            /* each with the context as upvalue 1 */
    lua_pop(L, 1);
    mq_dsl_add_tests(L, tmpl, d);
}
