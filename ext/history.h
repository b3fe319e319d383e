/*
** history.h — reading stage_history one lead at a time, in lead order, with
** stage names resolved through the stage model: what funnel(),
** cohort_conversion() and speed_to_lead() are built on.
*/
#ifndef HISTORY_H
#define HISTORY_H

#include "groupby.h"
#include "sqlarg.h"

#define MQ_MAX_RANK 64

typedef struct mq_hentry {
    int stage;             /* index into the model */
    double t;              /* unix seconds */
    int by_rule;           /* a rule made it (source 'rule:...') */
} mq_hentry;

typedef struct mq_history {
    mq_conn *conn;
    const char *fn;
    const char *what;      /* the tables read, for the re-entry guard */
    mq_stages *m;
    sqlite3_stmt *st;
    int row;               /* st holds a row not yet consumed */
    sqlite3_int64 lead;    /* the current lead */
    char *group;           /* its group value (NULL when none or not grouped) */
    mq_hentry *e;
    int n, cap;
    mq_stage_names names;  /* the names entries use, resolved once */
    double cutoff;         /* with has_cutoff: entries after it are not read */
    int has_cutoff;
    mq_err err;
} mq_history;

/* Opens the scan, with each lead's group value (groupby.h) when group is on
** (group may be NULL: no groups). as_of (may be NULL): the history as it was
** then, entries dated after it not read, for reports "as of" a time. Returns
** 0, or -1 with h->err set (close h either way). */
int mq_history_open(mq_history *h, mq_conn *conn, const char *fn, const mq_groupby *group, const double *as_of);
/* Moves to the next lead: 1 when there is one, 0 at the end, -1 with h->err. */
int mq_history_next(mq_history *h);
void mq_history_close(mq_history *h);

/* For the current lead: reach[r] = the first time it was at a main-path stage
** of rank r or beyond, or NAN when it never was (r from 0 to MQ_MAX_RANK - 1). */
void mq_history_reach(const mq_history *h, double *reach);

/* For the current lead: by_rule[r] = 1 when only a rule's entries put it at
** rank r or beyond (no one else's entry says it got there): what a rule
** claimed, not what sales decided. */
void mq_history_by_rule(const mq_history *h, unsigned char *by_rule);

/* A time argument of a report (mq_value_time; a NULL pointer or SQL NULL:
** returns 0 with *has = 0). Returns -1 with err set on bad input. */
int mq_time_value(sqlite3_value *v, const char *fn, int argn, double *out, int *has, mq_err *err);
/* A report's as_of argument: as mq_time_value reads it, and now (mq_time_now)
** when it is not given. Returns -1 with err set on bad input. */
int mq_as_of_value(sqlite3_value *v, const char *fn, int argn, double *as_of, mq_err *err);

#endif
