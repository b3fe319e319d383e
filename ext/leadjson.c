/*
** leadjson.c — reading a lead, its events and their props from JSON.
**
** jansson is used because it keeps integers as 64-bit integers (a CRM id or a
** revenue figure above 2^53 is not rounded through a double), rejects invalid
** UTF-8, and reports the line and column of a syntax error.
*/
#include "leadjson.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mqtime.h"

void mq_json_value(const void *jv, mq_value *out)
{
    const json_t *j = jv;
    memset(out, 0, sizeof *out);
    out->type = MQV_NULL;
    if (!j) return;
    switch (json_typeof(j)) {
    case JSON_STRING:
        out->type = MQV_TEXT;
        out->s = json_string_value(j);
        out->n = json_string_length(j);
        break;
    case JSON_INTEGER:
        out->type = MQV_NUM;
        out->is_int = 1;
        out->inum = (long long)json_integer_value(j);
        out->num = (double)out->inum;
        break;
    case JSON_REAL: out->type = MQV_NUM; out->num = json_real_value(j); break;
    case JSON_TRUE: out->type = MQV_BOOL; out->num = 1; break;
    case JSON_FALSE: out->type = MQV_BOOL; out->num = 0; break;
    case JSON_NULL: break;
    case JSON_OBJECT:
    case JSON_ARRAY: out->type = MQV_OTHER; out->opaque = j; break;
    }
}

/* Looks name up in obj; jansson keys are NUL-terminated, names may not be. */
static json_t *lookup(const json_t *obj, const char *name, size_t len)
{
    char buf[128];
    if (!obj || !json_is_object(obj) || len >= sizeof buf) return NULL;
    memcpy(buf, name, len);
    buf[len] = 0;
    return json_object_get(obj, buf);
}

static void lead_get(void *self, int slot, const char *name, size_t len, mq_value *out)
{
    (void)slot;
    mq_json_lead *jl = self;
    json_t *v = lookup(jl->root, name, len);
    if (!v) v = lookup(jl->attrs, name, len);
    /* looked for in attrs that are not JSON: the caller reports it, rather
    ** than score the lead as if the field were missing */
    if (!v && jl->attrs_text) jl->attrs_read_bad = 1;
    mq_json_value(v, out);
}

static void object_get(void *self, int slot, const char *name, size_t len, mq_value *out)
{
    (void)slot;
    mq_json_value(lookup(self, name, len), out);
}

mq_source mq_json_object_source(const void *obj)
{
    mq_source s = {object_get, (void *)obj};
    return s;
}

static const char *type_word(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

int mq_json_lead_open(mq_json_lead *jl, const char *text, size_t n, mq_err *err)
{
    json_error_t je;
    memset(jl, 0, sizeof *jl);
    json_t *root = json_loadb(text, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (!root) {
        if (json_error_code(&je) == json_error_out_of_memory) return mq_err_nomem(err);
        /* jansson quotes the input near the error, bad bytes and all, cut at
        ** its own 160 bytes: mq_err_set passes it on as valid UTF-8 */
        return mq_err_set(err, "invalid JSON at line %d, column %d: %s", je.line, je.column, je.text);
    }
    if (!json_is_object(root)) {
        mq_err_set(err, "expected a JSON object, found %s", type_word(root));
        json_decref(root);
        return -1;
    }
    jl->root = root;
    json_t *attrs = json_object_get(root, "attrs");
    if (json_is_object(attrs)) {
        jl->attrs = attrs;
    } else if (json_is_string(attrs)) {
        /* attrs straight from the leads table is JSON text inside the JSON. */
        json_t *parsed = json_loadb(json_string_value(attrs), json_string_length(attrs), JSON_DECODE_ANY, &je);
        if (json_is_object(parsed)) jl->attrs = jl->attrs_owned = parsed;
        json_decref(json_is_object(parsed) ? NULL : parsed);
        if (!parsed) {
            jl->attrs_text = json_string_value(attrs);
            jl->attrs_n = json_string_length(attrs);
        }
    }
    jl->src.get = lead_get;
    jl->src.self = jl;
    return 0;
}

void mq_json_lead_close(mq_json_lead *jl)
{
    json_decref(jl->attrs_owned);
    json_decref(jl->root);
    memset(jl, 0, sizeof *jl);
}

int mq_json_check(const char *text, size_t n, mq_err *err)
{
    json_error_t je;
    json_t *j = json_loadb(text ? text : "", text ? n : 0, JSON_DECODE_ANY, &je);
    if (j) {
        json_decref(j);
        return 0;
    }
    if (json_error_code(&je) == json_error_out_of_memory) return mq_err_nomem(err);
    return mq_err_set(err, "line %d, column %d: %s", je.line, je.column, je.text);
}

/* A time from JSON: ISO text or unix seconds. */
static int json_time(const json_t *j, double *out)
{
    if (json_is_number(j)) { *out = json_number_value(j); return 0; }
    if (json_is_string(j)) return mq_time_parse(json_string_value(j), json_string_length(j), out);
    return -1;
}

int mq_json_lead_as_of(const mq_json_lead *jl, double *as_of)
{
    json_t *j = json_object_get(jl->root, "as_of");
    if (!j || json_is_null(j)) return 0;
    return json_time(j, as_of) == 0 ? 1 : -1;
}

int mq_json_lead_has_events(const mq_json_lead *jl)
{
    return json_object_get(jl->root, "events") != NULL;
}

int mq_json_lead_engage(const mq_json_lead *jl, mq_engage *a, mq_err *err)
{
    json_t *events = json_object_get(jl->root, "events");
    if (!events || json_is_null(events)) return 0;
    if (!json_is_array(events))
        return mq_err_set(err, "\"events\" expected an array of {\"type\":..., \"occurred_at\":...}");
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev) {
        json_t *type = json_object_get(ev, "type");
        double t;
        if (!json_is_string(type)) return mq_err_set(err, "events[%zu] expected a \"type\" string", i);
        if (json_time(json_object_get(ev, "occurred_at"), &t) != 0)
            return mq_err_set(err, "events[%zu] expected \"occurred_at\" as ISO-8601 text or unix seconds", i);
        json_t *props = json_object_get(ev, "props");
        mq_source ps = mq_json_object_source(json_is_object(props) ? props : NULL);
        if (mq_engage_add(a, json_string_value(type), json_string_length(type), t, &ps, err) != 0)
            return -1;
    }
    return 0;
}

void mq_lazy_json_get(mq_lazy_json *lj, const char *name, size_t len, mq_value *out)
{
    if (!lj->parsed) {
        lj->parsed = 1;
        if (lj->text && lj->n) {
            json_error_t je;
            json_t *root = json_loadb(lj->text, lj->n, JSON_DECODE_ANY, &je);
            if (json_is_object(root)) lj->root = root;
            else json_decref(root);
            lj->bad = root == NULL;
        }
    }
    mq_json_value(lookup(lj->root, name, len), out);
}

static void lazy_get(void *self, int slot, const char *name, size_t len, mq_value *out)
{
    (void)slot;
    mq_lazy_json_get(self, name, len, out);
}

void mq_lazy_json_init(mq_lazy_json *lj, const char *text, size_t n)
{
    memset(lj, 0, sizeof *lj);
    lj->text = text;
    lj->n = n;
    lj->src.get = lazy_get;
    lj->src.self = lj;
}

void mq_lazy_json_free(mq_lazy_json *lj)
{
    json_decref(lj->root);
    lj->root = NULL;
    lj->parsed = 0;
    lj->bad = 0;
}
