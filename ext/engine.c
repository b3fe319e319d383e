/*
** engine.c — the rule engine of luarule.h: one sandbox per connection
** (sandbox.c), the rule language in it (ruledsl.c), compiling a rule's
** source into a program, a bounded cache of compiled rules, and the calls
** from a program into the rule's own Lua functions.
**
** The cache keeps at most MQ_RULE_CACHE rules, keyed by name and a hash of
** the source (an edited rule is compiled again, the old program dropped);
** past the bound the least recently used rule goes. Every compiled program
** lives in the sandbox's memory, so without a bound a database of many
** rules, or one rule rewritten in a loop, would fill the cap (or, before the
** programs came through the Lua allocator, memory outside it).
**
** A compile has one budget, shared by the parser (charged by source size)
** and the chunk's run; scoring a lead has one budget, shared by all of the
** lead's calls (ruleprog.h's mq_budget).
*/
#include "luarule.h"
#include "luaconv.h"
#include "ruledsl.h"
#include "sandbox.h"
#include "utf8text.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MQ_RULE_CACHE 64

struct mq_rule {
    int refs;
    mq_engine *e;
    char *name;
    char *src;
    size_t n;
    uint64_t hash;
    unsigned long long used_at;        /* for the cache's least-recently-used order */
    mq_build b;
};

struct mq_engine {
    mq_sandbox sb;                     /* first: the state's extra space points here */
    int refs;
    unsigned compiles;
    mq_rule **rules;                   /* the cache */
    int nrules;
    unsigned long long clock;
    mq_dsl dsl;
    const mq_source *cur;              /* what the lead proxy reads during a call */
    int proxy_ref;
};

/* ---- a build's life ----------------------------------------------------------------- */

/* Frees what b holds (a second call does nothing). */
static void build_free(lua_State *L, mq_build *b)
{
    mq_prog *p = &b->prog;
    for (int i = 0; i < b->nfns; i++) luaL_unref(L, LUA_REGISTRYINDEX, b->fnrefs[i]);
    if (b->fnrefs) mq_prog_mem(p, b->fnrefs, 0);
    b->fnrefs = NULL;
    b->nfns = 0;
    if (b->grade_names) {
        for (int i = 0; i < p->nths; i++)
            if (b->grade_names[i]) mq_prog_mem(p, b->grade_names[i], 0);
        mq_prog_mem(p, b->grade_names, 0);
    }
    b->grade_names = NULL;
    mq_prog_free(p);
}

static int box_gc(lua_State *L)
{
    build_free(L, lua_touserdata(L, 1));
    return 0;
}

/* Pushes a new, empty build: a userdata whose __gc frees what the build
** holds, so a chunk that fails anywhere leaves nothing behind once the
** collector runs (the sandbox collects after every failed call). Its
** memory comes from L's allocator, as lauxlib.c's buffers' does. */
static mq_build *build_new(lua_State *L)
{
    mq_build *b = lua_newuserdatauv(L, sizeof *b, 0);
    memset(b, 0, sizeof *b);
    mq_prog_init(&b->prog);
    b->prog.alloc = lua_getallocf(L, &b->prog.alloc_ud);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);                   /* stack: box */
    return b;
}

/* The chunk succeeded: moves the build out of its box into dst. */
static void build_take(mq_build *box, mq_build *dst)
{
    *dst = *box;
    memset(box, 0, sizeof *box);               /* its __gc now frees nothing */
}

/* After the chunk ran: grade names in thresholds, then the program's
** defaults. 0, or -1 with err ("rule 'NAME': ..."). */
static int build_finish(mq_build *b, const char *rule, mq_err *err)
{
    mq_prog *p = &b->prog;
    for (int i = 0; i < p->nths && b->grade_names; i++) {
        if (!b->grade_names[i]) continue;
        if (mq_prog_default_grades(p) != 0) return mq_err_nomem(err);
        int g = mq_prog_grade_index(p, b->grade_names[i], strlen(b->grade_names[i]));
        if (g < 0) return mq_err_set(err, "rule '%s': threshold %s names grade '%s', which is not in the grade scale",
                                     rule, p->ths[i].stage, b->grade_names[i]);
        p->ths[i].min_grade = g;
    }
    for (int i = 0; i < p->nevs; i++)
        if (p->evs[i].half_life < 0) p->evs[i].half_life = p->default_half_life;
    if (mq_prog_finish(p) != 0) return mq_err_nomem(err);
    return 0;
}

/* ---- engine ------------------------------------------------------------------------ */

/* The sandbox's `add`: the rule language and the lead proxy. */
static void add_language(lua_State *L, int tmpl, void *ud)
{
    mq_engine *e = ud;
    mq_dsl_add(L, tmpl, &e->dsl);
    mq_conv_push_proxy(L, &e->cur);
    e->proxy_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

mq_engine *mq_engine_new(void)
{
    mq_engine *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->refs = 1;
    e->sb.limit = MQ_DEFAULT_MEMORY_LIMIT;
    e->sb.ilimit = MQ_DEFAULT_INSTRUCTION_LIMIT;
    if (mq_sb_open(&e->sb, add_language, e) != 0) {
        free(e);
        return NULL;
    }
    return e;
}

static void engine_unref(mq_engine *e)
{
    if (--e->refs > 0) return;
    mq_sb_close(&e->sb);
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

size_t mq_engine_memory_limit(const mq_engine *e) { return e->sb.limit; }
size_t mq_engine_memory_used(const mq_engine *e) { return e->sb.used; }
long long mq_engine_instruction_limit(const mq_engine *e) { return e->sb.ilimit; }
unsigned mq_engine_compiles(const mq_engine *e) { return e->compiles; }

int mq_engine_set_memory_limit(mq_engine *e, size_t bytes)
{
    if (bytes < MQ_MIN_MEMORY_LIMIT || bytes > MQ_MAX_MEMORY_LIMIT) return -1;
    e->sb.limit = bytes;
    return 0;
}

int mq_engine_set_instruction_limit(mq_engine *e, long long n)
{
    if (n < MQ_MIN_INSTRUCTION_LIMIT || n > MQ_MAX_INSTRUCTION_LIMIT) return -1;
    e->sb.ilimit = n;
    return 0;
}

void mq_engine_set_stop(mq_engine *e, int (*stop)(void *data), void *data)
{
    e->sb.stop = stop;
    e->sb.stop_data = data;
}

const char *mq_lua_release(void) { return LUA_RELEASE; }

/* ---- rules ------------------------------------------------------------------------- */

void mq_rule_retain(mq_rule *r) { r->refs++; }
const mq_prog *mq_rule_prog(const mq_rule *r) { return &r->b.prog; }
const char *mq_rule_name(const mq_rule *r) { return r->name; }

int mq_rule_same_source(const mq_rule *r, const char *src, size_t n)
{
    return r->n == n && memcmp(r->src, src, n) == 0;
}

void mq_rule_release(mq_rule *r)
{
    if (!r || --r->refs > 0) return;
    mq_engine *e = r->e;
    build_free(e->sb.L, &r->b);
    free(r->name);
    free(r->src);
    free(r);
    engine_unref(e);
}

/* The program's hook into Lua: runs the rule's function number fn on src,
** charged to the lead's budget b. */
static int rule_call(void *ud, int fn, const mq_source *src, mq_budget *b, int *applies, double *points,
                     int *has_points, mq_err *err)
{
    mq_rule *r = ud;
    mq_engine *e = r->e;
    lua_State *L = e->sb.L;
    int top = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->b.fnrefs[fn]);
    lua_rawgeti(L, LUA_REGISTRYINDEX, e->proxy_ref);   /* stack: f proxy */
    const mq_source *saved = e->cur;
    e->cur = src;
    int rc = mq_sb_call(&e->sb, b, r->name, 1, 1, err);
    e->cur = saved;
    if (rc == 0) rc = mq_conv_result(L, -1, r->name, applies, points, has_points, err);   /* stack: result */
    lua_settop(L, top);
    return rc;
}

/* Runs in the sandbox: the loaded chunk (argument 1) in a fresh environment,
** declaring into a build that a userdata owns until the chunk has returned. */
static int run_chunk(lua_State *L)
{
    mq_engine *e = (mq_engine *)mq_sb_of(L);
    mq_build *out = lua_touserdata(L, 2);
    lua_settop(L, 1);
    mq_build *box = build_new(L);           /* stack: chunk box */
    mq_sb_push_env(&e->sb);                    /* stack: chunk box env */
    lua_setupvalue(L, 1, 1);                   /* stack: chunk box */
    lua_pushvalue(L, 1);
    e->dsl.building = box;
    lua_call(L, 0, 0);                         /* on error, the box is garbage: its __gc frees the build */
    e->dsl.building = NULL;
    build_take(box, out);
    return 0;
}

static int valid_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 64) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i])) return 0;
    return 1;
}

static uint64_t source_hash(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ull;     /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static mq_rule *compile(mq_engine *e, const char *name, const char *src, size_t n, uint64_t hash, mq_err *err)
{
    lua_State *L = e->sb.L;
    mq_rule *r = calloc(1, sizeof *r);
    if (!r) { mq_err_nomem(err); return NULL; }
    r->refs = 1;
    r->e = e;
    e->refs++;
    mq_prog_init(&r->b.prog);
    r->name = strdup(name);
    r->src = malloc(n ? n : 1);
    if (!r->name || !r->src) { mq_err_nomem(err); goto fail; }
    memcpy(r->src, src, n);
    r->n = n;
    r->hash = hash;
    e->compiles++;

    int top = lua_gettop(L);
    mq_budget budget;                          /* one for the whole compile */
    mq_budget_init(&budget);
    if (mq_sb_load(&e->sb, &budget, name, src, n, err) != LUA_OK) goto fail;   /* stack: chunk */
    lua_pushcfunction(L, run_chunk);
    lua_insert(L, -2);
    lua_pushlightuserdata(L, &r->b);           /* stack: run_chunk chunk out */
    int rc = mq_sb_call(&e->sb, &budget, name, 2, 0, err);
    e->dsl.building = NULL;
    lua_settop(L, top);
    if (rc != 0) goto fail;
    r->b.prog.call = rule_call;
    r->b.prog.call_ud = r;
    if (build_finish(&r->b, name, err) != 0) goto fail;
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

mq_rule *mq_engine_rule(mq_engine *e, const char *name, const char *src, size_t n, mq_err *err)
{
    if (!valid_name(name)) {
        char shown[MQ_EXCERPT_SIZE];
        mq_err_set(err, "rule name '%s' must be 1 to 64 letters, digits, '_', '.' or '-'",
                   mq_utf8_excerpt_str(shown, sizeof shown, name));
        return NULL;
    }
    uint64_t hash = source_hash(src, n);
    int slot = -1;
    for (int i = 0; i < e->nrules; i++) {
        mq_rule *c = e->rules[i];
        if (strcmp(c->name, name) != 0) continue;
        if (c->hash == hash && mq_rule_same_source(c, src, n)) {
            c->used_at = ++e->clock;
            mq_rule_retain(c);
            return c;
        }
        slot = i;                              /* the same name, an older source */
    }
    mq_rule *r = compile(e, name, src, n, hash, err);
    if (!r) return NULL;
    r->used_at = ++e->clock;
    if (slot < 0 && e->nrules >= MQ_RULE_CACHE) {
        slot = 0;                              /* full: the least recently used goes */
        for (int i = 1; i < e->nrules; i++)
            if (e->rules[i]->used_at < e->rules[slot]->used_at) slot = i;
    }
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
