/*
** rulearg.h — resolving a rule-name argument of an SQL function to a compiled
** rule, through the mqlite_rules table and the engine's cache.
*/
#ifndef RULEARG_H
#define RULEARG_H

#include "mqlite.h"

/* The compiled rule named by argv[i] (TEXT). Returns a new reference that the
** caller releases with mq_rule_release, or NULL: with an error set on ctx, or
** without one when the argument is NULL (the caller returns NULL then). */
mq_rule *mq_rule_arg(sqlite3_context *ctx, const char *fn, sqlite3_value **argv, int i);

/* The same for code that has a connection but no context (table-valued
** functions). Returns NULL with *err (sqlite3_malloc'd) on failure. */
mq_rule *mq_rule_lookup(mq_conn *conn, const char *fn, const char *name, char **err);

#endif
