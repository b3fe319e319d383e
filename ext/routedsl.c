/*
** routedsl.c — route { ... }, the rule language's routing declaration: who
** gets a lead when the rule qualifies it. Example:
**
**     route {
**       when = "MQL",            -- the stage (or beyond) at which a lead is assigned
**       by = "country",          -- a lead column or attrs key: the territory
**       teams = { DE = "emea", FR = "emea", ["*"] = "amer" },
**       members = { emea = { "anna", "ben" }, amer = { "cara", "dan" } },
**       capacity = { anna = 50 },  -- open assignments at most; unlisted: no limit
**       keep_owner = true,       -- a lead that has an owner keeps it
**       from = "2026-12-01",     -- only leads qualified from then on (default: all)
**     }
**
** It is data, never code: every value must be a string, a number, a boolean or
** a table of those, read with raw access (no metamethod of the rule's runs),
** two levels deep at most (so a table that contains itself is just "a table
** where a name was expected"). Errors name the key ("route: teams.DE ...").
** The declaration is checked whole here (every team a territory names has
** members, every capacity names a member, no member twice in a team) and kept
** as one canonical JSON text in the program (prog->route), which route.c
** reads at assignment time; the stage `when` names is checked there, against
** the database's stage model. Territory keys are kept in lower case: "de"
** matches a lead whose country is "DE" or "de".
** Sizes are bounded (10,000 territories, 1,000 teams, 1,000 members a team)
** and every item read is charged to the compile's instruction budget.
*/
#include "ruledsl.h"
#include "luaconv.h"
#include "luaguard.h"
#include "mqtime.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_TERRITORIES 10000
#define MAX_TEAMS 1000
#define MAX_MEMBERS 1000

/* The JSON text is built in place in prog->route, so an error that unwinds
** the chunk frees it with the program. */
typedef struct jbuf { mq_prog *p; size_t n; } jbuf;

static void put(lua_State *L, jbuf *b, const char *s, size_t n)
{
    char *cur = b->p->route;
    size_t cap = cur ? mq_prog_mem_size(cur) : 0;
    if (b->n + n + 1 > cap) {
        size_t want = cap < 256 ? 256 : cap * 2;
        while (want < b->n + n + 1) want *= 2;
        char *q = mq_prog_mem(b->p, cur, want);
        if (!q) mq_sb_nomem(L);
        b->p->route = q;
    }
    memcpy(b->p->route + b->n, s, n);
    b->n += n;
    b->p->route[b->n] = '\0';
}

static void puts_(lua_State *L, jbuf *b, const char *s) { put(L, b, s, strlen(s)); }

/* A JSON string: the text was checked as UTF-8 already; quotes, backslashes
** and control characters are escaped. */
static void put_str(lua_State *L, jbuf *b, const char *s, size_t n)
{
    put(L, b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\') { esc[0] = '\\'; esc[1] = (char)c; put(L, b, esc, 2); }
        else if (c == 0) luaL_error(L, "route: a name holds a NUL byte; names are text");
        else if (c < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", c); put(L, b, esc, 6); }
        else put(L, b, (const char *)&c, 1);
    }
    put(L, b, "\"", 1);
}

/* The name (a string) at idx, checked as the language's texts are (non-empty
** UTF-8, at most MQ_MAX_REASON bytes); what says where it is. */
static const char *check_name(lua_State *L, mq_prog *p, int idx, const char *what, size_t *n)
{
    if (lua_type(L, idx) != LUA_TSTRING)
        luaL_error(L, "route: %s expected a name (a string), found %s", what, luaL_typename(L, idx));
    char *copy = mq_conv_text(L, p, idx, "route", what);
    mq_prog_mem(p, copy, 0);
    return lua_tolstring(L, idx, n);
}

/* t[key] by raw access, pushed; returns its type. */
static int raw_field(lua_State *L, int t, const char *key)
{
    lua_pushstring(L, key);
    return lua_rawget(L, t);
}

static void check_keys(lua_State *L, int t)
{
    static const char *const known[] = {"when", "by", "teams", "members", "capacity", "keep_owner", "from", NULL};
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        mq_guard_charge(L, 1, "route", "the route declares too much");
        int ok = 0;
        if (lua_type(L, -1) == LUA_TSTRING)
            for (int i = 0; known[i] && !ok; i++) ok = strcmp(lua_tostring(L, -1), known[i]) == 0;
        if (!ok)
            luaL_error(L, "route: unknown key '%s' (known: when, by, teams, members, capacity, keep_owner, from)",
                       lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
    }
}

/* members = { team = { "name", ... } }: written as JSON; every member's name
** is also set in the table at `all` (for capacity's check). */
static void read_members(lua_State *L, jbuf *b, int m, int all)
{
    mq_prog *p = b->p;
    int nteams = 0;
    puts_(L, b, "\"members\":{");
    lua_pushnil(L);
    while (lua_next(L, m)) {                          /* team list */
        char what[300];
        size_t tn, mn;
        if (++nteams > MAX_TEAMS) luaL_error(L, "route: members lists more than %d teams", MAX_TEAMS);
        const char *team = check_name(L, p, -2, "members: a team's name", &tn);
        snprintf(what, sizeof what, "members.%s", team);
        if (lua_type(L, -1) != LUA_TTABLE)
            luaL_error(L, "route: %s expected a list of names, found %s", what, luaL_typename(L, -1));
        int list = lua_gettop(L);
        lua_Integer n = (lua_Integer)lua_rawlen(L, list);
        if (n < 1 || n > MAX_MEMBERS) luaL_error(L, "route: %s expected a list of 1 to %d names", what, MAX_MEMBERS);
        mq_guard_charge(L, (double)n, "route", "the route declares too much");
        lua_pushnil(L);                               /* only the list: no other keys */
        while (lua_next(L, list)) {
            lua_pop(L, 1);
            if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > n)
                luaL_error(L, "route: %s expected a list of names, found the key %s", what,
                           lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
        }
        if (nteams > 1) puts_(L, b, ",");
        put_str(L, b, team, tn);
        puts_(L, b, ":[");
        lua_newtable(L);                              /* the team's names so far */
        int seen = lua_gettop(L);
        for (lua_Integer i = 1; i <= n; i++) {
            char iw[320];
            snprintf(iw, sizeof iw, "%s[%d]", what, (int)i);
            lua_rawgeti(L, list, i);
            const char *name = check_name(L, p, -1, iw, &mn);
            lua_pushvalue(L, -1);
            if (lua_rawget(L, seen) != LUA_TNIL) luaL_error(L, "route: %s names '%s' twice", what, name);
            lua_pop(L, 1);
            lua_pushvalue(L, -1);
            lua_pushboolean(L, 1);
            lua_rawset(L, seen);
            lua_pushvalue(L, -1);
            lua_pushboolean(L, 1);
            lua_rawset(L, all);
            if (i > 1) puts_(L, b, ",");
            put_str(L, b, name, mn);
            lua_pop(L, 1);
        }
        lua_pop(L, 2);                                /* seen, the list */
        puts_(L, b, "]");
    }
    if (nteams == 0) luaL_error(L, "route: members expected at least one team");
    puts_(L, b, "}");
}

/* teams = { territory = "team", ["*"] = "team" } */
static void read_teams(lua_State *L, jbuf *b, int t, int members)
{
    mq_prog *p = b->p;
    int n = 0;
    puts_(L, b, "\"teams\":{");
    lua_newtable(L);                                  /* lower-case territory -> key */
    int seen = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        size_t kn, vn;
        char what[300];
        mq_guard_charge(L, 1, "route", "the route declares too much");
        if (++n > MAX_TERRITORIES) luaL_error(L, "route: teams maps more than %d territories", MAX_TERRITORIES);
        const char *key = check_name(L, p, -2, "teams: a territory", &kn);
        snprintf(what, sizeof what, "teams.%s", key);
        const char *team = check_name(L, p, -1, what, &vn);
        lua_pushvalue(L, -1);
        if (lua_rawget(L, members) != LUA_TTABLE)
            luaL_error(L, "route: %s names team '%s', which members does not list", what, team);
        lua_pop(L, 1);
        char *low = mq_conv_lower(L, p, key, kn);
        lua_pushlstring(L, low, kn);                  /* territories differ in more than case */
        if (lua_rawget(L, seen) != LUA_TNIL) {
            mq_prog_mem(p, low, 0);
            const char *other = lua_tostring(L, -1);   /* named in a fixed order: Lua's varies */
            int first = strcmp(key, other) < 0;
            luaL_error(L, "route: teams.%s and teams.%s name the same territory (case does not count)",
                       first ? key : other, first ? other : key);
        }
        lua_pop(L, 1);
        lua_pushlstring(L, low, kn);
        lua_pushvalue(L, -3);                         /* the key as the rule wrote it */
        lua_rawset(L, seen);
        if (n > 1) puts_(L, b, ",");
        put_str(L, b, low, kn);
        mq_prog_mem(p, low, 0);
        puts_(L, b, ":");
        put_str(L, b, team, vn);
        lua_pop(L, 1);
    }
    if (n == 0) luaL_error(L, "route: teams expected at least one territory (\"*\" for every one)");
    lua_pop(L, 1);
    puts_(L, b, "}");
}

/* capacity = { member = N }: a whole number of open assignments, 0 or more. */
static void read_capacity(lua_State *L, jbuf *b, int c, int all)
{
    mq_prog *p = b->p;
    int n = 0;
    puts_(L, b, ",\"capacity\":{");
    lua_pushnil(L);
    while (lua_next(L, c)) {
        size_t kn;
        char what[300], num[32];
        mq_guard_charge(L, 1, "route", "the route declares too much");
        const char *name = check_name(L, p, -2, "capacity: a member", &kn);
        snprintf(what, sizeof what, "capacity.%s", name);
        lua_pushvalue(L, -2);
        if (lua_rawget(L, all) == LUA_TNIL) luaL_error(L, "route: %s names '%s', who is in no team of members", what, name);
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TNUMBER)
            luaL_error(L, "route: %s expected a whole number of open leads, found %s", what, luaL_typename(L, -1));
        double v = lua_tonumber(L, -1);
        if (!(v >= 0 && v <= 1e9) || v != floor(v))
            luaL_error(L, "route: %s expected a whole number of open leads from 0 to 1e9, found %s", what,
                       mq_conv_number_text(L, -1));
        if (++n > 1) puts_(L, b, ",");
        put_str(L, b, name, kn);
        snprintf(num, sizeof num, ":%.0f", v);
        puts_(L, b, num);
        lua_pop(L, 1);
    }
    puts_(L, b, "}");
}

int mq_dsl_route(lua_State *L, mq_build *r)
{
    mq_prog *p = &r->prog;
    if (p->route) luaL_error(L, "route: declared twice");
    if (!lua_istable(L, 1)) luaL_error(L, "route: expected a table such as { by = \"country\", teams = {...}, members = {...} }, found %s",
                                       luaL_typename(L, 1));
    lua_settop(L, 1);
    check_keys(L, 1);
    jbuf b = {p, 0};
    puts_(L, &b, "{\"when\":");
    size_t n;
    const char *s = "MQL";
    n = 3;
    if (raw_field(L, 1, "when") != LUA_TNIL) s = check_name(L, p, -1, "when", &n);
    put_str(L, &b, s, n);
    lua_pop(L, 1);
    if (raw_field(L, 1, "by") == LUA_TNIL) luaL_error(L, "route: by is required (the lead field or attrs key that is the territory)");
    s = check_name(L, p, -1, "by", &n);
    puts_(L, &b, ",\"by\":");
    put_str(L, &b, s, n);
    lua_pop(L, 1);
    /* from: a rule that has run for a year, given a route, would otherwise
    ** route every lead it ever qualified, oldest first */
    if (raw_field(L, 1, "from") != LUA_TNIL) {
        double t;
        s = check_name(L, p, -1, "from", &n);
        if (mq_time_parse(s, n, &t) != 0)
            luaL_error(L, "route: from expected a date (YYYY-MM-DD or an ISO-8601 date and time), found '%s'", s);
        char iso[32];
        mq_time_format(t, iso);
        puts_(L, &b, ",\"from\":");
        put_str(L, &b, iso, strlen(iso));
    }
    lua_pop(L, 1);
    if (raw_field(L, 1, "keep_owner") != LUA_TNIL && lua_type(L, -1) != LUA_TBOOLEAN)
        luaL_error(L, "route: keep_owner expected true or false, found %s", luaL_typename(L, -1));
    puts_(L, &b, lua_toboolean(L, -1) ? ",\"keep_owner\":true," : ",\"keep_owner\":false,");
    lua_pop(L, 1);
    lua_newtable(L);                                  /* 2: every member's name */
    if (raw_field(L, 1, "members") != LUA_TTABLE)     /* 3 */
        luaL_error(L, "route: members expected a table of teams, each a list of names, found %s", luaL_typename(L, -1));
    read_members(L, &b, 3, 2);
    puts_(L, &b, ",");
    if (raw_field(L, 1, "teams") != LUA_TTABLE)       /* 4 */
        luaL_error(L, "route: teams expected a table of territory = team, found %s", luaL_typename(L, -1));
    read_teams(L, &b, 4, 3);
    int ct = raw_field(L, 1, "capacity");             /* 5 */
    if (ct == LUA_TTABLE) read_capacity(L, &b, 5, 2);
    else if (ct != LUA_TNIL) luaL_error(L, "route: capacity expected a table of member = open leads, found %s", luaL_typename(L, -1));
    puts_(L, &b, "}");
    lua_settop(L, 1);
    return 0;
}
