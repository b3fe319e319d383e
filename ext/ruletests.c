/*
** ruletests.c — the tests a rule's condition is made of: at_least(n),
** at_most(n), between(a, b), equals(x), one_of{...}, none_of{...},
** contains{...}, not_contains{...}, domain_in{...}, present(), missing(),
** free_email(), is_true(), is_false(), and the plain function is_free_email.
**
**     fit("enterprise", 30, { employees = at_least(1000), country = one_of{"US", "CA"} })
**
** A test is a small Lua table (op, negate, and its values) under a locked
** metatable, so that ruledsl.c can tell it from a plain value when it builds
** the condition. Part of the rule language (ruledsl.h); internal to the engine.
*/
#include "ruledsl.h"
#include "luaconv.h"

#include <lauxlib.h>
#include <stdio.h>

static mq_dsl *dsl_of(lua_State *L) { return lua_touserdata(L, lua_upvalueindex(1)); }

/* ---- test constructors ------------------------------------------------------------ */

static int new_test(lua_State *L, mq_testop op, int negate)
{
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, op);
    lua_setfield(L, -2, "op");
    lua_pushboolean(L, negate);
    lua_setfield(L, -2, "negate");
    lua_rawgeti(L, LUA_REGISTRYINDEX, dsl_of(L)->test_mt_ref);
    lua_setmetatable(L, -2);
    return lua_gettop(L);
}

static int test_num(lua_State *L, mq_testop op, const char *fn, int nargs)
{
    for (int i = 1; i <= nargs; i++)
        if (lua_type(L, i) != LUA_TNUMBER)
            luaL_error(L, "%s: argument %d expected a number, found %s", fn, i, luaL_typename(L, i));
    for (int i = 1; i <= nargs; i++) {
        char what[24];
        snprintf(what, sizeof what, "argument %d", i);
        mq_conv_number(L, i, fn, what, MQ_FINITE);
    }
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
    if (n > 0) mq_guard_charge(L, (double)n, fn, "the rule declares too much");
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

static const luaL_Reg test_funcs[] = {
    {"at_least", t_at_least}, {"at_most", t_at_most}, {"between", t_between},
    {"equals", t_equals}, {"one_of", t_one_of}, {"none_of", t_none_of},
    {"contains", t_contains}, {"not_contains", t_not_contains}, {"domain_in", t_domain_in},
    {"present", t_present}, {"missing", t_missing}, {"free_email", t_free_email},
    {"is_true", t_is_true}, {"is_false", t_is_false}, {"is_free_email", f_is_free_email},
    {NULL, NULL},
};

void mq_dsl_add_tests(lua_State *L, int tmpl, mq_dsl *d)
{
    lua_pushvalue(L, tmpl);
    lua_pushlightuserdata(L, d);
    luaL_setfuncs(L, test_funcs, 1);           /* each with the context as upvalue 1 */
    lua_pop(L, 1);
}
