/*
** test_utf8text.c — cmocka tests of the excerpt helper that error messages
** quote user text through (ext/utf8text.c), and of the stage list that
** overflowed its buffer (issue 11, items 5 and 15).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "stagemodel.h"
#include "utf8text.h"

/* True when s is entirely valid UTF-8. */
static int valid(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t k = mq_utf8_seqlen((const unsigned char *)s + i, n - i);
        if (!k) return 0;
        i += k;
    }
    return 1;
}

static void test_seqlen(void **state)
{
    (void)state;
    const unsigned char *u;
    u = (const unsigned char *)"a";             assert_int_equal(mq_utf8_seqlen(u, 1), 1);
    u = (const unsigned char *)"\xC3\xA9";      assert_int_equal(mq_utf8_seqlen(u, 2), 2);   /* é */
    assert_int_equal(mq_utf8_seqlen(u, 1), 0);                                                /* cut short */
    u = (const unsigned char *)"\xE2\x82\xAC";  assert_int_equal(mq_utf8_seqlen(u, 3), 3);   /* € */
    u = (const unsigned char *)"\xF0\x9F\x98\x80"; assert_int_equal(mq_utf8_seqlen(u, 4), 4); /* 😀 */
    u = (const unsigned char *)"\x80";          assert_int_equal(mq_utf8_seqlen(u, 1), 0);   /* stray continuation */
    u = (const unsigned char *)"\xC0\xAF";      assert_int_equal(mq_utf8_seqlen(u, 2), 0);   /* overlong '/' */
    u = (const unsigned char *)"\xE0\x80\xAF";  assert_int_equal(mq_utf8_seqlen(u, 3), 0);   /* overlong */
    u = (const unsigned char *)"\xED\xA0\x80";  assert_int_equal(mq_utf8_seqlen(u, 3), 0);   /* surrogate */
    u = (const unsigned char *)"\xF4\x90\x80\x80"; assert_int_equal(mq_utf8_seqlen(u, 4), 0); /* > U+10FFFF */
    u = (const unsigned char *)"\xFF";          assert_int_equal(mq_utf8_seqlen(u, 1), 0);
    u = (const unsigned char *)"";              assert_int_equal(mq_utf8_seqlen(u, 1), 0);   /* NUL */
}

static void test_excerpt_fits(void **state)
{
    (void)state;
    char out[MQ_EXCERPT_SIZE];
    assert_string_equal(mq_utf8_excerpt_str(out, sizeof out, "Qualifié"), "Qualifié");
    assert_string_equal(mq_utf8_excerpt_str(out, sizeof out, ""), "");
    assert_string_equal(mq_utf8_excerpt_str(out, sizeof out, NULL), "NULL");
    /* bad bytes and an embedded NUL become '?', one for one */
    assert_string_equal(mq_utf8_excerpt(out, sizeof out, "a\xFF" "b\0c\xC3", 6), "a?b?c?");
    /* exactly outlen - 1 bytes: kept whole, no ellipsis */
    char s63[64];
    memset(s63, 'x', 63);
    s63[63] = 0;
    assert_string_equal(mq_utf8_excerpt_str(out, sizeof out, s63), s63);
}

static void test_excerpt_cut(void **state)
{
    (void)state;
    char out[MQ_EXCERPT_SIZE], in[400];
    /* 'é' (2 bytes) repeated: a byte cut at 60 would split none, at 61 would;
    ** shift by one ASCII byte to try both parities, and 3- and 4-byte characters */
    const char *chars[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
    for (int c = 0; c < 3; c++) {
        for (int shift = 0; shift < 4; shift++) {
            size_t n = 0;
            for (int i = 0; i < shift; i++) in[n++] = 'a';
            while (n + 4 < sizeof in - 1) { strcpy(in + n, chars[c]); n += strlen(chars[c]); }
            in[n] = 0;
            mq_utf8_excerpt_str(out, sizeof out, in);
            size_t len = strlen(out);
            assert_true(len <= sizeof out - 1);
            assert_true(len >= sizeof out - 1 - 3 - 3);        /* at most one character short of the room */
            assert_true(valid(out));
            assert_string_equal(out + len - 3, "\xE2\x80\xA6");  /* ends with … */
            assert_memory_equal(out, in, len - 3);              /* a prefix of the input */
        }
    }
    /* the smallest buffer: only the ellipsis */
    char tiny[4];
    assert_string_equal(mq_utf8_excerpt_str(tiny, sizeof tiny, "abcdef"), "\xE2\x80\xA6");
}

/* Item 5: the default stages plus 25 custom ones overflowed a 512-byte buffer
** by two bytes; 40 stages with two-byte names now end in "…" inside it. */
static void test_stages_list_long(void **state)
{
    (void)state;
    mq_stages *m = mq_stages_default();
    assert_non_null(m);
    char name[64], buf[512];
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "étape personnalisée %02d", i);
        assert_int_equal(mq_stages_add(m, name, 3, "sales", 0, 0), 0);
    }
    memset(buf, 'Z', sizeof buf);
    mq_stages_list(m, buf, 500);                 /* less than the buffer: bytes 500.. stay 'Z' */
    size_t len = strlen(buf);
    assert_true(len <= 499);
    assert_true(valid(buf));
    assert_string_equal(buf + len - 3, "\xE2\x80\xA6");
    assert_true(strncmp(buf, "target, IQL, MQL, PQL, SQL, meeting", 35) == 0);
    for (size_t i = 500; i < sizeof buf; i++) assert_int_equal(buf[i], 'Z');
    /* a short list is whole, without the ellipsis */
    mq_stages *d = mq_stages_default();
    mq_stages_list(d, buf, sizeof buf);
    assert_string_equal(buf, "target, IQL, MQL, PQL, SQL, meeting, proposal, won, lost, nurture, disqualified");
    mq_stages_release(d);
    mq_stages_release(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seqlen),
        cmocka_unit_test(test_excerpt_fits),
        cmocka_unit_test(test_excerpt_cut),
        cmocka_unit_test(test_stages_list_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
