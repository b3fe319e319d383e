/*
** leadjson.h — a lead given as JSON text, as lead_score(rule, lead_json) takes it.
**
** Parsed with jansson (Debian's libjansson). Fields are read from the top-level
** object first and then from its "attrs" object (or attrs given as JSON text,
** as the leads table stores it). "events": [{"type":..., "occurred_at":...,
** "props": {...}}] feeds engagement, and "as_of" sets the time that decay is
** measured from. Plain C: no SQLite, no Lua.
*/
#ifndef LEADJSON_H
#define LEADJSON_H

#include <stddef.h>

#include "ruleprog.h"

typedef struct mq_json_lead {
    void *root;            /* json_t *, the lead object */
    void *attrs;           /* json_t *, its attributes object or NULL */
    void *attrs_owned;     /* attrs parsed from text, freed with the lead */
    const char *attrs_text;   /* attrs given as text that is not valid JSON, */
    size_t attrs_n;           /* or NULL */
    int attrs_read_bad;    /* a field was looked for in such attrs */
    mq_source src;
} mq_json_lead;

/* Parses text as a JSON object. Returns 0, or -1 with a message in err such
** as "expected a JSON object, found an array" or "invalid JSON at line 1,
** column 7: ...". */
int mq_json_lead_open(mq_json_lead *jl, const char *text, size_t n, mq_err *err);
void mq_json_lead_close(mq_json_lead *jl);

/* Checks that text is valid JSON: 0, or -1 with err = "line L, column C: what
** jansson says". For the error that names a lead whose attrs are not JSON. */
int mq_json_check(const char *text, size_t n, mq_err *err);

/* Reads "as_of" into *as_of when present: 1 found, 0 absent, -1 invalid. */
int mq_json_lead_as_of(const mq_json_lead *jl, double *as_of);
/* True when the lead has an "events" member. */
int mq_json_lead_has_events(const mq_json_lead *jl);
/* Feeds the "events" array to a. Returns 0, or -1 with err. */
int mq_json_lead_engage(const mq_json_lead *jl, mq_engage *a, mq_err *err);

/* A json_t * as an mq_value (objects and arrays as MQV_OTHER). */
void mq_json_value(const void *j, mq_value *out);

/* A source over a JSON object (props of an event). */
mq_source mq_json_object_source(const void *obj);



/* A JSON object given as text that is parsed only if a field is read (event
** props, the attrs column): most rules never look at them. Text that is not a
** JSON object reads as an object without fields; when it is not JSON at all,
** `bad` is set too, for the caller to report (a lead's attrs). */
typedef struct mq_lazy_json {
    const char *text;
    size_t n;
    void *root;
    int parsed;
    int bad;               /* parsed, and the text was not valid JSON */
    mq_source src;
} mq_lazy_json;

void mq_lazy_json_init(mq_lazy_json *lj, const char *text, size_t n);
void mq_lazy_json_free(mq_lazy_json *lj);
/* Reads one field (parsing on first use). */
void mq_lazy_json_get(mq_lazy_json *lj, const char *name, size_t len, mq_value *out);
#endif
