/*
** acctmatch.c — the plain-C half of account matching (acctmatch.h): e-mail
** domains, free mail, company-name keys and buying-group roles. No SQLite,
** no Lua: cmocka tests it directly (tests/unit/test_acctmatch.c).
**
**     mq_email_domain("ann@mail.sales.acme.co.uk") -> "acme.co.uk"
**     mq_company_key("The Acme Corporation")        -> "acme"
**
** The lists here are built in and short on purpose: the multi-part public
** suffixes are the common ones (co.uk, com.au, co.jp, ...), NOT the full
** Public Suffix List (some 9,000 rules, changing monthly, which would need a
** download or a data file to keep fresh); a domain under a suffix not listed
** is cut to its last two labels (a.b.example.com.xx -> com.xx for an unlisted
** xx), which merges companies under that suffix into one account rather than
** splitting one company in many. The README says so.
*/
#include "acctmatch.h"
#include "utf8text.h"

#include <string.h>

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int bsearch_str(const char *const *list, size_t n, const char *s, size_t len)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strncmp(s, list[mid], len);
        if (c == 0 && list[mid][len] != 0) c = -1;
        if (c == 0) return 1;
        if (c < 0) hi = mid; else lo = mid + 1;
    }
    return 0;
}

/* ---- domains ------------------------------------------------------------------------- */

/* Sorted: second-level public suffixes under which a company registers its
** own third-level name (acme.co.uk). Not the PSL; see the header comment. */
static const char *const multi_suffixes[] = {
    "ac.jp", "ac.nz", "ac.uk", "ac.za", "co.id", "co.il", "co.in", "co.jp", "co.kr", "co.nz",
    "co.th", "co.uk", "co.za", "com.ar", "com.au", "com.br", "com.cn", "com.co", "com.hk",
    "com.mx", "com.my", "com.ng", "com.pe", "com.ph", "com.pk", "com.sg", "com.tr", "com.tw",
    "com.ua", "com.vn", "edu.au", "gov.au", "gov.uk", "ltd.uk", "me.uk", "ne.jp", "net.au",
    "net.br", "net.cn", "net.nz", "or.jp", "org.au", "org.br", "org.nz", "org.uk", "org.za",
    "plc.uk",
};
#define NMULTI (sizeof multi_suffixes / sizeof *multi_suffixes)

/* A label's byte: ASCII letters, digits and '-', or any byte of a UTF-8
** sequence (an IDN written out, kept as is). */
static int label_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c >= 0x80;
}

/* Whether s[0..n) is UTF-8 throughout (NUL bytes allowed: they are blanks
** to the company key): a key made of text that is not would be stored as
** an account's domain or name key, and read back broken. */
static int utf8_whole(const char *s, size_t n)
{
    for (size_t i = 0, k; i < n; i += k)
        if (!(k = s[i] ? mq_utf8_seqlen((const unsigned char *)s + i, n - i) : 1)) return 0;
    return 1;
}

size_t mq_email_domain(const char *s, size_t n, char out[MQ_DOMAIN_MAX + 1])
{
    if (!utf8_whole(s, n)) return 0;
    /* trim blanks: exports often pad cells */
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
    while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
    const char *at = NULL;
    for (size_t i = n; i-- > 0;)
        if (s[i] == '@') { at = s + i; break; }
    if (!at || at == s) return 0;                          /* no '@', or no local part */
    const char *d = at + 1;
    size_t dn = n - (size_t)(d - s);
    if (dn && d[dn - 1] == '.') dn--;                      /* the root's dot */
    if (dn == 0 || dn > MQ_DOMAIN_MAX) return 0;
    /* lower case, check the labels, and find where the last three start */
    size_t dots[3] = {0, 0, 0};                            /* positions after the last 3 dots */
    int ndots = 0;
    size_t label = 0;
    for (size_t i = 0; i < dn; i++) {
        unsigned char c = (unsigned char)lower((unsigned char)d[i]);
        if (c == '.') {
            if (label == 0) return 0;                      /* empty label: "a..b", ".a" */
            label = 0;
            dots[2] = dots[1]; dots[1] = dots[0]; dots[0] = i + 1;
            ndots++;
        } else if (label_byte(c)) {
            label++;
        } else {
            return 0;                                      /* a blank, a quote, '@', '<' ... */
        }
        out[i] = (char)c;
    }
    out[dn] = 0;
    if (label == 0) return 0;                              /* an empty last label: "acme.com.." */
    if (ndots == 0) return 0;                              /* "a@b": no registrable domain */
    /* the last two labels, or three under a listed two-part suffix */
    size_t start = ndots >= 2 ? dots[1] : 0;
    if (bsearch_str(multi_suffixes, NMULTI, out + start, dn - start)) {
        if (ndots < 2) return 0;                           /* the suffix itself */
        start = ndots >= 3 ? dots[2] : 0;
    }
    memmove(out, out + start, dn - start + 1);
    return dn - start;
}

/* Sorted: free-mail domains matched whole. */
static const char *const free_exact[] = {
    "126.com", "163.com", "aol.com", "att.net", "btinternet.com", "comcast.net", "fastmail.com",
    "free.fr", "gmail.com", "googlemail.com", "hey.com", "icloud.com", "inbox.com", "laposte.net",
    "libero.it", "mac.com", "mail.com", "mail.ru", "me.com", "msn.com", "naver.com", "orange.fr",
    "proton.me", "protonmail.com", "qq.com", "rediffmail.com", "rocketmail.com", "seznam.cz",
    "sina.com", "t-online.de", "tutanota.com", "verizon.net", "web.de", "wp.pl", "ymail.com",
    "zoho.com",
};
/* Sorted: providers free under every country's suffix (yahoo.co.uk, gmx.de):
** matched on the registrable domain's first label. */
static const char *const free_family[] = {
    "gmx", "hotmail", "live", "outlook", "yahoo", "yandex",
};

int mq_is_free_domain(const char *d)
{
    size_t n = strlen(d);
    if (bsearch_str(free_exact, sizeof free_exact / sizeof *free_exact, d, n)) return 1;
    const char *dot = strchr(d, '.');
    return dot && bsearch_str(free_family, sizeof free_family / sizeof *free_family, d, (size_t)(dot - d));
}

/* ---- company names --------------------------------------------------------------------- */

/* Sorted: legal-form words dropped from the end of a name (after '.' is
** dropped, so "S.A." is "sa" and "B.V." is "bv"). "group" and "holding" are
** not here: Acme Group and Acme may be different companies. */
static const char *const legal_suffixes[] = {
    "ab", "ag", "as", "bv", "co", "company", "corp", "corporation", "gmbh", "inc", "incorporated",
    "kg", "kk", "limited", "llc", "llp", "lp", "ltd", "nv", "oy", "plc", "pte", "pty", "sa", "sarl",
    "sas", "spa", "srl",
};
#define NLEGAL (sizeof legal_suffixes / sizeof *legal_suffixes)

/* The ASCII letter a two-byte UTF-8 Latin-1 letter (C3 80..C3 BF) folds to,
** or 0: the accents of Western European names, cheap to fold. */
static char fold_latin1(unsigned char b)
{
    static const char map[64] =
        "aaaaaaaceeeeiiii" "dnooooo\0ouuuuyts"      /* C3 80..9F: À..ß (× is 0) */
        "aaaaaaaceeeeiiii" "dnooooo\0ouuuuyty";     /* C3 A0..BF: à..ÿ (÷ is 0) */
    return b >= 0x80 && b <= 0xBF ? map[b - 0x80] : 0;
}

size_t mq_company_key(const char *s, size_t n, char *out)
{
    if (!utf8_whole(s, n)) return 0;
    size_t o = 0;
    int blank = 1;                                     /* the last byte written is a blank (or none) */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char f;
        if (c == 0xC3 && i + 1 < n && (f = fold_latin1((unsigned char)s[i + 1])) != 0) {
            out[o++] = f; blank = 0; i++;
            continue;
        }
        if (c == '.' || c == '\'') continue;           /* S.A. -> sa, O'Neil -> oneil */
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
            out[o++] = (char)c; blank = 0;
        } else if (c >= 'A' && c <= 'Z') {
            out[o++] = (char)(c + 32); blank = 0;
        } else if (!blank) {                            /* punctuation, blanks, control bytes, NUL */
            out[o++] = ' '; blank = 1;
        }
    }
    if (o && out[o - 1] == ' ') o--;
    out[o] = 0;
    /* "the " in front, unless it is the whole name */
    if (o > 4 && memcmp(out, "the ", 4) == 0) {
        memmove(out, out + 4, o - 4 + 1);
        o -= 4;
    }
    /* legal suffixes from the end, keeping the first word ("Co" alone stays) */
    /* (out holds no NUL before out[o]: a NUL of the name became a blank) */
    for (;;) {
        char *sp = strrchr(out, ' ');
        if (!sp) break;
        size_t wl = o - (size_t)(sp + 1 - out);
        if (!bsearch_str(legal_suffixes, NLEGAL, sp + 1, wl)) break;
        o = (size_t)(sp - out);
        out[o] = 0;
    }
    return o;
}

/* ---- buying-group roles ------------------------------------------------------------------ */

const char *mq_role_name(int role)
{
    static const char *const names[MQ_NROLES] = {"", "decision maker", "influencer", "user", "champion"};
    return role > 0 && role < MQ_NROLES ? names[role] : "";
}

int mq_role_parse(const char *s, size_t n)
{
    for (int r = 1; r < MQ_NROLES; r++) {
        const char *name = mq_role_name(r);
        if (strlen(name) != n) continue;
        size_t i = 0;
        while (i < n && (lower((unsigned char)s[i]) == name[i] || (s[i] == '_' && name[i] == ' '))) i++;
        if (i == n) return r;
    }
    return MQ_ROLE_NONE;
}

/* Sorted word lists, one per role. */
static const char *const words_decision[] = {
    "cco", "ceo", "cfo", "chief", "cio", "cmo", "coo", "cro", "cso", "cto", "director", "evp", "founder",
    "gm", "head", "owner", "partner", "president", "svp", "vp",
};
static const char *const words_influencer[] = {
    "architect", "lead", "manager", "mgr", "principal", "supervisor", "team",
};
static const char *const words_user[] = {
    "administrator", "analyst", "associate", "consultant", "coordinator", "designer", "developer",
    "engineer", "executive", "marketer", "officer", "representative", "scientist", "specialist",
    "strategist",
};

int mq_role_of_title(const char *s, size_t n)
{
    int found[MQ_NROLES] = {0};
    char w[32];
    size_t i = 0;
    while (i < n) {
        while (i < n && !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) i++;
        size_t wl = 0;
        while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) {
            if (wl < sizeof w - 1) w[wl] = (char)lower((unsigned char)s[i]);
            wl++; i++;
        }
        if (wl == 0 || wl >= sizeof w) continue;
        w[wl] = 0;
        if (bsearch_str(words_decision, sizeof words_decision / sizeof *words_decision, w, wl)) found[MQ_ROLE_DECISION] = 1;
        else if (bsearch_str(words_influencer, sizeof words_influencer / sizeof *words_influencer, w, wl)) found[MQ_ROLE_INFLUENCER] = 1;
        else if (bsearch_str(words_user, sizeof words_user / sizeof *words_user, w, wl)) found[MQ_ROLE_USER] = 1;
    }
    for (int r = MQ_ROLE_DECISION; r <= MQ_ROLE_USER; r++)
        if (found[r]) return r;
    return MQ_ROLE_NONE;
}
