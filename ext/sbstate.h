/*
** sbstate.h — the state of one Lua sandbox: its limits, the budget being
** charged, and the host's "should I stop?" question; what the count hook
** (sandbox.c), the guards (luaguard.c) and the engine (engine.c) all read.
**
** It sits below both sandbox.c and luaguard.c, so that the sandbox can
** install the guards and the guards can charge the sandbox's budget without
** either file depending on the other. The charges themselves are described
** in sandbox.h.
*/
#ifndef SBSTATE_H
#define SBSTATE_H

#include <lua.h>
#include <stddef.h>

#include "ruleprog.h"

#define MQ_MAX_STRING ((size_t)1 << 20)          /* longest string a rule may make or read */
#define MQ_MAX_SOURCE ((size_t)256 << 10)        /* longest rule source or load() chunk */
#define MQ_PARSE_PER_BYTE 4.0                    /* instructions charged per byte parsed */
#define MQ_PARSE_QUADRATIC 2800.0                /* ... plus n^2 / this for n bytes */
#define MQ_NS_PER_INSTRUCTION 2000.0             /* wall time counted as one instruction */

/* Instructions charged for parsing n bytes of Lua. */
static inline double mq_parse_cost(size_t n)
{
    return (double)n * MQ_PARSE_PER_BYTE + (double)n * (double)n / MQ_PARSE_QUADRATIC;
}

/* The host's answer to "should the running rule stop?" (nonzero: stop). */
typedef int (*mq_stop_fn)(void *data);

typedef struct mq_sandbox {
    lua_State *L;
    size_t used, limit;          /* bytes allocated by the state, and the cap */
    long long ilimit;            /* instructions per lead (and per compile) */
    int step;                    /* instructions between two hook calls */
    mq_budget *cur;              /* the budget being charged */
    mq_budget idle;              /* charged when no call is running */
    int blown;                   /* the budget fired, or the host said stop */
    int stopped;                 /* ... and it was the host */
    int memerr;                  /* a memory error was rethrown by pcall */
    int strerr;                  /* a string longer than MQ_MAX_STRING was refused */
    unsigned call_seq, hook_seq; /* to measure Lua time within one call */
    double hook_last;            /* monotonic seconds at the last hook */
    double last_probe;           /* ... at the last question to the host */
    mq_stop_fn stop;
    void *stop_data;
    int template_ref;            /* the sandbox's globals, copied into each env */
    double ns_per_instruction;   /* wall time counted as one instruction here */
} mq_sandbox;

static inline mq_sandbox *mq_sb_of(lua_State *L) { return *(mq_sandbox **)lua_getextraspace(L); }

#endif
