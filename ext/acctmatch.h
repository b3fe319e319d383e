/*
** acctmatch.h — matching leads to accounts, in plain C (no SQLite, no Lua),
** so that cmocka tests it directly: the registrable domain of an e-mail
** address, whether a domain is a free-mail provider's, a company name's
** normalised key, and a contact's buying-group role from its title.
** acctsql.c puts them in SQL (email_domain, company_key, contact_role).
*/
#ifndef ACCTMATCH_H
#define ACCTMATCH_H

#include <stddef.h>

/* The longest domain kept (RFC 1035's 253 characters). */
#define MQ_DOMAIN_MAX 253

/* The registrable domain of address s[0..n) ("Ann@Mail.Sales.Acme.co.uk" ->
** "acme.co.uk"), lower case (ASCII only: IDN and punycode labels are kept as
** they are), into out (MQ_DOMAIN_MAX + 1 bytes). Returns its length, or 0
** when s is not an address with a domain of two labels or more, or is
** not valid UTF-8. The domain is
** what follows the last '@' (a quoted local part may hold '@'). */
size_t mq_email_domain(const char *s, size_t n, char out[MQ_DOMAIN_MAX + 1]);

/* True when d (a registrable domain, lower case, NUL-terminated) is a
** free-mail provider's (gmail.com, yahoo.*, ...): an address there says
** nothing about the company. */
int mq_is_free_domain(const char *d);

/* The normalised key of company name s[0..n) into out (n + 1 bytes): lower
** case, Latin-1 accents folded, '.' and '\'' dropped, other punctuation as
** one blank, a leading "the" and trailing legal suffixes (Inc, LLC, GmbH,
** S.A., ...) dropped. "The Acme Corporation", "ACME Inc.", "Acmé GmbH" all
** give "acme". Returns its length; 0 when nothing is left, or when s is
** not valid UTF-8. */
size_t mq_company_key(const char *s, size_t n, char *out);

/* Buying-group roles. */
enum { MQ_ROLE_NONE, MQ_ROLE_DECISION, MQ_ROLE_INFLUENCER, MQ_ROLE_USER, MQ_ROLE_CHAMPION, MQ_NROLES };

/* A role's name ("decision maker", "influencer", "user", "champion"), "" for none. */
const char *mq_role_name(int role);
/* The role an explicit value names (its name, '_' for ' ' allowed, any case),
** else MQ_ROLE_NONE. */
int mq_role_parse(const char *s, size_t n);
/* The role a job title suggests: CEO, Chief ..., Founder, VP, Director, Head
** -> decision maker; Manager, Lead, Principal, Architect -> influencer;
** Engineer, Analyst, Specialist, Developer ... -> user; else none. The first
** word class found wins in that order. */
int mq_role_of_title(const char *s, size_t n);

#endif
