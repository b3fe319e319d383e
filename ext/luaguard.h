/*
** luaguard.h — guards on the library functions whose C loops the instruction
** budget cannot see. Part of the rule engine (with luarule.c, the only code
** that includes lua.h).
**
** The count hook fires between Lua instructions, never inside a C function,
** so a rule could spin inside the C code of string.find (a pattern such as
** "a?a?a?...aaa" backtracks exponentially), string.rep("", 2^62), table.move
** or table.insert over a fake __len. Each guard estimates the worst case of
** the call before making it, charges it to the rule's instruction budget, and
** refuses the call with a clear error when the budget cannot pay for it.
*/
#ifndef LUAGUARD_H
#define LUAGUARD_H

struct lua_State;

/* Replaces string.find/match/gmatch/gsub/rep, table.move/insert/remove and
** setmetatable in the library tables already loaded in L (so the string
** metatable's methods are guarded too). Call before the tables are copied. */
void mq_guard_install(struct lua_State *L);

/* Provided by luarule.c: takes `instructions` from the running call's budget,
** or raises "FN: ..." (with what) when fewer are left. */
void mq_guard_charge(struct lua_State *L, double instructions, const char *fn, const char *what);

#endif
