/*
** jsonplain.c — mq_json_plain_object(): is a text an RFC 8259 JSON object,
** with nothing around it? One pass over the bytes, no allocation.
**
** mqlite import asks this of every props cell on its quick way (the rows most
** nights bring). SQLite's json_valid() answers the same for these texts but
** builds a parse tree to do it: a tenth of an events import's pass. The
** test is strict where RFC 8259 is, so a text it takes SQLite takes too; a
** text it refuses goes the import's slow way, where SQLite itself decides. So
** it may refuse more than SQLite (deep nesting), never accept more.
*/
#include "jsonplain.h"

typedef struct {
    const unsigned char *s;
    size_t n, i;
} cursor;

static int value(cursor *c, int depth);

static void skip_space(cursor *c)
{
    while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' || c->s[c->i] == '\r')) c->i++;
}

static int is_hex(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* A string at '"': ends at its closing quote. Bytes of 0x80 and above are
** taken as they are (mqlite import has checked the file is UTF-8). */
static int string(cursor *c)
{
    c->i++;
    while (c->i < c->n) {
        unsigned char ch = c->s[c->i++];
        if (ch == '"') return 1;
        if (ch < 0x20) return 0;
        if (ch != '\\') continue;
        if (c->i >= c->n) return 0;
        ch = c->s[c->i++];
        if (ch == 'u') {
            for (int k = 0; k < 4; k++)
                if (c->i >= c->n || !is_hex(c->s[c->i++])) return 0;
        } else if (ch != '"' && ch != '\\' && ch != '/' && ch != 'b' && ch != 'f' && ch != 'n' && ch != 'r' && ch != 't') {
            return 0;
        }
    }
    return 0;
}

static int digits(cursor *c)
{
    size_t from = c->i;
    while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9') c->i++;
    return c->i > from;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int number(cursor *c)
{
    if (c->s[c->i] == '-') c->i++;
    if (c->i >= c->n) return 0;
    if (c->s[c->i] == '0') c->i++;
    else if (!digits(c)) return 0;
    if (c->i < c->n && c->s[c->i] == '.') {
        c->i++;
        if (!digits(c)) return 0;
    }
    if (c->i < c->n && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
        c->i++;
        if (c->i < c->n && (c->s[c->i] == '+' || c->s[c->i] == '-')) c->i++;
        if (!digits(c)) return 0;
    }
    return 1;
}

/* true, false or null (what follows is the container's to check: "nullx" fails
** there, as it does in SQLite) */
static int word(cursor *c, const char *w, size_t len)
{
    if (c->n - c->i < len) return 0;
    for (size_t k = 0; k < len; k++)
        if (c->s[c->i + k] != (unsigned char)w[k]) return 0;
    c->i += len;
    return 1;
}

/* An object or an array at '{' or '[': members until the closing bracket. */
static int container(cursor *c, int depth)
{
    if (depth >= MQ_JSON_PLAIN_DEPTH) return 0;
    unsigned char close = c->s[c->i] == '{' ? '}' : ']';
    c->i++;
    skip_space(c);
    if (c->i < c->n && c->s[c->i] == close) {
        c->i++;
        return 1;
    }
    for (;;) {
        if (close == '}') {
            if (c->i >= c->n || c->s[c->i] != '"' || !string(c)) return 0;
            skip_space(c);
            if (c->i >= c->n || c->s[c->i] != ':') return 0;
            c->i++;
            skip_space(c);
        }
        if (!value(c, depth + 1)) return 0;
        skip_space(c);
        if (c->i >= c->n) return 0;
        unsigned char ch = c->s[c->i++];
        if (ch == close) return 1;
        if (ch != ',') return 0;
        skip_space(c);
    }
}

static int value(cursor *c, int depth)
{
    if (c->i >= c->n) return 0;
    switch (c->s[c->i]) {
    case '{':
    case '[': return container(c, depth);
    case '"': return string(c);
    case 't': return word(c, "true", 4);
    case 'f': return word(c, "false", 5);
    case 'n': return word(c, "null", 4);
    default: return (c->s[c->i] == '-' || (c->s[c->i] >= '0' && c->s[c->i] <= '9')) && number(c);
    }
}

int mq_json_plain_object(const char *s, size_t n)
{
    if (!s || n < 2 || s[0] != '{' || s[n - 1] != '}') return 0;
    cursor c = {(const unsigned char *)s, n, 0};
    return container(&c, 0) && c.i == n;
}
