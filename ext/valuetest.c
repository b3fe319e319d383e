/*
** valuetest.c — the tests a rule's criteria make on one value (at_least,
** one_of, contains, free_email, ...): numbers read from text as a CRM
** exports them, text compared without case, e-mail domains by their suffix.
** A test on a missing value is false, negated or not; only missing() holds.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acctmatch.h"
#include "ruleprog.h"

static int value_number(const mq_value *v, double *out)
{
    if (v->type == MQV_NUM) { *out = v->num; return 1; }
    if (v->type != MQV_TEXT || v->n == 0 || v->n > 63) return 0;
    char buf[64], *end;
    memcpy(buf, v->s, v->n);
    buf[v->n] = 0;
    *out = strtod(buf, &end);
    while (*end == ' ') end++;
    return end != buf && *end == 0 && isfinite(*out);
}

static int ci_equal(const char *a, size_t an, const char *lower, size_t ln)
{
    return an == ln && strncasecmp(a, lower, an) == 0;
}

static int ci_contains(const char *s, size_t n, const char *lower, size_t ln)
{
    if (ln == 0) return 1;
    for (size_t i = 0; i + ln <= n; i++)
        if (strncasecmp(s + i, lower, ln) == 0) return 1;
    return 0;
}

/* The part of an e-mail address after '@', or the whole text. */
static const char *domain_of(const char *s, size_t n, size_t *dn)
{
    const char *at = memchr(s, '@', n);
    if (!at) { *dn = n; return s; }
    *dn = n - (size_t)(at + 1 - s);
    return at + 1;
}

static int domain_matches(const char *d, size_t dn, const char *lower, size_t ln)
{
    if (ci_equal(d, dn, lower, ln)) return 1;
    return dn > ln && d[dn - ln - 1] == '.' && strncasecmp(d + dn - ln, lower, ln) == 0;
}

/* The address's registrable domain against the free-mail providers the
** account matcher knows (acctmatch.c): one list, so a rule's free_email()
** and the matcher never disagree about an address. */
int mq_is_free_email(const char *s, size_t n)
{
    char d[MQ_DOMAIN_MAX + 1];
    return mq_email_domain(s, n, d) > 0 && mq_is_free_domain(d);
}

static int text_truth(const mq_value *v)
{
    static const char *const yes[] = {"true", "yes", "y", "1"}, *const no[] = {"false", "no", "n", "0"};
    for (int i = 0; i < 4; i++) if (ci_equal(v->s, v->n, yes[i], strlen(yes[i]))) return 1;
    for (int i = 0; i < 4; i++) if (ci_equal(v->s, v->n, no[i], strlen(no[i]))) return 0;
    return -1;
}

int mq_test_holds(const mq_test *t, const mq_value *v)
{
    if (t->op == MQT_MISSING) return v->type == MQV_NULL || (v->type == MQV_TEXT && v->n == 0);
    if (v->type == MQV_NULL) return 0;
    int r = 0;
    double x;
    switch (t->op) {
    case MQT_GE: r = value_number(v, &x) && x >= t->a; break;
    case MQT_LE: r = value_number(v, &x) && x <= t->a; break;
    case MQT_BETWEEN: r = value_number(v, &x) && x >= t->a && x <= t->b; break;
    case MQT_EQ_NUM: r = value_number(v, &x) && x == t->a; break;
    case MQT_PRESENT: r = !(v->type == MQV_TEXT && v->n == 0); break;
    case MQT_EQ_TEXT:
    case MQT_ONE_OF:
        if (v->type == MQV_TEXT)
            for (int i = 0; i < t->nstrs && !r; i++) r = ci_equal(v->s, v->n, t->strs[i], t->lens[i]);
        break;
    case MQT_CONTAINS:
        if (v->type == MQV_TEXT)
            for (int i = 0; i < t->nstrs && !r; i++) r = ci_contains(v->s, v->n, t->strs[i], t->lens[i]);
        break;
    case MQT_FREE_EMAIL: r = v->type == MQV_TEXT && mq_is_free_email(v->s, v->n); break;
    case MQT_DOMAIN_IN:
        if (v->type == MQV_TEXT) {
            size_t dn;
            const char *d = domain_of(v->s, v->n, &dn);
            for (int i = 0; i < t->nstrs && !r; i++) r = domain_matches(d, dn, t->strs[i], t->lens[i]);
        }
        break;
    case MQT_TRUE:
    case MQT_FALSE: {
        int truth = v->type == MQV_BOOL || v->type == MQV_NUM ? v->num != 0
                  : v->type == MQV_TEXT ? text_truth(v) : -1;
        if (truth < 0) return 0;
        r = t->op == MQT_TRUE ? truth : !truth;
        break;
    }
    case MQT_MISSING: break;
    }
    return t->negate ? !r : r;
}

