/*
** luaconv.c — the rule engine's conversions between C and Lua values.
**
** The rules, all of them (a conversion not written here does not happen):
**
** C to Lua: a lead's fields and an event's props, read by a rule's function
** through the lead proxy (l.field; never copied up front):
**   1. NULL, or a field the lead does not have  -> nil
**   2. boolean (JSON true/false)                 -> boolean
**   3. integer (SQL INTEGER, JSON integer)       -> Lua integer, all 64 bits
**   4. real (SQL REAL, JSON real)                -> Lua float
**   5. text (SQL TEXT, JSON string)              -> Lua string, byte for byte;
**      longer than MQ_MAX_STRING: an error naming the field (a rule cannot
**      hold a string that long; see sandbox.h)
**   6. JSON object / array                       -> a fresh table each read (a
**      rule may change it without changing the lead); nesting deeper than
**      MAX_JSON_DEPTH becomes nil rather than recursing
**   7. the proxy itself cannot be written (l.x = 1 is an error) and its
**      metatable is locked.
**
** Lua to C: what a condition function returns:
**   8. nil or false -> the criterion does not apply; true -> it applies with
**      its declared points;
**   9. a number -> it applies with that many points, which must be finite and
**      at most 1e9 either way (rounded later, as every item is);
**  10. anything else (a string, a table) -> an error naming the rule.
**
** Lua to C: arguments of the rule language (fit, event, caps, ...):
**  11. text (reasons, stage and grade names, event types) must be a Lua
**      string (numbers are not coerced) of 1 to MQ_MAX_REASON bytes of valid
**      UTF-8, copied into the program's memory;
**  12. points must be whole numbers of at most 1e9 either way;
**  13. every other number (caps, thresholds, half-lives, test bounds) must be
**      finite: NaN or an infinity is refused when the rule is compiled, with
**      the rule, the function and the line (NaN caps once made scores NULL
**      and explanation lines of -9223372036854775808 points). Caps and
**      half-lives must also be above 0.
*/
#include "luaconv.h"

#include <ctype.h>
#include <jansson.h>
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_JSON_DEPTH 32

/* ---- C to Lua ---------------------------------------------------------------------- */

static void check_length(lua_State *L, size_t n, const char *field)
{
    if (n > MQ_MAX_STRING)
        luaL_error(L, "field '%s' holds %d bytes of text, more than the %d a rule may read", field ? field : "?",
                   (int)(n > 0x7fffffff ? 0x7fffffff : n), (int)MQ_MAX_STRING);
}

/* Rule 6. */
static void push_json(lua_State *L, const json_t *j, int depth, const char *field)
{
    if (!j || depth > MAX_JSON_DEPTH) { lua_pushnil(L); return; }
    luaL_checkstack(L, 4, "JSON nested too deeply");
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *v;
        lua_createtable(L, 0, (int)json_object_size(j));
        json_object_foreach((json_t *)j, k, v) {
            push_json(L, v, depth + 1, field);
            lua_setfield(L, -2, k);
        }
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *v;
        lua_createtable(L, (int)json_array_size(j), 0);
        json_array_foreach(j, i, v) {
            push_json(L, v, depth + 1, field);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    }
    case JSON_STRING:
        check_length(L, json_string_length(j), field);
        lua_pushlstring(L, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER: lua_pushinteger(L, (lua_Integer)json_integer_value(j)); break;
    case JSON_REAL: lua_pushnumber(L, json_real_value(j)); break;
    case JSON_TRUE: lua_pushboolean(L, 1); break;
    case JSON_FALSE: lua_pushboolean(L, 0); break;
    case JSON_NULL: lua_pushnil(L); break;
    }
}

/* Rules 1 to 5. */
void mq_conv_push_value(lua_State *L, const mq_value *v, const char *field)
{
    switch (v->type) {
    case MQV_NULL: lua_pushnil(L); break;
    case MQV_BOOL: lua_pushboolean(L, v->num != 0); break;
    case MQV_NUM:
        if (v->is_int) lua_pushinteger(L, (lua_Integer)v->inum);   /* all 64 bits */
        else lua_pushnumber(L, v->num);
        break;
    case MQV_TEXT:
        check_length(L, v->n, field);
        lua_pushlstring(L, v->s, v->n);
        break;
    case MQV_OTHER: push_json(L, v->opaque, 0, field); break;
    }
}

static int proxy_index(lua_State *L)
{
    const mq_source *const *slot = lua_touserdata(L, lua_upvalueindex(1));
    size_t n;
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &n) : NULL;
    if (!k || !*slot) { lua_pushnil(L); return 1; }
    mq_value v = {MQV_NULL, 0, 0, 0, NULL, 0, NULL};
    (*slot)->get((*slot)->self, -1, k, n, &v);
    mq_conv_push_value(L, &v, k);
    return 1;
}

static int proxy_newindex(lua_State *L)
{
    return luaL_error(L, "a lead's fields are read-only in a rule");
}

/* Rule 7. */
void mq_conv_push_proxy(lua_State *L, const mq_source **slot)
{
    lua_newuserdatauv(L, 0, 0);
    lua_createtable(L, 0, 3);
    lua_pushlightuserdata(L, (void *)slot);
    lua_pushcclosure(L, proxy_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, proxy_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);                   /* stack: proxy */
}

const char *mq_conv_number_text(lua_State *L, int idx)
{
    double v = lua_tonumber(L, idx);
    if (isfinite(v)) return lua_tostring(L, idx);
    return v != v ? "nan" : v > 0 ? "inf" : "-inf";
}

/* ---- Lua to C: a condition's answer ---------------------------------------------------- */

/* Rules 8 to 10. */
int mq_conv_result(lua_State *L, int idx, const char *rule, int *applies, double *points,
                   int *has_points, mq_err *err)
{
    *has_points = 0;
    switch (lua_type(L, idx)) {
    case LUA_TNIL: *applies = 0; return 0;
    case LUA_TBOOLEAN: *applies = lua_toboolean(L, idx); return 0;
    case LUA_TNUMBER:
        *applies = 1;
        *has_points = 1;
        *points = lua_tonumber(L, idx);
        if (!isfinite(*points) || fabs(*points) > 1e9) {   /* the bound of declared points */
            return mq_err_set(err, "rule '%s': a condition function returned %s points (at most 1e9 either way)", rule,
                              mq_conv_number_text(L, idx));
        }
        return 0;
    default:
        return mq_err_set(err, "rule '%s': a condition function returned a %s; expected true, false, nil or a number of points",
                          rule, luaL_typename(L, idx));
    }
}

/* ---- Lua to C: the rule language's arguments ------------------------------------------ */

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

/* Rule 11. */
char *mq_conv_text(lua_State *L, mq_prog *p, int idx, const char *fn, const char *what)
{
    size_t n;
    if (lua_type(L, idx) != LUA_TSTRING)
        luaL_error(L, "%s: %s expected a string, found %s", fn, what, luaL_typename(L, idx));
    const char *s = lua_tolstring(L, idx, &n);
    if (n == 0 || n > MQ_MAX_REASON || !utf8_ok(s, n))
        luaL_error(L, "%s: %s must be UTF-8 text of 1 to %d bytes", fn, what, MQ_MAX_REASON);
    char *c = mq_prog_strndup(p, s, n);
    if (!c) mq_sb_nomem(L);
    return c;
}

char *mq_conv_lower(lua_State *L, mq_prog *p, const char *s, size_t n)
{
    char *c = mq_prog_strndup(p, s, n);
    if (!c) mq_sb_nomem(L);
    for (size_t i = 0; i < n; i++) c[i] = (char)tolower((unsigned char)c[i]);
    return c;
}

/* Rule 12. */
double mq_conv_points(lua_State *L, int idx, const char *fn)
{
    if (lua_type(L, idx) != LUA_TNUMBER)
        luaL_error(L, "%s: points expected a number, found %s", fn, luaL_typename(L, idx));
    double p = lua_tonumber(L, idx);
    if (p != floor(p) || fabs(p) > 1e9)
        luaL_error(L, "%s: points must be a whole number, found %s", fn, mq_conv_number_text(L, idx));
    return p;
}

/* Rule 13. */
double mq_conv_number(lua_State *L, int idx, const char *fn, const char *what, int positive)
{
    if (lua_type(L, idx) != LUA_TNUMBER)
        luaL_error(L, "%s: %s expected a number, found %s", fn, what, luaL_typename(L, idx));
    double v = lua_tonumber(L, idx);
    if (!isfinite(v)) luaL_error(L, "%s: %s must be a finite number, found %s", fn, what, mq_conv_number_text(L, idx));
    if (positive && v <= 0) luaL_error(L, "%s: %s must be above 0", fn, what);
    return v;
}
