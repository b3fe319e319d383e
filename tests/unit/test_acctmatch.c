/*
** test_acctmatch.c — cmocka tests of account matching (ext/acctmatch.c):
** registrable domains (subdomains, multi-part suffixes, upper case, IDN,
** bad addresses), free mail, company-name variants to one key, and roles
** from titles.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "acctmatch.h"

static const char *dom(const char *email)
{
    static char out[MQ_DOMAIN_MAX + 1];
    return mq_email_domain(email, strlen(email), out) ? out : NULL;
}

static const char *key(const char *name)
{
    static char out[256];
    return mq_company_key(name, strlen(name), out) ? out : NULL;
}

static void test_domains(void **state)
{
    (void)state;
    assert_string_equal(dom("ann@acme.com"), "acme.com");
    assert_string_equal(dom("ann@www.acme.com"), "acme.com");
    assert_string_equal(dom("ann@mail.acme.com"), "acme.com");
    assert_string_equal(dom("ann@a.b.acme.com"), "acme.com");
    assert_string_equal(dom("Ann@Mail.Sales.ACME.co.uk"), "acme.co.uk");
    assert_string_equal(dom("ann@acme.co.uk"), "acme.co.uk");
    assert_string_equal(dom("ann@x.acme.com.au"), "acme.com.au");
    assert_string_equal(dom("ann@acme.co.jp"), "acme.co.jp");
    assert_string_equal(dom("  ANN@ACME.COM.  "), "acme.com");
    /* an empty last label is no domain: "com." would put every such address in one account */
    assert_null(dom("ann@acme.com.."));
    assert_null(dom("ann@acme.com..."));
    /* text that is not UTF-8 makes no domain (it would be stored as one, broken) */
    assert_null(dom("a@\xff.com"));
    assert_null(dom("\xc3@acme.com"));
    /* IDN: punycode and UTF-8 labels are kept as they are */
    assert_string_equal(dom("a@www.xn--bcher-kva.de"), "xn--bcher-kva.de");
    assert_string_equal(dom("a@mail.b\xc3\xbc" "cher.de"), "b\xc3\xbc" "cher.de");
    /* the domain follows the last '@' (a quoted local part may hold one) */
    assert_string_equal(dom("\"quoted@x\"@acme.com"), "acme.com");
    /* bad addresses: no domain */
    assert_null(dom("@"));
    assert_null(dom("a@"));
    assert_null(dom("a@b"));
    assert_null(dom("@acme.com"));
    assert_null(dom("acme.com"));
    assert_null(dom("a@co.uk"));
    assert_null(dom("a@acme..com"));
    assert_null(dom("a@.acme.com"));
    assert_null(dom("a@ac me.com"));
    assert_null(dom("a@<acme.com>"));
    assert_null(dom(""));
    char big[400];
    memset(big, 'a', sizeof big);
    big[0] = 'x'; big[1] = '@'; memcpy(big + sizeof big - 5, ".com", 5);
    assert_null(dom(big));                       /* over 253 characters */
}

static void test_free_mail(void **state)
{
    (void)state;
    const char *yes[] = {"gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "hotmail.com",
                         "hotmail.de", "outlook.com", "live.com", "aol.com", "icloud.com", "me.com", "gmx.de",
                         "gmx.net", "web.de", "mail.ru", "yandex.ru", "proton.me", "protonmail.com", "qq.com",
                         "163.com"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) assert_true(mq_is_free_domain(yes[i]));
    const char *no[] = {"acme.com", "gmail.org.uk", "mygmail.com", "yahoos.com", "ma.ru", "webde.com", "163.org",
                        "com", ""};
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) assert_false(mq_is_free_domain(no[i]));
    /* through the domain: a subdomain of a free provider is free */
    assert_true(mq_is_free_domain(dom("ANN@Mail.Yahoo.CO.UK")));
}

static void test_company_keys(void **state)
{
    (void)state;
    const char *acme[] = {"Acme", "ACME Inc.", "Acme, Inc", "The Acme Corporation", "Acm\xc3\xa9 GmbH", "acme ltd",
                          "Acme Co. Ltd.", "  ACME  S.A. ", "Acme B.V.", "ACME plc", "\"Acme\" LLC", "the acme"};
    for (size_t i = 0; i < sizeof acme / sizeof *acme; i++) assert_string_equal(key(acme[i]), "acme");
    assert_string_equal(key("Acme Widgets, Inc."), "acme widgets");
    assert_string_equal(key("O'Neil & Sons"), "oneil sons");
    /* not UTF-8: no key (it would be stored as one, broken) */
    assert_null(key("A\xffme"));
    assert_null(key("Acme \xc3"));
    assert_string_equal(key("M\xc3\xbcller AG"), "muller");
    assert_string_equal(key("Co"), "co");                /* a legal word alone is the name */
    assert_string_equal(key("The"), "the");
    assert_string_equal(key("<b>Acme</b>"), "b acme b");
    assert_string_equal(key("\xe6\xa0\xaa\xe5\xbc\x8f Ltd"), "\xe6\xa0\xaa\xe5\xbc\x8f");
    assert_null(key(""));
    assert_null(key(" .,;- "));
    /* NUL bytes are blanks; 64 KB of name never writes past n + 1 bytes */
    char out[16];
    assert_int_equal(mq_company_key("Acme\0Corp", 9, out), 4);
    assert_string_equal(out, "acme");
    size_t n = 65536;
    char *big = malloc(n), *bo = malloc(n + 1);
    assert_non_null(big); assert_non_null(bo);
    for (size_t i = 0; i < n; i++) big[i] = "A.b, \xc3\xa9"[i % 7];
    size_t k = mq_company_key(big, n, bo);
    assert_true(k > 0 && k <= n);
    assert_int_equal(strlen(bo), k);
    free(big); free(bo);
}

static void test_roles(void **state)
{
    (void)state;
    const char *t[][2] = {
        {"CEO", "decision maker"}, {"Chief Marketing Officer", "decision maker"}, {"VP Sales", "decision maker"},
        {"Director of IT", "decision maker"}, {"Head of Growth", "decision maker"}, {"Co-Founder", "decision maker"},
        {"Marketing Manager", "influencer"}, {"Team Lead", "influencer"}, {"Principal Engineer", "influencer"},
        {"Software Engineer", "user"}, {"Data Analyst", "user"}, {"SEO specialist", "user"},
        {"Student", ""}, {"", ""}, {"Directorate", ""},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        assert_string_equal(mq_role_name(mq_role_of_title(t[i][0], strlen(t[i][0]))), t[i][1]);
    assert_int_equal(mq_role_parse("Champion", 8), MQ_ROLE_CHAMPION);
    assert_int_equal(mq_role_parse("decision_maker", 14), MQ_ROLE_DECISION);
    assert_int_equal(mq_role_parse("DECISION MAKER", 14), MQ_ROLE_DECISION);
    assert_int_equal(mq_role_parse("boss", 4), MQ_ROLE_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domains),
        cmocka_unit_test(test_free_mail),
        cmocka_unit_test(test_company_keys),
        cmocka_unit_test(test_roles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
