/*
** attribpass.h — the reading pass of attribution(): touches and milestones
** read once in lead order and credited, unrounded, to (segment, campaign or
** channel) buckets. attribution.c reads the arguments, runs this pass, then
** rounds and writes the rows; attribpass.c does not call back into it.
*/
#ifndef ATTRIBPASS_H
#define ATTRIBPASS_H

#include "attribmodel.h"
#include "buckets.h"
#include "groupby.h"
#include "sqlarg.h"

/* The segments' counters (mq_bucket.count of run.segs): */
enum { AS_MILESTONES, AS_CENTS, AS_NONE, AS_ORDER };
/* AS_NONE: the segment's '(none)' bucket + 1 (0 until needed); AS_ORDER: its
** place once the segments are sorted (attribution.c) */

/* A campaign or channel that a segment's touches are credited to. The key is
** the segment's number (4 bytes, the order segments were made), a kind byte
** (1 campaign or channel, 2 source alone or no channel, 3 none) and the text,
** so that a source and a campaign of the same name stay apart, and within a
** segment the byte order of keys is the order of rows. */
typedef struct attr_bucket {
    char *key;
    int klen;
    char *campaign, *channel;
    mq_bucket *seg;                /* its segment (run.segs owns it) */
    mq_ksum credit[MQA_NMODELS], revenue[MQA_NMODELS];
    long long touched;             /* milestones it touched before */
    long long stamp;               /* the last milestone that counted it */
} attr_bucket;

typedef struct attr_touch {
    double t;
    sqlite3_int64 seq;             /* the order of ties: -1 the lead's own touch, else the event id */
    int b;
} attr_touch;

typedef struct attr_window { double start, stop; int has_start, has_stop; } attr_window;

typedef struct attr_run {
    /* set by the caller before mq_attr_open */
    mq_conn *conn;
    mq_err *err;
    int by_channel, models[MQA_NMODELS];
    double half_life;              /* seconds */
    const mq_groupby *group;       /* the segments; not on: one, NULL */
    /* the pass's own */
    sqlite3_stmt *leads, *events;
    int ld_row, ev_row;
    attr_touch *tc;
    double *tt, *w;
    int n, cap;
    double created;
    mq_bucket *seg;                /* the loaded lead's segment */
    mq_buckets segs;
    attr_bucket **b;
    int nb, capb, *slots, nslots;
    long long serial;
    int revenue;                   /* milestones carry revenue (won deals) */
} attr_run;

/* Opens the two touch streams (leads with each one's group value, events
** with a campaign), each in lead order. 0, or -1 with r->err. */
int mq_attr_open(attr_run *r);
/* 1 when the deals table exists and has a row, 0 when not, -1 with r->err. */
int mq_attr_have_deals(attr_run *r);
/* The milestones, credited: first entries at rank in the stage history
** (sql_rank: the SQL's rank, for w_shaped's opportunity; -1 when none), or
** won deals. 0, or -1 with r->err. */
int mq_attr_from_history(attr_run *r, int rank, int sql_rank, const attr_window *win);
int mq_attr_from_deals(attr_run *r, const attr_window *win);
void mq_attr_bucket_free(attr_bucket *x);
void mq_attr_close(attr_run *r);

#endif
