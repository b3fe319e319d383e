/*
** cohort.c — cohort_conversion(from_stage, to_stage [, period [, window_days
** [, as_of [, start [, stop [, group_by [, fold]]]]]]]): the lag-aware
** conversion rate that a long sales cycle needs, beside the naive one.
**
**     SELECT cohort, entered, converted, round(rate, 3), status
**     FROM cohort_conversion('MQL', 'SQL', 'month', 90);
**     SELECT segment, cohort, rate FROM cohort_conversion('MQL', 'SQL', 'quarter', 90,
**                                                        NULL, NULL, NULL, 'source', 1);
**
** Leads are grouped by the period (week, month, quarter or year; default
** month) in which they entered from_stage; a lead converted when it reached
** to_stage within window_days (default 90) after that entry. A cohort whose
** window has not closed by as_of (default now) is 'open': its rate is NULL,
** not a low number, though `converted` shows the conversions so far. The naive
** rate, to_stage entries in the period over from_stage entries in the same
** period, is given beside it: the two differ most when the cycle is long.
**
** For a main-path stage, entering it means reaching its rank (or beyond) for
** the first time; for a detour (nurture, lost) it means an entry at it. A lead
** that reached to_stage only before it entered from_stage is counted in
** `negative`, never averaged into the days.
**
** With group_by (a column of leads or a key of its attrs; fold = 1 groups by
** lower(trim(value)): groupby.h), each group has its own cohorts, listed from
** its first period to its last (from start to stop when both are given), in
** the order of the group's name (no value first), then of the period.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buckets.h"
#include "history.h"
#include "mathstat.h"
#include "mqtime.h"
#include "tablefn.h"

enum { C_SEGMENT, C_COHORT, C_START, C_ENTERED, C_CONVERTED, C_RATE, C_LOWER, C_UPPER, C_MEDIAN_DAYS, C_NEGATIVE,
       C_NAIVE_CONVERTED, C_NAIVE_RATE, C_STATUS, C_NCOL };
enum { N_ENTERED, N_CONVERTED, N_NEGATIVE, N_NAIVE };

typedef enum { P_WEEK, P_MONTH, P_QUARTER, P_YEAR } period_kind;

/* The period holding t: its label, start and end (unix seconds). */
#define MAX_PERIODS 10000

static void period_of(double t, period_kind k, char label[24], double *start, double *end)
{
    char buf[32] = "";
    if (!(t >= MQ_TIME_MIN && t < MQ_TIME_MAX)) {   /* callers check their dates; this keeps loops moving */
        snprintf(label, 24, "out of range");
        *start = t;
        *end = t + 366 * 86400.0;
        return;
    }
    long long days = (long long)floor(t / 86400.0);
    if (k == P_WEEK) {
        long long monday = days - (((days + 3) % 7) + 7) % 7;   /* 1970-01-01 was a Thursday */
        *start = (double)monday * 86400.0;
        *end = *start + 7 * 86400.0;
        mq_time_format(*start, buf);
        snprintf(label, 24, "%.10s", buf);
        return;
    }
    mq_time_format(t, buf);
    int y = (buf[0] - '0') * 1000 + (buf[1] - '0') * 100 + (buf[2] - '0') * 10 + (buf[3] - '0');
    int m = (buf[5] - '0') * 10 + (buf[6] - '0');
    int m0 = k == P_MONTH ? m : k == P_QUARTER ? (m - 1) / 3 * 3 + 1 : 1;
    int len = k == P_MONTH ? 1 : k == P_QUARTER ? 3 : 12;
    int y1 = y + (m0 - 1 + len) / 12, m1 = (m0 - 1 + len) % 12 + 1;
    *start = (double)mq_days_from_civil(y, (unsigned)m0, 1) * 86400.0;
    *end = (double)mq_days_from_civil(y1, (unsigned)m1, 1) * 86400.0;
    if (k == P_MONTH) snprintf(label, 24, "%04d-%02d", y, m);
    else if (k == P_QUARTER) snprintf(label, 24, "%04d-Q%d", y, (m0 - 1) / 3 + 1);
    else snprintf(label, 24, "%04d", y);
}

/* When the lead entered stage s: the first reach of its rank for a main-path
** stage, else its first entry at s; at or after `after` when given. NAN if never. */
static double entered(const mq_history *h, int s, const double *reach, double after)
{
    const mq_stage *st = &h->m->st[s];
    double best = NAN;
    if (st->on_path && isnan(after)) return reach[st->rank];
    for (int i = 0; i < h->n; i++) {
        const mq_stage *e = &h->m->st[h->e[i].stage];
        int hit = st->on_path ? e->on_path && e->rank >= st->rank : h->e[i].stage == s;
        if (hit && (isnan(after) || h->e[i].t >= after) && (isnan(best) || h->e[i].t < best)) best = h->e[i].t;
    }
    return best;
}

static int stage_of(const mq_stages *m, sqlite3_value *v, int argn, int *out, mq_err *err)
{
    if (!v) {
        mq_err_set(err, "cohort_conversion: argument %d (the %s stage) is required", argn, argn == 1 ? "from" : "to");
        return -1;
    }
    if (sqlite3_value_type(v) != SQLITE_TEXT ||
        (*out = mq_stages_find(m, (const char *)sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v))) < 0) {
        char known[512], what[600];
        mq_stages_list(m, known, sizeof known);
        snprintf(what, sizeof what, "a stage (%s)", known);
        mq_arg_message(err, "cohort_conversion", argn, what, v);
        return -1;
    }
    return 0;
}

/* A (group, period) cell: its bucket's name is the group's mark ('!' for no
** value, which sorts first, '+' and the value), a unit separator, and the period's label, which
** holds none, so the label is what follows the last separator. */
static mq_bucket *cell(mq_buckets *b, const char *seg, const char *label, double key)
{
    char *name = sqlite3_mprintf("%s%s\x1f%s", seg ? "+" : "!", seg ? seg : "", label);
    if (!name) return NULL;
    mq_bucket *x = mq_buckets_get(b, name);
    sqlite3_free(name);
    if (x) x->key = key;
    return x;
}

/* The group part of a cell's name: its length up to the last separator. */
static size_t seg_len(const char *name) { return (size_t)(strrchr(name, '\x1f') - name); }

/* By group, then period start. */
static int cmp_cell(const void *a, const void *b)
{
    const mq_bucket *x = *(mq_bucket *const *)a, *y = *(mq_bucket *const *)b;
    size_t lx = seg_len(x->name), ly = seg_len(y->name);
    int c = memcmp(x->name, y->name, lx < ly ? lx : ly);
    if (c == 0 && lx != ly) c = lx < ly ? -1 : 1;
    if (c == 0) c = x->key < y->key ? -1 : x->key > y->key;
    return c;
}

static int cohort_compute(mq_conn *conn, sqlite3_value **args, mq_rows *rows, mq_err *err)
{
    static const char fn[] = "cohort_conversion";
    period_kind pk = P_MONTH;
    double window = 90, as_of = mq_time_now(), start = 0, stop = 0, t;
    int has_start = 0, has_stop = 0, has;
    if (args[2]) {
        static const char *const names[] = {"week", "month", "quarter", "year"};
        const char *p = sqlite3_value_type(args[2]) == SQLITE_TEXT ? (const char *)sqlite3_value_text(args[2]) : "";
        int k = -1;
        for (int i = 0; i < 4; i++) if (strcasecmp(p, names[i]) == 0) k = i;
        if (k < 0) {
            mq_arg_message(err, fn, 3, "a period: 'week', 'month', 'quarter' or 'year'", args[2]);
            return -1;
        }
        pk = (period_kind)k;
    }
    if (args[3] && (!mq_value_number(args[3], &window) || window <= 0)) {
        mq_arg_message(err, fn, 4, "a window in days above 0", args[3]);
        return -1;
    }
    if (mq_time_value(args[4], fn, 5, &t, &has, err) != 0) return -1;
    if (has) as_of = t;
    if (mq_time_value(args[5], fn, 6, &start, &has_start, err) != 0 ||
        mq_time_value(args[6], fn, 7, &stop, &has_stop, err) != 0)
        return -1;
    mq_groupby group;
    if (mq_group_open(&group, conn, fn, args[7], 8, args[8], 9, err) != 0) {
        mq_group_close(&group);
        return -1;
    }

    mq_history h;
    if (mq_history_open(&h, conn, fn, &group, &as_of) != 0) {
        *err = h.err;
        mq_history_close(&h);
        mq_group_close(&group);
        return -1;
    }
    int from, to, rc;
    mq_buckets b = {0};
    if (stage_of(h.m, args[0], 1, &from, err) != 0 || stage_of(h.m, args[1], 2, &to, err) != 0) goto fail;
    double reach[MQ_MAX_RANK];
    char label[24];
    double ps, pe;
    while ((rc = mq_history_next(&h)) == 1) {
        mq_history_reach(&h, reach);
        double in = entered(&h, from, reach, NAN);
        double first_to = entered(&h, to, reach, NAN);
        if (!isnan(first_to) && (!has_start || first_to >= start) && (!has_stop || first_to < stop)) {
            period_of(first_to, pk, label, &ps, &pe);
            mq_bucket *nb = cell(&b, h.group, label, ps);
            if (!nb) goto nomem;
            nb->count[N_NAIVE]++;
        }
        if (isnan(in) || (has_start && in < start) || (has_stop && in >= stop)) continue;
        period_of(in, pk, label, &ps, &pe);
        mq_bucket *cb = cell(&b, h.group, label, ps);
        if (!cb) goto nomem;
        if (mq_group_limit(&group, fn, b.n, MQ_MAX_GROUP_CELLS, "(group, period) rows", err) != 0) goto fail;
        cb->count[N_ENTERED]++;
        double out = entered(&h, to, reach, in);
        if (!isnan(out) && out - in <= window * 86400.0) {
            cb->count[N_CONVERTED]++;
            if (mq_dvec_push(&cb->vals[0], (out - in) / 86400.0) != 0) goto nomem;
        } else if (isnan(out) && !isnan(first_to) && first_to < in) {
            cb->count[N_NEGATIVE]++;
        }
    }
    if (rc < 0) {
        *err = h.err;
        goto fail;
    }
    /* every period from the first to the last, empty ones included: for each
    ** group, or (no groups) for the one, which exists even without cells when
    ** start and stop are both given */
    if (b.n == 0 && !group.on && has_start && has_stop && !cell(&b, NULL, "", start)) goto nomem;
    mq_buckets_sort_with(&b, cmp_cell);
    for (int i = 0, n0 = b.n; i < n0;) {
        int j = i;
        size_t sl = seg_len(b.b[i]->name);
        while (j < n0 && seg_len(b.b[j]->name) == sl && memcmp(b.b[j]->name, b.b[i]->name, sl) == 0) j++;
        double lo = has_start ? start : b.b[i]->key, hi = has_stop ? stop - 1 : b.b[j - 1]->key;
        char *seg = sqlite3_mprintf("%.*s", (int)sl, b.b[i]->name);
        if (!seg) goto nomem;
        /* a report, not a calendar: 10,000 weeks are 190 years */
        static const double shortest[] = {7, 28, 89, 365};
        if (hi > lo && (hi - lo) / (shortest[pk] * 86400.0) > MAX_PERIODS) {
            sqlite3_free(seg);
            mq_err_set(err, "%s: from the first to the last date are more than %d periods; "
                                   "narrow the dates or use a longer period", fn, MAX_PERIODS);
            goto fail;
        }
        for (double x = lo; x <= hi; x = pe) {
            period_of(x, pk, label, &ps, &pe);
            if (!cell(&b, seg[0] == '+' ? seg + 1 : NULL, label, ps)) {
                sqlite3_free(seg);
                goto nomem;
            }
            if (mq_group_limit(&group, fn, b.n, MQ_MAX_GROUP_CELLS, "(group, period) rows", err) != 0) {
                sqlite3_free(seg);
                goto fail;
            }
        }
        sqlite3_free(seg);
        i = j;
    }
    mq_buckets_sort_with(&b, cmp_cell);
    for (int i = 0; i < b.n; i++) {
        mq_bucket *x = b.b[i];
        if (!strrchr(x->name, '\x1f')[1]) continue;   /* the placeholder of an empty range */
        char day[32];
        period_of(x->key, pk, label, &ps, &pe);
        mq_time_format(ps, day);
        day[10] = 0;
        long long n = x->count[N_ENTERED], k = x->count[N_CONVERTED];
        int open = pe + window * 86400.0 > as_of;
        mq_rows_add(rows);
        if (x->name[0] == '+') {
            char *seg = sqlite3_mprintf("%.*s", (int)seg_len(x->name) - 1, x->name + 1);
            if (!seg) goto nomem;
            mq_rows_text(rows, C_SEGMENT, seg);
            sqlite3_free(seg);
        }
        mq_rows_text(rows, C_COHORT, label);
        mq_rows_text(rows, C_START, day);
        mq_rows_int(rows, C_ENTERED, n);
        mq_rows_int(rows, C_CONVERTED, k);
        if (n > 0 && !open) {
            double wl, wh;
            mq_wilson((double)k, (double)n, 0.95, &wl, &wh);
            mq_rows_double(rows, C_RATE, (double)k / (double)n);
            mq_rows_double(rows, C_LOWER, wl);
            mq_rows_double(rows, C_UPPER, wh);
        }
        mq_rows_double(rows, C_MEDIAN_DAYS, mq_dvec_median(&x->vals[0]));
        mq_rows_int(rows, C_NEGATIVE, x->count[N_NEGATIVE]);
        mq_rows_int(rows, C_NAIVE_CONVERTED, x->count[N_NAIVE]);
        if (n > 0) mq_rows_double(rows, C_NAIVE_RATE, (double)x->count[N_NAIVE] / (double)n);
        mq_rows_text(rows, C_STATUS, open ? "open" : "closed");
    }
    mq_buckets_free(&b);
    mq_history_close(&h);
    mq_group_close(&group);
    return 0;
nomem:
    mq_err_nomem(err);
fail:
    mq_buckets_free(&b);
    mq_history_close(&h);
    mq_group_close(&group);
    return -1;
}

static const mq_tablefn cohort_fn = {
    .name = "cohort_conversion",
    .schema = "CREATE TABLE x(segment TEXT, cohort TEXT, cohort_start TEXT, entered INTEGER, converted INTEGER, rate REAL,"
              " lower REAL, upper REAL, median_days REAL, negative INTEGER, naive_converted INTEGER,"
              " naive_rate REAL, status TEXT,"
              " from_stage HIDDEN, to_stage HIDDEN, period HIDDEN, window_days HIDDEN, as_of HIDDEN,"
              " start HIDDEN, stop HIDDEN, group_by HIDDEN, fold HIDDEN)",
    .nvisible = C_NCOL,
    .required = 2,
    .usage = "from_stage and to_stage are required, as in cohort_conversion('MQL', 'SQL', 'month', 90)",
    .compute = cohort_compute,
};

const mq_def mq_cohort_defs[] = {
    MQ_TABLE("cohort_conversion", 9, MQ_READS, &mq_tablefn_module, &cohort_fn),   /* arguments: hidden columns */
    MQ_END
};
