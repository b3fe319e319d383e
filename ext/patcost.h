/*
** patcost.h — an upper bound of the work Lua's pattern matcher may do, from
** the pattern alone, so that the sandbox can refuse a pattern-matching bomb
** before it starts (the count hook never fires inside the C matcher).
**
** Plain C: no Lua, no SQLite; cmocka tests it directly.
*/
#ifndef PATCOST_H
#define PATCOST_H

#include <stddef.h>

/* Worst-case matcher steps of Lua pattern p (m bytes) searched in n bytes of
** subject (plain: a plain find, no pattern). The matcher backtracks only where
** a repeated item (*, +, -, ?) could also match what comes after it, so only
** those items multiply; a repetition whose class is disjoint from what
** follows (as in "%d+%s*employees") adds a scan and no more. */
double mq_pattern_steps(const char *p, size_t m, size_t n, int plain);

#endif
