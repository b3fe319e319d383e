/*
** ruledsl.h — the rule language: fit(), event(), signal(), thresholds(),
** decay(), grades(), group(), caps() and the tests (at_least, one_of, ...),
** which fill an mq_prog while a rule's chunk runs. Internal to the engine.
*/
#ifndef RULEDSL_H
#define RULEDSL_H

#include "sandbox.h"

/* What a rule's chunk declares. Its memory comes from the Lua allocator (so
** the sandbox's cap counts it); while the chunk runs it lives in a userdata
** with __gc (as lauxlib.c's buffers do), so an error that unwinds the chunk
** frees it. */
typedef struct mq_build {
    mq_prog prog;
    int *fnrefs;                /* registry refs of the rule's own functions */
    int nfns;
    char **grade_names;         /* per threshold, resolved by mq_build_finish */
} mq_build;

/* The language's context, passed to its functions as an upvalue. */
typedef struct mq_dsl {
    mq_build *building;         /* the rule whose chunk is running, or NULL */
    int test_mt_ref;
} mq_dsl;

/* Adds the language to the sandbox's template of globals (the `add` of
** mq_sb_open; ud is an mq_dsl). */
void mq_dsl_add(lua_State *L, int tmpl, void *ud);

/* In ruletests.c: adds the tests (at_least, one_of, ...) the same way;
** mq_dsl_add calls it. A test is a table with d->test_mt_ref as metatable. */
void mq_dsl_add_tests(lua_State *L, int tmpl, mq_dsl *d);

/* In routedsl.c: route { ... } for the rule being built. */
int mq_dsl_route(lua_State *L, mq_build *r);

#endif
