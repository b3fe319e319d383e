/*
** test_jsonplain.c — cmocka tests of mq_json_plain_object (ext/jsonplain.c),
** the quick JSON test of mqlite import: exact verdicts for known texts, and
** its one promise checked against the SQLite this machine has: every text it
** takes, json_valid() takes too (on 200,000 mutations of valid objects), and
** it takes every object a generator makes within its depth.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonplain.h"

static int plain(const char *s) { return mq_json_plain_object(s, strlen(s)); }

static void test_known_texts(void **state)
{
    (void)state;
    const char *yes[] = {
        "{}", "{ }", "{\"a\":1}", "{\"a\" : 1 , \"b\":[ ]}", "{\"n\":-0.5e+3,\"m\":0,\"o\":1E9,\"p\":-0}",
        "{\"t\":true,\"f\":false,\"z\":null}", "{\"s\":\"\\u00e9\\n\\t\\\\\\\"\\/\\b\\f\\r\"}", "{\"a\":[1,[2,[3]],{}]}",
        "{\"\xc3\xa9\":\"\xe2\x82\xac\"}", "{\"a\":\t\r\n1}", "{\"a\":1,\"a\":2}",
    };
    const char *no[] = {
        "", "{", "}", "[]", " {}", "{} ", "{}}", "{\"a\":1}x}", "{a:1}", "{'a':1}", "{\"a\"}", "{\"a\":}",
        "{\"a\":1,}", "{,}", "{\"a\":01}", "{\"a\":-01}", "{\"a\":.5}", "{\"a\":1.}", "{\"a\":1.e5}", "{\"a\":1e}",
        "{\"a\":1e+}", "{\"a\":-}", "{\"a\":+1}", "{\"a\":0x10}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":truex}",
        "{\"a\":\"x\\q\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12G4\"}", "{\"a\":\"tab\there\"}", "{\"a\":\"open}",
        "{\"a\":[1,]}", "{\"a\":[1 2]}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":1}{\"b\":2}", "{\"a\"::1}",
    };
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        if (!plain(yes[i])) fail_msg("refused %s", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        if (plain(no[i])) fail_msg("took %s", no[i]);
    /* a NUL inside the text is no JSON, even in a string */
    assert_int_equal(mq_json_plain_object("{\"a\":\"x\0y\"}", 11), 0);
    assert_int_equal(mq_json_plain_object(NULL, 0), 0);
}

static void test_depth(void **state)
{
    (void)state;
    char s[400];
    for (int depth = MQ_JSON_PLAIN_DEPTH - 1; depth <= MQ_JSON_PLAIN_DEPTH + 1; depth++) {
        size_t n = 0;
        for (int i = 0; i < depth; i++) n += (size_t)snprintf(s + n, sizeof s - n, "{\"k\":");
        n += (size_t)snprintf(s + n, sizeof s - n, "1");
        for (int i = 0; i < depth; i++) s[n++] = '}';
        s[n] = '\0';
        /* depth objects around a number: taken up to MQ_JSON_PLAIN_DEPTH */
        assert_int_equal(plain(s), depth <= MQ_JSON_PLAIN_DEPTH);
    }
    /* a megabyte of '[' inside an object: refused at the cap, not by
    ** recursing a million frames deep */
    size_t big = 1 << 20;
    char *t = malloc(big + 7);
    assert_non_null(t);
    memcpy(t, "{\"a\":", 5);
    memset(t + 5, '[', big);
    t[big + 5] = '}';
    assert_int_equal(mq_json_plain_object(t, big + 6), 0);
    free(t);
}

/* ---- against SQLite -------------------------------------------------------------------- */

static uint64_t rng = 0x9E3779B97F4A7C15u;
static unsigned next(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static void put(char *s, size_t *n, size_t cap, const char *t)
{
    size_t k = strlen(t);
    if (*n + k < cap) {
        memcpy(s + *n, t, k);
        *n += k;
    }
}

/* a random JSON value, objects and arrays to depth levels */
static void gen(char *s, size_t *n, size_t cap, int depth)
{
    static const char *atoms[] = {"0", "-1", "12.5", "3e7", "-0.25E-2", "true", "false", "null", "\"\"",
                                  "\"a b\"", "\"\\u00e9\\n\"", "\"\xc3\xa9\"", "\"\\\\\\\"\""};
    unsigned kind = depth > 0 ? next(4) : 0;
    if (kind < 2) {
        put(s, n, cap, atoms[next(sizeof atoms / sizeof *atoms)]);
        return;
    }
    int obj = kind == 2;
    put(s, n, cap, obj ? "{" : "[");
    unsigned members = next(4);
    for (unsigned i = 0; i < members; i++) {
        if (i) put(s, n, cap, next(3) ? "," : " , ");
        if (obj) put(s, n, cap, next(2) ? "\"k\":" : "\"key\" :\t");
        gen(s, n, cap, depth - 1);
    }
    put(s, n, cap, obj ? "}" : "]");
}

static void test_against_sqlite(void **state)
{
    (void)state;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT json_valid(?1) AND ?1 GLOB '{*}'", -1, &st, NULL), SQLITE_OK);
    static const char bytes[] = "{}[]\":,.-+eE0123456789 \\utrfaln\t\x01\xc3\xa9";
    char s[2048];
    int taken = 0, sqlite_only = 0;
    for (int round = 0; round < 200000; round++) {
        size_t n = 0;
        put(s, &n, sizeof s, "{\"r\":");
        gen(s, &n, sizeof s - 2, 4);
        put(s, &n, sizeof s, "}");
        int valid = round % 4 == 0;     /* a quarter as generated, the rest mutated */
        for (unsigned m = valid ? 0 : 1 + next(3); m > 0 && n > 0; m--) {
            size_t at = next((unsigned)n);
            switch (next(3)) {
            case 0: s[at] = bytes[next(sizeof bytes - 1)]; break;                 /* replace */
            case 1: memmove(s + at, s + at + 1, n - at - 1); n--; break;          /* delete */
            default:                                                               /* insert */
                if (n + 1 < sizeof s) {
                    memmove(s + at + 1, s + at, n - at);
                    s[at] = bytes[next(sizeof bytes - 1)];
                    n++;
                }
            }
        }
        int mine = mq_json_plain_object(s, n);
        sqlite3_bind_text(st, 1, s, (int)n, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        int theirs = sqlite3_column_int(st, 0);
        sqlite3_reset(st);
        if (mine && !theirs) fail_msg("took what SQLite refuses: %.*s", (int)n, s);
        if (valid && !mine) fail_msg("refused a generated object: %.*s", (int)n, s);
        taken += mine;
        sqlite_only += theirs && !mine;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    /* the mutations reach both verdicts (a test that only ever saw valid or
    ** only invalid texts would prove nothing) */
    assert_true(taken > 50000 && taken < 150000);
    (void)sqlite_only;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_texts),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_against_sqlite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
