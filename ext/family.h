/*
** family.h — how a family of SQL functions says what it registers: a table,
** one aligned line per function (name, arguments, flag class, C function),
** ended by MQ_END:
**
**     const mq_def mq_rates_defs[] = {
**         MQ_FUNC("conversion_rate",    2, MQ_PURE, fn_conversion_rate),
**         MQ_FUNC("click_to_open_rate", 2, MQ_PURE, fn_click_to_open),
**         MQ_END
**     };
**
** with MQ_AGG for an aggregate (stage.c's stage_max) and MQ_TABLE for a
** table-valued function (funnel.c).
**
** mqlite.c registers every line of every table, in order, with one loop. A
** function's flags are a class named for why it has them (below), so that each
** is a decision a reader can check against what the function does.
*/
#ifndef FAMILY_H
#define FAMILY_H

#include "conn.h"

/* ---- flag classes --------------------------------------------------------------------- */

/* Reads its arguments only: the same arguments give the same answer, and a
** view or index in a database made by someone else may use it safely. */
#define MQ_PURE (SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS)
/* Reads the database (the stage model, stage_history) or this connection's
** state, and writes nothing: safe from a view of an untrusted schema, but not
** deterministic, since the answer changes with what it reads. */
#define MQ_READS SQLITE_INNOCUOUS
/* Runs code the database supplies (a rule's Lua): a view, trigger or CHECK in
** a database made by someone else must not make it run, whatever
** trusted_schema says (sandboxed, a rule is still CPU spent on someone
** else's behalf). Not deterministic: the answer changes with the rule. */
#define MQ_RUNS_RULE SQLITE_DIRECTONLY
/* Lifts the sandbox's limits (mqlite_limit): from a view or trigger it would
** let someone else's database raise the caps that hold its rules in. */
#define MQ_LIFTS_LIMITS SQLITE_DIRECTONLY
/* Reads a file the SQL names (mqlite_rows, a FIFO): a view or trigger in a
** database made by someone else must not make it read one. */
#define MQ_READS_FILES SQLITE_DIRECTONLY
/* Leaves state behind for later statements (mqlite_rows_note, beside an
** import's rows): for top-level SQL, not a view's or trigger's side effect. */
#define MQ_NOTES SQLITE_DIRECTONLY
/* Added to a class, never passed to SQLite: register the function only where
** the host has none of that name (median, percentile: SQLite 3.47+ may have
** them built in). Without it, a name the host has fails the whole load. */
#define MQ_IF_FREE 0x40000000

/* ---- a table's line -------------------------------------------------------------------- */

typedef void (*mq_xfunc)(sqlite3_context *, int, sqlite3_value **);

typedef struct mq_def {
    const char *name;
    int nargs;                       /* a module: how many arguments (hidden columns) it takes */
    int flags;                       /* a class above */
    mq_xfunc xFunc;                  /* a scalar function, */
    mq_xfunc xStep;                  /* or an aggregate, */
    void (*xFinal)(sqlite3_context *);
    const sqlite3_module *module;    /* or a table-valued function (an eponymous virtual table) */
    const void *spec;                /* given to the module with the connection (mq_vtab_aux) */
} mq_def;

/* One line of each kind: a scalar function, an aggregate, a table-valued
** function (its arguments are hidden columns; nargs is how many). */
#define MQ_FUNC(name, nargs, cls, fn)              { name, nargs, cls, fn, NULL, NULL, NULL, NULL }
#define MQ_AGG(name, nargs, cls, step, final)      { name, nargs, cls, NULL, step, final, NULL, NULL }
#define MQ_TABLE(name, nargs, cls, module, spec)   { name, nargs, cls, NULL, NULL, NULL, module, spec }
#define MQ_END                                     { NULL, 0, 0, NULL, NULL, NULL, NULL, NULL }

/* What a module's xCreate/xConnect receives as its aux pointer. */
typedef struct mq_vtab_aux {
    mq_conn *conn;                   /* a reference, released with the module */
    const mq_def *def;
} mq_vtab_aux;

/* ---- the families' tables (each in the file of that name) ---------------------------- */

extern const mq_def mq_score_defs[];         /* score.c: lead_score, lead_explain, ... */
extern const mq_def mq_score_vtab_defs[];    /* score_vtab.c: score_leads */
extern const mq_def mq_moves_defs[];         /* moves.c: rule_moves */
extern const mq_def mq_rates_defs[];         /* rates.c: conversion_rate, wilson_lower, ... */
extern const mq_def mq_dates_defs[];         /* dates.c: mqlite_date, days_between */
extern const mq_def mq_percentile_defs[];    /* percentile.c: median, percentile */
extern const mq_def mq_auc_defs[];           /* aucsql.c: roc_auc, roc_auc_diff */
extern const mq_def mq_decisions_defs[];     /* decisions.c: rule_decisions */
extern const mq_def mq_criteria_defs[];      /* criteria.c: rule_criteria */
extern const mq_def mq_scorecard_defs[];     /* scorecard.c: scorecard_fit */
extern const mq_def mq_stage_defs[];         /* stage.c: stage_rank, stage_max, ... */
extern const mq_def mq_funnel_defs[];        /* funnel.c: funnel */
extern const mq_def mq_cohort_defs[];        /* cohort.c: cohort_conversion */
extern const mq_def mq_speed_defs[];         /* speed.c: speed_to_lead */
extern const mq_def mq_threshold_defs[];     /* threshold.c: lead_threshold */
extern const mq_def mq_rowstream_defs[];     /* rowstream.c: mqlite_rows (an import's rows) */
extern const mq_def mq_route_defs[];         /* route.c: route_plan, rule_route */
extern const mq_def mq_leadgroups_defs[];    /* leadgroups.c: lead_groups */
extern const mq_def mq_acct_defs[];          /* acctsql.c: email_domain, company_key, ... */
extern const mq_def mq_acctscore_defs[];     /* acctscore.c: account_scores */
extern const mq_def mq_attribution_defs[];   /* attribution.c: attribution */
extern const mq_def mq_deals_defs[];         /* deals.c: deal_summary, pipeline, loss_reasons */
extern const mq_def mq_dealroi_defs[];       /* dealroi.c: campaign_roi */

#endif
