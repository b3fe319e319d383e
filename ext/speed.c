/*
** speed.c — speed_to_lead([touch_type [, sla_hours [, group_by [, start
** [, stop [, fold]]]]]]): how fast sales follows up on MQLs.
**
**     SELECT * FROM speed_to_lead('sales_contact', 24, 'owner');
**
** For each lead that became an MQL (reached the MQL rank) in [start, stop):
** the hours from that moment to its first event of touch_type (default
** 'sales_contact') at or after it; whether that was within sla_hours (default
** 24); or that it was never contacted. A lead touched only before it became an
** MQL is counted in contacted_before_mql and never averaged in: its "speed"
** would be negative. One row per group (owner, source, ...), or one in all.
** group_by names a column of leads or a key of its attrs, fold = 1 groups by
** lower(trim(value)) (groupby.h); fold comes after start and stop, and as_of
** after fold, so that calls written before them keep their meaning.
**
** As of as_of (default now) the past is as it was: stage entries and touches
** after it are not read, and an MQL not yet contacted whose SLA has not run
** out by then is pending, not never contacted. The shares are of the MQLs
** that are not pending (an MQL of an hour ago would otherwise count as a
** miss).
**
** The clock starts at assignment: a lead with a row in lead_assignments
** (routing, route.c) at or before as_of is measured from its assigned_at,
** the moment an owner (or the overflow queue) got it; a touch before that
** counts as contacted_before_mql. Other leads are measured from the MQL entry
** as before (and every lead is, in a database without the table).
*/
#include <math.h>
#include <string.h>

#include "buckets.h"
#include "history.h"
#include "mathstat.h"
#include "mqtime.h"
#include "tablefn.h"

enum { S_SEGMENT, S_MQLS, S_CONTACTED, S_WITHIN_SLA, S_NEVER, S_BEFORE, S_SHARE_CONTACTED, S_SHARE_WITHIN,
       S_SHARE_NEVER, S_MEDIAN_HOURS, S_P90_HOURS, S_PENDING, S_NCOL };
enum { K_MQLS, K_CONTACTED, K_WITHIN, K_NEVER, K_BEFORE, K_PENDING };

static int speed_compute(mq_conn *conn, sqlite3_value **args, mq_rows *rows, mq_err *err)
{
    static const char fn[] = "speed_to_lead";
    const char *touch = args[0] && sqlite3_value_type(args[0]) == SQLITE_TEXT ? (const char *)sqlite3_value_text(args[0])
                                                                                : "sales_contact";
    if (args[0] && sqlite3_value_type(args[0]) != SQLITE_TEXT) {
        mq_arg_message(err, fn, 1, "an event type (TEXT)", args[0]);
        return -1;
    }
    double sla = 24, start = 0, stop = 0, as_of = mq_time_now(), given;
    int has_start, has_stop, has;
    if (args[1] && (!mq_value_number(args[1], &sla) || sla <= 0)) {
        mq_arg_message(err, fn, 2, "an SLA in hours above 0", args[1]);
        return -1;
    }
    if (mq_time_value(args[3], fn, 4, &start, &has_start, err) != 0 ||
        mq_time_value(args[4], fn, 5, &stop, &has_stop, err) != 0 ||
        mq_time_value(args[6], fn, 7, &given, &has, err) != 0)
        return -1;
    if (has) as_of = given;
    mq_groupby group;
    if (mq_group_open(&group, conn, fn, args[2], 3, args[5], 6, err) != 0) {
        mq_group_close(&group);
        return -1;
    }

    mq_history h;
    if (mq_history_open(&h, conn, fn, &group, &as_of) != 0) {
        *err = h.err;
        mq_history_close(&h);
        mq_group_close(&group);
        return -1;
    }
    sqlite3_stmt *ev = NULL, *asg = NULL;
    mq_buckets b = {0};
    int mql = mq_stages_find(h.m, "MQL", 3), rc, ev_row = 0;
    if (mql < 0 || !h.m->st[mql].on_path) {
        mq_err_set(err, "%s: the stage model has no main-path stage named MQL", fn);
        goto fail;
    }
    int mql_rank = h.m->st[mql].rank;
    rc = mq_prepare(conn, "events", "SELECT lead_id, occurred_at FROM events WHERE type = ?1 ORDER BY lead_id", &ev);
    if (rc == SQLITE_NOMEM) goto nomem;
    if (rc != SQLITE_OK) {
        mq_err_set(err, "%s: %s", fn, sqlite3_errmsg(conn->db));
        goto fail;
    }
    sqlite3_bind_text(ev, 1, touch, -1, SQLITE_TRANSIENT);
    if (mq_step_row(conn, fn, "events", ev, &ev_row, err) != 0) goto fail;
    /* (a database made before routing has no lead_assignments: no clock moves) */
    int asg_row = 0;
    rc = mq_prepare(conn, "lead_assignments", "SELECT lead_id, assigned_at FROM lead_assignments ORDER BY lead_id", &asg);
    if (rc == SQLITE_NOMEM) goto nomem;
    if (rc == SQLITE_OK) {
        if (mq_step_row(conn, fn, "lead_assignments", asg, &asg_row, err) != 0) goto fail;
    } else if (!strstr(sqlite3_errmsg(conn->db), "no such table")) {
        mq_err_db(err, conn->db, "%s: reading lead_assignments: ", fn);
        goto fail;
    }
    if (!group.on && !mq_buckets_get(&b, NULL)) goto nomem;
    double reach[MQ_MAX_RANK];
    while ((rc = mq_history_next(&h)) == 1) {
        mq_history_reach(&h, reach);
        double at = reach[mql_rank], first_after = NAN;
        int before = 0;
        while (asg_row && sqlite3_column_int64(asg, 0) <= h.lead) {
            double t;
            const char *ts = (const char *)sqlite3_column_text(asg, 1);
            if (sqlite3_column_int64(asg, 0) == h.lead && !isnan(at) && ts &&
                mq_time_parse(ts, (size_t)sqlite3_column_bytes(asg, 1), &t) == 0 && t <= as_of)
                at = t;
            if (mq_step_row(conn, fn, "lead_assignments", asg, &asg_row, err) != 0) goto fail;
        }
        /* this lead's touches; the events scan stays in step with the leads */
        while (ev_row && sqlite3_column_int64(ev, 0) <= h.lead) {
            double t;
            const char *ts = (const char *)sqlite3_column_text(ev, 1);
            if (sqlite3_column_int64(ev, 0) == h.lead && !isnan(at) && ts &&
                mq_time_parse(ts, (size_t)sqlite3_column_bytes(ev, 1), &t) == 0 && t <= as_of) {
                if (t >= at) { if (isnan(first_after) || t < first_after) first_after = t; }
                else before = 1;
            }
            if (mq_step_row(conn, fn, "events", ev, &ev_row, err) != 0) goto fail;
        }
        if (isnan(at) || (has_start && at < start) || (has_stop && at >= stop)) continue;
        mq_bucket *x = mq_buckets_get(&b, h.group);
        if (!x) goto nomem;
        if (mq_group_limit(&group, fn, b.n, MQ_MAX_GROUPS, "groups", err) != 0) goto fail;
        x->count[K_MQLS]++;
        if (!isnan(first_after)) {
            double hours = (first_after - at) / 3600.0;
            x->count[K_CONTACTED]++;
            if (hours <= sla) x->count[K_WITHIN]++;
            if (mq_dvec_push(&x->vals[0], hours) != 0) goto nomem;
        } else if (before) {
            x->count[K_BEFORE]++;
        } else if ((as_of - at) / 3600.0 < sla) {
            x->count[K_PENDING]++;
        } else {
            x->count[K_NEVER]++;
        }
    }
    if (rc < 0) {
        *err = h.err;
        goto fail;
    }
    mq_buckets_sort(&b);
    for (int i = 0; i < b.n; i++) {
        mq_bucket *x = b.b[i];
        double n = (double)(x->count[K_MQLS] - x->count[K_PENDING]);
        mq_rows_add(rows);
        mq_rows_text(rows, S_SEGMENT, x->name);
        mq_rows_int(rows, S_MQLS, x->count[K_MQLS]);
        mq_rows_int(rows, S_CONTACTED, x->count[K_CONTACTED]);
        mq_rows_int(rows, S_WITHIN_SLA, x->count[K_WITHIN]);
        mq_rows_int(rows, S_NEVER, x->count[K_NEVER]);
        mq_rows_int(rows, S_BEFORE, x->count[K_BEFORE]);
        mq_rows_int(rows, S_PENDING, x->count[K_PENDING]);
        if (n > 0) {
            mq_rows_double(rows, S_SHARE_CONTACTED, (double)x->count[K_CONTACTED] / n);
            mq_rows_double(rows, S_SHARE_WITHIN, (double)x->count[K_WITHIN] / n);
            mq_rows_double(rows, S_SHARE_NEVER, (double)x->count[K_NEVER] / n);
        }
        if (x->vals[0].n > 0) {
            mq_sort_doubles(x->vals[0].x, x->vals[0].n);
            mq_rows_double(rows, S_MEDIAN_HOURS, mq_percentile_sorted(x->vals[0].x, x->vals[0].n, 50));
            mq_rows_double(rows, S_P90_HOURS, mq_percentile_sorted(x->vals[0].x, x->vals[0].n, 90));
        }
    }
    sqlite3_finalize(ev);
    sqlite3_finalize(asg);
    mq_buckets_free(&b);
    mq_history_close(&h);
    mq_group_close(&group);
    return 0;
nomem:
    mq_err_nomem(err);
fail:
    sqlite3_finalize(ev);
    sqlite3_finalize(asg);
    mq_buckets_free(&b);
    mq_history_close(&h);
    mq_group_close(&group);
    return -1;
}

static const mq_tablefn speed_fn = {
    .name = "speed_to_lead",
    .schema = "CREATE TABLE x(segment TEXT, mqls INTEGER, contacted INTEGER, within_sla INTEGER,"
              " never_contacted INTEGER, contacted_before_mql INTEGER, share_contacted REAL,"
              " share_within_sla REAL, share_never REAL, median_hours REAL, p90_hours REAL, pending INTEGER,"
              " touch_type HIDDEN, sla_hours HIDDEN, group_by HIDDEN, start HIDDEN, stop HIDDEN, fold HIDDEN,"
              " as_of HIDDEN)",
    .nvisible = S_NCOL,
    .required = 0,
    .usage = "",
    .compute = speed_compute,
};

const mq_def mq_speed_defs[] = {
    MQ_TABLE("speed_to_lead", 7, MQ_READS, &mq_tablefn_module, &speed_fn),   /* arguments: hidden columns */
    MQ_END
};
