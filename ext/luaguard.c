/*
** luaguard.c — the guards of luaguard.h: worst-case cost estimates for the
** library calls that loop in C, charged to the rule's instruction budget.
**
** Estimates are upper bounds (patcost.c has the one for patterns). Ordinary
** rule patterns on ordinary fields cost a few thousand steps; the bombs cost
** 10^20 and more, and are refused before they start.
*/
#include "luaguard.h"
#include "patcost.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <string.h>

/* Matcher steps per instruction of budget: a step is a character test, a
** small fraction of what one Lua VM instruction costs. */
#define STEPS_PER_INSTRUCTION 64.0

/* Calls the original with the guard's arguments. (An error it raises names no
** line; luarule.c's message handler adds the rule's.) */
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
** and #t may come from a __len that returns anything. */
static int guarded_shift(lua_State *L)
{
    const char *fn = lua_tostring(L, lua_upvalueindex(2));
    int with_pos = strcmp(fn, "table.insert") == 0 ? lua_gettop(L) >= 3 : lua_gettop(L) >= 2;
    if (with_pos) {
        luaL_checktype(L, 1, LUA_TTABLE);
        lua_Integer len = luaL_len(L, 1);
        if (len > 0) mq_guard_charge(L, (double)len, fn, "too many elements to shift");
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

    lua_getfield(L, loaded, LUA_TABLIBNAME);
    int t = lua_gettop(L);
    wrap(L, t, "move", "table.move", guarded_move);
    wrap(L, t, "insert", "table.insert", guarded_shift);
    wrap(L, t, "remove", "table.remove", guarded_shift);

    lua_getfield(L, loaded, LUA_GNAME);
    wrap(L, lua_gettop(L), "setmetatable", "setmetatable", guarded_setmetatable);
    lua_settop(L, loaded - 1);
}
