/*
** rowstream.h — the rows mqlite_rows keeps (the table in rowstream.c) and the
** notes beside them (mqlite_rows_note, rownote.c): private to the two.
*/
#ifndef ROWSTREAM_H
#define ROWSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "family.h"

/* A block of records as read: records never cross a block. */
typedef struct rs_block {
    struct rs_block *next;
    size_t used, size;
    char data[];
} rs_block;

/* Where a record is: its line (for the search) and its bytes. */
typedef struct rs_rec {
    sqlite3_int64 line;
    const char *p;
    uint32_t len;
    uint8_t note;                    /* NOTE_* bits: what mqlite_rows_note left */
    sqlite3_int64 lead_id, m;
} rs_rec;

enum { NOTE_SET = 1, NOTE_OK = 2, NOTE_LEAD = 4, NOTE_M = 8, NOTE_SHARED = 16, NOTE_KEPT = 32 };

/* What the slot column hands mqlite_rows_note: the cursor's own, so that it
** stays where it is when the records grow; a pointer of this type only
** this table makes (sqlite3_result_pointer), which SQL text cannot forge. */
typedef struct rs_slot {
    struct rs_vtab *v;
    size_t i;
} rs_slot;
#define RS_SLOT_TYPE "mqlite_rows_slot"

typedef struct rs_vtab {
    sqlite3_vtab base;
    int fd;                          /* -1 once the FIFO ended */
    int ncols;                       /* N, the cells */
    rs_block *head, *tail;
    rs_rec *recs;
    size_t nrecs, caprecs;
    size_t scan;                     /* bytes of tail already split into records */
    int sorted;                      /* lines ascend (but for a last line 0) */
    /* the m of every row noted ok, each with the first such row (+ 1): an
    ** open-addressing table, so that `shared` costs no pass of its own */
    sqlite3_int64 *mkey;
    size_t *mrow, mcap, mused;
    /* ... and, for an m from 0 to RS_MBITS (rowids, most of the time), a bit
    ** each: a set bit met again marks the row shared and `mdup`, and the rows
    ** it repeats are marked when shared is next read (mq_rows_shared) */
    uint64_t *mbits;
    size_t mwords;
    int mdup;
} rs_vtab;

/* SQL functions beside the table (rownote.c): registered by rowstream.c's
** table of definitions. */
void mq_rows_note(sqlite3_context *ctx, int argc, sqlite3_value **argv);
/* mqlite_rows_plain(time [, json]) (rownote.c): the quick way's test of cells */
void mq_rows_plain(sqlite3_context *ctx, int argc, sqlite3_value **argv);
/* Marks shared every row whose m a later row repeated (see mdup): before the
** column shared is read. SQLITE_OK or SQLITE_NOMEM. */
int mq_rows_shared(struct rs_vtab *v);

#endif
