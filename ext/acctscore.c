/*
** acctscore.c — account_scores(rule [, as_of]): every account's score, the
** roll-up of its contacts' lead scores under a rule, with its buying-group
** coverage and whether it is a marketing-qualified account (MQA).
**
**     SELECT account_id, name, score, roles, mqa FROM account_scores('b2b') ORDER BY score DESC;
**
** One row per row of accounts, in id order:
**   contacts     its leads (lead_accounts)
**   fit          the best fit among its contacts (a company is as good a fit as
**                its best-placed contact says: firmographics are the same for
**                all of them, titles are not; summing fit would make a company
**                of ten contacts ten times the fit of the same company with one)
**   engagement   the sum of its contacts' engagement (each already decayed by the
**                rule) plus its intent signals (account_signals, strength
**                decayed by the rule's half-life or signal_half_life_days,
**                summed, rounded to a whole number), capped by the account cap
**   signals      that intent part alone
**   score        fit + engagement (whole numbers, as the lead scores are)
**   roles        the buying-group roles that have engaged, in the order
**                decision maker, influencer, user, champion ('' for none);
**                roles_engaged how many. A contact's role is its attrs "role"
**                when that names one, else its title's (acctmatch.c); it has
**                engaged when it has an event within engaged_within_days
**                (default 90) before as_of. The champion is a contact whose
**                role says so, else the contact with the most engagement
**                among two or more that engaged (one person alone is not a
**                buying group, and must not count as two roles).
**   champion     that contact's lead id (NULL when there is none)
**   mqa          1 when score >= mqa_at and roles_engaged >= roles (the rule's
**                account { mqa_at = ..., roles = ... }), else 0; NULL when the
**                rule declares no mqa_at
**
** It reuses the lead scoring itself: it reads score_leads(rule, as_of) (one
** pass over leads and events in lead order) merged with lead_accounts in lead
** order, so a million leads cost one scoring pass and one ordered join. It runs
** the rule's Lua (MQ_RUNS_RULE: direct use only).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "acctmatch.h"
#include "mqtime.h"
#include "tablefn.h"

enum { A_ID, A_NAME, A_CONTACTS, A_FIT, A_ENG, A_SIGNALS, A_SCORE, A_ROLES_N, A_ROLES, A_CHAMPION, A_MQA, A_NCOL };

typedef struct acct {
    sqlite3_int64 id;
    char *name;                 /* sqlite3_malloc'd */
    sqlite3_int64 contacts;
    double fit, eng, signals;
    unsigned roles;             /* bit r: role r engaged */
    sqlite3_int64 best_lead, explicit_champion;
    double best_eng;
    sqlite3_int64 engaged;      /* contacts that engaged lately */
} acct;

typedef struct accts {
    acct *a;
    size_t n, cap;
} accts;

static void accts_free(accts *x)
{
    for (size_t i = 0; i < x->n; i++) sqlite3_free(x->a[i].name);
    sqlite3_free(x->a);
}

/* The account of id (x is in id order), or NULL. */
static acct *find(accts *x, sqlite3_int64 id)
{
    size_t lo = 0, hi = x->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (x->a[mid].id == id) return &x->a[mid];
        if (x->a[mid].id < id) lo = mid + 1; else hi = mid;
    }
    return NULL;
}

static int read_accounts(mq_conn *conn, accts *x, mq_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = mq_prepare(conn, "accounts", "SELECT id, name FROM main.accounts ORDER BY id", &st);
    while (rc == SQLITE_OK && (rc = mq_step(conn, "accounts", st)) == SQLITE_ROW) {
        if (x->n == x->cap) {
            size_t cap = x->cap ? x->cap * 2 : 64;
            acct *a = sqlite3_realloc64(x->a, cap * sizeof *a);
            if (!a) { rc = SQLITE_NOMEM; break; }
            x->a = a; x->cap = cap;
        }
        acct *a = &x->a[x->n];
        memset(a, 0, sizeof *a);
        a->id = sqlite3_column_int64(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        if (name && !(a->name = sqlite3_mprintf("%s", name))) { rc = SQLITE_NOMEM; break; }
        x->n++;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) return 0;
    if (rc == SQLITE_NOMEM) return mq_err_nomem(err), -1;
    return mq_err_db(err, conn->db, "account_scores: reading accounts: ");
}

/* Reads the contacts (lead_accounts in lead order) merged with score_leads.
** A contact has engaged when one of its events is in [from, to] (texts as
** mq_time_format writes them). Event times are read as mqlite reads them
** everywhere, through mqlite_date (mq_time_parse; a number is unix seconds),
** whose fixed-width text sorts as time does: compared as text, with no
** Julian day (SQLite's julianday() alone reads a number as a Julian day, and
** an event would be engaged here and not in score_leads), and EXISTS stops
** at the first such event instead of reading all of them. */
static int read_contacts(mq_conn *conn, const char *rule, const char *asof_text, const char *from, const char *to,
                         accts *x, mq_err *err)
{
    sqlite3_stmt *ct = NULL, *sc = NULL;
    int rc = mq_prepare(conn, "lead_accounts",
        "SELECT la.lead_id, la.account_id, l.title,"
        " CASE WHEN json_valid(l.attrs) THEN json_extract(l.attrs, '$.role') END,"
        " EXISTS (SELECT 1 FROM main.events e"
        "   WHERE e.lead_id = la.lead_id AND mqlite_date(e.occurred_at) BETWEEN ?1 AND ?2)"
        " FROM main.lead_accounts la JOIN main.leads l ON l.id = la.lead_id ORDER BY la.lead_id", &ct);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(ct, 1, from, -1, SQLITE_STATIC);
        sqlite3_bind_text(ct, 2, to, -1, SQLITE_STATIC);
    }
    /* score_leads guards itself against re-entry: stepped directly, not through mq_step */
    if (rc == SQLITE_OK &&
        (rc = sqlite3_prepare_v2(conn->db, "SELECT lead_id, fit, engagement FROM score_leads(?1, ?2)", -1, &sc, NULL)) == SQLITE_OK) {
        sqlite3_bind_text(sc, 1, rule, -1, SQLITE_STATIC);
        sqlite3_bind_text(sc, 2, asof_text, -1, SQLITE_STATIC);
    }
    int src = SQLITE_ROW;                              /* sc's last step */
    sqlite3_int64 s_lead = -1;
    int s_started = 0;
    const char *what = "lead_accounts";
    while (rc == SQLITE_OK && (rc = mq_step(conn, "lead_accounts", ct)) == SQLITE_ROW) {
        sqlite3_int64 lead = sqlite3_column_int64(ct, 0);
        /* score_leads reads leads in id order: advance it to this lead */
        while (src == SQLITE_ROW && (!s_started || s_lead < lead)) {
            src = sqlite3_step(sc);
            if (src == SQLITE_ROW) {
                sqlite3_int64 next = sqlite3_column_int64(sc, 0);
                if (s_started && next <= s_lead) { what = "score_leads (out of lead order)"; src = SQLITE_ERROR; break; }
                s_lead = next;
                s_started = 1;
            }
        }
        if (src != SQLITE_ROW && src != SQLITE_DONE) { rc = src; what = "score_leads"; break; }
        acct *a = find(x, sqlite3_column_int64(ct, 1));
        rc = SQLITE_OK;
        if (!a) continue;                              /* (a foreign key off: an account deleted) */
        double fit = 0, eng = 0;
        if (src == SQLITE_ROW && s_lead == lead) { fit = sqlite3_column_double(sc, 1); eng = sqlite3_column_double(sc, 2); }
        if (a->contacts++ == 0 || fit > a->fit) a->fit = fit;
        a->eng += eng;
        int role = MQ_ROLE_NONE;
        if (sqlite3_column_type(ct, 3) == SQLITE_TEXT)
            role = mq_role_parse((const char *)sqlite3_column_text(ct, 3), (size_t)sqlite3_column_bytes(ct, 3));
        if (role == MQ_ROLE_NONE && sqlite3_column_type(ct, 2) == SQLITE_TEXT)
            role = mq_role_of_title((const char *)sqlite3_column_text(ct, 2), (size_t)sqlite3_column_bytes(ct, 2));
        int engaged = sqlite3_column_int(ct, 4) == 1;
        if (role != MQ_ROLE_NONE && engaged) a->roles |= 1u << role;
        a->engaged += engaged;
        if (role == MQ_ROLE_CHAMPION && !a->explicit_champion) a->explicit_champion = lead;
        /* the contact with the most engagement (the first on a tie), engaged lately */
        if (engaged && (!a->best_lead || eng > a->best_eng)) { a->best_eng = eng; a->best_lead = lead; }
    }
    int ok = rc == SQLITE_DONE;
    if (!ok && rc == SQLITE_NOMEM) mq_err_nomem(err);
    else if (!ok) mq_err_db(err, conn->db, "account_scores: reading %s: ", what);
    sqlite3_finalize(ct);
    sqlite3_finalize(sc);
    return ok ? 0 : -1;
}

/* Adds each account's intent signals at or before as_of, decayed to it
** (half-life hl days; 0: none). Times are read as mqlite_date reads them
** (mq_value_time) and cut to the whole second as it writes them, so that a
** signal counts as the events above do; a time mqlite cannot read is none. */
static int read_signals(mq_conn *conn, double as_of, double hl, accts *x, mq_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = mq_prepare(conn, "account_signals",
        "SELECT account_id, strength, occurred_at FROM main.account_signals WHERE strength IS NOT NULL", &st);
    while (rc == SQLITE_OK && (rc = mq_step(conn, "account_signals", st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        double t;
        if (mq_value_time(sqlite3_column_value(st, 2), &t) != 0 || (t = floor(t)) > as_of) continue;
        acct *a = find(x, sqlite3_column_int64(st, 0));
        if (!a) continue;
        double age = (as_of - t) / 86400.0;
        a->signals += sqlite3_column_double(st, 1) * (hl > 0 ? pow(0.5, age / hl) : 1.0);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) return 0;
    if (rc == SQLITE_NOMEM) return mq_err_nomem(err), -1;
    return mq_err_db(err, conn->db, "account_scores: reading account_signals: ");
}

static void emit(const mq_prog *p, accts *x, mq_rows *rows)
{
    for (size_t i = 0; i < x->n && !rows->oom; i++) {
        acct *a = &x->a[i];
        double sig = round(a->signals), eng = a->eng + sig, cap = p->account_cap;
        if (cap > 0 && eng > cap) eng = cap;
        if (cap > 0 && eng < -cap) eng = -cap;
        double score = a->fit + eng;
        sqlite3_int64 champion = a->explicit_champion ? a->explicit_champion : a->engaged >= 2 ? a->best_lead : 0;
        /* the most engaged contact champions only among others: one person
        ** alone is not a buying group, and must not count as two roles */
        if (!a->explicit_champion && champion) a->roles |= 1u << MQ_ROLE_CHAMPION;
        char roles[64] = "";
        int nroles = 0;
        for (int r = MQ_ROLE_DECISION; r < MQ_NROLES; r++)
            if (a->roles & (1u << r)) {
                if (nroles++) strcat(roles, ",");
                strcat(roles, mq_role_name(r));
            }
        mq_rows_add(rows);
        mq_rows_int(rows, A_ID, a->id);
        mq_rows_text(rows, A_NAME, a->name);
        mq_rows_int(rows, A_CONTACTS, a->contacts);
        mq_rows_double(rows, A_FIT, a->fit);
        mq_rows_double(rows, A_ENG, eng);
        mq_rows_double(rows, A_SIGNALS, sig);
        mq_rows_double(rows, A_SCORE, score);
        mq_rows_int(rows, A_ROLES_N, nroles);
        mq_rows_text(rows, A_ROLES, roles);
        if (champion) mq_rows_int(rows, A_CHAMPION, champion);
        if (p->has_mqa_at) mq_rows_int(rows, A_MQA, score >= p->mqa_at && nroles >= p->mqa_roles);
    }
}

static int scores_compute(mq_conn *conn, sqlite3_value **args, mq_rows *rows, mq_err *err)
{
    static const char fn[] = "account_scores";
    if (!args[0]) return mq_err_set(err, "%s: argument 1 expected a rule name (TEXT), found NULL", fn);
    if (sqlite3_value_type(args[0]) != SQLITE_TEXT)
        return mq_arg_message(err, fn, 1, "a rule name (TEXT)", args[0]);
    if (mq_reentered(conn, fn, err)) return -1;
    const char *name = (const char *)sqlite3_value_text(args[0]);
    mq_rule *rule = mq_conn_rule(conn, fn, name, err);
    if (!rule) return -1;
    const mq_prog *p = mq_rule_prog(rule);
    double as_of = mq_time_now();
    char asof_text[32];
    if (args[1] && sqlite3_value_type(args[1]) != SQLITE_NULL && mq_value_time(args[1], &as_of) != 0) {
        mq_rule_release(rule);
        return mq_arg_message(err, fn, 2, MQ_TIME_WHAT, args[1]);
    }
    mq_time_format(as_of, asof_text);
    double hl = p->signal_half_life > 0 ? p->signal_half_life : p->default_half_life;
    double days = p->engaged_days > 0 ? p->engaged_days : 90;
    /* engaged: an event in [as_of - days, as_of]. Event times are whole
    ** seconds (mqlite_date), so the bounds are too: the first second at or
    ** after the start (mq_time_format cuts down), the last at or before as_of;
    ** a start before year 0 is year 0, before every time mqlite reads. */
    char from[32];
    double start = ceil(as_of - days * 86400.0);
    mq_time_format(start > MQ_TIME_MIN ? start : MQ_TIME_MIN, from);
    accts x = {0};
    int rc = read_accounts(conn, &x, err);
    if (rc == 0) rc = read_contacts(conn, name, asof_text, from, asof_text, &x, err);
    if (rc == 0) rc = read_signals(conn, as_of, hl, &x, err);
    if (rc == 0) emit(p, &x, rows);
    accts_free(&x);
    mq_rule_release(rule);
    return rc;
}

static const mq_tablefn account_scores_fn = {
    .name = "account_scores",
    .schema = "CREATE TABLE x(account_id INTEGER, name TEXT, contacts INTEGER, fit REAL, engagement REAL,"
              " signals REAL, score REAL, roles_engaged INTEGER, roles TEXT, champion INTEGER, mqa INTEGER,"
              " rule HIDDEN, as_of HIDDEN)",
    .nvisible = A_NCOL,
    .required = 1,
    .usage = "a rule name is required, as in account_scores('b2b')",
    .compute = scores_compute,
};

const mq_def mq_acctscore_defs[] = {
    MQ_TABLE("account_scores", 2, MQ_RUNS_RULE, &mq_tablefn_module, &account_scores_fn),   /* arguments: rule, as_of */
    MQ_END
};
