/*
** stagemodel.h — the funnel's stages as data: names, ranks, kinds, detours and
** aliases, and the lookups the stage functions and the funnel need.
**
** Plain C (no SQLite): stage.c loads it from mqlite_stages, cmocka tests it
** directly. The built-in default is the same pipeline schema/mqlite.sql seeds.
*/
#ifndef STAGEMODEL_H
#define STAGEMODEL_H

#include <stddef.h>

#include "mqerr.h"

typedef enum { MQK_MARKETING, MQK_SALES, MQK_CLOSED } mq_stage_kind;

typedef struct mq_stage {
    char *name;
    char *norm;            /* lower case, separators folded: what lookups compare */
    int rank;
    mq_stage_kind kind;
    int terminal;
    int on_path;
} mq_stage;

typedef struct mq_stages {
    int refs;
    mq_stage *st;
    int n;
    char **alias_norm;     /* normalized alias -> stage index */
    int *alias_stage;
    int nalias;
    int maxrank;
} mq_stages;

/* A new, empty model with one reference; NULL when memory is short. */
mq_stages *mq_stages_new(void);
/* The default pipeline: target, IQL, MQL, PQL, SQL, meeting, proposal, won,
** and the detours lost, nurture, disqualified, with common aliases. */
mq_stages *mq_stages_default(void);
void mq_stages_retain(mq_stages *m);
void mq_stages_release(mq_stages *m);

/* Returns 0, or -1 when memory is short. kind is "marketing", "sales" or
** "closed"; an unknown kind is taken as marketing. */
int mq_stages_add(mq_stages *m, const char *name, int rank, const char *kind, int terminal, int on_path);
/* Returns 0; -1 when the stage is unknown or memory is short. */
int mq_stages_alias(mq_stages *m, const char *alias, const char *stage);

/* Index of a stage by name or alias (case-insensitive; '-', '_' and runs of
** blanks count as one space; surrounding blanks ignored), or -1. */
int mq_stages_find(const mq_stages *m, const char *s, size_t n);
/* The next main-path stage above index i (lowest rank above, first declared
** on ties), or -1 at the end of the path. */
int mq_stages_next(const mq_stages *m, int i);
/* 1 when moving from a to b goes forward along the main path: b is on the path
** and of a higher rank. */
int mq_stages_is_forward(const mq_stages *m, int a, int b);
/* Names of the main-path stages of rank r, joined by '/' into buf. */
void mq_stages_rank_label(const mq_stages *m, int r, char *buf, size_t len);
/* Comma-separated names of all stages, for error messages: valid UTF-8 in
** buf (len >= 4), cut at a character boundary with "…" when it is too long. */
void mq_stages_list(const mq_stages *m, char *buf, size_t len);
/* Sets err to "FN: unknown stage 'S'; known stages are ... (add others to
** mqlite_stages or mqlite_stage_aliases)", for a stage name a caller gave;
** returns -1. */
int mq_stages_unknown(const mq_stages *m, mq_err *err, const char *fn, const char *s, size_t n);

/* Stage names as a history stores them, each resolved once: a history repeats
** a dozen names millions of times, and the model's lookup folds case and
** separators on every call. Zero-initialise; a cache serves one model. */
typedef struct mq_stage_names {
    struct { char *s; size_t n; int stage; } slot[64];
} mq_stage_names;

/* mq_stages_find through the cache (the same answer; unknown names are not
** kept). Memory running short only skips the keeping. */
int mq_stage_names_find(mq_stage_names *c, const mq_stages *m, const char *s, size_t n);
/* Frees the kept names; the cache is empty and usable again. */
void mq_stage_names_clear(mq_stage_names *c);

#endif
