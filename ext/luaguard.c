/*
** luaguard.c — guards on the library functions whose C loops the instruction
** budget cannot see, and the charge they make to the running lead's budget.
** Part of the sandbox (sandbox.h); depends on nothing else of the engine.
**
** The count hook fires between Lua instructions, never inside a C function,
** so a rule could spin inside the C code of string.find (a pattern such as
** "a?a?a?...aaa" backtracks exponentially), string.rep("", 2^62), table.move,
** table.insert over a fake __len, table.concat or table.unpack over a huge
** range, table.sort, string.upper of a long text or utf8.len. Each guard
** estimates the worst case of the call before making it, charges it to the
** budget, and refuses the call with a clear error when the budget cannot pay.
**
** Where the original would read the length twice (a __len metamethod may
** answer differently the second time), the guard passes the length it
** charged for, or does the loop itself.
**
** Estimates are upper bounds (patcost.c has the one for patterns). Ordinary
** rule patterns on ordinary fields cost a few thousand steps; the bombs cost
** 10^20 and more, and are refused before they start.
*/
#include "luaguard.h"
#include "sbstate.h"
#include "patcost.h"

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Matcher steps per instruction of budget: a step is a character test, a
** small fraction of what one Lua VM instruction costs. */
#define STEPS_PER_INSTRUCTION 64.0
/* Bytes that a per-character loop (upper, utf8.len, strtod) handles for the
** price of one instruction. */
#define BYTES_PER_INSTRUCTION 16.0
/* Instructions a table lookup costs when it goes through __index. */
#define LOOKUP_CALL 32.0

void mq_guard_charge(lua_State *L, double instructions, const char *fn, const char *what)
{
    mq_budget *b = mq_sb_of(L)->cur;
    double left = b->left > 0 ? (double)b->left : 0;
    if (instructions > left) {
        char worst[32];
        snprintf(worst, sizeof worst, "%.2g", instructions);
        luaL_error(L, "%s: %s (worst case %s instructions, more than the %I left of the budget)", fn, what,
                   worst, (lua_Integer)left);
    }
    b->left -= (long long)instructions;
}

/* Calls the original with the guard's arguments. (An error it raises names no
** line; the sandbox's message handler adds the rule's.) */
static int call_original(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* find, match, gmatch and gsub: subject at 1, pattern at 2. gmatch is charged
** for all its iterations at once: together they try each start at most once. */
static int guarded_pattern(lua_State *L)
{
    const char *fn = lua_tostring(L, lua_upvalueindex(2));
    size_t n, m;
    luaL_checklstring(L, 1, &n);
    const char *p = luaL_checklstring(L, 2, &m);
    int plain = strcmp(fn, "string.find") == 0 && lua_toboolean(L, 4);
    double steps = mq_pattern_steps(p, m, n, plain);
    mq_guard_charge(L, steps / STEPS_PER_INSTRUCTION, fn, "the pattern could take too long on this text; use fewer repetitions (*, +, -, ?) or a shorter text");
    return call_original(L);
}

/* string.rep("", 2^62) copies nothing 2^62 times: answer it directly. */
static int guarded_rep(lua_State *L)
{
    size_t l, lsep = 0;
    luaL_checklstring(L, 1, &l);
    luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    return call_original(L);
}

/* table.move(a1, f, e, t [, a2]) loops e - f + 1 times even over nothing. */
static int guarded_move(lua_State *L)
{
    lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
    if (e >= f) {
        double count = (double)e - (double)f + 1;
        mq_guard_charge(L, count, "table.move", "too many elements to move");
    }
    return call_original(L);
}

/* table.insert(t, pos, v) and table.remove(t, pos) shift up to #t elements,
** and #t may come from a __len that returns anything, once small and then
** huge: the guard reads it once and shifts itself (as ltablib.c does). */
static int guarded_insert(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TTABLE || lua_gettop(L) != 3) return call_original(L);
    lua_Integer e = luaL_len(L, 1);
    if (e > 0) mq_guard_charge(L, (double)e, "table.insert", "too many elements to shift");
    e = luaL_intop(+, e, 1);                   /* the first empty slot */
    lua_Integer pos = luaL_checkinteger(L, 2);
    luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2, "position out of bounds");
    for (lua_Integer i = e; i > pos; i--) {
        lua_geti(L, 1, i - 1);
        lua_seti(L, 1, i);                     /* t[i] = t[i - 1] */
    }
    lua_seti(L, 1, pos);                       /* t[pos] = v */
    return 0;
}

static int guarded_remove(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TTABLE || lua_gettop(L) < 2) return call_original(L);
    lua_Integer size = luaL_len(L, 1);
    if (size > 0) mq_guard_charge(L, (double)size, "table.remove", "too many elements to shift");
    lua_Integer pos = luaL_optinteger(L, 2, size);
    if (pos != size)
        luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 2, "position out of bounds");
    lua_geti(L, 1, pos);                       /* the result: t[pos] */
    for (; pos < size; pos++) {
        lua_geti(L, 1, pos + 1);
        lua_seti(L, 1, pos);                   /* t[pos] = t[pos + 1] */
    }
    lua_pushnil(L);
    lua_seti(L, 1, pos);
    return 1;
}

/* table.concat(t, sep, i, j) and table.unpack(t, i, j) loop j - i + 1 times,
** each a lookup that may call __index (table.concat itself, say). The range
** is charged, then passed explicitly, so #t is read once. */
static int guarded_range(lua_State *L)
{
    const char *fn = lua_tostring(L, lua_upvalueindex(2));
    if (lua_type(L, 1) != LUA_TTABLE) return call_original(L);
    int concat = strcmp(fn, "table.concat") == 0;
    int ai = concat ? 3 : 2;                   /* where i and j are */
    if (concat) luaL_optlstring(L, 2, "", NULL);
    lua_Integer i = luaL_optinteger(L, ai, 1);
    lua_Integer j = lua_isnoneornil(L, ai + 1) ? luaL_len(L, 1) : luaL_checkinteger(L, ai + 1);
    /* A lookup that calls __index (a function in C, say) costs far more than
    ** a raw one: about what LOOKUP_CALL instructions cost. */
    double each = luaL_getmetafield(L, 1, "__index") != LUA_TNIL ? LOOKUP_CALL : 1;
    if (each > 1) lua_pop(L, 1);
    if (j >= i)
        mq_guard_charge(L, ((double)j - (double)i + 1) * each, fn,
                        concat ? "too many elements to join" : "too many elements to unpack");
    lua_settop(L, ai - 1);
    lua_pushinteger(L, i);
    lua_pushinteger(L, j);
    return call_original(L);
}

/* table.sort(t [, lt]) makes about n log2 n comparisons; without lt, each
** may compare two strings byte by byte (strcoll), which costs their length.
** A comparator written in Lua is counted by the hook as it runs. A __len
** metamethod is refused: sort would read it again after the guard. */
static int guarded_sort(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TTABLE) return call_original(L);
    if (luaL_getmetafield(L, 1, "__len") != LUA_TNIL)
        return luaL_error(L, "table.sort: a table with a __len metamethod cannot be sorted in a rule");
    lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
    if (n < 2) return call_original(L);
    mq_guard_charge(L, (double)n, "table.sort", "too many elements to sort");
    size_t longest = 0;
    if (lua_isnoneornil(L, 2))
        for (lua_Integer i = 1; i <= n; i++) {
            if (lua_rawgeti(L, 1, i) == LUA_TSTRING && lua_rawlen(L, -1) > longest) longest = lua_rawlen(L, -1);
            lua_pop(L, 1);
        }
    double compares = (double)n * ceil(log2((double)n));
    mq_guard_charge(L, compares * (1.0 + (double)longest / BYTES_PER_INSTRUCTION), "table.sort",
                    "too many elements to sort");
    return call_original(L);
}

/* Functions that walk their first argument, a string, byte by byte:
** string.upper/lower/reverse/byte, utf8.len/codepoint/offset, tonumber. */
static int guarded_text(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TSTRING) {
        const char *fn = lua_tostring(L, lua_upvalueindex(2));
        mq_guard_charge(L, (double)lua_rawlen(L, 1) / BYTES_PER_INSTRUCTION, fn, "the text is too long");
    }
    return call_original(L);
}

/* A finalizer would run whenever the collector gets to it: during another
** rule's call, or when the connection closes, outside any budget. */
static int guarded_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc (finalizers) is not allowed in a rule");
        lua_pop(L, 1);
    }
    return call_original(L);
}

/* Replaces table[name] by a closure over the original and a display name. */
static void wrap(lua_State *L, int table, const char *name, const char *display, lua_CFunction guard)
{
    lua_getfield(L, table, name);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    lua_pushstring(L, display);
    lua_pushcclosure(L, guard, 2);
    lua_setfield(L, table, name);
}

void mq_guard_install(lua_State *L)
{
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    int loaded = lua_gettop(L);

    lua_getfield(L, loaded, LUA_STRLIBNAME);
    int s = lua_gettop(L);
    wrap(L, s, "find", "string.find", guarded_pattern);
    wrap(L, s, "match", "string.match", guarded_pattern);
    wrap(L, s, "gmatch", "string.gmatch", guarded_pattern);
    wrap(L, s, "gsub", "string.gsub", guarded_pattern);
    wrap(L, s, "rep", "string.rep", guarded_rep);
    wrap(L, s, "upper", "string.upper", guarded_text);
    wrap(L, s, "lower", "string.lower", guarded_text);
    wrap(L, s, "reverse", "string.reverse", guarded_text);
    wrap(L, s, "byte", "string.byte", guarded_text);

    lua_getfield(L, loaded, LUA_TABLIBNAME);
    int t = lua_gettop(L);
    wrap(L, t, "move", "table.move", guarded_move);
    wrap(L, t, "insert", "table.insert", guarded_insert);
    wrap(L, t, "remove", "table.remove", guarded_remove);
    wrap(L, t, "concat", "table.concat", guarded_range);
    wrap(L, t, "unpack", "table.unpack", guarded_range);
    wrap(L, t, "sort", "table.sort", guarded_sort);

    lua_getfield(L, loaded, LUA_UTF8LIBNAME);
    int u = lua_gettop(L);
    wrap(L, u, "len", "utf8.len", guarded_text);
    wrap(L, u, "codepoint", "utf8.codepoint", guarded_text);
    wrap(L, u, "offset", "utf8.offset", guarded_text);

    lua_getfield(L, loaded, LUA_GNAME);
    wrap(L, lua_gettop(L), "setmetatable", "setmetatable", guarded_setmetatable);
    wrap(L, lua_gettop(L), "tonumber", "tonumber", guarded_text);
    lua_settop(L, loaded - 1);
}
