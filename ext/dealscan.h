/*
** dealscan.h — reading the deals table one deal at a time, as it stood at a
** time (as_of): what the deal reports (deals.c, dealroi.c) and attribution's
** won deals (attribpass.c, as_of +Inf: as they stand) are built on.
**
** As of as_of: a deal created after it is not read; a won or lost deal
** closed after it was still open then. A won or lost deal without a
** closed_at is closed at every as_of (when it closed is not known; leaving
** it out would lose a sale). Every value is checked as it is read: an amount
** that is not a finite number (text put in past the CHECK, 1e309 as Inf), a
** date mqlite cannot read or a status other than open, won, lost stops the
** report with an error naming the deal, rather than a figure that is wrong.
*/
#ifndef DEALSCAN_H
#define DEALSCAN_H

#include "conn.h"

enum { MQ_DEAL_OPEN, MQ_DEAL_WON, MQ_DEAL_LOST };

typedef struct mq_deal {
    sqlite3_int64 id;
    sqlite3_int64 lead_id;      /* with has_lead; 0 when none */
    int has_lead;
    double amount;              /* with has_amount */
    int has_amount;
    const char *currency;       /* never NULL (the schema's DEFAULT 'USD') */
    const char *stage;          /* NULL when none */
    const char *loss_reason;    /* NULL when none */
    const char *seg;            /* the group value (segment expression), NULL when none */
    int status;                 /* MQ_DEAL_*, as of as_of */
    double created;             /* unix seconds */
    double closed;              /* unix seconds, with has_closed (as stored: also when as_of reopens the deal) */
    int has_closed;
    double age_days;            /* from created to as_of */
} mq_deal;

typedef struct mq_dealscan {
    mq_conn *conn;
    const char *fn;
    sqlite3_stmt *st;
    double as_of;
    mq_err err;
} mq_dealscan;

/* Opens the scan. seg: an SQL expression over deals d and leads l (the
** deal's lead, LEFT JOINed) for mq_deal.seg, or NULL; order: the ORDER BY.
** Both are the callers' own literals, never a user's text. Returns 0, or -1
** with s->err set ("fn: ..."; close s either way). */
int mq_dealscan_open(mq_dealscan *s, mq_conn *conn, const char *fn, const char *seg, const char *order, double as_of);
/* The next deal as of as_of: 1, 0 at the end, -1 with s->err. The strings
** in d live until the next call. */
int mq_dealscan_next(mq_dealscan *s, mq_deal *d);
void mq_dealscan_close(mq_dealscan *s);

/* 1 when the database has a deals table (the reports say so when not). */
int mq_deals_exist(mq_conn *conn);

#endif
