/*
** acctsql.c — account matching in SQL: the functions the account matcher
** (scripts/mqlite-accounts) and any SQL of a user's own match leads with.
**
**     SELECT email_domain('ann@mail.sales.acme.co.uk');      -- 'acme.co.uk'
**     SELECT is_free_email('bob@yahoo.co.uk');               -- 1
**     SELECT company_key('The Acme Corporation');            -- 'acme'
**     SELECT contact_role('VP Marketing');                   -- 'decision maker'
**
** The logic is acctmatch.c (plain C, unit-tested); these check arguments and
** convert. They read their arguments only (MQ_PURE): deterministic and safe in
** a view or index of someone else's database, so an index on company_key()
** or a view over email_domain() works under trusted_schema=OFF.
** NULL in gives NULL out; a value that has no domain or key gives NULL too.
*/
#include <string.h>

#include "acctmatch.h"
#include "family.h"
#include "sqlarg.h"

/* Argument i as text: 1 with s and n set, 0 for NULL (result NULL), -1 error.
** numbers: whether INTEGER and REAL are taken as their text (a company named
** 3M may reach a column typed by a CSV import as a number; an address cannot). */
static int text_arg(sqlite3_context *ctx, const char *fn, sqlite3_value **argv, int i, int numbers,
                    const char **s, size_t *n)
{
    int t = sqlite3_value_type(argv[i]);
    if (t == SQLITE_NULL) { sqlite3_result_null(ctx); return 0; }
    if (t != SQLITE_TEXT && !(numbers && (t == SQLITE_INTEGER || t == SQLITE_FLOAT))) {
        mq_arg_error(ctx, fn, i + 1, numbers ? "TEXT (or a number)" : "TEXT", argv[i]);
        return -1;
    }
    *s = (const char *)sqlite3_value_text(argv[i]);
    if (!*s) { sqlite3_result_error_nomem(ctx); return -1; }
    *n = (size_t)sqlite3_value_bytes(argv[i]);
    return 1;
}

/* email_domain(email): the registrable domain, lower case, or NULL. */
static void fn_email_domain(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *s; size_t n;
    char d[MQ_DOMAIN_MAX + 1];
    if (text_arg(ctx, "email_domain", argv, 0, 0, &s, &n) <= 0) return;
    size_t dn = mq_email_domain(s, n, d);
    if (dn) sqlite3_result_text(ctx, d, (int)dn, SQLITE_TRANSIENT);
    else sqlite3_result_null(ctx);
}

/* is_free_email(email or domain): 1 at a free-mail provider, 0 elsewhere or
** without a domain. A text without '@' is read as a domain. */
static void fn_is_free_email(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *s; size_t n;
    char d[MQ_DOMAIN_MAX + 1];
    if (text_arg(ctx, "is_free_email", argv, 0, 0, &s, &n) <= 0) return;
    size_t dn;
    if (memchr(s, '@', n)) dn = mq_email_domain(s, n, d);
    else {
        char a[MQ_DOMAIN_MAX + 3] = "x@";
        if (n > MQ_DOMAIN_MAX) { sqlite3_result_int(ctx, 0); return; }
        memcpy(a + 2, s, n);
        dn = mq_email_domain(a, n + 2, d);
    }
    sqlite3_result_int(ctx, dn && mq_is_free_domain(d));
}

/* company_key(name): the normalised name accounts are matched on, or NULL. */
static void fn_company_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *s; size_t n;
    if (text_arg(ctx, "company_key", argv, 0, 1, &s, &n) <= 0) return;
    char *out = sqlite3_malloc64(n + 1);
    if (!out) { sqlite3_result_error_nomem(ctx); return; }
    size_t k = mq_company_key(s, n, out);
    if (k) sqlite3_result_text(ctx, out, (int)k, sqlite3_free);
    else { sqlite3_free(out); sqlite3_result_null(ctx); }
}

/* contact_role(title [, role]): 'decision maker', 'influencer', 'user' or
** 'champion', or NULL. A role the second argument names (an attrs value)
** wins over the title's. */
static void fn_contact_role(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *s; size_t n;
    int role = MQ_ROLE_NONE;
    if (argc == 2 && sqlite3_value_type(argv[1]) != SQLITE_NULL) {
        if (sqlite3_value_type(argv[1]) != SQLITE_TEXT) {
            mq_arg_error(ctx, "contact_role", 2, "TEXT", argv[1]);
            return;
        }
        role = mq_role_parse((const char *)sqlite3_value_text(argv[1]), (size_t)sqlite3_value_bytes(argv[1]));
    }
    if (role == MQ_ROLE_NONE) {
        int r = text_arg(ctx, "contact_role", argv, 0, 0, &s, &n);
        if (r < 0) return;
        if (r > 0) role = mq_role_of_title(s, n);
    }
    if (role == MQ_ROLE_NONE) sqlite3_result_null(ctx);
    else sqlite3_result_text(ctx, mq_role_name(role), -1, SQLITE_STATIC);
}

const mq_def mq_acct_defs[] = {
    MQ_FUNC("email_domain",  1, MQ_PURE, fn_email_domain),
    MQ_FUNC("is_free_email", 1, MQ_PURE, fn_is_free_email),
    MQ_FUNC("company_key",   1, MQ_PURE, fn_company_key),
    MQ_FUNC("contact_role",  1, MQ_PURE, fn_contact_role),
    MQ_FUNC("contact_role",  2, MQ_PURE, fn_contact_role),
    MQ_END
};
