/*
** utf8text.h — user text quoted in an error message, cut to a size without
** cutting a character in two.
**
** An error text is decoded by its host: Python's sqlite3 raises
** UnicodeDecodeError (which `except sqlite3.Error` does not catch) for a
** message that ends half-way through a UTF-8 sequence, as "%.40s" leaves it.
** Plain C (no SQLite): cmocka tests it directly (tests/unit/test_utf8text.c).
*/
#ifndef UTF8TEXT_H
#define UTF8TEXT_H

#include <stddef.h>

/* The size of buffer the error messages quote user text in: up to 60 bytes
** of text, "…" and the NUL. */
#define MQ_EXCERPT_SIZE 64

/* Length in bytes of the valid UTF-8 sequence at s (n bytes available), or 0
** when the bytes there are not one (a stray continuation byte, an overlong
** form, a surrogate, a code point above U+10FFFF, a sequence cut short). */
size_t mq_utf8_seqlen(const unsigned char *s, size_t n);

/* Writes s[0..n) into out (outlen bytes, outlen >= 4) as valid UTF-8,
** NUL-terminated: every byte that is not part of a valid sequence, and every
** NUL, becomes '?'. When it does not fit, it is cut at a character boundary
** and ends with "…". Returns out. s may be NULL (written as "NULL"). */
char *mq_utf8_excerpt(char *out, size_t outlen, const char *s, size_t n);

/* The same for a NUL-terminated s. */
char *mq_utf8_excerpt_str(char *out, size_t outlen, const char *s);

#endif
