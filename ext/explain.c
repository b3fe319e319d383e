/*
** explain.c — a score's explanation as JSON: one object per line the
** salesperson reads, {"points": 7, "reason": "...", "kind": "engagement"},
** in the order ruleprog.c scored them (see there), so the points add up to
** the score.
*/
#include <jansson.h>
#include <stdio.h>

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

char *mq_result_json(const mq_prog *p, const mq_result *r)
{
    (void)p;
    json_t *arr = json_array();
    if (!arr) return NULL;
    for (int i = 0; i < r->nitems; i++) {
        const mq_item *it = &r->items[i];
        /* the rule's text is cut between characters (utf8text.h) so that the
        ** line fits buf whole and jansson gets valid UTF-8 */
        char buf[256], q[200];
        const char *reason = it->reason;
        if (it->kind == MQI_CAP) {
            snprintf(buf, sizeof buf, "cap: %s at most %g points", mq_utf8_excerpt_str(q, sizeof q, it->what), it->limit);
            reason = buf;
        } else if ((it->kind == MQI_EVENT || it->kind == MQI_SIGNAL) && it->count > 1) {
            snprintf(buf, sizeof buf, "%s (%d times)", mq_utf8_excerpt_str(q, sizeof q, it->reason), it->count);
            reason = buf;
        }
        json_t *o = json_object();
        if (!o || json_array_append_new(arr, o) != 0) { json_decref(o); goto fail; }
        if (json_object_set_new(o, "points", json_integer((json_int_t)it->points)) ||
            json_object_set_new(o, "reason", json_string(reason ? reason : "")) ||
            json_object_set_new(o, "kind", json_string(kind_name(it->kind))))
            goto fail;
        if (it->kind == MQI_SIGNAL && json_object_set_new(o, "stage", json_string(it->stage)))
            goto fail;
    }
    char *s = json_dumps(arr, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(arr);
    return s;
fail:
    json_decref(arr);
    return NULL;
}
