/*
** groupby.h — the one place where a report's group name (the group_by
** argument of funnel(), speed_to_lead(), cohort_conversion() and
** lead_groups(), the scripts' --by) becomes SQL.
**
** A name is a column of main.leads (matched without regard to ASCII case, as
** SQL matches column names, and quoted only after it matched one), or else a
** key of some lead's attrs (matched exactly, and bound as a parameter: never
** written into SQL). A column wins over an attrs key of the same name. The
** name `account`, when some lead has been matched to an account
** (lead_accounts has a row) and leads has no such column, is the lead's
** account (its name), before any attrs key; until then an attrs key
** `account` is what it names. With
** fold, the value is lower(trim(value)) and an empty one is NULL.
*/
#ifndef GROUPBY_H
#define GROUPBY_H

#include "sqlarg.h"

typedef struct mq_groupby {
    int on;                /* 0: no grouping (group_by not given, or NULL) */
    char *column;          /* the leads column as the schema spells it, or NULL */
    char *key;             /* else the attrs key (sqlite3_malloc'd, key_len bytes) */
    int key_len;
    int fold;              /* lower(trim(value)), '' as NULL */
    int account;           /* else the lead's account's name (lead_accounts -> accounts) */
} mq_groupby;

/* The most groups a report makes: each holds counters and samples (some 2 KiB),
** and grouping 200,000 leads by email would make a report of one lead per
** group, which lead_groups() lists better. cohort_conversion() counts its
** (group, period) cells against MQ_MAX_GROUP_CELLS. */
#define MQ_MAX_GROUPS 10000
#define MQ_MAX_GROUP_CELLS 100000

/* Reads the group name (name: NULL or SQL NULL for no groups; else TEXT) and
** the fold flag (fold: NULL, SQL NULL, 0 or 1) of fn's arguments name_arg and
** fold_arg (counted from 1, for messages), and checks the name against the
** data. Returns 0, or -1 with err set; mq_group_close(g) either way. */
int mq_group_open(mq_groupby *g, mq_conn *conn, const char *fn, sqlite3_value *name, int name_arg, sqlite3_value *fold,
                  int fold_arg, mq_err *err);
void mq_group_close(mq_groupby *g);

/* What name (nlen bytes) is, by the same rules, without an error when it is
** nothing: 1 a column of leads, 2 an attrs key, 0 neither, -1 with err set
** (the database could not be read); 3 the lead's account. */
int mq_group_kind(mq_conn *conn, const char *fn, const char *name, int nlen, mq_err *err);

/* The SQL expression of the group value of the lead aliased `l` (main.leads),
** the attrs key being parameter ?param: sqlite3_mprintf'd, NULL when memory is
** short. "NULL" when g is not on. */
char *mq_group_expr(const mq_groupby *g, int param);
/* When a report has made more than `limit` groups: -1 with err set ("fn:
** group_by 'x' has more than N values ..."); else 0. */
int mq_group_limit(const mq_groupby *g, const char *fn, int n, int limit, const char *what, mq_err *err);

/* Binds what mq_group_expr's expression needs to st; an SQLite result code. */
int mq_group_bind(const mq_groupby *g, sqlite3_stmt *st, int param);

#endif
