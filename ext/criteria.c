/*
** criteria.c — rule_criteria(rule): the criteria of a rule, numbered as
** rule_decisions() lists the ones that gave a lead points.
**
**     SELECT criterion, kind, points, reason FROM rule_criteria('b2b');
**
** kind: 'fit' (a test on the lead's fields), 'event' (points per event of a
** type) or 'signal' (an event that moves the lead to a stage). Fit criteria
** come first, in the order the rule declares them, then the event rules;
** numbers count from 1. group names the criterion's capped group, cap the
** bound on an event rule's points, event_type and stage what an event rule
** takes and, for a signal, where it moves the lead.
*/
#include "luarule.h"
#include "tablefn.h"

enum { C_CRITERION, C_KIND, C_POINTS, C_REASON, C_GROUP, C_EVENT_TYPE, C_CAP, C_STAGE, C_NCOL };

static int criteria_compute(mq_conn *conn, sqlite3_value **args, mq_rows *rows, mq_err *err)
{
    static const char fn[] = "rule_criteria";
    if (sqlite3_value_type(args[0]) != SQLITE_TEXT)
        return mq_arg_message(err, fn, 1, "a rule name (TEXT)", args[0]);
    mq_rule *rule = mq_conn_rule(conn, fn, (const char *)sqlite3_value_text(args[0]), err);
    if (!rule) return -1;
    const mq_prog *p = mq_rule_prog(rule);
    for (int i = 0; i < p->nfits; i++) {
        const mq_fit *f = &p->fits[i];
        mq_rows_add(rows);
        mq_rows_int(rows, C_CRITERION, i + 1);
        mq_rows_text(rows, C_KIND, "fit");
        mq_rows_double(rows, C_POINTS, f->points);
        mq_rows_text(rows, C_REASON, f->reason);
        if (f->group >= 0) mq_rows_text(rows, C_GROUP, p->groups[f->group].name);
    }
    for (int i = 0; i < p->nevs; i++) {
        const mq_evrule *e = &p->evs[i];
        mq_rows_add(rows);
        mq_rows_int(rows, C_CRITERION, p->nfits + i + 1);
        mq_rows_text(rows, C_KIND, e->stage ? "signal" : "event");
        mq_rows_double(rows, C_POINTS, e->points);
        mq_rows_text(rows, C_REASON, e->reason);
        if (e->group >= 0) mq_rows_text(rows, C_GROUP, p->groups[e->group].name);
        mq_rows_text(rows, C_EVENT_TYPE, e->type);
        if (e->cap > 0) mq_rows_double(rows, C_CAP, e->cap);
        if (e->stage) mq_rows_text(rows, C_STAGE, e->stage);
    }
    mq_rule_release(rule);
    if (rows->oom) return mq_err_nomem(err);
    return 0;
}

static const mq_tablefn criteria_fn = {
    .name = "rule_criteria",
    .schema = "CREATE TABLE x(criterion INTEGER, kind TEXT, points REAL, reason TEXT, group_name TEXT,"
              " event_type TEXT, cap REAL, stage TEXT, rule HIDDEN)",
    .nvisible = C_NCOL,
    .required = 1,
    .usage = "the rule is required, as in rule_criteria('b2b')",
    .compute = criteria_compute,
};

const mq_def mq_criteria_defs[] = {
    MQ_TABLE("rule_criteria", 1, MQ_RUNS_RULE, &mq_tablefn_module, &criteria_fn),   /* compiles the rule's Lua */
    MQ_END
};
