/*
** engine_fixture.h — what the cmocka tests of the rule engine share: one
** engine per test (setup/teardown) and compile_ok, which fails the test with
** the engine's message when a rule does not compile. Included by one test
** file each (static functions: each test program has its own copy).
*/
#ifndef ENGINE_FIXTURE_H
#define ENGINE_FIXTURE_H

#include <string.h>

#include "luarule.h"

static mq_engine *E;

static int setup(void **state)
{
    (void)state;
    E = mq_engine_new();
    return E ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    mq_engine_release(E);
    return 0;
}

static mq_rule *compile_ok(const char *name, const char *src)
{
    mq_err err;
    mq_rule *r = mq_engine_rule(E, name, src, strlen(src), &err);
    if (!r) fail_msg("compile %s: %s", name, err.nomem ? "out of memory" : err.msg);
    return r;
}

#endif
