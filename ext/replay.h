/*
** replay.h — a lead's history replayed in time under a rule: the stage moves
** the rule makes, each at the moment it happened (moves.c says why), and the
** lead's score as of a time, in one pass over its events.
**
** Plain C (no SQLite): the caller reads the lead's events (each matched to
** its event rule once, with mq_engage_match on r->eng) and stage entries
** (stage indexes in the model) from wherever they are, hands them over, and
** runs the replay; cmocka can test it directly.
*/
#ifndef REPLAY_H
#define REPLAY_H

#include "mqerr.h"
#include "ruleprog.h"
#include "stagemodel.h"

typedef struct mq_rp_event { double t; int rule; int seq; } mq_rp_event;
typedef struct mq_rp_entry { double t; int stage; int by_rule; int seq; } mq_rp_entry;

typedef struct mq_rp_move {
    int from, to;              /* stage indexes in the model; from -1: none */
    double t;
    double score;              /* NAN for a stale demotion */
    const char *kind;          /* "threshold", "signal" or "stale" */
    char *reason;              /* malloc'd */
} mq_rp_move;

typedef struct mq_replay {
    const char *fn;            /* the SQL name its errors start with */
    const mq_prog *p;
    const mq_stages *model;
    double as_of;
    int stale_to;              /* model index of recycle's stale_to, or -1 */
    int below;                 /* model index of the rule's lowest stage, or -1 */
    mq_engage eng;             /* all the lead's events; matching uses its budget */
    mq_engage since;           /* those after the lead was sent back */
    mq_engage now;             /* all of them, as of as_of (the lead's score) */
    mq_result res;
    mq_rp_event *ev; int nev, evcap;
    mq_rp_entry *en; int nen, encap;
    mq_rp_move *mv; int nmv, mvcap;
    int scored;                /* res holds the lead's fit part */
} mq_replay;

/* 0, or -1 when memory is short. stale_to and below are looked up by the
** caller (they need the model's names); -1 when absent. */
int mq_replay_init(mq_replay *r, const char *fn, const mq_prog *p, const mq_stages *model, double as_of,
                   int stale_to, int below);
void mq_replay_free(mq_replay *r);
/* Starts a lead: no events, entries or moves; a fresh instruction budget. */
void mq_replay_begin(mq_replay *r);
/* The lead's event at t (taken by event rule `rule`) and stage entry at t;
** in any order (the run sorts them). 0, or -1 when memory is short. */
int mq_replay_event(mq_replay *r, double t, int rule);
int mq_replay_entry(mq_replay *r, double t, int stage, int by_rule);
/* The moves, into r->mv: lead gives the fit fields, created the lead's
** creation (NAN when unknown: then its events are its only moments). 0, or
** -1 with err set. */
int mq_replay_run(mq_replay *r, const mq_source *lead, double created, mq_err *err);
/* The lead's score as of as_of into r->res, exactly as score_leads computes
** it (all its events, decay measured to as_of). 0, or -1 with err set. */
int mq_replay_score(mq_replay *r, const mq_source *lead, mq_err *err);

#endif
