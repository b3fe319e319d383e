/*
** test_mqerr.c — cmocka tests of the one error convention below SQL
** (ext/mqerr.c): a bounded message, cut between characters, never invalid
** UTF-8, and out of memory as a flag rather than a message.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mqerr.h"
#include "utf8text.h"

static void test_set_and_prefix(void **state)
{
    (void)state;
    mq_err e;
    assert_int_equal(mq_err_set(&e, "rule '%s' line %d: %s", "b2b", 12, "boom"), -1);
    assert_false(e.nomem);
    assert_string_equal(e.msg, "rule 'b2b' line 12: boom");
    assert_int_equal(mq_err_prefix(&e, "%s: ", "lead_score"), -1);
    assert_string_equal(e.msg, "lead_score: rule 'b2b' line 12: boom");
}

/* An interrupt stays one through the prefixes each layer adds, and a new
** message or nomem clears it. */
static void test_interrupted_kept_by_prefix(void **state)
{
    (void)state;
    mq_err e;
    mq_err_set(&e, "rule 'b2b' line 1: interrupted");
    assert_false(e.interrupted);
    e.interrupted = 1;
    mq_err_prefix(&e, "%s: ", "score_leads");
    assert_true(e.interrupted);
    assert_string_equal(e.msg, "score_leads: rule 'b2b' line 1: interrupted");
    mq_err_set(&e, "another");
    assert_false(e.interrupted);
    e.interrupted = 1;
    mq_err_nomem(&e);
    assert_false(e.interrupted);
}

static void test_nomem(void **state)
{
    (void)state;
    mq_err e;
    mq_err_set(&e, "something");
    assert_int_equal(mq_err_nomem(&e), -1);
    assert_true(e.nomem);
    assert_string_equal(e.msg, "");
    mq_err_prefix(&e, "%s: ", "fn");          /* stays out of memory, with no text */
    assert_true(e.nomem);
    assert_string_equal(e.msg, "");
    mq_err_set(&e, "again");                  /* a new message clears it */
    assert_false(e.nomem);
}

/* A message longer than MQ_ERR_MAX is cut between two characters and ends
** with "…"; invalid bytes become '?'. */
static void test_bounded_utf8(void **state)
{
    (void)state;
    char big[3 * MQ_ERR_MAX];
    for (size_t i = 0; i + 2 < sizeof big; i += 2) memcpy(big + i, "\xC3\xA9", 2);   /* é é é ... */
    big[sizeof big - 1] = 0;
    big[sizeof big - 2] = 0;
    mq_err e;
    mq_err_set(&e, "x%s", big);
    size_t n = strlen(e.msg);
    assert_true(n < MQ_ERR_MAX);
    assert_memory_equal(e.msg + n - 3, "\xE2\x80\xA6", 3);
    for (size_t i = 0; i < n;) {
        size_t k = mq_utf8_seqlen((const unsigned char *)e.msg + i, n - i);
        assert_true(k > 0);
        i += k;
    }
    mq_err_set(&e, "bad byte: %s", "\xFF!");
    assert_string_equal(e.msg, "bad byte: ?!");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_and_prefix),
        cmocka_unit_test(test_interrupted_kept_by_prefix),
        cmocka_unit_test(test_nomem),
        cmocka_unit_test(test_bounded_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
