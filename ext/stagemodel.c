/*
** stagemodel.c — stage lookup by name or alias, and moves along the path.
*/
#include "stagemodel.h"
#include "utf8text.h"

#include <stdlib.h>
#include <string.h>

/* Lower case, '-' '_' and blank runs folded into one space, ends trimmed. */
static char *normalize(const char *s, size_t n)
{
    char *out = malloc(n + 1), *o = out;
    if (!out) return NULL;
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-' || c == '_' || c == ' ' || c == '\t') {
            space = o != out;
            continue;
        }
        if (space) *o++ = ' ';
        space = 0;
        *o++ = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    *o = 0;
    return out;
}

mq_stages *mq_stages_new(void)
{
    mq_stages *m = calloc(1, sizeof *m);
    if (m) m->refs = 1;
    return m;
}

void mq_stages_retain(mq_stages *m) { m->refs++; }

void mq_stages_release(mq_stages *m)
{
    if (!m || --m->refs > 0) return;
    for (int i = 0; i < m->n; i++) {
        free(m->st[i].name);
        free(m->st[i].norm);
    }
    for (int i = 0; i < m->nalias; i++) free(m->alias_norm[i]);
    free(m->st);
    free(m->alias_norm);
    free(m->alias_stage);
    free(m);
}

int mq_stages_add(mq_stages *m, const char *name, int rank, const char *kind, int terminal, int on_path)
{
    mq_stage *st = realloc(m->st, (size_t)(m->n + 1) * sizeof *st);
    if (!st) return -1;
    m->st = st;
    mq_stage *s = &st[m->n];
    s->name = strdup(name);
    s->norm = normalize(name, strlen(name));
    if (!s->name || !s->norm) {
        free(s->name);
        free(s->norm);
        return -1;
    }
    s->rank = rank;
    s->kind = kind && strcmp(kind, "sales") == 0 ? MQK_SALES : kind && strcmp(kind, "closed") == 0 ? MQK_CLOSED : MQK_MARKETING;
    s->terminal = terminal != 0;
    s->on_path = on_path != 0;
    if (s->on_path && rank > m->maxrank) m->maxrank = rank;
    m->n++;
    return 0;
}

int mq_stages_alias(mq_stages *m, const char *alias, const char *stage)
{
    int i = mq_stages_find(m, stage, strlen(stage));
    if (i < 0) return -1;
    char **an = realloc(m->alias_norm, (size_t)(m->nalias + 1) * sizeof *an);
    if (!an) return -1;
    m->alias_norm = an;
    int *as = realloc(m->alias_stage, (size_t)(m->nalias + 1) * sizeof *as);
    if (!as) return -1;
    m->alias_stage = as;
    if (!(an[m->nalias] = normalize(alias, strlen(alias)))) return -1;
    as[m->nalias++] = i;
    return 0;
}

int mq_stages_find(const mq_stages *m, const char *s, size_t n)
{
    char buf[128], *norm;
    /* the common case, a short name, needs no allocation */
    if (n < sizeof buf) {
        memcpy(buf, s, n);
        buf[n] = 0;
        norm = normalize(buf, n);
    } else {
        norm = normalize(s, n);
    }
    if (!norm) return -1;
    int found = -1;
    for (int i = 0; i < m->n && found < 0; i++)
        if (strcmp(m->st[i].norm, norm) == 0) found = i;
    for (int i = 0; i < m->nalias && found < 0; i++)
        if (strcmp(m->alias_norm[i], norm) == 0) found = m->alias_stage[i];
    free(norm);
    return found;
}

int mq_stages_next(const mq_stages *m, int i)
{
    int best = -1;
    for (int k = 0; k < m->n; k++) {
        if (!m->st[k].on_path || m->st[k].rank <= m->st[i].rank) continue;
        if (best < 0 || m->st[k].rank < m->st[best].rank) best = k;
    }
    return best;
}

int mq_stages_is_forward(const mq_stages *m, int a, int b)
{
    return m->st[b].on_path && m->st[b].rank > m->st[a].rank;
}

void mq_stages_rank_label(const mq_stages *m, int r, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < m->n; i++) {
        if (!m->st[i].on_path || m->st[i].rank != r) continue;
        size_t need = strlen(m->st[i].name) + (used ? 1 : 0);
        if (used + need + 1 > len) break;
        if (used) buf[used++] = '/';
        strcpy(buf + used, m->st[i].name);
        used += strlen(m->st[i].name);
    }
}

void mq_stages_list(const mq_stages *m, char *buf, size_t len)
{
    /* Joined in full first, then cut by the one helper that knows where a
    ** character ends: counting room for ", …" by hand once wrote two bytes
    ** past a 512-byte buffer (issue 11, item 5). */
    size_t total = 1;
    for (int i = 0; i < m->n; i++) total += strlen(m->st[i].name) + 2;
    char *all = malloc(total), *o = all;
    if (!all) {
        mq_utf8_excerpt_str(buf, len, "(out of memory)");
        return;
    }
    for (int i = 0; i < m->n; i++) {
        if (i) { memcpy(o, ", ", 2); o += 2; }
        size_t k = strlen(m->st[i].name);
        memcpy(o, m->st[i].name, k);
        o += k;
    }
    mq_utf8_excerpt(buf, len, all, (size_t)(o - all));
    free(all);
}

mq_stages *mq_stages_default(void)
{
    static const struct { const char *name; int rank; const char *kind; int terminal, on_path; } def[] = {
        {"target", 1, "marketing", 0, 1}, {"IQL", 2, "marketing", 0, 1}, {"MQL", 3, "marketing", 0, 1},
        {"PQL", 3, "marketing", 0, 1}, {"SQL", 4, "sales", 0, 1}, {"meeting", 5, "sales", 0, 1},
        {"proposal", 6, "sales", 0, 1}, {"won", 7, "closed", 1, 1}, {"lost", 7, "closed", 1, 0},
        {"nurture", 2, "marketing", 0, 0}, {"disqualified", 4, "closed", 1, 0},
    };
    static const char *const aliases[][2] = {
        {"marketing target", "target"}, {"prospect", "target"},
        {"information qualified lead", "IQL"}, {"information qualified", "IQL"}, {"lead", "IQL"}, {"new", "IQL"},
        {"marketing qualified lead", "MQL"}, {"marketing qualified", "MQL"},
        {"product qualified lead", "PQL"}, {"product qualified", "PQL"},
        {"sales qualified lead", "SQL"}, {"sales qualified", "SQL"}, {"sales accepted lead", "SQL"},
        {"sales accepted", "SQL"}, {"SAL", "SQL"}, {"opportunity", "SQL"},
        {"sales meeting", "meeting"}, {"demo", "meeting"}, {"meeting or demo", "meeting"},
        {"sales proposal", "proposal"}, {"quote", "proposal"}, {"negotiation", "proposal"},
        {"closed won", "won"}, {"close won", "won"}, {"customer", "won"},
        {"closed lost", "lost"}, {"close lost", "lost"},
        {"recycled", "nurture"}, {"nurturing", "nurture"}, {"recycle", "nurture"},
        {"unqualified", "disqualified"}, {"dq", "disqualified"}, {"rejected", "disqualified"},
    };
    mq_stages *m = mq_stages_new();
    if (!m) return NULL;
    for (size_t i = 0; i < sizeof def / sizeof *def; i++)
        if (mq_stages_add(m, def[i].name, def[i].rank, def[i].kind, def[i].terminal, def[i].on_path) != 0) goto fail;
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (mq_stages_alias(m, aliases[i][0], aliases[i][1]) != 0) goto fail;
    return m;
fail:
    mq_stages_release(m);
    return NULL;
}

int mq_stages_unknown(const mq_stages *m, mq_err *err, const char *fn, const char *s, size_t n)
{
    char known[512], q[61];
    mq_stages_list(m, known, sizeof known);
    return mq_err_set(err, "%s: unknown stage '%s'; known stages are %s "
                           "(add others to mqlite_stages or mqlite_stage_aliases)", fn,
                      mq_utf8_excerpt(q, sizeof q, s, n), known);
}

int mq_stage_names_find(mq_stage_names *c, const mq_stages *m, const char *s, size_t n)
{
    unsigned hash = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) hash = (hash ^ (unsigned char)s[i]) * 16777619u;
    for (unsigned probe = 0; probe < 8; probe++) {
        size_t at = (hash + probe) & 63;
        if (!c->slot[at].s) {
            int k = mq_stages_find(m, s, n);
            if (k >= 0 && (c->slot[at].s = malloc(n + 1))) {
                memcpy(c->slot[at].s, s, n);
                c->slot[at].s[n] = 0;
                c->slot[at].n = n;
                c->slot[at].stage = k;
            }
            return k;
        }
        if (c->slot[at].n == n && memcmp(c->slot[at].s, s, n) == 0) return c->slot[at].stage;
    }
    return mq_stages_find(m, s, n);
}

void mq_stage_names_clear(mq_stage_names *c)
{
    for (size_t i = 0; i < sizeof c->slot / sizeof c->slot[0]; i++) free(c->slot[i].s);
    memset(c, 0, sizeof *c);
}
