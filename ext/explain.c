/*
** explain.c — a score's explanation as JSON: one object per line the
** salesperson reads, {"points":7,"reason":"...","kind":"engagement"},
** in the order ruleprog.c scored them (see there), so the points add up to
** the score.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruleprog.h"
#include "utf8text.h"

static const char *kind_name(mq_itemkind k)
{
    switch (k) {
    case MQI_FIT: return "fit";
    case MQI_EVENT: return "engagement";
    case MQI_SIGNAL: return "signal";
    case MQI_CAP: return "cap";
    }
    return "?";
}

/* A growing text; a failed allocation leaves it failed (s NULL). */
typedef struct jbuf { char *s; size_t n, cap; int bad; } jbuf;

static void put(jbuf *b, const char *s, size_t n)
{
    if (b->bad) return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->n + n + 1) cap *= 2;
        char *q = realloc(b->s, cap);
        if (!q) { b->bad = 1; return; }
        b->s = q;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = 0;
}

static void puts_(jbuf *b, const char *s) { put(b, s, strlen(s)); }

/* s as a JSON string, escaped as jansson escapes it (\", \\, the short
** forms of control characters, \u00XX for the rest); text that is not
** UTF-8 fails the whole explanation, as it did with jansson. */
static void put_string(jbuf *b, const char *s)
{
    put(b, "\"", 1);
    size_t n = strlen(s), i = 0, run = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[8];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (c < 0x20) {
                snprintf(u, sizeof u, "\\u%04X", c);
                esc = u;
            }
        }
        if (esc) {
            put(b, s + i - run, run);
            run = 0;
            puts_(b, esc);
            i++;
            continue;
        }
        size_t k = c < 0x80 ? 1 : mq_utf8_seqlen((const unsigned char *)s + i, n - i);
        if (k == 0) { b->bad = 1; return; }
        i += k;
        run += k;
    }
    put(b, s + n - run, run);
    put(b, "\"", 1);
}

/* Written directly rather than built with jansson and dumped: for a million
** leads that was two thirds of scoring them. The text is the same. */
char *mq_result_json(const mq_prog *p, const mq_result *r)
{
    (void)p;
    jbuf b = {0};
    put(&b, "[", 1);
    for (int i = 0; i < r->nitems; i++) {
        const mq_item *it = &r->items[i];
        /* the rule's text is cut between characters (utf8text.h) so that the
        ** line fits buf whole */
        char buf[256], q[200], num[32];
        const char *reason = it->reason;
        if (it->kind == MQI_CAP) {
            snprintf(buf, sizeof buf, "cap: %s at most %g points", mq_utf8_excerpt_str(q, sizeof q, it->what), it->limit);
            reason = buf;
        } else if ((it->kind == MQI_EVENT || it->kind == MQI_SIGNAL) && it->count > 1) {
            snprintf(buf, sizeof buf, "%s (%d times)", mq_utf8_excerpt_str(q, sizeof q, it->reason), it->count);
            reason = buf;
        }
        snprintf(num, sizeof num, "%s{\"points\":%lld,\"reason\":", i ? "," : "", (long long)it->points);
        puts_(&b, num);
        put_string(&b, reason ? reason : "");
        puts_(&b, ",\"kind\":\"");
        puts_(&b, kind_name(it->kind));
        puts_(&b, "\"");
        if (it->kind == MQI_SIGNAL) {
            puts_(&b, ",\"stage\":");
            put_string(&b, it->stage ? it->stage : "");
        }
        put(&b, "}", 1);
    }
    put(&b, "]", 1);
    if (b.bad) { free(b.s); return NULL; }
    return b.s;
}
