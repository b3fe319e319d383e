/*
** mqtime.c — ISO-8601 and unix-seconds parsing for mqlite.
**
** Dates arrive from CRM exports in many shapes; this file accepts the ISO ones
** strictly (a calendar date that does not exist is an error, not a silent
** roll-over into the next month) so that a bad date is caught where it enters.
** Day-first and month-first formats are the importer's job, not this file's.
*/
#include "mqtime.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Howard Hinnant's days_from_civil: exact for every proleptic Gregorian date. */
long long mq_days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

static int is_leap(long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(long y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

int mq_time_is_canonical(const char *s, size_t n)
{
    static const char shape[] = "0000-00-00 00:00:00";
    if (n != 19) return 0;
    for (int i = 0; i < 19; i++)
        if (shape[i] == '0' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i]) return 0;
#define TWO(k) ((s[k] - '0') * 10 + (s[(k) + 1] - '0'))
    long y = TWO(0) * 100 + TWO(2);
    int mo = TWO(5), d = TWO(8);
    return mo >= 1 && mo <= 12 && d >= 1 && d <= days_in_month(y, mo) && TWO(11) <= 23 && TWO(14) <= 59 &&
           TWO(17) <= 59;
#undef TWO
}

/* Reads exactly `width` digits at s[*i]; -1 if any is not a digit. */
static long digits(const char *s, size_t n, size_t *i, int width)
{
    long v = 0;
    for (int k = 0; k < width; k++, (*i)++) {
        if (*i >= n || s[*i] < '0' || s[*i] > '9') return -1;
        v = v * 10 + (s[*i] - '0');
    }
    return v;
}

/* A plain decimal number ("1700000000", "-5", "12.5") is unix seconds. */
static int parse_number(const char *s, size_t n, double *out)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf) return -1;
    size_t i = 0, ndig = 0;
    if (s[i] == '-' || s[i] == '+') i++;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) ndig++;
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) ndig++;
    if (i != n || ndig == 0) return -1;
    for (i = 0; i < n; i++) buf[i] = s[i];
    buf[n] = 0;
    *out = strtod(buf, NULL);
    return 0;
}

int mq_time_parse(const char *s, size_t n, double *out)
{
    size_t i = 0;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    s += i; n -= i; i = 0;
    if (n < 10 || s[4] != '-') return parse_number(s, n, out);

    long y = digits(s, n, &i, 4);
    if (y < 0 || s[i++] != '-') return -1;
    long mo = digits(s, n, &i, 2);
    if (mo < 1 || mo > 12 || i >= n || s[i++] != '-') return -1;
    long d = digits(s, n, &i, 2);
    if (d < 1 || d > days_in_month(y, (int)mo)) return -1;

    long hh = 0, mi = 0, ss = 0;
    double frac = 0, offset = 0;
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        i++;
        if ((hh = digits(s, n, &i, 2)) < 0 || hh > 23) return -1;
        if (i >= n || s[i++] != ':') return -1;
        if ((mi = digits(s, n, &i, 2)) < 0 || mi > 59) return -1;
        if (i < n && s[i] == ':') {
            i++;
            if ((ss = digits(s, n, &i, 2)) < 0 || ss > 60) return -1;
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                double scale = 0.1;
                size_t start = ++i;
                for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
                    frac += (s[i] - '0') * scale;
                if (i == start) return -1;
            }
        }
        if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
            int sign = s[i++] == '-' ? -1 : 1;
            long oh = digits(s, n, &i, 2), om = 0;
            if (oh < 0 || oh > 23) return -1;
            if (i < n && s[i] == ':') i++;
            if (i < n) {
                if ((om = digits(s, n, &i, 2)) < 0 || om > 59) return -1;
            }
            offset = sign * (oh * 3600.0 + om * 60.0);
        }
    }
    if (i != n) return -1;
    *out = (double)mq_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400.0
         + hh * 3600.0 + mi * 60.0 + ss + frac - offset;
    return 0;
}

/* Reads 1 to maxw digits; -1 when there are none. */
static long some_digits(const char *s, size_t n, size_t *i, int maxw)
{
    long v = 0;
    int w = 0;
    while (*i < n && w < maxw && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (s[(*i)++] - '0');
        w++;
    }
    return w ? v : -1;
}

int mq_date_parse(const char *s, size_t n, mq_datefmt fmt, double *out)
{
    if (fmt == MQ_DATE_ISO) return mq_time_parse(s, n, out);
    size_t i = 0;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    long part[3];
    char sep = 0;
    for (int k = 0; k < 3; k++) {
        int yearpos = (fmt == MQ_DATE_YMD && k == 0) || (fmt != MQ_DATE_YMD && k == 2);
        size_t start = i;
        part[k] = some_digits(s, n, &i, yearpos ? 4 : 2);
        if (part[k] < 0 || (yearpos && i - start != 4)) return -1;
        if (k < 2) {
            if (i >= n || (s[i] != '/' && s[i] != '-' && s[i] != '.')) return -1;
            if (k == 1 && s[i] != sep) return -1;     /* one separator throughout */
            sep = s[i++];
        }
    }
    long y, m, d;
    if (fmt == MQ_DATE_YMD) { y = part[0]; m = part[1]; d = part[2]; }
    else if (fmt == MQ_DATE_DMY) { d = part[0]; m = part[1]; y = part[2]; }
    else { m = part[0]; d = part[1]; y = part[2]; }
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, (int)m)) return -1;
    long hh = 0, mi = 0, ss = 0;
    if (i < n) {
        if (s[i] != ' ' && s[i] != 'T') return -1;
        i++;
        if ((hh = some_digits(s, n, &i, 2)) < 0 || hh > 23 || i >= n || s[i++] != ':') return -1;
        if ((mi = digits(s, n, &i, 2)) < 0 || mi > 59) return -1;
        if (i < n && s[i] == ':') {
            i++;
            if ((ss = digits(s, n, &i, 2)) < 0 || ss > 59) return -1;
        }
        if (i != n) return -1;
    }
    *out = (double)mq_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400.0 + hh * 3600.0 + mi * 60.0 + ss;
    return 0;
}

int mq_time_format(double t, char buf[32])
{
    /* years 0..9999 only; beyond, the conversion to long long would overflow */
    if (!isfinite(t) || t < MQ_TIME_MIN || t >= MQ_TIME_MAX) return -1;
    long long secs = (long long)floor(t);
    long long days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    long long rem = secs - days * 86400;
    /* civil_from_days, the inverse of mq_days_from_civil. */
    long long z = days + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long y = (long long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    if (y < 0 || y > 9999) return -1;
    unsigned hh = (unsigned)(rem / 3600) % 24, mi = (unsigned)(rem / 60) % 60, ss = (unsigned)rem % 60;
    snprintf(buf, 32, "%04u-%02u-%02u %02u:%02u:%02u", (unsigned)y % 10000, m % 13, d % 32, hh, mi, ss);
    return 0;
}

double mq_time_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return (double)time(NULL);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
