/*
** luaguard.h — guards on the Lua library functions that loop in C, where
** the count hook never fires (patterns, string.rep, table.move/insert/remove/
** concat/unpack/sort, upper/lower/reverse/byte, utf8.*, tonumber, load): each
** charges its worst case to the running lead's budget before it runs.
*/
#ifndef LUAGUARD_H
#define LUAGUARD_H

#include <lua.h>

/* Replaces the library functions whose C loops the hook cannot
** see by guards (call before the library tables are copied). */
void mq_guard_install(lua_State *L);
/* Takes `instructions` from the running lead's budget, or
** raises "FN: WHAT (worst case ...)" when fewer are left. */
void mq_guard_charge(lua_State *L, double instructions, const char *fn, const char *what);

#endif
