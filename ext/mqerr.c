/*
** mqerr.c — the bounded error message (see mqerr.h).
*/
#include "mqerr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "utf8text.h"

static int set_text(mq_err *e, const char *s, size_t n)
{
    e->nomem = e->interrupted = 0;
    mq_utf8_excerpt(e->msg, sizeof e->msg, s, n);
    return -1;
}

int mq_err_vset(mq_err *e, const char *fmt, va_list ap)
{
    /* twice the room, so that a cut message is known to be cut */
    char buf[2 * MQ_ERR_MAX];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n < 0) n = 0;
    return set_text(e, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

int mq_err_set(mq_err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mq_err_vset(e, fmt, ap);
    va_end(ap);
    return -1;
}

int mq_err_nomem(mq_err *e)
{
    e->nomem = 1;
    e->interrupted = 0;
    e->msg[0] = 0;
    return -1;
}

int mq_err_prefix(mq_err *e, const char *fmt, ...)
{
    if (e->nomem) return -1;
    char buf[2 * MQ_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    if ((size_t)n < sizeof buf) n += snprintf(buf + n, sizeof buf - (size_t)n, "%s", e->msg);
    if (n < 0) n = 0;
    int interrupted = e->interrupted;
    set_text(e, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
    e->interrupted = interrupted;
    return -1;
}
