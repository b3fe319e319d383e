/*
** mqgen.c — a deterministic synthetic CRM: leads, their events, campaigns and
** stage history, for demos, tests and benchmarks.
**
**     build/mqgen --leads 2000 --seed 42 --db demo.db
**     build/mqgen --leads 2000 --seed 42 --csv out/
**     build/mqgen --leads 2000 --seed 42 --csv night/ --as-of 2025-09-02 --since 2025-08-30
**
** The last is a nightly CRM export: the CRM as it stood on that day (leads
** created by then, with the fields that change after creation as they were
** then), and only the last days of activity.
**
** The same arguments give the same data on every run and machine: the random
** numbers come from our own xoshiro256** seeded by splitmix64, never rand() or
** the clock. Fit and behaviour are correlated through a hidden "quality" per
** lead, so that a scoring rule has something real to separate. Memory does not
** grow with --leads: each lead is written as soon as it is made.
*/
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mqtime.h"

#define DAY 86400.0

static const char usage[] =
    "usage: mqgen --leads N [--seed S] (--db FILE | --csv DIR) [--schema FILE]\n"
    "             [--start YYYY-MM-DD] [--months M] [--no-stages] [--no-events]\n"
    "             [--as-of DATE] [--since DATE]\n"
    "\n"
    "Writes a synthetic CRM: campaigns, N leads, their events and (unless\n"
    "--no-stages) their stage history.\n"
    "  --leads N      number of leads, 1 to 50000000 (required)\n"
    "  --seed S       random seed (default 42); same seed, same data\n"
    "  --db FILE      write into this SQLite database (created with --schema)\n"
    "  --csv DIR      write leads.csv, events.csv, campaigns.csv, stages.csv into DIR\n"
    "  --schema FILE  the schema to create (default schema/mqlite.sql)\n"
    "  --start DATE   first day leads are created (default 2025-01-01)\n"
    "  --months M     months over which leads are created (default 12)\n"
    "  --no-stages    write no stage history\n"
    "  --no-events    write no events (and so no stage history): leads only\n"
    "  --as-of DATE   the CRM as it stood at DATE (a nightly export): the leads\n"
    "                 created by then, the events and stage entries up to then,\n"
    "                 and the lead fields that change after creation as they were\n"
    "                 then (web_visits grows with page views; some leads get a new\n"
    "                 title, owner or annual_revenue at some moment); a lead is the\n"
    "                 same whatever DATE, only its changed fields differ\n"
    "  --since DATE   only the events and stage entries after DATE (the last days\n"
    "                 of activity); leads are all written\n"
    "Without --as-of no field changes: the data is the same as before these options.\n";

/* ---- random numbers ---------------------------------------------------------------- */

static uint64_t rng[4];

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t next64(void)
{
    uint64_t r = rotl(rng[1] * 5, 7) * 9, t = rng[1] << 17;
    rng[2] ^= rng[0];
    rng[3] ^= rng[1];
    rng[1] ^= rng[2];
    rng[0] ^= rng[3];
    rng[2] ^= t;
    rng[3] = rotl(rng[3], 45);
    return r;
}

static double unif(void) { return (double)(next64() >> 11) * 0x1.0p-53; }
static int chance(double p) { return unif() < p; }
static long between(long lo, long hi) { return lo + (long)(unif() * (double)(hi - lo + 1)); }

static double normal(void)
{
    double u = unif(), v = unif();
    return sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

static double lognormal(double median, double sigma) { return median * exp(sigma * normal()); }

/* Picks an index by weight. */
static int pick(const double *w, int n)
{
    double sum = 0, x;
    for (int i = 0; i < n; i++) sum += w[i];
    x = unif() * sum;
    for (int i = 0; i < n; i++) {
        if (x < w[i]) return i;
        x -= w[i];
    }
    return n - 1;
}

#define PICK(names, weights) (names)[pick((weights), (int)(sizeof(weights) / sizeof *(weights)))]

/* ---- the vocabulary ------------------------------------------------------------------ */

static const char *const industries[] = {"software", "saas", "fintech", "manufacturing", "retail", "healthcare",
                                         "education", "media", "agency", "logistics", "government"};
static const double industry_w[] = {16, 12, 6, 12, 11, 9, 7, 7, 9, 6, 5};
static const char *const countries[] = {"US", "GB", "DE", "FR", "CA", "AU", "NL", "BR", "IN", "ES", "SE", "JP"};
static const double country_w[] = {34, 12, 10, 7, 6, 5, 4, 5, 7, 4, 3, 3};
static const char *const titles[] = {
    "CEO", "CTO", "CMO", "Founder", "VP Marketing", "VP Sales", "Director of Marketing", "Head of Growth",
    "Head of Digital", "Marketing Manager", "Web Developer", "Analyst", "Consultant", "Student", "Intern",
    "Assistant"};
static const double title_w[] = {4, 3, 3, 4, 5, 3, 6, 4, 3, 18, 12, 10, 8, 6, 4, 7};
static const char *const authority_of_title[] = {
    "decision_maker", "decision_maker", "decision_maker", "decision_maker", "decision_maker", "decision_maker",
    "influencer", "influencer", "influencer", "influencer", "user", "user", "influencer", "user", "user", "user"};
static const char *const sources[] = {"organic_search", "paid_search", "social", "email", "referral", "webinar",
                                      "events", "direct"};
static const double source_w[] = {24, 16, 12, 14, 8, 10, 6, 10};
static const char *const cmss[] = {"wordpress", "drupal", "contentful", "webflow", "wix", "squarespace", "custom", "none"};
static const double cms_w[] = {30, 8, 5, 7, 12, 9, 17, 12};
static const char *const free_domains[] = {"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "aol.com",
                                           "icloud.com", "gmx.de", "proton.me"};
static const char *const owners[] = {"ana", "ben", "chloe", "dev", "emma", "felix", "grace", "hugo"};
static const char *const first[] = {"alex", "sam", "kim", "jo", "li", "max", "ana", "noah", "mia", "leo",
                                    "zoe", "ravi", "ines", "omar", "yuki", "lena"};
static const char *const syl[] = {"nor", "th", "wind", "con", "to", "so", "fab", "ri", "kam", "tail", "spin",
                                  "lit", "ware", "blue", "yon", "der", "vo", "lt", "ax", "quo", "ra", "zen"};
static const char *const suffix[] = {"", " Labs", " Inc", " GmbH", " Ltd", " Group", " Systems", " Media"};
static const char *const needs[] = {"high", "medium", "low", "none"};

/* Event types: name, base weight, extra weight per unit of lead quality. */
static const struct { const char *type; double w, wq; } event_types[] = {
    {"page_view", 40, 10}, {"email_open", 22, 4}, {"email_click", 7, 4}, {"whitepaper_download", 5, 5},
    {"webinar_registered", 3, 3}, {"webinar_attended", 2, 3}, {"pricing_page_visit", 1.5, 5},
};
#define NEVTYPES ((int)(sizeof event_types / sizeof *event_types))

typedef struct campaign {
    char id[48];
    const char *channel;
    double started;
} campaign;

#define NCAMPAIGNS 12
static campaign camps[NCAMPAIGNS];

/* --as-of and --since: the window of time written (seconds since the epoch).
** A row is in it when its time, as written (whole seconds), is after since
** and not after as_of. seen_views counts the current lead's page views up to
** as_of, whatever --since, for its web_visits. */
static int has_as_of, has_since;
static double as_of, since;
static long seen_views;
static uint64_t gen_seed;

static int in_window(double t)
{
    double s = floor(t);
    return !(has_as_of && s > as_of) && !(has_since && s <= since);
}

/* ---- output: SQLite or CSV ------------------------------------------------------------ */

typedef struct out {
    sqlite3 *db;
    sqlite3_stmt *lead, *event, *stage, *camp;
    FILE *fl, *fe, *fs, *fc;
    long long nleads, nevents, nstages, ncamps;
} out;

static void die(const char *what, const char *why)
{
    fprintf(stderr, "mqgen: %s: %s\n", what, why);
    exit(1);
}

static void csv_field(FILE *f, const char *s, int last)
{
    if (s) {
        if (strpbrk(s, ",\"\r\n")) {
            fputc('"', f);
            for (; *s; s++) {
                if (*s == '"') fputc('"', f);
                fputc(*s, f);
            }
            fputc('"', f);
        } else {
            fputs(s, f);
        }
    }
    fputc(last ? '\n' : ',', f);
}

/* One row: n text values (NULL for NULL); numbers are passed as text too and
** bound with their column's affinity doing the conversion. */
static void emit(out *o, sqlite3_stmt *st, FILE *f, int n, const char *const *v)
{
    if (o->db) {
        for (int i = 0; i < n; i++) {
            if (v[i]) sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_TRANSIENT);
            else sqlite3_bind_null(st, i + 1);
        }
        if (sqlite3_step(st) != SQLITE_DONE) die("insert", sqlite3_errmsg(o->db));
        sqlite3_reset(st);
    } else {
        for (int i = 0; i < n; i++) csv_field(f, v[i], i == n - 1);
        if (ferror(f)) die("write", strerror(errno));
    }
}

static void fmt_time(double t, char buf[32])
{
    if (mq_time_format(t, buf) != 0) die("time", "out of range");
}

/* A lead as events and stages name it: its row id in a database, its
** external_id in CSV, where the importer matches leads by the CRM's id. */
static void lead_key(const out *o, long long lead, char buf[24])
{
    snprintf(buf, 24, o->db ? "%lld" : "L%06lld", lead);
}

static void emit_event(out *o, long long lead, const char *type, double t, const char *campaign_id, const char *props)
{
    char ids[24], ts[32];
    if (has_as_of && floor(t) <= as_of && strcmp(type, "page_view") == 0) seen_views++;
    if (!in_window(t)) return;
    lead_key(o, lead, ids);
    fmt_time(t, ts);
    const char *v[] = {ids, type, ts, campaign_id, props};
    emit(o, o->event, o->fe, 5, v);
    o->nevents++;
}

static void emit_stage(out *o, long long lead, const char *stage, double t, const char *source)
{
    char ids[24], ts[32];
    if (!in_window(t)) return;
    lead_key(o, lead, ids);
    fmt_time(t, ts);
    const char *v[] = {ids, stage, ts, source, NULL};
    emit(o, o->stage, o->fs, 5, v);
    o->nstages++;
}

static FILE *open_csv(const char *dir, const char *name, const char *header)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) die(path, strerror(errno));
    fputs(header, f);
    return f;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) die(path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    if (!s || fread(s, 1, (size_t)n, f) != (size_t)n) die(path, "cannot read");
    s[n] = 0;
    fclose(f);
    return s;
}

static void open_db(out *o, const char *path, const char *schema)
{
    if (sqlite3_open(path, &o->db) != SQLITE_OK) die(path, sqlite3_errmsg(o->db));
    char *sql = read_file(schema), *err = NULL;
    if (sqlite3_exec(o->db, sql, NULL, NULL, &err) != SQLITE_OK) die(schema, err);
    free(sql);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(o->db, "SELECT count(*) FROM leads", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
        die(path, sqlite3_errmsg(o->db));
    if (sqlite3_column_int64(st, 0) > 0) die(path, "already holds leads; give a new file");
    sqlite3_finalize(st);
    if (sqlite3_exec(o->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN", NULL, NULL, &err) != SQLITE_OK)
        die(path, err);
    static const char *const sql_ins[] = {
        "INSERT INTO leads(id, external_id, created_at, email, company, industry, employees, annual_revenue,"
        " country, title, source, campaign, owner, attrs) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        "INSERT INTO events(lead_id, type, occurred_at, campaign, props) VALUES (?,?,?,?,?)",
        "INSERT INTO stage_history(lead_id, stage, entered_at, source, reason) VALUES (?,?,?,?,?)",
        "INSERT INTO campaigns(id, name, channel, started_at, cost, sent, delivered, opens, clicks)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
    };
    sqlite3_stmt **sts[] = {&o->lead, &o->event, &o->stage, &o->camp};
    for (int i = 0; i < 4; i++)
        if (sqlite3_prepare_v2(o->db, sql_ins[i], -1, sts[i], NULL) != SQLITE_OK) die("prepare", sqlite3_errmsg(o->db));
}

static void close_out(out *o)
{
    if (o->db) {
        sqlite3_finalize(o->lead);
        sqlite3_finalize(o->event);
        sqlite3_finalize(o->stage);
        sqlite3_finalize(o->camp);
        char *err = NULL;
        if (sqlite3_exec(o->db, "COMMIT; PRAGMA journal_mode=DELETE; ANALYZE", NULL, NULL, &err) != SQLITE_OK)
            die("commit", err);
        sqlite3_close(o->db);
    } else {
        FILE *fs[] = {o->fl, o->fe, o->fs, o->fc};
        for (int i = 0; i < 4; i++)
            if (fs[i] && fclose(fs[i]) != 0) die("close", strerror(errno));
    }
}

/* ---- generation ------------------------------------------------------------------------ */

static void make_campaigns(out *o, double start, double span)
{
    static const char *const channels[] = {"email", "paid_search", "social", "webinar", "events", "content"};
    static const char *const months[] = {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"};
    for (int i = 0; i < NCAMPAIGNS; i++) {
        campaign *c = &camps[i];
        c->channel = i % 2 == 0 ? "email" : channels[1 + (i / 2) % 5];
        c->started = start + span * i / NCAMPAIGNS;
        char ts[32], name[64], cost[32], sent[24], deliv[24], opens[24], clicks[24];
        fmt_time(c->started, ts);
        snprintf(c->id, sizeof c->id, "cmp-%.4s-%s-%s", ts, months[i % 12], c->channel);
        snprintf(name, sizeof name, "%s campaign %d", c->channel, i + 1);
        snprintf(cost, sizeof cost, "%ld", between(5, 200) * 100);
        const char *v[9] = {c->id, name, c->channel, ts, cost, NULL, NULL, NULL, NULL};
        if (strcmp(c->channel, "email") == 0) {
            long s = between(1000, 50000), d = (long)(s * (0.95 + 0.04 * unif()));
            /* open rates from ~8 % to ~45 %, click rates from ~1 % to ~8 % of delivered:
            ** some campaigns below the published ranges, some within, some above */
            long op = (long)(d * (0.08 + 0.37 * unif())), cl = (long)(d * (0.01 + 0.07 * unif()));
            if (cl > op) cl = op;
            snprintf(sent, sizeof sent, "%ld", s);
            snprintf(deliv, sizeof deliv, "%ld", d);
            snprintf(opens, sizeof opens, "%ld", op);
            snprintf(clicks, sizeof clicks, "%ld", cl);
            v[5] = sent; v[6] = deliv; v[7] = opens; v[8] = clicks;
        }
        emit(o, o->camp, o->fc, 9, v);
        o->ncamps++;
    }
}

/* Lead quality in [0, 1]: what a good rule should find. */
static double quality(double revenue, long employees, long visits, int cms, int title)
{
    double q = 0;
    q += revenue >= 1e6 ? 0.25 : 0;
    q += visits >= 25000 ? 0.2 : 0;
    q += cms <= 3 ? 0.15 : 0;
    q += employees >= 50 && employees <= 5000 ? 0.15 : 0;
    q += title <= 8 ? 0.25 : 0;
    return q;
}

static void activity(out *o, long long id, double created, double q, const char *cid, double horizon, int stages);

/* The fields of a lead that change after it was created, drawn from the
** lead's own stream (the seed and its id), never from the shared one: the
** data of runs without --as-of stays as it was, and a lead's changes are the
** same whatever --as-of. */
typedef struct changes {
    double t_title, t_owner, t_revenue;  /* when; 0: never */
    int title, owner;
    double revenue_factor;
} changes;

static void draw_changes(long long id, double created, int title, int owner, changes *c)
{
    uint64_t x = gen_seed ^ (0xd1b54a32d192ed03ULL * (uint64_t)id);
    double u[9];
    for (int i = 0; i < 9; i++) u[i] = (double)(splitmix(&x) >> 11) * 0x1.0p-53;
    int ntitles = (int)(sizeof titles / sizeof *titles);
    c->t_title = u[0] < 0.08 ? created + floor((10 + 190 * u[1]) * DAY) : 0;
    c->title = (title + 1 + (int)(u[2] * (ntitles - 1))) % ntitles;
    c->t_owner = u[3] < 0.10 ? created + floor((5 + 115 * u[4]) * DAY) : 0;
    c->owner = (owner + 1 + (int)(u[5] * 7)) % 8;
    c->t_revenue = u[6] < 0.10 ? created + floor((30 + 270 * u[7]) * DAY) : 0;
    c->revenue_factor = 0.8 + 0.7 * u[8];
}

static int changed(double t) { return t > 0 && t <= as_of; }

static void make_lead(out *o, long long id, double start, double span, double horizon, int stages, int events)
{
    char ids[24], ext[24], ts[32], email[96], company[64], emp[24], rev[32], attrs[320];
    int ti = pick(title_w, (int)(sizeof title_w / sizeof *title_w));
    int ci = pick(cms_w, (int)(sizeof cms_w / sizeof *cms_w));
    long employees = (long)lognormal(60, 1.6);
    if (employees < 1) employees = 1;
    if (employees > 50000) employees = 50000;
    double revenue = employees * (50000 + 250000 * unif());
    long visits = (long)lognormal(6000, 1.5);
    if (visits < 50) visits = 50;
    if (visits > 800000) visits = 800000;
    double q = quality(revenue, employees, visits, ci, ti);

    /* weekdays bring more leads than weekends */
    double created;
    do {
        created = start + unif() * span;
    } while (((long long)floor(created / DAY) + 4) % 7 >= 5 && chance(0.6));
    created = floor(created);

    int nsyl = (int)between(2, 3);
    company[0] = 0;
    for (int i = 0; i < nsyl; i++) strcat(company, syl[between(0, (long)(sizeof syl / sizeof *syl) - 1)]);
    company[0] = (char)(company[0] - 32);
    char domain[64];
    snprintf(domain, sizeof domain, "%.59s.%s", company, chance(0.7) ? "com" : "io");
    for (char *p = domain; *p; p++) if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
    strcat(company, suffix[between(0, (long)(sizeof suffix / sizeof *suffix) - 1)]);
    snprintf(email, sizeof email, "%s%lld@%s", first[between(0, 15)], id,
             chance(0.25) ? free_domains[between(0, 7)] : domain);

    int ncampaign = -1;
    const char *source = PICK(sources, source_w);
    if (chance(0.6)) {
        ncampaign = (int)between(0, NCAMPAIGNS - 1);
        if (strcmp(camps[ncampaign].channel, "email") == 0) source = "email";
        else if (strcmp(camps[ncampaign].channel, "webinar") == 0) source = "webinar";
    }
    long budget = (long)(revenue * 0.01 * unif());
    if (budget > 500000) budget = 500000;
    int need = q > 0.6 ? (int)between(0, 1) : (int)between(0, 3);
    char timeline[24];
    if (chance(0.2)) strcpy(timeline, "null");
    else snprintf(timeline, sizeof timeline, "%ld", between(7, 365));
    long downloads = (long)(-log(unif() + 1e-12) * (0.5 + 3 * q));
    snprintf(attrs, sizeof attrs,
             "{\"web_visits\":%ld,\"cms\":\"%s\",\"phone\":%s,\"budget\":%ld,\"authority\":\"%s\","
             "\"need\":\"%s\",\"timeline_days\":%s,\"downloads\":%ld,\"demo\":%s}",
             visits, cmss[ci], chance(0.4 + 0.4 * q) ? "true" : "false", budget, authority_of_title[ti],
             needs[need], timeline, downloads, chance(0.02 + 0.15 * q) ? "true" : "false");

    snprintf(ids, sizeof ids, "%lld", id);
    snprintf(ext, sizeof ext, "L%06lld", id);
    fmt_time(created, ts);
    snprintf(emp, sizeof emp, "%ld", employees);
    snprintf(rev, sizeof rev, "%.0f", revenue);
    const char *v[] = {
        ids, ext, ts, email, chance(0.03) ? NULL : company, chance(0.03) ? NULL : PICK(industries, industry_w),
        emp, chance(0.08) ? NULL : rev, PICK(countries, country_w), chance(0.03) ? NULL : titles[ti], source,
        ncampaign >= 0 ? camps[ncampaign].id : NULL, owners[between(0, 7)], attrs,
    };
    const char *cid = ncampaign >= 0 ? camps[ncampaign].id : NULL;
    if (has_as_of) {
        /* as of --as-of: the activity first (it counts the page views so
        ** far), then the lead with the changes made by then; a lead created
        ** later is not written, but its random numbers are drawn all the same */
        int owner = 0;
        while (owner < 7 && v[12] != owners[owner]) owner++;
        changes c;
        draw_changes(id, created, ti, owner, &c);
        seen_views = 0;
        if (events) activity(o, id, created, q, cid, horizon, stages);
        if (created > as_of) return;
        char rev2[32], attrs2[400];
        const char *auth = authority_of_title[ti];
        if (changed(c.t_title)) { v[9] = titles[c.title]; auth = authority_of_title[c.title]; }
        if (changed(c.t_owner)) v[12] = owners[c.owner];
        if (changed(c.t_revenue)) {
            snprintf(rev2, sizeof rev2, "%.0f", floor(revenue * c.revenue_factor));
            v[7] = rev2;
        }
        /* attrs: web_visits (its first key) and authority rewritten, the rest as drawn */
        const char *rest = strstr(attrs, ",\"authority\":\""), *after = rest ? strchr(rest + 14, '"') : NULL;
        if (!rest || !after) die("attrs", "internal error");
        const char *mid = strchr(attrs, ',');
        snprintf(attrs2, sizeof attrs2, "{\"web_visits\":%ld%.*s,\"authority\":\"%s%s", visits + seen_views,
                 (int)(rest - mid), mid, auth, after);
        v[13] = attrs2;
        if (o->db) emit(o, o->lead, o->fl, 14, v);
        else emit(o, o->lead, o->fl, 13, v + 1);
        o->nleads++;
        return;
    }
    /* CSV leaves out the row id: a CRM export has none, and the importer
    ** keys leads by external_id */
    if (o->db) emit(o, o->lead, o->fl, 14, v);
    else emit(o, o->lead, o->fl, 13, v + 1);
    o->nleads++;
    if (!events) return;
    activity(o, id, created, q, cid, horizon, stages);
}

/* A lead's events and (unless stages is 0) its stage history. */
static void activity(out *o, long long id, double created, double q, const char *cid, double horizon, int stages)
{

    /* behaviour: more and stronger for better leads */
    int nev = chance(0.15) ? 0 : (int)(-log(unif() + 1e-12) * (2.5 + 8 * q)) + 1;
    if (nev > 200) nev = 200;
    double evw[NEVTYPES];
    for (int i = 0; i < NEVTYPES; i++) evw[i] = event_types[i].w + event_types[i].wq * q;
    int demo = 0, audit = 0;
    double last_event = created;
    for (int i = 0; i < nev; i++) {
        double t = created + fmin(180 * DAY, -log(unif() + 1e-12) * 30 * DAY);
        if (t > horizon) continue;
        int k = pick(evw, NEVTYPES);
        const char *type = event_types[k].type, *props = NULL;
        if (k == 0) props = chance(0.1 + 0.2 * q) ? "{\"url\":\"/pricing\"}" : "{\"url\":\"/blog/post\"}";
        const char *ec = strncmp(type, "email", 5) == 0 || strncmp(type, "webinar", 7) == 0 ? cid : NULL;
        emit_event(o, id, type, floor(t), ec, props);
        if (t > last_event) last_event = t;
    }
    double tstrong = created + between(1, 90) * DAY;
    if (tstrong <= horizon) {
        if (chance(0.01 + 0.08 * q)) { emit_event(o, id, "demo_request", tstrong, NULL, NULL); demo = 1; }
        if (chance(0.004 + 0.015 * q)) { emit_event(o, id, "audit_request", tstrong + 3600, NULL, NULL); audit = 1; }
        if (chance(0.006 + 0.02 * q)) { emit_event(o, id, "competitor_comparison", tstrong + 7200, NULL, NULL); audit = 1; }
    }
    if (chance(0.03)) {
        double t = last_event + between(1, 30) * DAY;
        if (t <= horizon) emit_event(o, id, "unsubscribe", t, cid, NULL);
    }
    if (!stages) return;

    /* the funnel */
    emit_stage(o, id, "IQL", created, "import");
    double t = created;
    int sql = 0;
    if ((demo || audit) && chance(0.5)) {
        t = tstrong + 3600 * lognormal(20, 1);
        if (t > horizon) return;
        emit_event(o, id, "sales_contact", t - 1800, NULL, NULL);
        emit_stage(o, id, "SQL", t, "crm");
        sql = 1;
    } else {
        if (!chance(0.12 + 0.5 * q)) return;
        t += between(1, 60) * DAY;
        if (t > horizon) return;
        emit_stage(o, id, "MQL", t, "crm");
        double touch = t + 3600 * fmin(200, fmax(0.5, lognormal(12, 1.5)));
        int contacted = chance(0.6);
        if (chance(0.15)) {                      /* recycled to nurture, some come back */
            double tn = t + between(5, 30) * DAY;
            if (tn > horizon) return;
            emit_stage(o, id, "nurture", tn, "crm");
            if (!chance(0.3)) return;
            t = tn + between(20, 90) * DAY;
            if (t > horizon) return;
            emit_stage(o, id, "MQL", t, "crm");
            touch = t + 3600 * fmin(200, fmax(0.5, lognormal(12, 1.5)));
        }
        if (!chance(0.2 + 0.4 * q)) {
            if (contacted && touch <= horizon) emit_event(o, id, "sales_contact", touch, NULL, NULL);
            return;
        }
        double ts2 = fmax(touch, t) + between(1, 45) * DAY;
        if (ts2 > horizon) return;
        if (touch > horizon) return;
        emit_event(o, id, "sales_contact", touch, NULL, NULL);
        t = ts2;
        emit_stage(o, id, "SQL", t, "crm");
        sql = 1;
    }
    if (!sql) return;
    if (chance(0.1)) {
        t += between(1, 20) * DAY;
        if (t <= horizon) emit_stage(o, id, "disqualified", t, "crm");
        return;
    }
    static const char *const path[] = {"meeting", "proposal"};
    static const double p_next[] = {0.6, 0.55};
    for (int i = 0; i < 2; i++) {
        if (!chance(p_next[i])) return;
        t += between(3, 30) * DAY;
        if (t > horizon) return;
        emit_stage(o, id, path[i], t, "crm");
    }
    t += between(10, 90) * DAY;
    if (t <= horizon) emit_stage(o, id, chance(0.4) ? "won" : "lost", t, "crm");
}

int main(int argc, char **argv)
{
    long long nleads = 0;
    uint64_t seed = 42;
    const char *db = NULL, *csv = NULL, *schema = "schema/mqlite.sql", *start_s = "2025-01-01";
    long months = 12;
    int stages = 1, events = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { fputs(usage, stdout); return 0; }
        if (strcmp(a, "--no-stages") == 0) { stages = 0; continue; }
        if (strcmp(a, "--no-events") == 0) { events = 0; continue; }
        if (!val) { fprintf(stderr, "mqgen: %s needs a value\n%s", a, usage); return 2; }
        i++;
        errno = 0;
        if (strcmp(a, "--leads") == 0) {
            nleads = strtoll(val, &end, 10);
            if (*end || errno || nleads < 1 || nleads > 50000000) {
                fprintf(stderr, "mqgen: --leads expects 1 to 50000000, found '%s'\n", val);
                return 2;
            }
        } else if (strcmp(a, "--seed") == 0) {
            seed = strtoull(val, &end, 10);
            if (*end || errno) { fprintf(stderr, "mqgen: --seed expects a whole number, found '%s'\n", val); return 2; }
        } else if (strcmp(a, "--months") == 0) {
            months = strtol(val, &end, 10);
            if (*end || errno || months < 1 || months > 120) {
                fprintf(stderr, "mqgen: --months expects 1 to 120, found '%s'\n", val);
                return 2;
            }
        } else if (strcmp(a, "--db") == 0) db = val;
        else if (strcmp(a, "--csv") == 0) csv = val;
        else if (strcmp(a, "--schema") == 0) schema = val;
        else if (strcmp(a, "--start") == 0) start_s = val;
        else if (strcmp(a, "--as-of") == 0 || strcmp(a, "--since") == 0) {
            int asof_opt = a[2] == 'a';
            double t;
            if (mq_time_parse(val, strlen(val), &t) != 0) {
                fprintf(stderr, "mqgen: %s expects a date such as 2025-06-01, found '%s'\n", a, val);
                return 2;
            }
            *(asof_opt ? &as_of : &since) = floor(t);
            *(asof_opt ? &has_as_of : &has_since) = 1;
        }
        else { fprintf(stderr, "mqgen: unknown option %s\n%s", a, usage); return 2; }
    }
    if (!nleads || !db == !csv) {
        fprintf(stderr, "mqgen: --leads and one of --db or --csv are required\n%s", usage);
        return 2;
    }
    double start;
    if (mq_time_parse(start_s, strlen(start_s), &start) != 0) {
        fprintf(stderr, "mqgen: --start expects a date such as 2025-01-01, found '%s'\n", start_s);
        return 2;
    }
    gen_seed = seed;
    uint64_t s = seed;
    for (int i = 0; i < 4; i++) rng[i] = splitmix(&s);

    out o;
    memset(&o, 0, sizeof o);
    if (db) {
        open_db(&o, db, schema);
    } else {
        if (mkdir(csv, 0777) != 0 && errno != EEXIST) die(csv, strerror(errno));
        o.fl = open_csv(csv, "leads.csv", "external_id,created_at,email,company,industry,employees,"
                                          "annual_revenue,country,title,source,campaign,owner,attrs\n");
        o.fe = open_csv(csv, "events.csv", "lead,type,occurred_at,campaign,props\n");
        o.fs = open_csv(csv, "stages.csv", "lead,stage,entered_at,source,reason\n");
        o.fc = open_csv(csv, "campaigns.csv", "id,name,channel,started_at,cost,sent,delivered,opens,clicks\n");
    }
    double span = months * 30.436875 * DAY, horizon = start + span + 90 * DAY;
    make_campaigns(&o, start, span);
    for (long long id = 1; id <= nleads; id++) make_lead(&o, id, start, span, horizon, stages, events);
    close_out(&o);
    fprintf(stderr, "mqgen: %lld leads, %lld events, %lld campaigns, %lld stage entries (seed %llu)\n",
            o.nleads, o.nevents, o.ncamps, o.nstages, (unsigned long long)seed);
    return 0;
}
