/*
** rownote.c — mqlite_rows_note(slot, lead_id, ok, m): what a pass of mqlite
** import's checks found about a row of mqlite_rows (rowstream.c), kept beside
** the row for the table's hidden columns lead_id, ok, m and shared.
**
**     SELECT sum(mqlite_rows_note(r.slot, l.id, <quick?>, <stored twin>))
**       FROM temp.rows r LEFT JOIN main.leads l ON l.external_id = r.c1 WHERE r.line > 0;
**     SELECT line FROM temp.rows WHERE line > 0 AND ok AND m IS NULL;
**
** and mqlite_rows_plain(time [, json]), the quick way's test of a row's cells.
*/
#include <string.h>

#include "jsonplain.h"
#include "mqtime.h"
#include "rowstream.h"

/* mqlite_rows_note(slot, lead_id, ok, m): keeps beside a row what a pass of
** the import's checks found (its lead's id, whether it takes the quick way,
** the identical event or entry stored), for the hidden columns lead_id, ok and
** m of later statements, and shared: 1 when another row noted ok has the same
** m (the stored row is then not simply this row's; noting a row again, say
** with ok 0 to send it the slow way, does not undo it). A pass that writes
** nothing is a read of the rows and the lookups, where a table of the
** verdicts cost as much again. Returns ok.
**
** Whether an m repeats is kept in a bitmap for the m that are rowids of a
** table of up to RS_MBITS rows (one bit each: 160 KiB for 1.27 M events,
** where the hash below took a cache miss a row), in the hash for others. */
#define RS_MBITS ((sqlite3_int64)1 << 27)

static int bit(const uint64_t *b, sqlite3_int64 m) { return (int)((b[m >> 6] >> (m & 63)) & 1); }

/* Row i's m through the bitmap (0 <= m < RS_MBITS). */
static int remember_bit(rs_vtab *v, size_t i)
{
    sqlite3_int64 m = v->recs[i].m;
    size_t need = (size_t)(m >> 6) + 1;
    if (need > v->mwords) {
        size_t words = v->mwords ? v->mwords : 1024;
        while (words < need) words *= 2;
        uint64_t *b = sqlite3_realloc64(v->mbits, words * sizeof *b);
        if (!b) return SQLITE_NOMEM;
        memset(b + v->mwords, 0, (words - v->mwords) * sizeof *b);
        v->mbits = b;
        v->mwords = words;
    }
    if (bit(v->mbits, m)) {
        v->recs[i].note |= NOTE_SHARED;
        v->mdup = 1;
    } else {
        v->mbits[m >> 6] |= (uint64_t)1 << (m & 63);
    }
    return SQLITE_OK;
}

int mq_rows_shared(rs_vtab *v)
{
    v->mdup = 0;
    uint64_t *dup = sqlite3_malloc64(v->mwords * sizeof *dup);
    if (!dup) {
        v->mdup = 1;
        return SQLITE_NOMEM;
    }
    memset(dup, 0, v->mwords * sizeof *dup);
    const uint8_t kept = NOTE_KEPT | NOTE_M;
    for (size_t i = 0; i < v->nrecs; i++) {
        const rs_rec *r = &v->recs[i];
        if ((r->note & (kept | NOTE_SHARED)) == (kept | NOTE_SHARED) && r->m >= 0 && r->m < RS_MBITS)
            dup[r->m >> 6] |= (uint64_t)1 << (r->m & 63);
    }
    for (size_t i = 0; i < v->nrecs; i++) {
        rs_rec *r = &v->recs[i];
        if ((r->note & kept) == kept && r->m >= 0 && r->m < RS_MBITS && bit(dup, r->m)) r->note |= NOTE_SHARED;
    }
    sqlite3_free(dup);
    return SQLITE_OK;
}

static size_t mhash(sqlite3_int64 m, size_t cap)
{
    uint64_t x = (uint64_t)m * 0x9E3779B97F4A7C15u;
    return (size_t)(x ^ (x >> 29)) & (cap - 1);
}

/* Records row i's m (noted ok): a second row with the same m makes both
** shared. Returns SQLITE_OK or SQLITE_NOMEM. */
static int remember_m(rs_vtab *v, size_t i)
{
    /* (a row noted twice is not a second row) */
    if (v->recs[i].note & NOTE_KEPT) return SQLITE_OK;
    v->recs[i].note |= NOTE_KEPT;
    if (v->recs[i].m >= 0 && v->recs[i].m < RS_MBITS) return remember_bit(v, i);
    if (2 * (v->mused + 1) > v->mcap) {
        size_t cap = v->mcap ? v->mcap * 2 : 4096;
        sqlite3_int64 *k = sqlite3_malloc64(cap * sizeof *k);
        size_t *r = sqlite3_malloc64(cap * sizeof *r);
        if (!k || !r) {
            sqlite3_free(k);
            sqlite3_free(r);
            return SQLITE_NOMEM;
        }
        memset(r, 0, cap * sizeof *r);
        for (size_t j = 0; j < v->mcap; j++) {
            if (!v->mrow[j]) continue;
            size_t h = mhash(v->mkey[j], cap);
            while (r[h]) h = (h + 1) & (cap - 1);
            k[h] = v->mkey[j];
            r[h] = v->mrow[j];
        }
        sqlite3_free(v->mkey);
        sqlite3_free(v->mrow);
        v->mkey = k;
        v->mrow = r;
        v->mcap = cap;
    }
    sqlite3_int64 m = v->recs[i].m;
    size_t h = mhash(m, v->mcap);
    while (v->mrow[h]) {
        if (v->mkey[h] == m) {
            v->recs[v->mrow[h] - 1].note |= NOTE_SHARED;
            v->recs[i].note |= NOTE_SHARED;
            return SQLITE_OK;
        }
        h = (h + 1) & (v->mcap - 1);
    }
    v->mkey[h] = m;
    v->mrow[h] = i + 1;
    v->mused++;
    return SQLITE_OK;
}

void mq_rows_note(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    rs_slot *s = sqlite3_value_pointer(argv[0], RS_SLOT_TYPE);
    if (!s) {
        sqlite3_result_error(ctx, "mqlite_rows_note: the first argument must be the slot column of an mqlite_rows table", -1);
        return;
    }
    int tl = sqlite3_value_type(argv[1]), to = sqlite3_value_type(argv[2]), tm = sqlite3_value_type(argv[3]);
    if ((tl != SQLITE_INTEGER && tl != SQLITE_NULL) || to != SQLITE_INTEGER || (tm != SQLITE_INTEGER && tm != SQLITE_NULL)) {
        sqlite3_result_error(ctx, "mqlite_rows_note: lead_id and m are integers or NULL, ok an integer", -1);
        return;
    }
    rs_rec *r = &s->v->recs[s->i];
    int ok = sqlite3_value_int64(argv[2]) != 0;
    r->note = (uint8_t)((r->note & (NOTE_SHARED | NOTE_KEPT)) | NOTE_SET | (ok ? NOTE_OK : 0) | (tl == SQLITE_INTEGER ? NOTE_LEAD : 0) |
                        (tm == SQLITE_INTEGER ? NOTE_M : 0));
    r->lead_id = sqlite3_value_int64(argv[1]);
    r->m = sqlite3_value_int64(argv[3]);
    if (ok && tm == SQLITE_INTEGER && remember_m(s->v, s->i) != SQLITE_OK) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_int(ctx, ok);
}

/* mqlite_rows_plain(time [, json]): 1 when time is a text already as
** mqlite_date(time, 'iso') writes it, and json (when given) is empty or a JSON
** object that json_valid() takes (jsonplain.c); else 0, NULL included: the
** quick way is for the rows it is sure of, and any other row goes the slow
** way, where the full checks decide. One call, at a third of the cost of
** the mqlite_date(), comparison, GLOB and json_valid() it stands for (which
** were a fifth to a quarter of an events import's pass). */
void mq_rows_plain(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int ok = sqlite3_value_type(argv[0]) == SQLITE_TEXT &&
             mq_time_is_canonical((const char *)sqlite3_value_text(argv[0]), (size_t)sqlite3_value_bytes(argv[0]));
    if (ok && argc == 2) {
        const char *j = sqlite3_value_type(argv[1]) == SQLITE_TEXT ? (const char *)sqlite3_value_text(argv[1]) : NULL;
        size_t n = j ? (size_t)sqlite3_value_bytes(argv[1]) : 0;
        ok = j && (n == 0 || mq_json_plain_object(j, n));
    }
    sqlite3_result_int(ctx, ok);
}
