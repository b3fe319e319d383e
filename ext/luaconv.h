/*
** luaconv.h — every conversion between C values and Lua values in the rule
** engine, in one place (luaconv.c has the rules written above the code).
** Internal to the engine: includes lua.h through sandbox.h.
*/
#ifndef LUACONV_H
#define LUACONV_H

#include "sandbox.h"

/* Pushes one field value of a lead or an event's props. */
void mq_conv_push_value(lua_State *L, const mq_value *v, const char *field);

/* Pushes the lead proxy: a userdata whose fields l.name read *slot (the
** source being scored) in C, and which a rule cannot change. */
void mq_conv_push_proxy(lua_State *L, const mq_source **slot);

/* What a condition function returned (at idx): nil/false/true, or a number of
** points. Returns 0, or -1 with err naming the rule. */
int mq_conv_result(lua_State *L, int idx, const char *rule, int *applies, double *points,
                   int *has_points, mq_err *err);

/* Arguments of the rule language (they raise "FN: ..." on a bad value). */
/* Text a report will show: non-empty UTF-8 of at most MQ_MAX_REASON bytes,
** copied into the program's memory. */
#define MQ_MAX_REASON 200
char *mq_conv_text(lua_State *L, mq_prog *p, int idx, const char *fn, const char *what);
/* A lower-case copy of s[0..n) in the program's memory. */
char *mq_conv_lower(lua_State *L, mq_prog *p, const char *s, size_t n);
/* Points: a whole number of at most 1e9 either way. */
double mq_conv_points(lua_State *L, int idx, const char *fn);
/* A finite number (never NaN or an infinity); above 0 when positive is set. */
#define MQ_FINITE 0
#define MQ_POSITIVE 1
double mq_conv_number(lua_State *L, int idx, const char *fn, const char *what, int positive);
/* The number at idx for a message: "nan", "inf" or "-inf" where printf might
** say "-nan"; a finite number as Lua writes it. */
const char *mq_conv_number_text(lua_State *L, int idx);

#endif
