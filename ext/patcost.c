/*
** patcost.c — the bound of patcost.h.
**
** For a search from each start, Lua's matcher tries the items left to right;
** a repeated item X tries each run length, and for each tries the rest of the
** pattern. When X's characters cannot begin the rest (their classes are
** disjoint), every try but one fails on its first character, so X costs a
** scan. When they can, each run length may lead to a full match attempt of
** the rest: a factor of n+1. %b and back-references scan up to n and may be
** tried from many places; they count as multiplying. So:
**
**     steps <= starts * (n+1) * (items+1) * (n+1)^k
**
** with starts = 1 for an anchored pattern (else n+1) and k the repeated
** items that overlap what follows them. It is an upper bound, and a loose one
** for patterns that always succeed early (a trim on a long text).
*/
#include "patcost.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

typedef struct { unsigned char b[32]; } cset;   /* which bytes a class matches */

static void set_all(cset *s) { memset(s->b, 0xff, sizeof s->b); }
static void set_add(cset *s, unsigned c) { s->b[c >> 3] |= (unsigned char)(1u << (c & 7)); }
static void set_not(cset *s) { for (int i = 0; i < 32; i++) s->b[i] = (unsigned char)~s->b[i]; }
static void set_or(cset *a, const cset *b) { for (int i = 0; i < 32; i++) a->b[i] |= b->b[i]; }
static int set_meets(const cset *a, const cset *b)
{
    for (int i = 0; i < 32; i++) if (a->b[i] & b->b[i]) return 1;
    return 0;
}

/* The bytes of %c (a class letter or an escaped character), as lstrlib
** decides them: the C library's ctype, upper case for the complement. */
static void class_of(cset *s, unsigned char cl)
{
    int (*f)(int) = NULL;
    switch (tolower(cl)) {
    case 'a': f = isalpha; break;
    case 'c': f = iscntrl; break;
    case 'd': f = isdigit; break;
    case 'g': f = isgraph; break;
    case 'l': f = islower; break;
    case 'p': f = ispunct; break;
    case 's': f = isspace; break;
    case 'u': f = isupper; break;
    case 'w': f = isalnum; break;
    case 'x': f = isxdigit; break;
    }
    if (!f) {
        set_add(s, cl);
        return;
    }
    cset t;
    memset(&t, 0, sizeof t);
    for (unsigned c = 0; c < 256; c++) if (f((int)c)) set_add(&t, c);
    if (isupper(cl)) set_not(&t);
    set_or(s, &t);
}

/* Reads the set at p[*i] == '[' into s; *i ends past its ']'. */
static void read_set(const char *p, size_t m, size_t *i, cset *s)
{
    size_t k = *i + 1;
    int neg = 0;
    memset(s, 0, sizeof *s);
    if (k < m && p[k] == '^') { neg = 1; k++; }
    int first = 1;
    while (k < m && (p[k] != ']' || first)) {
        first = 0;
        unsigned char c = (unsigned char)p[k];
        if (c == '%' && k + 1 < m) {
            class_of(s, (unsigned char)p[k + 1]);
            k += 2;
        } else if (k + 2 < m && p[k + 1] == '-' && p[k + 2] != ']') {
            for (unsigned x = c; x <= (unsigned char)p[k + 2]; x++) set_add(s, x);
            k += 3;
        } else {
            set_add(s, c);
            k++;
        }
    }
    if (neg) set_not(s);
    *i = k + 1;
}

enum { ONE, OPTIONAL, REPEAT, REPEAT1, WIDE };  /* how an item may match: once, ?, * or -, +, a scan */

typedef struct { cset s; int how; } item;

#define MAX_ITEMS 256   /* lstrlib allows 32 captures; patterns longer than this are summed up */

double mq_pattern_steps(const char *p, size_t m, size_t n, int plain)
{
    static const char specials[] = "^$*+?.([%-";
    int special = 0;
    for (size_t i = 0; i < m && !special; i++) special = p[i] != '\0' && strchr(specials, p[i]) != NULL;
    double np = (double)n + 1;
    if (plain || !special) return np * ((double)m + 1);

    /* A first bound that counts every repetition as multiplying: when even
    ** that is small (a short field), the finer one below is not worth its
    ** class tables, which cost more than such a match. */
    int anchored0 = m > 0 && p[0] == '^', all = 0;
    for (size_t j = 0; j < m; j++) {
        if (p[j] == '%') { all += j + 1 < m && (p[j + 1] == 'b' || isdigit((unsigned char)p[j + 1])); j++; }
        else all += j > 0 && strchr("*+-?", p[j]) != NULL;
    }
    double rough = (anchored0 ? 1.0 : np) * np * (all + 1) * pow(np, all);
    if (rough <= 1e6) return rough;

    item it[MAX_ITEMS];
    int ni = 0, wide = 0;
    size_t i = 0;
    int anchored = m > 0 && p[0] == '^';
    if (anchored) i++;
    while (i < m) {
        char c = p[i];
        if (c == '(' || c == ')') { i++; continue; }          /* captures consume nothing */
        if (c == '$' && i + 1 == m) break;                    /* the end anchor */
        cset s;
        memset(&s, 0, sizeof s);
        if (c == '%' && i + 1 < m && p[i + 1] == 'b') {       /* %bxy: a scan of up to n */
            set_all(&s);
            i += 4;
            if (ni < MAX_ITEMS) { it[ni].s = s; it[ni].how = WIDE; ni++; } else wide++;
            continue;
        }
        if (c == '%' && i + 1 < m && p[i + 1] == 'f') {       /* frontier: consumes nothing */
            i += 2;
            if (i < m && p[i] == '[') { cset t; read_set(p, m, &i, &t); }
            continue;
        }
        if (c == '%' && i + 1 < m && isdigit((unsigned char)p[i + 1])) {   /* back-reference */
            set_all(&s);
            i += 2;
            if (ni < MAX_ITEMS) { it[ni].s = s; it[ni].how = WIDE; ni++; } else wide++;
            continue;
        }
        if (c == '.') { set_all(&s); i++; }
        else if (c == '%' && i + 1 < m) { class_of(&s, (unsigned char)p[i + 1]); i += 2; }
        else if (c == '[') read_set(p, m, &i, &s);
        else { set_add(&s, (unsigned char)c); i++; }
        int how = ONE;
        if (i < m && (p[i] == '*' || p[i] == '-')) { how = REPEAT; i++; }
        else if (i < m && p[i] == '+') { how = REPEAT1; i++; }
        else if (i < m && p[i] == '?') { how = OPTIONAL; i++; }
        if (ni < MAX_ITEMS) { it[ni].s = s; it[ni].how = how; ni++; }
        else if (how != ONE) wide++;                           /* past the table: assume the worst */
    }

    int reps = wide, k = wide;
    for (int a = 0; a < ni; a++) {
        if (it[a].how == ONE) continue;
        reps++;
        if (it[a].how == WIDE) { k++; continue; }
        /* what may come right after a's run: the following items up to and
        ** including the first one that must match a character (X+ must) */
        cset follow;
        memset(&follow, 0, sizeof follow);
        for (int b = a + 1; b < ni; b++) {
            set_or(&follow, &it[b].s);
            if (it[b].how == ONE || it[b].how == REPEAT1 || it[b].how == WIDE) break;
        }
        if (set_meets(&it[a].s, &follow)) k++;
    }
    double starts = anchored ? 1.0 : np;
    if (reps == 0) return starts * ((double)m + 1);
    return starts * np * (reps + 1) * pow(np, k);
}
