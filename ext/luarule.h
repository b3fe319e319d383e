/*
** luarule.h — the Lua rule engine: a sandboxed Lua 5.4 state per connection
** that turns rule source into a compiled mq_prog, keeps compiled rules in a
** bounded cache, and runs a rule's own functions under a memory cap and an
** instruction budget per lead.
**
** This header is all that other files see of Lua. The engine is engine.c
** (lifetime, compile, cache), sandbox.c and luaguard.c (the sandbox),
** luaconv.c (C <-> Lua values), ruledsl.c and ruletests.c (the rule
** language); only they include lua.h. Errors are reported through mq_err (mqerr.h) and read
** "rule 'NAME' line N: what went wrong" (without the SQL function's name, which
** the caller puts in front).
*/
#ifndef LUARULE_H
#define LUARULE_H

#include <stddef.h>

#include "ruleprog.h"

#define MQ_DEFAULT_MEMORY_LIMIT ((size_t)64 << 20)   /* bytes, per connection */
#define MQ_DEFAULT_INSTRUCTION_LIMIT 1000000LL       /* per lead, and per compile */
#define MQ_MIN_MEMORY_LIMIT ((size_t)1 << 20)
#define MQ_MAX_MEMORY_LIMIT ((size_t)4 << 30)
#define MQ_MIN_INSTRUCTION_LIMIT 1000LL
#define MQ_MAX_INSTRUCTION_LIMIT 1000000000000LL

typedef struct mq_engine mq_engine;
typedef struct mq_rule mq_rule;

/* A new engine, or NULL when memory is short. */
mq_engine *mq_engine_new(void);
/* Drops the creator's reference; the engine lives on while rules hold it. */
void mq_engine_release(mq_engine *e);

size_t mq_engine_memory_limit(const mq_engine *e);
size_t mq_engine_memory_used(const mq_engine *e);
long long mq_engine_instruction_limit(const mq_engine *e);
/* Setters check the ranges above; they return 0, or -1 when out of range. */
int mq_engine_set_memory_limit(mq_engine *e, size_t bytes);
int mq_engine_set_instruction_limit(mq_engine *e, long long n);
/* While Lua runs, stop(data) is asked every few milliseconds whether to stop
** (the host's sqlite3_interrupt, progress handler, Ctrl-C); nonzero stops the
** rule with "rule 'NAME' line N: interrupted" and err->interrupted set,
** which pcall cannot catch. */
void mq_engine_set_stop(mq_engine *e, int (*stop)(void *data), void *data);
/* How many times a rule source was compiled (to test the cache). */
unsigned mq_engine_compiles(const mq_engine *e);

/* The compiled rule `name` for source src: taken from the cache when the
** source is the one compiled last under that name, else compiled now (and
** the cache updated). Returns a new reference, or NULL with err set. */
mq_rule *mq_engine_rule(mq_engine *e, const char *name, const char *src, size_t n, mq_err *err);
/* The cached rule of that name whatever its source, or NULL (new reference). */
mq_rule *mq_engine_cached(mq_engine *e, const char *name);

void mq_rule_retain(mq_rule *r);
void mq_rule_release(mq_rule *r);
const mq_prog *mq_rule_prog(const mq_rule *r);
const char *mq_rule_name(const mq_rule *r);
/* True when the rule was compiled from exactly this source. */
int mq_rule_same_source(const mq_rule *r, const char *src, size_t n);

/* "Lua 5.4.4" */
const char *mq_lua_release(void);

#endif
