/*
** jsonplain.h — whether a text is a JSON object as RFC 8259 writes it, with
** nothing around it: the quick test mqlite import makes of a props cell
** before SQLite's own JSON functions ever parse it.
*/
#ifndef JSONPLAIN_H
#define JSONPLAIN_H

#include <stddef.h>

/* Deepest nesting the test follows (an object in an array in an object is
** 3); a deeper text gets 0, and the importer asks SQLite instead. */
#define MQ_JSON_PLAIN_DEPTH 32

/* 1 when s[0..n) is an RFC 8259 object: '{' first, '}' last, no NUL and no
** control character in a string, escapes as RFC 8259 lists them, numbers in
** its grammar, nesting at most MQ_JSON_PLAIN_DEPTH. Every text it takes,
** SQLite's json_valid() takes too (3.40 and later); 0 says only "not
** surely", never "invalid". */
int mq_json_plain_object(const char *s, size_t n);

#endif
