/*
** luarule.c — the Lua 5.4 sandbox and the rule language.
**
** A rule is a Lua chunk that declares its criteria by calling fit(), event(),
** signal(), thresholds(), decay(), grades(), group() and caps(). Running the
** chunk once fills an mq_prog that C evaluates; Lua runs again only for a
** condition the rule wrote as a function. Example:
**
**     thresholds { MQL = 50, SQL = { score = 100, grade = "B" } }
**     fit("annual revenue of $1M or more", 20, { annual_revenue = at_least(1e6) })
**     event("whitepaper_download", 10, { cap = 30 })
**
** The sandbox (one lua_State per connection):
**   - only base (without dofile, loadfile, print, require), string (without
**     dump), table, math, utf8 and os.time/os.date/os.difftime;
**   - each rule gets its own environment with its own copies of the library
**     tables, so a rule that redefines a global or string.format changes only
**     itself; the string metatable is locked;
**   - load() takes text only (mode "t"), never bytecode;
**   - an allocator refuses growth past the memory cap (never a free);
**   - a count hook enforces an instruction budget per call, and luaguard.c
**     charges it for the library calls that loop in C; once it fires, or
**     memory runs out, pcall/xpcall inside the rule cannot swallow the error;
**   - every error is caught by lua_pcall with a message handler that never
**     runs the error object's metamethods, and is reported with rule and line.
**
** Stack discipline: every function that is called from C here leaves the Lua
** stack as it found it; the comments mark where it changes shape.
*/
#include "luarule.h"
#include "luaguard.h"

#include <ctype.h>
#include <jansson.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOOK_STEP 1000          /* instructions between two budget checks */
#define MAX_REASON 200
#define MAX_JSON_DEPTH 32

struct mq_rule {
    int refs;
    mq_engine *e;
    char *name;
    char *src;
    size_t n;
    mq_prog prog;
    int *fnrefs;                /* registry refs of the rule's own functions */
    int nfns;
    char **grade_names;         /* per threshold, resolved after the chunk runs */
};

struct mq_engine {
    int refs;
    lua_State *L;
    size_t used, limit;
    long long ilimit;
    long long ticks;            /* budget checks left in this call */
    int blown;                  /* the budget fired during this call */
    int memerr;                 /* a memory error was rethrown by pcall */
    unsigned compiles;
    mq_rule **rules;
    int nrules;
    mq_rule *building;          /* the rule whose chunk is running */
    const mq_source *cur;       /* what the lead proxy reads during a call */
    int template_ref;           /* the sandbox's globals, copied into each env */
    int proxy_ref;
    int test_mt_ref;
};

static mq_engine *engine_of(lua_State *L) { return *(mq_engine **)lua_getextraspace(L); }

/* ---- memory cap and instruction budget ------------------------------------------ */

static void *budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    mq_engine *e = ud;
    if (!ptr) osize = 0;        /* for a new block, osize tells its type */
    if (nsize == 0) {
        free(ptr);
        e->used -= osize;
        return NULL;
    }
    if (nsize > osize && e->used - osize + nsize > e->limit)
        return NULL;            /* Lua collects garbage and tries once more */
    void *p = realloc(ptr, nsize);
    if (!p) return nsize <= osize ? ptr : NULL;   /* Lua assumes a shrink never fails */
    e->used = e->used - osize + nsize;
    return p;
}

static void budget_hook(lua_State *L, lua_Debug *ar)
{
    mq_engine *e = engine_of(L);
    if (--e->ticks > 0) return;
    e->blown = 1;
    /* Say where the rule was when it ran out: that is the loop to look at. */
    if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
        lua_pushfstring(L, "%s:%d: instruction budget of %I exceeded", ar->short_src, ar->currentline,
                        (lua_Integer)e->ilimit);
    else
        lua_pushfstring(L, "instruction budget of %I exceeded", (lua_Integer)e->ilimit);
    lua_error(L);
}

void mq_guard_charge(lua_State *L, double instructions, const char *fn, const char *what)
{
    mq_engine *e = engine_of(L);
    long long step = e->ilimit < HOOK_STEP ? e->ilimit : HOOK_STEP;
    double left = (double)e->ticks * (double)step;
    if (instructions > left) {
        char worst[32];
        snprintf(worst, sizeof worst, "%.2g", instructions);
        luaL_error(L, "%s: %s (worst case %s instructions, more than the %I left of the budget)", fn, what,
                   worst, (lua_Integer)left);
    }
    e->ticks -= (long long)(instructions / (double)step);
}

/* Arms the budget for one call from C into Lua. */
static void arm(mq_engine *e)
{
    long long step = e->ilimit < HOOK_STEP ? e->ilimit : HOOK_STEP;
    e->ticks = (e->ilimit + step - 1) / step;
    e->blown = 0;
    e->memerr = 0;
#ifndef MQLITE_NO_BUDGET_HOOK   /* only `make bench` builds without it, to measure what it costs */
    lua_sethook(e->L, budget_hook, LUA_MASKCOUNT, (int)step);
#else
    (void)budget_hook;
    (void)step;
#endif
}

/* Message handler: turns any error object into a string without running
** its metamethods (a hostile __tostring could loop or error again), and puts
** the rule's line in front of a message that names no place: errors raised
** by library functions written in C (string.rep, the guards) say nothing of
** where the rule called them. */
static int msgh(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TSTRING) {
        lua_Debug ar;
        for (int level = 1; lua_getstack(L, level, &ar); level++) {
            if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0) continue;
            size_t sn = strlen(ar.short_src);
            const char *msg = lua_tostring(L, 1);
            if (strncmp(msg, ar.short_src, sn) == 0 && msg[sn] == ':' && isdigit((unsigned char)msg[sn + 1]))
                return 1;                      /* it says where already */
            lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.currentline, msg);
            return 1;
        }
        return 1;
    }
    if (lua_type(L, 1) == LUA_TNUMBER) {
        lua_pushstring(L, lua_tostring(L, 1));
        return 1;
    }
    lua_pushfstring(L, "error object is a %s value", luaL_typename(L, 1));
    return 1;
}

static char *vformat(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0) return NULL;
    char *s = malloc((size_t)n + 1);
    if (s) vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static char *format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

/* "b2b:12: attempt to ..." becomes "rule 'b2b' line 12: attempt to ...". */
static char *rule_error(mq_engine *e, const char *rule, int status, const char *msg)
{
    if (status == LUA_ERRMEM || e->memerr)
        return format("rule '%s': out of memory (the limit is %zu bytes; see mqlite_limit('memory'))",
                      rule, e->limit);
    if (!msg) msg = "unknown error";
    size_t rn = strlen(rule);
    if (strncmp(msg, rule, rn) == 0 && msg[rn] == ':' && isdigit((unsigned char)msg[rn + 1])) {
        char *end;
        long line = strtol(msg + rn + 1, &end, 10);
        if (*end == ':') {
            end++;
            while (*end == ' ') end++;
            return format("rule '%s' line %ld: %s", rule, line, end);
        }
    }
    return format("rule '%s': %s", rule, msg);
}

/* Calls the function below nargs arguments on the stack, leaving nres results
** on success; on error the function and arguments are gone and *err is set. */
static int protected_call(mq_engine *e, const char *rule, int nargs, int nres, char **err)
{
    lua_State *L = e->L;
    int base = lua_gettop(L) - nargs;          /* index of the function */
    lua_pushcfunction(L, msgh);
    lua_insert(L, base);                       /* stack: msgh f args */
    arm(e);
    int status = lua_pcall(L, nargs, nres, base);
    lua_remove(L, base);                       /* stack: results | message */
    if (status != LUA_OK) {
        *err = rule_error(e, rule, status, lua_tostring(L, -1));
        lua_pop(L, 1);
        /* A failed call often leaves a heap of garbage (a memory bomb's): give
        ** the memory back now so the next call starts with the whole cap. */
        lua_gc(L, LUA_GCCOLLECT);
        return -1;
    }
    return 0;
}

/* ---- the sandbox's replacements for base functions -------------------------------- */

/* After pcall returns with an error: rethrow what the rule must not swallow. */
static int pcall_result(lua_State *L, int status, int base)
{
    mq_engine *e = engine_of(L);
    if (status != LUA_OK) {
        if (status == LUA_ERRMEM) e->memerr = 1;
        if (e->blown || e->memerr) return lua_error(L);
        lua_pushboolean(L, 0);
        lua_insert(L, -2);                     /* false, message */
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_insert(L, base);                       /* true, results... */
    return lua_gettop(L) - base + 1;
}

static int sb_pcall(lua_State *L)
{
    luaL_checkany(L, 1);
    int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    return pcall_result(L, status, 1);
}

static int sb_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 1);
    lua_copy(L, 2, 1);
    lua_replace(L, 2);                         /* stack: handler f args */
    int status = lua_pcall(L, n - 2, LUA_MULTRET, 1);
    return pcall_result(L, status, 2);
}

/* load(chunk [, name [, mode [, env]]]): text only; env defaults to the rule's. */
static int sb_load(lua_State *L)
{
    size_t n;
    const char *s = lua_tolstring(L, 1, &n);
    if (!s) return luaL_error(L, "load: only a string chunk is allowed in a rule");
    const char *name = luaL_optstring(L, 2, "=(load)");
    const char *mode = luaL_optstring(L, 3, "t");
    if (!strchr(mode, 't')) return luaL_error(L, "load: binary chunks are not allowed in a rule");
    int has_env = !lua_isnone(L, 4);
    if (luaL_loadbufferx(L, s, n, name, "t") != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;                              /* nil, message */
    }
    lua_pushvalue(L, has_env ? 4 : lua_upvalueindex(1));
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    return 1;
}

static int sb_collectgarbage(lua_State *L)
{
    const char *opt = luaL_optstring(L, 1, "count");
    if (strcmp(opt, "count") != 0)
        return luaL_error(L, "collectgarbage: only \"count\" is allowed in a rule");
    lua_pushnumber(L, (lua_Number)lua_gc(L, LUA_GCCOUNT, 0) + lua_gc(L, LUA_GCCOUNTB, 0) / 1024.0);
    return 1;
}

/* ---- the lead proxy: l.field reads the current source in C --------------------- */

static void push_json(lua_State *L, const json_t *j, int depth);

static void push_value(lua_State *L, const mq_value *v)
{
    switch (v->type) {
    case MQV_NULL: lua_pushnil(L); break;
    case MQV_BOOL: lua_pushboolean(L, v->num != 0); break;
    case MQV_NUM:
        if (v->is_int) lua_pushinteger(L, (lua_Integer)v->inum);   /* all 64 bits */
        else lua_pushnumber(L, v->num);
        break;
    case MQV_TEXT: lua_pushlstring(L, v->s, v->n); break;
    case MQV_OTHER: push_json(L, v->opaque, 0); break;
    }
}

/* JSON arrays and objects become fresh Lua tables (a rule may change them
** without changing the lead). Deep nesting is cut off rather than recursed. */
static void push_json(lua_State *L, const json_t *j, int depth)
{
    if (!j || depth > MAX_JSON_DEPTH) { lua_pushnil(L); return; }
    luaL_checkstack(L, 4, "JSON nested too deeply");
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *v;
        lua_createtable(L, 0, (int)json_object_size(j));
        json_object_foreach((json_t *)j, k, v) {
            push_json(L, v, depth + 1);
            lua_setfield(L, -2, k);
        }
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *v;
        lua_createtable(L, (int)json_array_size(j), 0);
        json_array_foreach(j, i, v) {
            push_json(L, v, depth + 1);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    }
    case JSON_STRING: lua_pushlstring(L, json_string_value(j), json_string_length(j)); break;
    case JSON_INTEGER: lua_pushinteger(L, (lua_Integer)json_integer_value(j)); break;
    case JSON_REAL: lua_pushnumber(L, json_real_value(j)); break;
    case JSON_TRUE: lua_pushboolean(L, 1); break;
    case JSON_FALSE: lua_pushboolean(L, 0); break;
    case JSON_NULL: lua_pushnil(L); break;
    }
}

static int proxy_index(lua_State *L)
{
    mq_engine *e = engine_of(L);
    size_t n;
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &n) : NULL;
    if (!k || !e->cur) { lua_pushnil(L); return 1; }
    mq_value v = {MQV_NULL, 0, 0, 0, NULL, 0, NULL};
    e->cur->get(e->cur->self, -1, k, n, &v);
    push_value(L, &v);
    return 1;
}

static int proxy_newindex(lua_State *L)
{
    return luaL_error(L, "a lead's fields are read-only in a rule");
}

/* ---- declaring a rule ---------------------------------------------------------- */

static mq_rule *builder(lua_State *L, const char *fn)
{
    mq_engine *e = engine_of(L);
    if (!e->building)
        luaL_error(L, "%s: declarations are allowed only while the rule is loaded", fn);
    return e->building;
}

static int utf8_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!len || i + len > n) return 0;
        for (size_t k = 1; k < len; k++)
            if (((unsigned char)s[i + k] >> 6) != 2) return 0;
        i += len;
    }
    return 1;
}

/* A string argument that a report will show: non-empty UTF-8, bounded. */
static char *check_text(lua_State *L, int idx, const char *fn, const char *what)
{
    size_t n;
    if (lua_type(L, idx) != LUA_TSTRING)
        luaL_error(L, "%s: %s expected a string, found %s", fn, what, luaL_typename(L, idx));
    const char *s = lua_tolstring(L, idx, &n);
    if (n == 0 || n > MAX_REASON || !utf8_ok(s, n))
        luaL_error(L, "%s: %s must be UTF-8 text of 1 to %d bytes", fn, what, MAX_REASON);
    char *c = strndup(s, n);
    if (!c) luaL_error(L, "not enough memory");
    return c;
}

static char *lower_dup(lua_State *L, const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (!c) luaL_error(L, "not enough memory");
    for (size_t i = 0; i < n; i++) c[i] = (char)tolower((unsigned char)s[i]);
    c[n] = 0;
    return c;
}

static double check_points(lua_State *L, int idx, const char *fn)
{
    if (lua_type(L, idx) != LUA_TNUMBER)
        luaL_error(L, "%s: points expected a number, found %s", fn, luaL_typename(L, idx));
    double p = lua_tonumber(L, idx);
    if (p != floor(p) || fabs(p) > 1e9)
        luaL_error(L, "%s: points must be a whole number, found %s", fn, lua_tostring(L, idx));
    return p;
}

static void *grow(lua_State *L, void *arr, int n, size_t size)
{
    void *p = realloc(arr, (size_t)(n + 1) * size);
    if (!p) luaL_error(L, "not enough memory");
    return p;
}

/* Reads opts[key] as an optional number; returns 1 when present. */
static int opt_number(lua_State *L, int opts, const char *fn, const char *key, double *out)
{
    if (opts == 0) return 0;
    int t = lua_getfield(L, opts, key);
    if (t == LUA_TNIL) { lua_pop(L, 1); return 0; }
    if (t != LUA_TNUMBER) luaL_error(L, "%s: option %s expected a number, found %s", fn, key, lua_typename(L, t));
    *out = lua_tonumber(L, -1);
    lua_pop(L, 1);
    return 1;
}

static int group_index(lua_State *L, mq_rule *r, const char *name, size_t n)
{
    mq_prog *p = &r->prog;
    for (int i = 0; i < p->ngroups; i++)
        if (strlen(p->groups[i].name) == n && memcmp(p->groups[i].name, name, n) == 0) return i;
    p->groups = grow(L, p->groups, p->ngroups, sizeof *p->groups);
    p->groups[p->ngroups].cap = 0;
    if (!(p->groups[p->ngroups].name = strndup(name, n))) luaL_error(L, "not enough memory");
    return p->ngroups++;
}

static int opt_group(lua_State *L, mq_rule *r, int opts, const char *fn)
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
static int keep_function(lua_State *L, mq_rule *r, int idx)
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
    mq_engine *e = engine_of(L);
    if (!lua_getmetatable(L, idx)) return 0;
    lua_rawgeti(L, LUA_REGISTRYINDEX, e->test_mt_ref);
    int same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return same;
}

static void add_strings(lua_State *L, mq_test *t, int list, const char *fn)
{
    lua_Integer n = luaL_len(L, list);
    if (n < 1 || n > 10000) luaL_error(L, "%s: expected a list of 1 to 10000 strings", fn);
    t->strs = calloc((size_t)n, sizeof *t->strs);
    t->lens = calloc((size_t)n, sizeof *t->lens);
    if (!t->strs || !t->lens) luaL_error(L, "not enough memory");
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, list, i) != LUA_TSTRING)
            luaL_error(L, "%s: item %d of the list expected a string, found %s", fn, (int)i, luaL_typename(L, -1));
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        t->strs[t->nstrs] = lower_dup(L, s, len);
        t->lens[t->nstrs++] = len;
        lua_pop(L, 1);
    }
}

/* Appends one test on field `key` from the value at idx to c. */
static void add_test(lua_State *L, mq_rule *r, mq_cond *c, const char *key, size_t keylen, int idx, const char *fn)
{
    c->tests = grow(L, c->tests, c->ntests, sizeof *c->tests);
    mq_test *t = &c->tests[c->ntests];
    memset(t, 0, sizeof *t);
    c->ntests++;              /* counted now so that an error below frees what was built */
    if ((t->field = mq_prog_field(&r->prog, key, keylen)) < 0) luaL_error(L, "not enough memory");
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER: t->op = MQT_EQ_NUM; t->a = lua_tonumber(L, idx); return;
    case LUA_TBOOLEAN: t->op = lua_toboolean(L, idx) ? MQT_TRUE : MQT_FALSE; return;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        t->op = MQT_EQ_TEXT;
        t->strs = malloc(sizeof *t->strs);
        t->lens = malloc(sizeof *t->lens);
        if (!t->strs || !t->lens) luaL_error(L, "not enough memory");
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
static void check_cond(lua_State *L, mq_rule *r, mq_cond *c, int idx, const char *fn)
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
    mq_rule *r = builder(L, "fit");
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
    f->points = check_points(L, 2, "fit");
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
    if (!(e->reason = strdup(e->type))) luaL_error(L, "not enough memory");
    for (char *s = e->reason; *s; s++) if (*s == '_') *s = ' ';
}

/* Shared by event() and signal(): options at index opts (0 if none). */
static void event_options(lua_State *L, mq_rule *r, mq_evrule *e, int opts, const char *fn)
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
        free(e->reason);
        e->reason = t;
    }
    lua_pop(L, 1);
    if (lua_getfield(L, opts, "stage") != LUA_TNIL) {
        char *t = check_text(L, -1, fn, "option stage");
        free(e->stage);
        e->stage = t;
    }
    lua_pop(L, 1);
    if (lua_getfield(L, opts, "where") != LUA_TNIL) check_cond(L, r, &e->where, -1, fn);
    lua_pop(L, 1);
    e->group = opt_group(L, r, opts, fn);
}

static mq_evrule *new_event(lua_State *L, mq_rule *r, const char *fn)
{
    mq_prog *p = &r->prog;
    p->evs = grow(L, p->evs, p->nevs, sizeof *p->evs);
    mq_evrule *e = &p->evs[p->nevs++];
    memset(e, 0, sizeof *e);
    e->where.fn = -1;
    e->group = -1;
    e->half_life = -1;          /* the rule's default, resolved at the end */
    char *t = check_text(L, 1, fn, "event type");
    e->typelen = strlen(t);
    e->type = lower_dup(L, t, e->typelen);
    free(t);
    return e;
}

/* event(type, points [, { reason=, cap=, once=, half_life_days=, decay=, group=, where=, stage= }]) */
static int dsl_event(lua_State *L)
{
    static const char *const known[] = {"reason", "cap", "once", "half_life_days", "decay", "group", "where", "stage", NULL};
    mq_rule *r = builder(L, "event");
    int opts = check_opts(L, 3, "event", known);
    mq_evrule *e = new_event(L, r, "event");
    e->points = check_points(L, 2, "event");
    default_reason(L, e);
    event_options(L, r, e, opts, "event");
    return 0;
}

/* signal(type, reason [, { stage = "SQL", points = 0, ... }]): straight to a stage. */
static int dsl_signal(lua_State *L)
{
    static const char *const known[] = {"points", "stage", "cap", "once", "half_life_days", "decay", "group", "where", NULL};
    mq_rule *r = builder(L, "signal");
    int opts = check_opts(L, 3, "signal", known);
    mq_evrule *e = new_event(L, r, "signal");
    e->reason = check_text(L, 2, "signal", "reason");
    if (opts && lua_getfield(L, opts, "points") != LUA_TNIL) e->points = check_points(L, -1, "signal");
    if (opts) lua_pop(L, 1);
    event_options(L, r, e, opts, "signal");
    if (!e->stage && !(e->stage = strdup("SQL"))) luaL_error(L, "not enough memory");
    e->once = 1;
    return 0;
}

/* thresholds { MQL = 50, SQL = { score = 100, grade = "B" }, below = "IQL" } */
static int dsl_thresholds(lua_State *L)
{
    mq_rule *r = builder(L, "thresholds");
    mq_prog *p = &r->prog;
    luaL_checktype(L, 1, LUA_TTABLE);
    if (p->nths) luaL_error(L, "thresholds: declared twice");
    lua_pushnil(L);
    while (lua_next(L, 1)) {                   /* stack: stage value */
        if (lua_type(L, -2) != LUA_TSTRING) luaL_error(L, "thresholds: keys must be stage names");
        const char *stage = lua_tostring(L, -2);
        if (strcmp(stage, "below") == 0) {
            char *t = check_text(L, -1, "thresholds", "below");
            free(p->below);
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
            t->score = lua_tonumber(L, -1);
        } else if (lua_istable(L, -1)) {
            if (lua_getfield(L, -1, "score") != LUA_TNUMBER)
                luaL_error(L, "thresholds: %s.score expected a number", stage);
            t->score = lua_tonumber(L, -1);
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
    mq_rule *r = builder(L, "decay");
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
    mq_rule *r = builder(L, "grades");
    mq_prog *p = &r->prog;
    luaL_checktype(L, 1, LUA_TTABLE);
    if (p->ngrades) luaL_error(L, "grades: declared twice");
    lua_Integer n = luaL_len(L, 1);
    if (n < 2 || n > 26) luaL_error(L, "grades: expected a list of 2 to 26 grades, best first");
    if (!(p->grades = calloc((size_t)n, sizeof *p->grades))) luaL_error(L, "not enough memory");
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
    mq_rule *r = builder(L, "group");
    int opts = check_opts(L, 2, "group", known);
    char *name = check_text(L, 1, "group", "name");
    int g = group_index(L, r, name, strlen(name));
    free(name);
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
    mq_rule *r = builder(L, "caps");
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

/* ---- test constructors ------------------------------------------------------------ */

static int new_test(lua_State *L, mq_testop op, int negate)
{
    mq_engine *e = engine_of(L);
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, op);
    lua_setfield(L, -2, "op");
    lua_pushboolean(L, negate);
    lua_setfield(L, -2, "negate");
    lua_rawgeti(L, LUA_REGISTRYINDEX, e->test_mt_ref);
    lua_setmetatable(L, -2);
    return lua_gettop(L);
}

static int test_num(lua_State *L, mq_testop op, const char *fn, int nargs)
{
    for (int i = 1; i <= nargs; i++)
        if (lua_type(L, i) != LUA_TNUMBER)
            luaL_error(L, "%s: argument %d expected a number, found %s", fn, i, luaL_typename(L, i));
    if (nargs == 2 && lua_tonumber(L, 1) > lua_tonumber(L, 2))
        luaL_error(L, "%s: the low end is above the high end", fn);
    int t = new_test(L, op, 0);
    lua_pushvalue(L, 1);
    lua_setfield(L, t, "a");
    if (nargs == 2) {
        lua_pushvalue(L, 2);
        lua_setfield(L, t, "b");
    }
    return 1;
}

static int t_at_least(lua_State *L) { return test_num(L, MQT_GE, "at_least", 1); }
static int t_at_most(lua_State *L) { return test_num(L, MQT_LE, "at_most", 1); }
static int t_between(lua_State *L) { return test_num(L, MQT_BETWEEN, "between", 2); }

/* one_of{...}, contains{...}: a list or a single string. */
static int test_list(lua_State *L, mq_testop op, int negate, const char *fn)
{
    if (lua_type(L, 1) == LUA_TSTRING) {
        lua_createtable(L, 1, 0);
        lua_pushvalue(L, 1);
        lua_rawseti(L, -2, 1);
        lua_replace(L, 1);
    }
    if (!lua_istable(L, 1)) luaL_error(L, "%s: expected a list of strings, found %s", fn, luaL_typename(L, 1));
    lua_Integer n = luaL_len(L, 1);
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, 1, i) != LUA_TSTRING)
            luaL_error(L, "%s: item %d expected a string, found %s", fn, (int)i, luaL_typename(L, -1));
        lua_pop(L, 1);
    }
    if (n < 1) luaL_error(L, "%s: the list is empty", fn);
    int t = new_test(L, op, negate);
    lua_pushvalue(L, 1);
    lua_setfield(L, t, "list");
    return 1;
}

static int t_one_of(lua_State *L) { return test_list(L, MQT_ONE_OF, 0, "one_of"); }
static int t_none_of(lua_State *L) { return test_list(L, MQT_ONE_OF, 1, "none_of"); }
static int t_contains(lua_State *L) { return test_list(L, MQT_CONTAINS, 0, "contains"); }
static int t_not_contains(lua_State *L) { return test_list(L, MQT_CONTAINS, 1, "not_contains"); }
static int t_domain_in(lua_State *L) { return test_list(L, MQT_DOMAIN_IN, 0, "domain_in"); }
static int t_present(lua_State *L) { new_test(L, MQT_PRESENT, 0); return 1; }
static int t_missing(lua_State *L) { new_test(L, MQT_MISSING, 0); return 1; }
static int t_free_email(lua_State *L) { new_test(L, MQT_FREE_EMAIL, 0); return 1; }
static int t_is_true(lua_State *L) { new_test(L, MQT_TRUE, 0); return 1; }
static int t_is_false(lua_State *L) { new_test(L, MQT_FALSE, 0); return 1; }

static int t_equals(lua_State *L)
{
    int ty = lua_type(L, 1);
    if (ty == LUA_TNUMBER) return test_num(L, MQT_EQ_NUM, "equals", 1);
    if (ty == LUA_TSTRING) return test_list(L, MQT_EQ_TEXT, 0, "equals");
    return luaL_error(L, "equals: expected a number or a string, found %s", luaL_typename(L, 1));
}

/* free_email(text) is also a plain function for a rule's own logic. */
static int f_is_free_email(lua_State *L)
{
    size_t n;
    const char *s = lua_tolstring(L, 1, &n);
    lua_pushboolean(L, s && lua_type(L, 1) == LUA_TSTRING && mq_is_free_email(s, n));
    return 1;
}

/* ---- building the sandbox --------------------------------------------------------- */

static const luaL_Reg dsl_funcs[] = {
    {"fit", dsl_fit}, {"event", dsl_event}, {"signal", dsl_signal},
    {"thresholds", dsl_thresholds}, {"decay", dsl_decay}, {"grades", dsl_grades},
    {"group", dsl_group}, {"caps", dsl_caps},
    {"at_least", t_at_least}, {"at_most", t_at_most}, {"between", t_between},
    {"equals", t_equals}, {"one_of", t_one_of}, {"none_of", t_none_of},
    {"contains", t_contains}, {"not_contains", t_not_contains}, {"domain_in", t_domain_in},
    {"present", t_present}, {"missing", t_missing}, {"free_email", t_free_email},
    {"is_true", t_is_true}, {"is_false", t_is_false}, {"is_free_email", f_is_free_email},
    {"pcall", sb_pcall}, {"xpcall", sb_xpcall}, {"collectgarbage", sb_collectgarbage},
    {NULL, NULL},
};

static const char *const base_keep[] = {
    "assert", "error", "ipairs", "next", "pairs", "rawequal", "rawget", "rawlen",
    "rawset", "select", "setmetatable", "getmetatable", "tonumber", "tostring",
    "type", "_VERSION", NULL,
};

/* Copies the named fields of the table at src into the table at dst. */
static void copy_fields(lua_State *L, int src, int dst, const char *const *names)
{
    for (int i = 0; names[i]; i++) {
        lua_getfield(L, src, names[i]);
        lua_setfield(L, dst, names[i]);
    }
}

/* Runs in protected mode: opens the allowed libraries and builds the template
** of globals that each rule's environment is copied from. */
static int setup(lua_State *L)
{
    mq_engine *e = engine_of(L);
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base}, {LUA_STRLIBNAME, luaopen_string}, {LUA_TABLIBNAME, luaopen_table},
        {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_OSLIBNAME, luaopen_os},
        {NULL, NULL},
    };
    for (const luaL_Reg *l = libs; l->name; l++) {
        luaL_requiref(L, l->name, l->func, 0);
        lua_pop(L, 1);
    }
    mq_guard_install(L);
    lua_pushglobaltable(L);
    int g = lua_gettop(L);

    lua_newtable(L);                           /* the template */
    int t = lua_gettop(L);
    copy_fields(L, g, t, base_keep);
    luaL_setfuncs(L, dsl_funcs, 0);
    static const char *const libnames[] = {"string", "table", "math", "utf8", NULL};
    for (int i = 0; libnames[i]; i++) {
        luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
        lua_getfield(L, -1, libnames[i]);
        lua_setfield(L, t, libnames[i]);
        lua_pop(L, 1);
    }
    lua_getfield(L, t, "string");
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");               /* bytecode out is no use without bytecode in */
    lua_pop(L, 1);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_getfield(L, -1, "os");
    lua_createtable(L, 0, 3);
    static const char *const os_keep[] = {"time", "date", "difftime", NULL};
    copy_fields(L, lua_gettop(L) - 1, lua_gettop(L), os_keep);
    lua_setfield(L, t, "os");
    lua_pop(L, 2);

    /* The real globals are emptied too: nothing unsafe stays reachable. */
    lua_pushnil(L);
    while (lua_next(L, g)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_pushnil(L);
        lua_rawset(L, g);
    }
    lua_pushvalue(L, t);
    e->template_ref = luaL_ref(L, LUA_REGISTRYINDEX);

    /* Strings keep their methods, but nobody may reach or change that table. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    lua_newtable(L);                           /* metatable of test objects */
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    e->test_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);

    lua_newuserdatauv(L, 0, 0);                /* the lead proxy */
    lua_createtable(L, 0, 3);
    lua_pushcfunction(L, proxy_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, proxy_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    e->proxy_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_settop(L, 0);
    return 0;
}

/* Pushes a fresh environment for one rule: copies of the template's values,
** with library tables copied one level deep. */
static void push_env(lua_State *L, mq_engine *e)
{
    lua_newtable(L);
    int env = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, e->template_ref);
    lua_pushnil(L);
    while (lua_next(L, -2)) {                  /* stack: env tmpl key value */
        if (lua_istable(L, -1)) {
            lua_newtable(L);
            lua_pushnil(L);
            while (lua_next(L, -3)) {          /* stack: ... value copy k v */
                lua_pushvalue(L, -2);
                lua_insert(L, -2);
                lua_rawset(L, -4);
            }
            lua_replace(L, -2);
        }
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, env);
    }
    lua_pop(L, 1);                             /* stack: env */
    lua_pushvalue(L, env);
    lua_setfield(L, env, "_G");
    lua_pushvalue(L, env);
    lua_pushcclosure(L, sb_load, 1);
    lua_setfield(L, env, "load");
}

/* ---- engine and rules ------------------------------------------------------------- */

mq_engine *mq_engine_new(void)
{
    mq_engine *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->refs = 1;
    e->limit = MQ_DEFAULT_MEMORY_LIMIT;
    e->ilimit = MQ_DEFAULT_INSTRUCTION_LIMIT;
    if (!(e->L = lua_newstate(budget_alloc, e))) { free(e); return NULL; }
    *(mq_engine **)lua_getextraspace(e->L) = e;
    lua_pushcfunction(e->L, setup);
    if (lua_pcall(e->L, 0, 0, 0) != LUA_OK) {
        lua_close(e->L);
        free(e);
        return NULL;
    }
    return e;
}

static void engine_unref(mq_engine *e)
{
    if (--e->refs > 0) return;
    lua_close(e->L);
    free(e->rules);
    free(e);
}

void mq_engine_release(mq_engine *e)
{
    if (!e) return;
    /* The cache's references would keep the engine alive forever: drop them. */
    mq_rule **rules = e->rules;
    int n = e->nrules;
    e->rules = NULL;
    e->nrules = 0;
    e->refs++;
    for (int i = 0; i < n; i++) mq_rule_release(rules[i]);
    free(rules);
    e->refs--;
    engine_unref(e);
}

size_t mq_engine_memory_limit(const mq_engine *e) { return e->limit; }
size_t mq_engine_memory_used(const mq_engine *e) { return e->used; }
long long mq_engine_instruction_limit(const mq_engine *e) { return e->ilimit; }
unsigned mq_engine_compiles(const mq_engine *e) { return e->compiles; }

int mq_engine_set_memory_limit(mq_engine *e, size_t bytes)
{
    if (bytes < MQ_MIN_MEMORY_LIMIT || bytes > MQ_MAX_MEMORY_LIMIT) return -1;
    e->limit = bytes;
    return 0;
}

int mq_engine_set_instruction_limit(mq_engine *e, long long n)
{
    if (n < MQ_MIN_INSTRUCTION_LIMIT || n > MQ_MAX_INSTRUCTION_LIMIT) return -1;
    e->ilimit = n;
    return 0;
}

const char *mq_lua_release(void) { return LUA_RELEASE; }

void mq_rule_retain(mq_rule *r) { r->refs++; }
const mq_prog *mq_rule_prog(const mq_rule *r) { return &r->prog; }
const char *mq_rule_name(const mq_rule *r) { return r->name; }

int mq_rule_same_source(const mq_rule *r, const char *src, size_t n)
{
    return r->n == n && memcmp(r->src, src, n) == 0;
}

void mq_rule_release(mq_rule *r)
{
    if (!r || --r->refs > 0) return;
    mq_engine *e = r->e;
    for (int i = 0; i < r->nfns; i++) luaL_unref(e->L, LUA_REGISTRYINDEX, r->fnrefs[i]);
    free(r->fnrefs);
    if (r->grade_names)
        for (int i = 0; i < r->prog.nths; i++) free(r->grade_names[i]);
    free(r->grade_names);
    mq_prog_free(&r->prog);
    free(r->name);
    free(r->src);
    free(r);
    engine_unref(e);
}

/* The program's hook into Lua: runs the rule's function number fn on src. */
static int rule_call(void *ud, int fn, const mq_source *src, int *applies, double *points,
                     int *has_points, char **err)
{
    mq_rule *r = ud;
    mq_engine *e = r->e;
    lua_State *L = e->L;
    int top = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->fnrefs[fn]);
    lua_rawgeti(L, LUA_REGISTRYINDEX, e->proxy_ref);   /* stack: f proxy */
    const mq_source *saved = e->cur;
    e->cur = src;
    int rc = protected_call(e, r->name, 1, 1, err);
    e->cur = saved;
    if (rc != 0) { lua_settop(L, top); return -1; }    /* stack: result */
    *has_points = 0;
    switch (lua_type(L, -1)) {
    case LUA_TNIL: *applies = 0; break;
    case LUA_TBOOLEAN: *applies = lua_toboolean(L, -1); break;
    case LUA_TNUMBER:
        *applies = 1;
        *has_points = 1;
        *points = lua_tonumber(L, -1);
        if (!isfinite(*points) || fabs(*points) > 1e9) {   /* the bound of declared points */
            *err = format("rule '%s': a condition function returned %s points (at most 1e9 either way)", r->name,
                          lua_tostring(L, -1));
            lua_settop(L, top);
            return -1;
        }
        break;
    default:
        *err = format("rule '%s': a condition function returned a %s; expected true, false, nil or a number of points",
                      r->name, luaL_typename(L, -1));
        lua_settop(L, top);
        return -1;
    }
    lua_settop(L, top);
    return 0;
}

/* After the chunk ran: grade names in thresholds, then the program's defaults. */
static char *finish(mq_rule *r)
{
    mq_prog *p = &r->prog;
    const char *msg = NULL;
    for (int i = 0; i < p->nths && r->grade_names; i++) {
        if (!r->grade_names[i]) continue;
        if (mq_prog_default_grades(p) != 0) return format("rule '%s': out of memory", r->name);
        int g = mq_prog_grade_index(p, r->grade_names[i], strlen(r->grade_names[i]));
        if (g < 0) return format("rule '%s': threshold %s names grade '%s', which is not in the grade scale",
                                 r->name, p->ths[i].stage, r->grade_names[i]);
        p->ths[i].min_grade = g;
    }
    for (int i = 0; i < p->nevs; i++)
        if (p->evs[i].half_life < 0) p->evs[i].half_life = p->default_half_life;
    if (mq_prog_finish(p, &msg) != 0) return format("rule '%s': %s", r->name, msg);
    return NULL;
}

static int valid_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 64) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i])) return 0;
    return 1;
}

static mq_rule *compile(mq_engine *e, const char *name, const char *src, size_t n, char **err)
{
    lua_State *L = e->L;
    mq_rule *r = calloc(1, sizeof *r);
    if (!r) { *err = NULL; return NULL; }
    r->refs = 1;
    r->e = e;
    e->refs++;
    mq_prog_init(&r->prog);
    r->prog.call = rule_call;
    r->prog.call_ud = r;
    r->name = strdup(name);
    r->src = malloc(n ? n : 1);
    if (!r->name || !r->src) { *err = NULL; goto fail; }
    memcpy(r->src, src, n);
    r->n = n;
    e->compiles++;

    char chunkname[80];
    snprintf(chunkname, sizeof chunkname, "=%s", name);
    int top = lua_gettop(L);
    e->memerr = 0;
    int status = luaL_loadbufferx(L, src, n, chunkname, "t");
    if (status != LUA_OK) {                    /* stack: message */
        *err = rule_error(e, name, status, lua_tostring(L, -1));
        lua_settop(L, top);
        goto fail;
    }
    push_env(L, e);                            /* stack: chunk env */
    lua_setupvalue(L, -2, 1);                  /* stack: chunk */
    e->building = r;
    int rc = protected_call(e, name, 0, 0, err);
    e->building = NULL;
    lua_settop(L, top);
    if (rc != 0) goto fail;
    if ((*err = finish(r)) != NULL) goto fail;
    return r;
fail:
    mq_rule_release(r);
    return NULL;
}

mq_rule *mq_engine_cached(mq_engine *e, const char *name)
{
    for (int i = 0; i < e->nrules; i++)
        if (strcmp(e->rules[i]->name, name) == 0) {
            mq_rule_retain(e->rules[i]);
            return e->rules[i];
        }
    return NULL;
}

mq_rule *mq_engine_rule(mq_engine *e, const char *name, const char *src, size_t n, char **err)
{
    *err = NULL;
    if (!valid_name(name)) {
        *err = format("rule name '%.64s' must be 1 to 64 letters, digits, '_', '.' or '-'", name);
        return NULL;
    }
    int slot = -1;
    for (int i = 0; i < e->nrules; i++) {
        if (strcmp(e->rules[i]->name, name) != 0) continue;
        if (mq_rule_same_source(e->rules[i], src, n)) {
            mq_rule_retain(e->rules[i]);
            return e->rules[i];
        }
        slot = i;
    }
    mq_rule *r = compile(e, name, src, n, err);
    if (!r) return NULL;
    if (slot < 0) {
        mq_rule **rs = realloc(e->rules, (size_t)(e->nrules + 1) * sizeof *rs);
        if (!rs) return r;                     /* usable, just not cached */
        e->rules = rs;
        slot = e->nrules++;
    } else {
        mq_rule_release(e->rules[slot]);
    }
    e->rules[slot] = r;
    mq_rule_retain(r);                         /* the cache's reference */
    return r;
}
