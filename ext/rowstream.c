/*
** rowstream.c — mqlite_rows: the rows mqlite import's CSV reader writes into a
** FIFO, as a table that SQL reads while the reader is still writing.
**
**     CREATE VIRTUAL TABLE temp.rows USING mqlite_rows('/tmp/mqlite.x/rows', 5);
**     SELECT line, perr, c1, c2 FROM temp.rows WHERE line = 42;
**
** The rows (scripts/mqlite-csv.sh, mode=data) are records ended by 0x1E whose
** fields are separated by 0x1F: the file line where the record starts, why it
** is malformed ('' if it is not), then the N cells; nothing is quoted. The
** table's columns are line INTEGER, perr TEXT and c1..cN TEXT.
**
** Why not the shell's .import into a staging table: that stored every row in
** a B-tree before any check could look at it, and the import waited for it
** (a third of an events import). Here the first statement that reads the
** table reads the FIFO as the reader fills it, so the lookups of the checks
** run beside the CSV reader; the records are kept in memory as they came
** (blocks that never move, so a cell is handed to SQLite without a copy) and
** every later statement reads them again from there, or finds one by its line
** (the lines ascend: a binary search). Memory: about the size of the rows.
**
** Beside each row it keeps what the import's checks noted about it
** (mqlite_rows_note, rownote.c), read back as the hidden columns lead_id, ok,
** m and shared; the records and notes are declared in rowstream.h.
**
** Requirements, cited in the code:
**   R1 It reads a FIFO and nothing else, and exists only in the temp schema:
**      a database made by someone else cannot declare one that reads a file
**      when it is opened, and its views and triggers cannot use one
**      (direct-only, the class MQ_READS_FILES).
**   R2 A record that does not have N + 2 fields, or a line that is not a
**      number, is an error naming the record: the reader wrote it, so it
**      means the stream is not what the table was declared for.
**   R3 Reading stops at the end of the FIFO; what was read stays readable.
*/
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mqerr.h"
#include "rowstream.h"
#include "tablefn.h"

#define RS_MAX_COLS 2000             /* far above any CSV file's columns */
#define RS_BLOCK (4 << 20)           /* bytes read into one block at least */

typedef struct rs_cursor {
    sqlite3_vtab_cursor base;
    size_t i, end;                   /* the record, and where this scan stops */
    int by_line;                     /* a search: end is i + 1 (or i) */
    int above;                       /* a scan of the lines above `floor` only */
    sqlite3_int64 floor;
    int ordered;                     /* the scan promised the lines' order */
    const char **fields;             /* the current record's fields, ncols + 2 */
    uint32_t *flen;
    size_t split;                    /* which record fields[] holds, + 1 */
    rs_slot slot;
} rs_cursor;

/* (SQLite's printf: %z is not size_t there, so counts go as long long) */
static int rs_error(rs_vtab *v, const char *fmt, ...) MQ_PRINTF(2, 3);
static int rs_error(rs_vtab *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_free(v->base.zErrMsg);
    v->base.zErrMsg = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    return SQLITE_ERROR;
}

/* ---- reading the FIFO ---------------------------------------------------------------- */

static int add_rec(rs_vtab *v, const char *p, size_t len)
{
    if (len > UINT32_MAX) return rs_error(v, "mqlite_rows: record %lld is larger than 4 GiB", (long long)v->nrecs + 1);
    if (v->nrecs == v->caprecs) {
        size_t cap = v->caprecs ? v->caprecs * 2 : 4096;
        rs_rec *r = sqlite3_realloc64(v->recs, cap * sizeof *r);
        if (!r) return SQLITE_NOMEM;
        v->recs = r;
        v->caprecs = cap;
    }
    /* R2: the line is digits, ended by the first separator */
    sqlite3_int64 line = 0;
    size_t k = 0;
    while (k < len && p[k] >= '0' && p[k] <= '9' && k < 18) line = line * 10 + (p[k++] - '0');
    if (k == 0 || k == len || p[k] != '\037')
        return rs_error(v, "mqlite_rows: record %lld does not start with its line number", (long long)v->nrecs + 1);
    /* (the last record's line is 0: the search looks at it apart) */
    if (v->nrecs && ((line <= v->recs[v->nrecs - 1].line && line != 0) || v->recs[v->nrecs - 1].line == 0))
        v->sorted = 0;
    v->recs[v->nrecs++] = (rs_rec){line, p, (uint32_t)len, 0, 0, 0};
    return SQLITE_OK;
}

/* Reads one more piece of the FIFO and splits what it completes into
** records. Returns SQLITE_OK (v->fd is -1 once the FIFO has ended) or an
** error. */
static int read_more(rs_vtab *v)
{
    rs_block *b = v->tail;
    if (!b || b->size - b->used < 65536) {
        /* a new block, with the unfinished record of the last one moved in */
        size_t carry = b ? b->used - v->scan : 0;
        size_t size = RS_BLOCK;
        while (size < carry * 2 + 65536) size *= 2;
        rs_block *nb = sqlite3_malloc64(sizeof *nb + size);
        if (!nb) return SQLITE_NOMEM;
        nb->next = NULL;
        nb->size = size;
        nb->used = carry;
        if (carry) {
            memcpy(nb->data, b->data + v->scan, carry);
            b->used = v->scan;
        }
        if (b) b->next = nb; else v->head = nb;
        v->tail = b = nb;
        v->scan = 0;
    }
    ssize_t n;
    do n = read(v->fd, b->data + b->used, b->size - b->used);
    while (n < 0 && errno == EINTR);
    if (n < 0) return rs_error(v, "mqlite_rows: reading the rows failed: %s", strerror(errno));
    if (n == 0) {
        close(v->fd);
        v->fd = -1;
        if (b->used > v->scan) return rs_error(v, "mqlite_rows: the rows end inside a record");
        return SQLITE_OK;
    }
    b->used += (size_t)n;
    const char *start = b->data + v->scan, *end = b->data + b->used, *q;
    while ((q = memchr(start, '\036', (size_t)(end - start))) != NULL) {
        int rc = add_rec(v, start, (size_t)(q - start));
        if (rc != SQLITE_OK) return rc;
        start = q + 1;
    }
    v->scan = (size_t)(start - b->data);
    return SQLITE_OK;
}

/* Makes record i available if the FIFO holds it: 1 when it is, 0 at the
** end, or an error (negative: -rc). */
static int have(rs_vtab *v, size_t i)
{
    while (i >= v->nrecs && v->fd >= 0) {
        int rc = read_more(v);
        if (rc != SQLITE_OK) return -rc;
    }
    return i < v->nrecs;
}

/* ---- the table ---------------------------------------------------------------------- */

/* The one argument that is a path: an SQL string literal, dequoted. */
static char *dequote(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || s[0] != '\'' || s[n - 1] != '\'') return NULL;
    char *out = sqlite3_malloc64(n);
    if (!out) return NULL;
    size_t k = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        out[k++] = s[i];
        if (s[i] == '\'') {
            if (s[i + 1] != '\'' || i + 2 == n) { sqlite3_free(out); return NULL; }
            i++;
        }
    }
    out[k] = 0;
    return out;
}

static int rs_create(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **pp, char **err)
{
    /* R1: temp only */
    if (argc < 3 || strcmp(argv[1], "temp") != 0) {
        *err = sqlite3_mprintf("mqlite_rows: create it in the temp schema (CREATE VIRTUAL TABLE temp.NAME USING mqlite_rows(...))");
        return SQLITE_ERROR;
    }
    if (argc != 5) {
        *err = sqlite3_mprintf("mqlite_rows: expects two arguments, the FIFO's path as a string and the number of cells");
        return SQLITE_ERROR;
    }
    char *end;
    long ncols = strtol(argv[4], &end, 10);
    if (*argv[4] == 0 || *end || ncols < 1 || ncols > RS_MAX_COLS) {
        *err = sqlite3_mprintf("mqlite_rows: the number of cells must be 1 to %d", RS_MAX_COLS);
        return SQLITE_ERROR;
    }
    char *path = dequote(argv[3]);
    if (!path) {
        *err = sqlite3_mprintf("mqlite_rows: the FIFO's path must be a string ('...')");
        return SQLITE_ERROR;
    }
    struct stat st;
    /* R1: a FIFO, opened without following a link; the check before open
    ** keeps a regular file from being read, the one after from a swap */
    if (lstat(path, &st) != 0 || !S_ISFIFO(st.st_mode)) {
        *err = sqlite3_mprintf("mqlite_rows: %s is not a FIFO", path);
        sqlite3_free(path);
        return SQLITE_ERROR;
    }
    int fd;
    do fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) {
        *err = sqlite3_mprintf("mqlite_rows: cannot open the FIFO %s: %s", path, fd < 0 ? strerror(errno) : "not a FIFO");
        if (fd >= 0) close(fd);
        sqlite3_free(path);
        return SQLITE_ERROR;
    }
    sqlite3_free(path);
    sqlite3_str *s = sqlite3_str_new(db);
    sqlite3_str_appendall(s, "CREATE TABLE x(line INTEGER, perr TEXT");
    for (long i = 1; i <= ncols; i++) sqlite3_str_appendf(s, ", c%ld TEXT", i);
    sqlite3_str_appendall(s, ", slot HIDDEN, lead_id HIDDEN, ok HIDDEN, m HIDDEN, shared HIDDEN)");
    char *schema = sqlite3_str_finish(s);
    int rc = schema ? mq_vtab_declare(db, aux, schema) : SQLITE_NOMEM;
    sqlite3_free(schema);
    rs_vtab *v = rc == SQLITE_OK ? sqlite3_malloc(sizeof *v) : NULL;
    if (!v) {
        close(fd);
        return rc == SQLITE_OK ? SQLITE_NOMEM : rc;
    }
    memset(v, 0, sizeof *v);
    v->fd = fd;
    v->ncols = (int)ncols;
    v->sorted = 1;
    *pp = &v->base;
    return SQLITE_OK;
}

/* A FIFO is read once: a table whose schema is read again has nothing to read. */
static int rs_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **pp, char **err)
{
    (void)db; (void)aux; (void)argc; (void)argv; (void)pp;
    *err = sqlite3_mprintf("mqlite_rows: its FIFO was read once; create the table again");
    return SQLITE_ERROR;
}

static int rs_disconnect(sqlite3_vtab *tab)
{
    rs_vtab *v = (rs_vtab *)tab;
    if (v->fd >= 0) close(v->fd);
    for (rs_block *b = v->head, *n; b; b = n) {
        n = b->next;
        sqlite3_free(b);
    }
    sqlite3_free(v->recs);
    sqlite3_free(v->mkey);
    sqlite3_free(v->mrow);
    sqlite3_free(v->mbits);
    sqlite3_free(v);
    return SQLITE_OK;
}

/* idxNum 1: line = ?, a search. Otherwise a scan in the order of the FIFO,
** which is the lines' order (R2 checks it when it is promised): idxNum bit 2,
** only the lines above argv[0] (line > ? or line >= ?, as idxStr says: the
** last record, line 0, is read by its line alone); bit 4, the order promised. */
static int rs_best_index(sqlite3_vtab *tab, sqlite3_index_info *info)
{
    (void)tab;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (c->usable && c->iColumn == 0 && c->op == SQLITE_INDEX_CONSTRAINT_EQ) {
            info->aConstraintUsage[i].argvIndex = 1;
            info->aConstraintUsage[i].omit = 1;
            info->idxNum = 1;
            info->estimatedCost = 20;
            info->estimatedRows = 1;
            info->idxFlags = SQLITE_INDEX_SCAN_UNIQUE;
            return SQLITE_OK;
        }
    }
    info->estimatedCost = 1e6;
    info->estimatedRows = 1000000;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (c->usable && c->iColumn == 0 && (c->op == SQLITE_INDEX_CONSTRAINT_GT || c->op == SQLITE_INDEX_CONSTRAINT_GE)) {
            info->aConstraintUsage[i].argvIndex = 1;
            info->aConstraintUsage[i].omit = 1;
            info->idxNum |= 2;
            info->idxStr = c->op == SQLITE_INDEX_CONSTRAINT_GT ? "gt" : "ge";
            break;
        }
    }
    /* in the lines' order only where line 0 is left out */
    if ((info->idxNum & 2) && info->nOrderBy == 1 && info->aOrderBy[0].iColumn == 0 && !info->aOrderBy[0].desc) {
        info->orderByConsumed = 1;
        info->idxNum |= 4;
    }
    return SQLITE_OK;
}

static int rs_open(sqlite3_vtab *tab, sqlite3_vtab_cursor **pp)
{
    rs_vtab *v = (rs_vtab *)tab;
    rs_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c) return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    c->fields = sqlite3_malloc64((size_t)(v->ncols + 2) * sizeof *c->fields);
    c->flen = sqlite3_malloc64((size_t)(v->ncols + 2) * sizeof *c->flen);
    if (!c->fields || !c->flen) {
        sqlite3_free(c->fields);
        sqlite3_free(c->flen);
        sqlite3_free(c);
        return SQLITE_NOMEM;
    }
    *pp = &c->base;
    return SQLITE_OK;
}

static int rs_close(sqlite3_vtab_cursor *cur)
{
    rs_cursor *c = (rs_cursor *)cur;
    sqlite3_free(c->fields);
    sqlite3_free(c->flen);
    sqlite3_free(c);
    return SQLITE_OK;
}

/* The first record at or after i that the cursor may show, or the end. */
static int settle(rs_cursor *c)
{
    rs_vtab *v = (rs_vtab *)c->base.pVtab;
    if (c->by_line) return SQLITE_OK;
    while (1) {
        int h = have(v, c->i);
        if (h < 0) return -h;
        c->end = h ? c->i + 1 : c->i;
        if (!h || !c->above || v->recs[c->i].line > c->floor) break;
        c->i++;
    }
    /* R2: the order a scan promised */
    if (c->ordered && c->i < c->end && c->i > 0 && v->recs[c->i].line <= v->recs[c->i - 1].line)
        return rs_error(v, "mqlite_rows: record %lld (line %lld) is out of the lines' order", (long long)c->i + 1,
                        (long long)v->recs[c->i].line);
    return SQLITE_OK;
}

static int rs_filter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr, int argc, sqlite3_value **argv)
{
    (void)argc;
    rs_cursor *c = (rs_cursor *)cur;
    rs_vtab *v = (rs_vtab *)cur->pVtab;
    c->split = 0;
    c->i = 0;
    c->by_line = 0;
    c->above = 0;
    c->ordered = (idxNum & 4) != 0;
    if (idxNum & 2) {
        /* line > x (or >= x): a number, else SQLite's order of types decides */
        int t = sqlite3_value_numeric_type(argv[0]);
        c->above = 1;
        if (t == SQLITE_INTEGER || t == SQLITE_FLOAT) {
            double x = sqlite3_value_double(argv[0]);
            int ge = idxStr && strcmp(idxStr, "ge") == 0;
            c->floor = x < -9e18 ? INT64_MIN : x > 9e18 ? INT64_MAX
                     : ge ? (sqlite3_int64)ceil(x) - 1 : (sqlite3_int64)floor(x);
        } else if (t == SQLITE_NULL) {
            c->end = 0;
            c->by_line = 1;
            return SQLITE_OK;
        } else {
            c->floor = INT64_MAX;   /* text and blobs sort above every number */
        }
    }
    if (!(idxNum & 1)) return settle(c);
    c->by_line = 1;
    c->end = 0;
    int t = sqlite3_value_numeric_type(argv[0]);
    if (t == SQLITE_FLOAT) {
        double x = sqlite3_value_double(argv[0]);
        if (x < -9e18 || x > 9e18 || x != (double)(sqlite3_int64)x) return SQLITE_OK;
    } else if (t != SQLITE_INTEGER) {
        return SQLITE_OK;
    }
    sqlite3_int64 want = sqlite3_value_int64(argv[0]);
    /* a search needs every record: read the FIFO to its end */
    int h = have(v, SIZE_MAX - 1);
    if (h < 0) return -h;
    size_t n = v->nrecs;
    if (n && v->recs[n - 1].line == want) { c->i = n - 1; c->end = n; return SQLITE_OK; }
    if (!v->sorted) {
        for (size_t k = 0; k < n; k++)
            if (v->recs[k].line == want) { c->i = k; c->end = k + 1; return SQLITE_OK; }
        return SQLITE_OK;
    }
    /* the lines ascend, but for a last record with line 0 */
    size_t lo = 0, hi = n && v->recs[n - 1].line == 0 ? n - 1 : n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->recs[mid].line < want) lo = mid + 1; else hi = mid;
    }
    if (lo < n && v->recs[lo].line == want) { c->i = lo; c->end = lo + 1; }
    return SQLITE_OK;
}

static int rs_next(sqlite3_vtab_cursor *cur)
{
    rs_cursor *c = (rs_cursor *)cur;
    c->i++;
    return settle(c);
}

static int rs_eof(sqlite3_vtab_cursor *cur)
{
    rs_cursor *c = (rs_cursor *)cur;
    return c->i >= c->end;
}

/* Splits the current record into its fields (once per record). */
static int split(rs_cursor *c)
{
    rs_vtab *v = (rs_vtab *)c->base.pVtab;
    if (c->split == c->i + 1) return SQLITE_OK;
    const rs_rec *r = &v->recs[c->i];
    const char *p = r->p, *end = r->p + r->len;
    int want = v->ncols + 2, k = 0;
    while (1) {
        const char *q = memchr(p, '\037', (size_t)(end - p));
        if (k == want) break;
        c->fields[k] = p;
        c->flen[k++] = (uint32_t)((q ? q : end) - p);
        if (!q) break;
        p = q + 1;
    }
    /* R2 */
    if (k != want || memchr(c->fields[want - 1], '\037', (size_t)(end - c->fields[want - 1])))
        return rs_error(v, "mqlite_rows: record %lld (line %lld) does not have %d fields", (long long)c->i + 1,
                        (long long)r->line, want);
    c->split = c->i + 1;
    return SQLITE_OK;
}

static int rs_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    rs_cursor *c = (rs_cursor *)cur;
    rs_vtab *v = (rs_vtab *)cur->pVtab;
    const rs_rec *r = &v->recs[c->i];
    if (col == 0) {
        sqlite3_result_int64(ctx, r->line);
        return SQLITE_OK;
    }
    if (col > v->ncols + 1) {
        /* the hidden columns: the slot, and what the note left (NULL before) */
        switch (col - v->ncols - 2) {
        case 0:
            c->slot = (rs_slot){v, c->i};
            sqlite3_result_pointer(ctx, &c->slot, RS_SLOT_TYPE, NULL);
            break;
        case 1: if (r->note & NOTE_LEAD) sqlite3_result_int64(ctx, r->lead_id); break;
        case 2: if (r->note & NOTE_SET) sqlite3_result_int(ctx, (r->note & NOTE_OK) != 0); break;
        case 3: if (r->note & NOTE_M) sqlite3_result_int64(ctx, r->m); break;
        case 4:
            if (v->mdup && mq_rows_shared(v) != SQLITE_OK) return SQLITE_NOMEM;
            if (r->note & NOTE_SET) sqlite3_result_int(ctx, (r->note & NOTE_SHARED) != 0);
            break;
        }
        return SQLITE_OK;
    }
    int rc = split(c);
    if (rc != SQLITE_OK) return rc;
    /* the blocks do not move while the table exists */
    sqlite3_result_text(ctx, c->fields[col], (int)c->flen[col], SQLITE_STATIC);
    return SQLITE_OK;
}

static int rs_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    *rowid = (sqlite3_int64)((rs_cursor *)cur)->i + 1;
    return SQLITE_OK;
}

static const sqlite3_module rows_module = {
    .iVersion = 0,
    .xCreate = rs_create,
    .xConnect = rs_connect,
    .xBestIndex = rs_best_index,
    .xDisconnect = rs_disconnect,
    .xDestroy = rs_disconnect,
    .xOpen = rs_open,
    .xClose = rs_close,
    .xFilter = rs_filter,
    .xNext = rs_next,
    .xEof = rs_eof,
    .xColumn = rs_column,
    .xRowid = rs_rowid,
};

const mq_def mq_rowstream_defs[] = {
    MQ_TABLE("mqlite_rows",      2, MQ_READS_FILES, &rows_module, NULL),   /* arguments: FIFO, cells */
    MQ_FUNC("mqlite_rows_note",  4, MQ_NOTES,       mq_rows_note),   /* rownote.c */
    MQ_FUNC("mqlite_rows_plain", 1, MQ_PURE,        mq_rows_plain),  /* rownote.c */
    MQ_FUNC("mqlite_rows_plain", 2, MQ_PURE,        mq_rows_plain),
    MQ_END
};
