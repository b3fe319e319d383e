/*
** sandbox.c — the Lua 5.4 sandbox of the rule engine (see sandbox.h for what
** it charges, and why).
**
** One lua_State per connection:
**   - only base (without dofile, loadfile, print, require), string (without
**     dump), table, math, utf8 and os.time/os.date/os.difftime;
**   - each rule gets its own environment with its own copies of the library
**     tables, so a rule that redefines a global or string.format changes only
**     itself; the string metatable is locked;
**   - load() takes text only (mode "t"), never bytecode, and is charged by size;
**   - an allocator refuses growth past the memory cap (never a free) and
**     strings longer than MQ_MAX_STRING, and charges what it hands out;
**   - a count hook enforces the instruction budget of the running lead, counts
**     the wall time spent in Lua, and every STOP_PROBE seconds asks the host
**     whether to stop (sqlite3_interrupt, a progress handler, Ctrl-C);
**   - once the budget fires, the host says stop, or memory runs out,
**     pcall/xpcall inside the rule cannot swallow the error, and xpcall's
**     message handler is not run at all (Lua runs a handler inside the hook
**     that raised the error, where hooks are off: nothing would stop it);
**   - every error is caught by lua_pcall with a message handler that never
**     runs the error object's metamethods, and is reported with rule and line.
**
** Stack discipline: every function that is called from C here leaves the Lua
** stack as it found it; the comments mark where it changes shape.
*/
#include "sandbox.h"

#include <ctype.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOOK_STEP 1000          /* instructions between two budget checks */
#define ALLOC_BYTES 64.0        /* bytes allocated that cost one instruction */
#define STOP_PROBE 0.010        /* seconds of Lua between two questions to the host */
#define STRING_HEADER 25        /* a Lua 5.4 string's size beyond its bytes: sizeof(TString) + 1 (64-bit) */

/* ---- memory cap and instruction budget ------------------------------------------ */

static void *budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    mq_sandbox *sb = ud;
    int tag = ptr ? -1 : (int)osize;
    if (!ptr) osize = 0;        /* for a new block, osize tells its type */
    if (nsize == 0) {
        free(ptr);
        sb->used -= osize;
        return NULL;
    }
    if (nsize > osize && sb->used - osize + nsize > sb->limit)
        return NULL;            /* Lua collects garbage and tries once more */
    if (tag == LUA_TSTRING && nsize > MQ_MAX_STRING + STRING_HEADER) {
        sb->strerr = 1;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (!p) return nsize <= osize ? ptr : NULL;   /* Lua assumes a shrink never fails */
    sb->used = sb->used - osize + nsize;
    if (nsize > osize && sb->cur) sb->cur->left -= (long long)((double)(nsize - osize) / ALLOC_BYTES);
    return p;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Raises "SRC:LINE: what" at the rule's current line (the loop to look at). */
static void raise_here(lua_State *L, lua_Debug *ar, const char *what)
{
    if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
        lua_pushfstring(L, "%s:%d: %s", ar->short_src, ar->currentline, what);
    else
        lua_pushstring(L, what);
    lua_error(L);
}

static void budget_hook(lua_State *L, lua_Debug *ar)
{
    mq_sandbox *sb = mq_sb_of(L);
    mq_budget *b = sb->cur;
    b->left -= sb->step;
    double t = now_seconds();
    if (sb->hook_seq == sb->call_seq) b->lua_ns += (t - sb->hook_last) * 1e9;
    sb->hook_seq = sb->call_seq;
    sb->hook_last = t;
    if (sb->stop && t - sb->last_probe >= STOP_PROBE) {
        sb->last_probe = t;
        if (sb->stop(sb->stop_data)) {
            sb->blown = sb->stopped = 1;
            raise_here(L, ar, "interrupted");
        }
    }
    if (b->left > 0 && b->lua_ns <= (double)sb->ilimit * sb->ns_per_instruction) return;
    sb->blown = 1;
    char what[64];
    snprintf(what, sizeof what, "instruction budget of %lld exceeded", sb->ilimit);
    raise_here(L, ar, what);
}

/* Makes b the budget being charged, filling it when it is new. The hook is
** armed once per budget, not per call: its count carries over from one call
** of a lead to the next, so many short calls add up. */
static void use_budget(mq_sandbox *sb, mq_budget *b)
{
    sb->cur = b;
    if (b->started) return;
    b->started = 1;
    b->left = sb->ilimit;
    b->lua_ns = 0;
    sb->step = sb->ilimit < HOOK_STEP ? (int)sb->ilimit : HOOK_STEP;
#ifndef MQLITE_NO_BUDGET_HOOK   /* only `make bench` builds without it, to measure what it costs */
    lua_sethook(sb->L, budget_hook, LUA_MASKCOUNT, sb->step);
#else
    (void)budget_hook;
#endif
}

int mq_sb_prepay(mq_sandbox *sb, mq_budget *b, double n)
{
    use_budget(sb, b);
    sb->cur = &sb->idle;
    if (n > (double)b->left) return -1;
    b->left -= (long long)n;
    return 0;
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

/* "b2b:12: attempt to ..." becomes "rule 'b2b' line 12: attempt to ...". */
static void rule_error(mq_sandbox *sb, const char *rule, int status, const char *msg, mq_err *err)
{
    if (sb->strerr) {
        mq_err_set(err, "rule '%s': a string longer than %zu bytes cannot be made or read in a rule", rule,
                   (size_t)MQ_MAX_STRING);
        return;
    }
    if (status == LUA_ERRMEM || sb->memerr) {
        mq_err_set(err, "rule '%s': out of memory (the limit is %zu bytes; see mqlite_limit('memory'))", rule,
                   sb->limit);
        return;
    }
    if (!msg) msg = "unknown error";
    size_t rn = strlen(rule);
    if (strncmp(msg, rule, rn) == 0 && msg[rn] == ':' && isdigit((unsigned char)msg[rn + 1])) {
        char *end;
        long line = strtol(msg + rn + 1, &end, 10);
        if (*end == ':') {
            end++;
            while (*end == ' ') end++;
            mq_err_set(err, "rule '%s' line %ld: %s", rule, line, end);
            return;
        }
    }
    mq_err_set(err, "rule '%s': %s", rule, msg);
}

int mq_sb_call(mq_sandbox *sb, mq_budget *b, const char *rule, int nargs, int nres, mq_err *err)
{
    lua_State *L = sb->L;
    int base = lua_gettop(L) - nargs;          /* index of the function */
    lua_pushcfunction(L, msgh);
    lua_insert(L, base);                       /* stack: msgh f args */
    sb->blown = sb->stopped = sb->memerr = sb->strerr = 0;
    sb->call_seq++;
    use_budget(sb, b);
    int status = lua_pcall(L, nargs, nres, base);
    sb->cur = &sb->idle;
    lua_remove(L, base);                       /* stack: results | message */
    if (status != LUA_OK) {
        rule_error(sb, rule, status, lua_tostring(L, -1), err);
        err->interrupted = sb->stopped;
        lua_pop(L, 1);
        /* A failed call often leaves a heap of garbage (a memory bomb's): give
        ** the memory back now so the next call starts with the whole cap. */
        lua_gc(L, LUA_GCCOLLECT);
        return -1;
    }
    return 0;
}

int mq_sb_load(mq_sandbox *sb, mq_budget *b, const char *rule, const char *src, size_t n, mq_err *err)
{
    if (n > MQ_MAX_SOURCE) {
        mq_err_set(err, "rule '%s': the source is %zu bytes, more than the %zu a rule may have", rule, n,
                   (size_t)MQ_MAX_SOURCE);
        return LUA_ERRSYNTAX;
    }
    if (mq_sb_prepay(sb, b, mq_parse_cost(n)) != 0) {
        mq_err_set(err, "rule '%s': compiling %zu bytes of source would exceed the instruction budget of %lld "
                        "(see mqlite_limit('instructions'))", rule, n, sb->ilimit);
        return LUA_ERRSYNTAX;
    }
    char chunkname[80];
    snprintf(chunkname, sizeof chunkname, "=%s", rule);
    sb->memerr = sb->strerr = 0;
    int status = luaL_loadbufferx(sb->L, src, n, chunkname, "t");
    if (status != LUA_OK) {                    /* stack: message */
        rule_error(sb, rule, status, lua_tostring(sb->L, -1), err);
        lua_pop(sb->L, 1);
    }
    return status;
}

int mq_sb_nomem(lua_State *L)
{
    mq_sb_of(L)->memerr = 1;
    return luaL_error(L, "not enough memory");
}

/* ---- the sandbox's replacements for base functions -------------------------------- */

/* After pcall returns with an error: rethrow what the rule must not swallow. */
static int pcall_result(lua_State *L, int status, int base)
{
    mq_sandbox *sb = mq_sb_of(L);
    if (status != LUA_OK) {
        if (status == LUA_ERRMEM) sb->memerr = 1;
        if (sb->blown || sb->memerr || sb->strerr) return lua_error(L);
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

/* xpcall's handler, wrapped: the rule's handler (upvalue 1) runs only for an
** error the rule may catch. When the budget fired or the host said stop, the
** error came from the hook, where Lua has turned hooks off: the handler would
** run unbudgeted (xpcall(error, function() while true do end end) never
** ended). Its result would be thrown away anyway, so it is not called. */
static int handler_wrap(lua_State *L)
{
    mq_sandbox *sb = mq_sb_of(L);
    if (sb->blown || sb->memerr || sb->strerr) return 1;   /* the message as it is */
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);                          /* stack: handler msg */
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int sb_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, handler_wrap, 1);
    lua_replace(L, 2);                         /* stack: f wrapped args */
    lua_pushvalue(L, 1);
    lua_copy(L, 2, 1);
    lua_replace(L, 2);                         /* stack: wrapped f args */
    int status = lua_pcall(L, n - 2, LUA_MULTRET, 1);
    return pcall_result(L, status, 2);
}

/* load(chunk [, name [, mode [, env]]]): text only, charged by size; env
** defaults to the rule's. */
static int sb_load(lua_State *L)
{
    size_t n;
    const char *s = lua_tolstring(L, 1, &n);
    if (!s) return luaL_error(L, "load: only a string chunk is allowed in a rule");
    const char *name = luaL_optstring(L, 2, "=(load)");
    const char *mode = luaL_optstring(L, 3, "t");
    if (!strchr(mode, 't')) return luaL_error(L, "load: binary chunks are not allowed in a rule");
    if (n > MQ_MAX_SOURCE) return luaL_error(L, "load: the chunk is %d bytes, more than the %d allowed", (int)n,
                                             (int)MQ_MAX_SOURCE);
    mq_guard_charge(L, mq_parse_cost(n), "load", "the chunk is too long to compile");
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

/* ---- building the sandbox --------------------------------------------------------- */

static const char *const base_keep[] = {
    "assert", "error", "ipairs", "next", "pairs", "rawequal", "rawget", "rawlen",
    "rawset", "select", "setmetatable", "getmetatable", "tonumber", "tostring",
    "type", "_VERSION", NULL,
};

static const luaL_Reg sb_funcs[] = {
    {"pcall", sb_pcall}, {"xpcall", sb_xpcall}, {"collectgarbage", sb_collectgarbage},
    {NULL, NULL},
};

/* Copies the named fields of the table at src into the table at dst. */
static void copy_fields(lua_State *L, int src, int dst, const char *const *names)
{
    for (int i = 0; names[i]; i++) {
        lua_getfield(L, src, names[i]);
        lua_setfield(L, dst, names[i]);
    }
}

typedef struct { void (*add)(lua_State *, int, void *); void *ud; } setup_args;

/* Runs in protected mode: opens the allowed libraries and builds the template
** of globals that each rule's environment is copied from. */
static int setup(lua_State *L)
{
    mq_sandbox *sb = mq_sb_of(L);
    setup_args *a = lua_touserdata(L, 1);
    lua_settop(L, 0);
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
    luaL_setfuncs(L, sb_funcs, 0);
    a->add(L, t, a->ud);
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
    sb->template_ref = luaL_ref(L, LUA_REGISTRYINDEX);

    /* Strings keep their methods, but nobody may reach or change that table. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    lua_settop(L, 0);
    return 0;
}

/* ---- how long ordinary Lua takes here ------------------------------------------------ */

#define CALIBRATION_FACTOR 50.0
#define CALIBRATION_LOOPS 20000
#define CALIBRATION_INSTRUCTIONS 7.0   /* per iteration of the loop below */

/* Nanoseconds per instruction, times 1000, of the first measurement in this
** process (0: not measured yet). Atomic: connections open in many threads. */
static _Atomic long long calibrated;

/* Times CALIBRATION_LOOPS iterations of table-allocating Lua, without the
** hook. Returns nanoseconds per instruction, or 0 when it could not run. */
static double calibrate(lua_State *L)
{
    static const char code[] = "local t = {} for i = 1, " "20000" " do t[(i & 63) + 1] = { i } end";
    if (luaL_loadstring(L, code) != LUA_OK) { lua_pop(L, 1); return 0; }
    double t0 = now_seconds();
    int status = lua_pcall(L, 0, 0, 0);
    double t = now_seconds() - t0;
    if (status != LUA_OK) { lua_pop(L, 1); return 0; }
    lua_gc(L, LUA_GCCOLLECT);
    return t * 1e9 / (CALIBRATION_LOOPS * CALIBRATION_INSTRUCTIONS);
}

static void set_time_scale(mq_sandbox *sb)
{
    long long c = atomic_load(&calibrated);
    if (c == 0) {
        c = (long long)(calibrate(sb->L) * 1000) + 1;
        atomic_store(&calibrated, c);
    }
    double ns = (double)c / 1000 * CALIBRATION_FACTOR;
    sb->ns_per_instruction = ns > MQ_NS_PER_INSTRUCTION ? ns : MQ_NS_PER_INSTRUCTION;
}

int mq_sb_open(mq_sandbox *sb, void (*add)(lua_State *L, int tmpl, void *ud), void *ud)
{
    sb->cur = &sb->idle;
    if (!(sb->L = lua_newstate(budget_alloc, sb))) return -1;
    *(mq_sandbox **)lua_getextraspace(sb->L) = sb;
    setup_args a = {add, ud};
    lua_pushcfunction(sb->L, setup);
    lua_pushlightuserdata(sb->L, &a);
    if (lua_pcall(sb->L, 1, 0, 0) != LUA_OK) {
        lua_close(sb->L);
        sb->L = NULL;
        return -1;
    }
    set_time_scale(sb);
    return 0;
}

void mq_sb_close(mq_sandbox *sb)
{
    if (sb->L) lua_close(sb->L);
    sb->L = NULL;
}

/* Pushes a fresh environment for one rule: copies of the template's values,
** with library tables copied one level deep. */
void mq_sb_push_env(mq_sandbox *sb)
{
    lua_State *L = sb->L;
    lua_newtable(L);
    int env = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->template_ref);
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
