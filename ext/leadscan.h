/*
** leadscan.h — reading leads and their events for a rule, in lead order: the
** scan score_leads (score_vtab.c) and rule_moves (moves.c) both stand on.
**
** The leads table is read in id order and the events table in lead order
** (the events_lead index: within a lead, by occurred_at), merged, so each lead
** costs one step of each statement. A lead's fields reach the rule through
** `src` (columns directly; attrs parsed only when the rule reads a field that
** is not a column). A scan covers every lead, one lead, or a range of ids
** (so that long runs can be chunked); the vtab planning of those arguments is
** here too, as both tables take the same ones.
*/
#ifndef LEADSCAN_H
#define LEADSCAN_H

#include "family.h"
#include "leadjson.h"
#include "ruleprog.h"

typedef struct mq_leadscan {
    mq_conn *conn;
    const char *fn;             /* the SQL name its errors start with */
    const mq_prog *p;
    sqlite3_stmt *leads, *events;
    int ev_valid;               /* events has a row */
    int ev_used;                /* ... which was handed out: step before the next */
    int started;                /* a lead was read (lead_id is the last one) */
    int by_lead;
    sqlite3_int64 by_lead_id;
    sqlite3_int64 lead_id;      /* the current lead */
    int *slotcol;               /* program field -> leads column, -1 for attrs */
    int extracts;               /* the leads statement has json_extract(attrs, ...) columns */
    mq_lazy_json attrs;
    mq_source src;              /* the current lead's fields */
} mq_leadscan;

/* One event of the current lead; the texts live until the next call. */
typedef struct mq_leadevent {
    const char *type;
    size_t typelen;
    double t;                   /* occurred_at, seconds since 1970 */
    mq_lazy_json props;         /* freed by the scan */
} mq_leadevent;

/* What the arguments of a scan say: one lead, or a range of ids (either bound
** may be absent), or everything. */
typedef struct mq_leadrange {
    int by_lead;
    sqlite3_int64 lead;
    sqlite3_value *lo, *hi;     /* owned: sqlite3_value_dup'd */
    int lo_strict, hi_strict;
} mq_leadrange;

/* For xBestIndex of a table whose columns col_rule, col_as_of and col_extra
** (-1: none) are hidden arguments and col_lead the lead's id: rule is
** required, then as_of, the extra one, then lead_id = ?, or its bounds.
** idxNum bits: 1 as_of, 64 the extra argument, 2 lead_id, 4 a lower bound
** (16 strict), 8 an upper one (32 strict); MQ_LEADSCAN_NO_RULE when the
** query gives no rule at all: the dearest plan (an OR in WHERE makes SQLite
** ask once per term, and another plan may have it), which xFilter refuses
** with mq_leadscan_unplanned. */
#define MQ_LEADSCAN_NO_RULE 0x10000
int mq_leadscan_plan(sqlite3_index_info *info, int col_lead, int col_rule, int col_as_of, int col_extra);
/* For xFilter, first: -1 with err set ("FN: a rule name is required, as in
** FN('b2b')") when the plan had no rule; else 0. */
int mq_leadscan_unplanned(int idxNum, const char *fn, mq_err *err);
/* For xFilter: reads the arguments the plan asked for after rule and as_of
** (argv[a...]) into r. 0, 1 when lead_id = ? is not a whole number (no row
** can match), or -1 when memory is short. */
int mq_leadrange_read(mq_leadrange *r, int idxNum, sqlite3_value **argv, int a);
void mq_leadrange_free(mq_leadrange *r);
/* The WHERE clause (with its leading blank, or "") that limits a table with a
** lead_id column to the leads r names, and the binding of its parameters
** (?1, or ?9001 and ?9002): for the other tables a scan's user reads. */
const char *mq_leadrange_where(const mq_leadrange *r);
void mq_leadrange_bind(sqlite3_stmt *st, const mq_leadrange *r);

/* Opens a scan of the leads r names for program p; with_events also reads
** their events. 0, or -1 with err set; close it either way. The range must
** outlive the opening only (its values are bound, and SQLite copies them).
** s starts zeroed; opened again for one lead with the same p (the caller
** keeps p alive in between), it reuses its statements. */
int mq_leadscan_open(mq_leadscan *s, mq_conn *conn, const char *fn, const mq_prog *p,
                     const mq_leadrange *r, int with_events, mq_err *err);
/* The next lead: 1, 0 at the end, -1 with err set. */
int mq_leadscan_next(mq_leadscan *s, mq_err *err);
/* The lead's created_at as text (NULL if not text). */
const char *mq_leadscan_created(const mq_leadscan *s);
/* The current lead's next event: 1, 0 when it has no more, -1 with err set.
** ev starts zeroed; its props are freed by the next call, and by the caller
** (mq_lazy_json_free) after the last. */
int mq_leadscan_event(mq_leadscan *s, mq_leadevent *ev, mq_err *err);
/* Adds the current lead's events to eng (mq_engage_add: those after its
** as_of count nothing). 0, or -1 with err set, prefixed by the scan's name. */
int mq_leadscan_engage(mq_leadscan *s, mq_engage *eng, mq_err *err);
/* After the rule read the lead: -1 with err set when it read attrs that are
** not JSON (the schema's CHECK lets '{bad}' in), else 0. */
int mq_leadscan_check(mq_leadscan *s, mq_err *err);
void mq_leadscan_close(mq_leadscan *s);

#endif
