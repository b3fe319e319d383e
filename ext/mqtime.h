/*
** mqtime.h — timestamps for mqlite: ISO-8601 text or unix seconds to one number.
**
** Plain C (no SQLite, no Lua) so that cmocka tests it directly. Every time in
** mqlite is a double of seconds since 1970-01-01T00:00:00Z.
*/
#ifndef MQTIME_H
#define MQTIME_H

#include <stddef.h>

/* Parses ISO-8601 text: "YYYY-MM-DD", optionally followed by 'T' or ' ' and
** "HH:MM", ":SS", ".fraction", and a zone "Z", "+HH:MM", "+HHMM" or "+HH"
** (no zone means UTC). Text that is a plain decimal number is taken as unix
** seconds. Returns 0 and sets *out, or -1 when the text is not a valid time
** (a bad calendar date such as 2025-02-30 included). */
int mq_time_parse(const char *s, size_t n, double *out);

/* The order of day, month and year in a date such as 03/04/2025. */
typedef enum { MQ_DATE_ISO, MQ_DATE_DMY, MQ_DATE_MDY, MQ_DATE_YMD } mq_datefmt;

/* Parses a date as CRM exports write them: with MQ_DATE_ISO exactly as
** mq_time_parse; otherwise three numbers separated by '/', '-' or '.' in the
** given order (a four-digit year; day and month of one or two digits),
** optionally followed by ' ' or 'T' and HH:MM[:SS]. Returns 0 or -1. */
int mq_date_parse(const char *s, size_t n, mq_datefmt fmt, double *out);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
long long mq_days_from_civil(long long y, unsigned m, unsigned d);

/* The times mqlite can write as dates: years 0 to 9999. */
#define MQ_TIME_MIN (-62167219200.0)       /* 0000-01-01 */
#define MQ_TIME_MAX 253402300800.0         /* 10000-01-01, excluded */

/* Formats unix seconds as "YYYY-MM-DD HH:MM:SS" (UTC, seconds truncated) into
** buf, which must hold 32 bytes. Returns 0, or -1 when the year is outside
** 0..9999. */
int mq_time_format(double t, char buf[32]);

/* 1 when s (n bytes) is a time exactly as mq_time_format writes it
** ("YYYY-MM-DD HH:MM:SS", a real day, hour, minute and second): the text
** that mq_time_parse accepts and formatting gives back unchanged, found
** without converting it (most dates of an import of mqlite's own export). */
int mq_time_is_canonical(const char *s, size_t n);

/* The current time in unix seconds. */
double mq_time_now(void);

#endif
