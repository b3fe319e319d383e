/*
** ruleprog.h — a compiled scoring rule as data, and its evaluation in C.
**
** A rule is written in Lua, but what it declares (fit criteria, event points,
** caps, decay, thresholds, grades) is turned by ruledsl.c into the structures
** below, and scoring walks them in C. Lua runs only for a criterion whose
** condition is a function the rule wrote itself; that call goes through the
** `call` hook of the program, so this file needs neither Lua nor SQLite and
** cmocka tests it directly.
**
** Points are whole numbers: each item of an explanation is rounded to an
** integer before it is added, so the items add up exactly to the score in any
** order and in any host (a salesperson reads "7 points", not "7.07").
*/
#ifndef RULEPROG_H
#define RULEPROG_H

#include <stddef.h>

#include "mqerr.h"
#include "stagemodel.h"

/* ---- values ---------------------------------------------------------------- */

typedef enum { MQV_NULL, MQV_NUM, MQV_TEXT, MQV_BOOL, MQV_OTHER } mq_vtype;

/* One field of a lead or of an event's props. Text is not NUL-terminated. */
typedef struct mq_value {
    mq_vtype type;
    int is_int;            /* MQV_NUM that came in as an integer: inum is exact */
    long long inum;
    double num;            /* MQV_NUM; 0/1 for MQV_BOOL */
    const char *s;         /* MQV_TEXT */
    size_t n;
    const void *opaque;    /* MQV_OTHER: the source's own node (a json_t *) */
} mq_value;

/* Where field values come from: a JSON object, a row of the leads table, an
** event's props. `slot` is the field's index in the program's field table, or
** -1 when only the name is known (a Lua function reading l.anything). */
typedef struct mq_source {
    void (*get)(void *self, int slot, const char *name, size_t len, mq_value *out);
    void *self;
} mq_source;

/* ---- the program ----------------------------------------------------------- */

typedef enum {
    MQT_GE, MQT_LE, MQT_BETWEEN, MQT_EQ_NUM, MQT_EQ_TEXT, MQT_ONE_OF,
    MQT_CONTAINS, MQT_PRESENT, MQT_MISSING, MQT_FREE_EMAIL, MQT_DOMAIN_IN,
    MQT_TRUE, MQT_FALSE
} mq_testop;

typedef struct mq_test {
    int field;             /* index into mq_prog.fields */
    mq_testop op;
    int negate;
    double a, b;
    char **strs;           /* lower-cased; MQT_EQ_TEXT, ONE_OF, CONTAINS, DOMAIN_IN */
    size_t *lens;
    int nstrs;
} mq_test;

/* All tests must hold (AND); or, when fn >= 0, the rule's own function decides. */
typedef struct mq_cond {
    mq_test *tests;
    int ntests;
    int fn;                /* the engine's handle of a Lua function, -1 if none */
} mq_cond;

#define MQ_STEP_DEFAULT 1000

typedef struct mq_fit {
    char *reason;
    double points;
    int grade_step;        /* steps this criterion moves the grade up (MQ_STEP_DEFAULT:
                              one up for positive points, one down for negative) */
    int group;             /* -1 if none */
    mq_cond cond;
} mq_fit;

typedef struct mq_evrule {
    char *type;            /* lower-cased event type */
    size_t typelen;
    char *reason;
    double points;
    double cap;            /* bound on |points of this rule|; 0 = none */
    int once;              /* count one occurrence per lead: the most recent */
    double half_life;      /* days; 0 = no decay */
    int group;
    char *stage;           /* a signal: this event moves the lead straight here */
    mq_cond where;         /* conditions on the event's props */
} mq_evrule;

typedef struct mq_group { char *name; double cap; } mq_group;

typedef struct mq_threshold {
    char *stage;
    double score;
    int min_grade;         /* index into grades (0 = best), -1 = any grade */
} mq_threshold;

/* The instruction budget of one lead: every Lua call made while scoring it
** (all its function conditions, on the lead and on its events) draws on the
** same budget. Zeroed (mq_budget_init) means "not started": the engine fills
** it at the lead's first call. */
typedef struct mq_budget {
    long long left;        /* instructions left */
    double lua_ns;         /* wall time spent in Lua, measured by the hook */
    int started;
} mq_budget;

static inline void mq_budget_init(mq_budget *b) { b->left = 0; b->lua_ns = 0; b->started = 0; }

/* Calls the rule's own function number fn with src as its argument, charged to
** budget b. Sets *applies and *points (the function may return a number of
** points instead of true). Returns 0, or -1 with err set. */
typedef int (*mq_call_fn)(void *ud, int fn, const mq_source *src, mq_budget *b,
                          int *applies, double *points, int *has_points, mq_err *err);

/* Where a program's own memory comes from (lua_Alloc's contract: nsize 0
** frees; osize is the old size of ptr). The rule engine passes its Lua
** state's allocator, so a rule's compiled program counts against the
** sandbox's memory cap; NULL means malloc. */
typedef void *(*mq_alloc_fn)(void *ud, void *ptr, size_t osize, size_t nsize);

typedef struct mq_prog {
    char **fields; int nfields;
    mq_fit *fits; int nfits;
    mq_evrule *evs; int nevs;
    mq_group *groups; int ngroups;
    mq_threshold *ths; int nths;      /* sorted by score, highest first */
    char *below;                      /* stage of a lead under every threshold */
    char **grades; int ngrades;       /* best first: "A+", "A", ..., "F" */
    int grade_start;
    double default_half_life;         /* days; 0 = no decay */
    double cap_total, cap_fit, cap_engagement;   /* 0 = none */
    int recycle_declared;
    double requalify_days, stale_days;           /* 0 = never (recycle()) */
    char *stale_to;                              /* set when stale_days is */
    /* account { ... } (account_scores, acctscore.c); zero = not declared */
    int account_declared, has_mqa_at;
    double mqa_at;                               /* an account's score to be MQA, with has_mqa_at */
    int mqa_roles;                               /* buying-group roles that must have engaged, 0..4 */
    double engaged_days;                         /* a contact engaged: an event this recent (0: 90) */
    double account_cap;                          /* cap on an account's engagement; 0 = none */
    double signal_half_life;                     /* intent signals' half-life in days; 0 = the rule's decay */
    char *route;                      /* route { }, as JSON (routedsl.c); NULL when none */
    int has_fn;                       /* some condition is a Lua function */
    mq_call_fn call;
    void *call_ud;
    mq_alloc_fn alloc;                /* set before anything is added; NULL = malloc */
    void *alloc_ud;
} mq_prog;

void mq_prog_init(mq_prog *p);
/* Frees what the program holds and makes it empty again (keeping its
** allocator and call hook), so it may be called twice. */
void mq_prog_free(mq_prog *p);

/* The program's memory (through p->alloc): a block of n bytes, ptr resized
** to n (ptr may be NULL), or freed when n is 0. NULL when refused. Blocks
** remember their size, so mq_prog_free needs no sizes. */
void *mq_prog_mem(mq_prog *p, void *ptr, size_t n);
/* The size last asked of mq_prog_mem for ptr. */
size_t mq_prog_mem_size(const void *ptr);
/* A NUL-terminated copy of s[0..n) in the program's memory, or NULL. */
char *mq_prog_strndup(mq_prog *p, const char *s, size_t n);

/* Interns a field name; returns its slot or -1 on out of memory. */
int mq_prog_field(mq_prog *p, const char *name, size_t len);
/* Index of a grade in the scale, or -1. Case-insensitive. */
int mq_prog_grade_index(const mq_prog *p, const char *g, size_t n);
/* The default scale A+, A, B, C, D, F unless the rule declared one. */
int mq_prog_default_grades(mq_prog *p);
/* Sorts thresholds and fills defaults (grade scale, below stage); call once
** after declaring. Returns 0, or -1 when memory is short. */
int mq_prog_finish(mq_prog *p);

/* ---- results --------------------------------------------------------------- */

typedef enum { MQI_FIT, MQI_EVENT, MQI_SIGNAL, MQI_CAP } mq_itemkind;

/* One line of an explanation. reason points into the program; for a cap, what
** is the name of what was capped and limit the cap. */
typedef struct mq_item {
    mq_itemkind kind;
    double points;         /* whole number */
    const char *reason;
    const char *what;
    double limit;
    int count;             /* events counted, for MQI_EVENT / MQI_SIGNAL */
    const char *stage;     /* MQI_SIGNAL */
} mq_item;

typedef struct mq_result {
    double score, fit, engagement;
    int grade;             /* index into prog->grades */
    const char *stage;     /* points into the program */
    mq_item *items;
    int nitems, cap;
    /* the fit part, kept for mq_prog_rescore: its items are items[0..nfit) */
    int fit_ready, nfit, grade0;
    double fit0;
    double *group_fit;     /* per group: its fit points; then, 2 per group, the
                              sums a scoring works in (kept from lead to lead) */
    int ngroup_fit;        /* groups it has room for */
} mq_result;

void mq_result_init(mq_result *r);
void mq_result_reset(mq_result *r);
void mq_result_free(mq_result *r);

/* ---- engagement: events streamed in any order ----------------------------- */

typedef struct mq_engage {
    const mq_prog *p;
    double as_of;
    double *sum;           /* per event rule: sum of decay weights (or best weight if once) */
    int *count;
    int nevents;           /* events that matched some rule */
    mq_budget budget;      /* the lead's instruction budget (reset with the lead) */
} mq_engage;

int mq_engage_init(mq_engage *a, const mq_prog *p, double as_of);
void mq_engage_reset(mq_engage *a, double as_of);
void mq_engage_free(mq_engage *a);
/* Adds one event. props may be NULL. Events after as_of are ignored: scoring
** "as of" a date sees only the history up to it. Returns 0, or -1 with err. */
int mq_engage_add(mq_engage *a, const char *type, size_t typelen, double t,
                  const mq_source *props, mq_err *err);
/* mq_engage_add in two steps, for a caller that replays a lead's events in
** time order (moves.c): the event rule that takes an event (-1 none, -2 an
** error in err), judged once; then counting it at time t (ignored after as_of). */
int mq_engage_match(mq_engage *a, const char *type, size_t typelen, const mq_source *props, mq_err *err);
void mq_engage_count(mq_engage *a, int rule, double t);
/* Moves the moment the weights are measured to on to as_of (>= the last). */
void mq_engage_advance(mq_engage *a, double as_of);

/* ---- scoring --------------------------------------------------------------- */

/* Scores a lead: fit criteria against lead (may be NULL for engagement only),
** then the accumulated events in eng (may be NULL), then caps, grade and stage.
** model (may be NULL) ranks a signal's stage against the score's: stages it
** knows by its ranks, others by the rule's thresholds.
** Lua calls are charged to eng's budget (the one its events drew on), or to
** a fresh budget when eng is NULL.
** Returns 0, or -1 with err. */
int mq_prog_score(const mq_prog *p, const mq_stages *model, const mq_source *lead, mq_engage *eng,
                  mq_result *r, mq_err *err);
/* Scores the lead of the last mq_prog_score on r again with other
** engagement (the same events as of a later moment, or more of them): the fit
** criteria are not evaluated again, so a rule's function runs once a lead. */
int mq_prog_rescore(const mq_prog *p, const mq_stages *model, mq_engage *eng, mq_result *r, mq_err *err);
/* Whether the rule has signals: only then does mq_prog_score read model. */
static inline int mq_prog_has_signals(const mq_prog *p)
{
    for (int i = 0; i < p->nevs; i++)
        if (p->evs[i].stage) return 1;
    return 0;
}

/* The stage for a score and grade index (-1 when no grade is known). Returns
** NULL when a threshold needs a grade that is missing (MQ_NEEDS_GRADE says so). */
#define MQ_NEEDS_GRADE "this rule's thresholds need a grade"
const char *mq_prog_stage(const mq_prog *p, double score, int grade);

/* Writes the explanation as a JSON array into a malloc'd string. */
char *mq_result_json(const mq_prog *p, const mq_result *r);

/* Whether test t holds for value v (valuetest.c). */
int mq_test_holds(const mq_test *t, const mq_value *v);

/* Case-insensitive: is the e-mail's domain a free-mail provider? */
int mq_is_free_email(const char *s, size_t n);

#endif
