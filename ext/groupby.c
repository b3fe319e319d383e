/*
** groupby.c — a report's group name checked against the data and made SQL
** (see groupby.h): the one place the reports, lead_groups() and so the
** scripts' --by go through.
**
**     SELECT segment, stage, reached FROM funnel(NULL, NULL, NULL, 'lead_origin', 1);
**
** The rules, in order:
**   1. No name (not given, or NULL): no groups; fold is then ignored.
**   2. Not TEXT: an argument error.
**   3. A column of main.leads (pragma_table_xinfo, generated columns
**      included), its name compared without regard to ASCII case as SQL
**      compares column names: the value is l."column", quoted with %w, and
**      only the schema's own spelling of a name that matched is ever written
**      into SQL. A column wins over an attrs key of the same name.
**   3a. Else the name `account` (exactly, lower case) in a database with a
**      table main.lead_accounts: the lead's account's name, read through
**      lead_accounts and accounts (issue 17); a lead without one has NULL.
**      The SQL is fixed text here; nothing of the name is written into it.
**   4. Else a key that some lead's attrs has at its top level, compared
**      exactly (bytes): the value is that key's value, read with json_each
**      and the key bound as a parameter. A JSON path would misread a key
**      holding '.', '"', '[' or starting with '$' or a digit; json_each's key
**      column is the key itself, escapes decoded. JSON true and false read
**      as 1 and 0, null as NULL, an object or array as its JSON text; a lead
**      whose attrs is not valid JSON has no keys.
**   5. Else an error naming the name, the columns of leads and the first ten
**      attrs keys (all names cut to 40 bytes, control characters as '?').
** Fold (0 or 1): the value becomes lower(trim(value)) (ASCII letters; spaces,
** tabs and line breaks at either end), and a value that is then empty becomes
** NULL, so NULL, '' and '  ' are one group: "no value" (NULL). Without fold,
** values are grouped as stored, NULL apart from ''.
**
** Everything here reads through mq_prepare/mq_step (conn.h), so a leads view
** or generated column that calls back into mqlite is refused (re-entered),
** and the connection's trusted_schema holds for whatever such a view calls.
*/
#include "groupby.h"

#include <string.h>

#include "utf8text.h"

#define LIST_MAX 400           /* bytes of names in each list of the message */
#define KEYS_SHOWN 10

typedef struct name_list {
    char s[LIST_MAX];
    size_t len;
    int shown, more;
} name_list;

/* An excerpt of user or database text for a message: at most outlen - 1
** bytes, valid UTF-8, and no control characters (a key from a stranger's
** database must not move a terminal's cursor). */
static char *clean_excerpt(char *out, size_t outlen, const char *s, size_t n)
{
    mq_utf8_excerpt(out, outlen, s, n);
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
    return out;
}

static void list_add(name_list *l, const char *name, int nbytes, int limit)
{
    char q[41];
    clean_excerpt(q, sizeof q, name, name ? (size_t)nbytes : 0);
    size_t k = strlen(q);
    if (l->more || (limit && l->shown >= limit) || l->len + k + 3 >= sizeof l->s) {
        l->more++;
        return;
    }
    if (l->len) {
        memcpy(l->s + l->len, ", ", 2);
        l->len += 2;
    }
    memcpy(l->s + l->len, q, k + 1);
    l->len += k;
    l->shown++;
}

/* " and N more" after a list cut short. */
static const char *list_end(const name_list *l, char *buf, size_t n)
{
    buf[0] = 0;
    if (l->more) sqlite3_snprintf((int)n, buf, " and %d more", l->more);
    return buf;
}

static int read_error(mq_conn *conn, const char *fn, int rc, mq_err *err)
{
    if (rc == SQLITE_NOMEM) return mq_err_nomem(err);
    return mq_err_db(err, conn->db, "%s: reading leads: ", fn);
}

/* The value of attrs as json_each reads it: NULL unless it is valid JSON. */
#define ATTRS_EACH "json_each(iif(json_valid(l.attrs), l.attrs, NULL))"

/* Rule 3: the columns of main.leads; the one whose name matches goes to
** g->column, all of them to cols (for the message). *has_attrs: whether
** attrs is one. Returns 0 or -1 with err. */
static int find_column(mq_groupby *g, mq_conn *conn, const char *fn, const char *name, int nlen, name_list *cols,
                       int *has_attrs, mq_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = mq_prepare(conn, "leads", "SELECT name FROM pragma_table_xinfo('leads', 'main') WHERE hidden <> 1 ORDER BY cid",
                        &st);
    int n = 0;
    *has_attrs = 0;
    while (rc == SQLITE_OK && (rc = mq_step(conn, "leads", st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        const char *c = (const char *)sqlite3_column_text(st, 0);
        if (!c) continue;
        n++;
        list_add(cols, c, sqlite3_column_bytes(st, 0), 0);
        if (sqlite3_stricmp(c, "attrs") == 0) *has_attrs = 1;
        if (!g->column && (int)strlen(c) == nlen && sqlite3_stricmp(c, name) == 0 &&
            !(g->column = sqlite3_mprintf("%s", c))) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return read_error(conn, fn, rc, err);
    if (n == 0) return mq_err_set(err, "%s: this database has no leads table (is schema/mqlite.sql loaded?)", fn);
    return 0;
}

/* Rule 4: whether some lead's attrs has the key; 1, 0, or -1 with err. */
static int key_exists(mq_conn *conn, const char *fn, const char *key, int klen, mq_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = mq_prepare(conn, "leads", "SELECT 1 FROM main.leads l, " ATTRS_EACH " j WHERE j.key = ?1 LIMIT 1", &st);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, klen, SQLITE_STATIC);
        rc = mq_step(conn, "leads", st);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    return read_error(conn, fn, rc, err);
}

/* Rule 5: the attrs keys for the message, in order, the first ten shown. */
static int list_keys(mq_conn *conn, const char *fn, name_list *keys, mq_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = mq_prepare(conn, "leads", "SELECT DISTINCT j.key FROM main.leads l, " ATTRS_EACH " j"
                                       " WHERE typeof(j.key) = 'text' ORDER BY 1", &st);
    while (rc == SQLITE_OK && (rc = mq_step(conn, "leads", st)) == SQLITE_ROW) {
        list_add(keys, (const char *)sqlite3_column_text(st, 0), sqlite3_column_bytes(st, 0), KEYS_SHOWN);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : read_error(conn, fn, rc, err);
}

static int unknown_name(mq_conn *conn, const char *fn, int argn, const char *name, int nlen, const name_list *cols,
                        int has_attrs, mq_err *err)
{
    name_list keys = {0};
    char q[61], more_c[24], more_k[24];
    if (has_attrs && list_keys(conn, fn, &keys, err) != 0) return -1;
    clean_excerpt(q, sizeof q, name, (size_t)nlen);
    return mq_err_set(err, "%s: argument %d (group_by) '%s' is neither a column of leads (%s%s) nor a key of any "
                      "lead's attrs (%s%s)", fn, argn, q, cols->s, list_end(cols, more_c, sizeof more_c),
                      !has_attrs ? "leads has no attrs column" : keys.shown ? keys.s : "no lead has any",
                      list_end(&keys, more_k, sizeof more_k));
}

/* Rule 3a: whether main.lead_accounts exists; 1, 0, or -1 with err. */
static int has_lead_accounts(mq_conn *conn, const char *fn, mq_err *err)
{
    /* Leads matched to accounts (mqlite accounts match has run), not merely
    ** the table, which every schema has: an older database whose attrs carry
    ** an `account` key keeps grouping by it until accounts are matched. */
    static const char *const q[] = {
        "SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = 'lead_accounts'",
        "SELECT 1 FROM main.lead_accounts LIMIT 1",
    };
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *st = NULL;
        int rc = mq_prepare(conn, "leads", q[i], &st);
        if (rc == SQLITE_OK) rc = mq_step(conn, "leads", st);
        sqlite3_finalize(st);
        if (rc == SQLITE_DONE) return 0;
        if (rc != SQLITE_ROW) return read_error(conn, fn, rc, err);
    }
    return 1;
}

/* Rules 3 and 4 for name (nlen bytes): 1 with g->column or g->key set, 0
** when it is neither (cols and *has_attrs then say what there is), -1 with err. */
static int find(mq_groupby *g, mq_conn *conn, const char *fn, const char *name, int nlen, name_list *cols, int *has_attrs,
                mq_err *err)
{
    if (mq_reentered(conn, fn, err)) return -1;
    if (find_column(g, conn, fn, name, nlen, cols, has_attrs, err) != 0) return -1;
    if (g->column) return 1;
    if (nlen == 7 && memcmp(name, "account", 7) == 0) {
        int has = has_lead_accounts(conn, fn, err);
        if (has < 0) return -1;
        if (has) { g->account = 1; return 1; }
    }
    int found = *has_attrs ? key_exists(conn, fn, name, nlen, err) : 0;
    if (found <= 0) return found;
    if (!(g->key = sqlite3_malloc(nlen > 0 ? nlen : 1))) return mq_err_nomem(err);
    memcpy(g->key, name, (size_t)nlen);
    g->key_len = nlen;
    return 1;
}

int mq_group_open(mq_groupby *g, mq_conn *conn, const char *fn, sqlite3_value *name, int name_arg, sqlite3_value *fold,
                  int fold_arg, mq_err *err)
{
    memset(g, 0, sizeof *g);
    if (fold && sqlite3_value_type(fold) != SQLITE_NULL) {
        sqlite3_int64 f = sqlite3_value_int64(fold);
        if (sqlite3_value_type(fold) != SQLITE_INTEGER || (f != 0 && f != 1))
            return mq_arg_message(err, fn, fold_arg, "0 or 1 (fold: group by lower(trim(value)))", fold);
        g->fold = (int)f;
    }
    if (!name || sqlite3_value_type(name) == SQLITE_NULL) return 0;
    if (sqlite3_value_type(name) != SQLITE_TEXT)
        return mq_arg_message(err, fn, name_arg, "the name of a column of leads or a key of its attrs (TEXT)", name);
    const char *s = (const char *)sqlite3_value_text(name);
    int n = sqlite3_value_bytes(name), has_attrs = 0;
    if (!s) return mq_err_nomem(err);
    name_list cols = {0};
    int found = find(g, conn, fn, s, n, &cols, &has_attrs, err);
    if (found < 0) return -1;
    if (!found) return unknown_name(conn, fn, name_arg, s, n, &cols, has_attrs, err);
    g->on = 1;
    return 0;
}

int mq_group_kind(mq_conn *conn, const char *fn, const char *name, int nlen, mq_err *err)
{
    mq_groupby g = {0};
    name_list cols = {0};
    int has_attrs = 0, found = find(&g, conn, fn, name, nlen, &cols, &has_attrs, err);
    int kind = found < 0 ? -1 : !found ? 0 : g.column ? 1 : g.account ? 3 : 2;
    mq_group_close(&g);
    return kind;
}

void mq_group_close(mq_groupby *g)
{
    sqlite3_free(g->column);
    sqlite3_free(g->key);
    memset(g, 0, sizeof *g);
}

char *mq_group_expr(const mq_groupby *g, int param)
{
    char *v = !g->on ? sqlite3_mprintf("NULL")
            : g->column ? sqlite3_mprintf("l.\"%w\"", g->column)
            : g->account ? sqlite3_mprintf("(SELECT a.name FROM main.lead_accounts la JOIN main.accounts a"
                                           " ON a.id = la.account_id WHERE la.lead_id = l.id)")
            : sqlite3_mprintf("(SELECT j.value FROM " ATTRS_EACH " j WHERE j.key = ?%d)", param);
    if (!v || !g->on || !g->fold) return v;
    char *f = sqlite3_mprintf("nullif(lower(trim(CAST(%s AS TEXT), ' ' || char(9, 10, 13))), '')", v);
    sqlite3_free(v);
    return f;
}

int mq_group_limit(const mq_groupby *g, const char *fn, int n, int limit, const char *what, mq_err *err)
{
    if (n <= limit) return 0;
    char q[41];
    const char *name = g->column ? g->column : g->account ? "account" : g->key;
    clean_excerpt(q, sizeof q, name, g->column || g->account ? strlen(name) : (size_t)g->key_len);
    return mq_err_set(err, "%s: group_by '%s' makes more than %d %s; group by something with fewer values "
                      "(lead_groups() gives every lead's value)", fn, q, limit, what);
}

int mq_group_bind(const mq_groupby *g, sqlite3_stmt *st, int param)
{
    if (!g->on || g->column || g->account) return SQLITE_OK;
    return sqlite3_bind_text(st, param, g->key, g->key_len, SQLITE_STATIC);
}
