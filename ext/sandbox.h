/*
** sandbox.h — the Lua sandbox inside the rule engine: one lua_State per
** connection with a memory cap, an instruction budget per lead, a protected
** call that reports errors with the rule and line, and a "should I stop?"
** question put to the host while Lua runs.
**
** Internal to the rule engine: only sandbox.c, luaguard.c, luaconv.c,
** ruledsl.c and engine.c include this header (and so lua.h). The rest of the
** extension sees luarule.h.
**
** What the sandbox charges to a lead's budget (all before the work runs,
** except where noted):
**   - Lua VM instructions (the count hook, every HOOK_STEP of them);
**   - library calls that loop in C (luaguard.c: patterns, rep, move, insert,
**     remove, concat, unpack, sort, upper/lower/reverse/byte, utf8.*,
**     tonumber, load by chunk size);
**   - memory: every byte a rule makes Lua allocate, at ALLOC_BYTES per
**     instruction (the copy behind a string operation, a table's growth),
**     charged as it is allocated and enforced at the next hook;
**   - wall time: comparing two long strings (==, <, <=) or coercing one to a
**     number is one VM instruction for a memcmp/strcoll/strtod of up to
**     MQ_MAX_STRING bytes, which no guard can intercept. The hook therefore
**     also measures the time spent in Lua and treats MQ_NS_PER_INSTRUCTION
**     nanoseconds as one instruction: a lead's Lua may run at most
**     limit x MQ_NS_PER_INSTRUCTION (2 s under the default budget), and strings
**     are capped at MQ_MAX_STRING so that one instruction cannot take long.
**     On a machine (or under a tool such as valgrind) where ordinary Lua is
**     slow, the time per instruction grows with it: the first sandbox of the
**     process times a loop of ordinary, allocating Lua and allows at least
**     CALIBRATION_FACTOR times that, so that a rule's result never depends on
**     how fast the machine is, only a runaway's error does.
**   - compiling: a rule's source, and every load() chunk, at most
**     MQ_MAX_SOURCE bytes, charged by mq_parse_cost: Lua's parser is
**     quadratic on long `or` chains and `elseif` chains (it walks a list of
**     pending jumps for each one: 150 KB of `a or a or ...` takes 1.6 s), so
**     the charge is too; at the default budget a rule may have about 45 KB.
*/
#ifndef SANDBOX_H
#define SANDBOX_H

#include <lua.h>
#include <stddef.h>

#include "luaguard.h"
#include "ruleprog.h"
#include "sbstate.h"

/* Opens the state: allowed libraries with their guards, and the template of
** globals, to which add(L, template_index, ud) adds the rule language.
** Returns 0, or -1 when memory is short. */
int mq_sb_open(mq_sandbox *sb, void (*add)(lua_State *L, int tmpl, void *ud), void *ud);
void mq_sb_close(mq_sandbox *sb);

/* Charges n instructions to b now, outside any Lua call (compiling). Returns
** 0, or -1 when the budget cannot pay. Starts b if it was not started. */
int mq_sb_prepay(mq_sandbox *sb, mq_budget *b, double n);

/* Calls the function below nargs arguments on the stack, charged to b, leaving
** nres results on success; on error the function and arguments are gone and
** err is set ("rule 'NAME' line N: ..."). */
int mq_sb_call(mq_sandbox *sb, mq_budget *b, const char *rule, int nargs, int nres, mq_err *err);

/* Parses a chunk of text (never bytecode) of at most MQ_MAX_SOURCE bytes,
** charged to b. Pushes the function and returns LUA_OK, or pushes nothing and
** returns an error status with err set as mq_sb_call does. */
int mq_sb_load(mq_sandbox *sb, mq_budget *b, const char *rule, const char *src, size_t n, mq_err *err);

/* Pushes a fresh environment for one rule (copies of the template). */
void mq_sb_push_env(mq_sandbox *sb);

/* Raises an out-of-memory error that pcall inside the rule cannot swallow. */
int mq_sb_nomem(lua_State *L);

#endif
