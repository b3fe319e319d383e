/*
** utf8text.c — user text quoted in an error message: valid UTF-8, cut at a
** character boundary with "…" (see utf8text.h for why).
**
**     char q[MQ_EXCERPT_SIZE];
**     msg = sqlite3_mprintf("stage_rank: unknown stage '%s'", mq_utf8_excerpt_str(q, sizeof q, name));
**
** The sanitised text has as many bytes as the input (a bad byte becomes one
** '?'), so whether it fits is known before copying, and a cut is needed only
** when n >= outlen.
*/
#include "utf8text.h"

#include <string.h>

static const char ellipsis[] = "\xE2\x80\xA6";   /* U+2026 "…", 3 bytes */

size_t mq_utf8_seqlen(const unsigned char *s, size_t n)
{
    if (n == 0) return 0;
    unsigned c = s[0];
    size_t len;
    unsigned lo = 0x80, hi = 0xBF;        /* the allowed range of the second byte */
    if (c < 0x80) return c ? 1 : 0;       /* NUL is not text in a message */
    if (c < 0xC2) return 0;               /* continuation byte, or overlong 2-byte form */
    if (c < 0xE0) len = 2;
    else if (c < 0xF0) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;         /* overlong */
        if (c == 0xED) hi = 0x9F;         /* UTF-16 surrogates */
    } else if (c < 0xF5) {
        len = 4;
        if (c == 0xF0) lo = 0x90;         /* overlong */
        if (c == 0xF4) hi = 0x8F;         /* above U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    return len;
}

char *mq_utf8_excerpt(char *out, size_t outlen, const char *s, size_t n)
{
    if (!s) { s = "NULL"; n = 4; }
    const unsigned char *u = (const unsigned char *)s;
    int cut = n >= outlen;
    size_t room = cut ? outlen - sizeof ellipsis : n;     /* bytes of text to keep */
    size_t i = 0, o = 0;
    while (i < n) {
        size_t k = mq_utf8_seqlen(u + i, n - i);
        size_t w = k ? k : 1;
        if (o + w > room) break;
        if (k) memcpy(out + o, s + i, k);
        else out[o] = '?';
        o += w;
        i += w;
    }
    if (cut) {
        memcpy(out + o, ellipsis, sizeof ellipsis - 1);
        o += sizeof ellipsis - 1;
    }
    out[o] = 0;
    return out;
}

char *mq_utf8_excerpt_str(char *out, size_t outlen, const char *s)
{
    return mq_utf8_excerpt(out, outlen, s, s ? strlen(s) : 0);
}
