#!/bin/sh
# test_rowstream.sh — mqlite_rows (ext/rowstream.c), the table through which
# mqlite import's checks read the CSV reader's rows from a FIFO: what it
# returns (a scan, a search by line, the lines above a number in their order,
# the last row, line 0, by its line alone), and, written first, what a
# stranger could try with it: a table in a database's own schema (it must
# not open anything), a view of such a schema using one, a regular file, a
# link to a FIFO, a record with the wrong number of fields, lines out of
# order. Each sqlite3 runs under `timeout`: a FIFO nobody writes would hang.
set -eu
ext=${MQLITE_EXT:-build/mqlite.so}
sqlite=${SQLITE3:-sqlite3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
T=rowstream
fail=0
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh

# feed NAME TEXT: a FIFO $tmp/NAME that a background printf fills with TEXT
# (\036 ends a record, \037 separates its fields)
feed() {
    rm -f "$tmp/$1"
    mkfifo "$tmp/$1"
    # shellcheck disable=SC2059 # the text is this test's own, escapes and all
    (printf "$2" >"$tmp/$1" 2>/dev/null || :) &
}
# sq SQL...: the statements through stdin of one sqlite3 with mqlite loaded
sq() {
    printf '%s;\n' "PRAGMA trusted_schema=OFF" "$@" |
        timeout 20 "$sqlite" -bail -init /dev/null -cmd ".load $ext" "$tmp/db.sqlite" 2>&1 |
        sed -e 's/^Runtime error near line [0-9]*: //' -e 's/^Error: near line [0-9]*: //' -e 's/^Parse error near line [0-9]*: //' -e "s|$tmp|TMP|g"
}
rows="2\037\037a\037x\0364\037\037b\037\0365\037expected 2 columns but found 3\037\037\0360\0373\037\037\036"
create="CREATE VIRTUAL TABLE temp.r USING mqlite_rows('$tmp/f', 2)"

feed f "$rows"
same scan "$(sq "$create" "SELECT line, perr, c1, c2 FROM temp.r")" '2||a|x
4||b|
5|expected 2 columns but found 3||
0|3||'
feed f "$rows"
same search "$(sq "$create" "SELECT c1 FROM temp.r WHERE line = 4" "SELECT perr FROM temp.r WHERE line = 0" \
               "SELECT count(*) FROM temp.r WHERE line = 3" "SELECT count(*) FROM temp.r WHERE line = '4'")" 'b
3
0
1'
feed f "$rows"
same above "$(sq "$create" "SELECT group_concat(line) FROM (SELECT line FROM temp.r WHERE line > 0 ORDER BY line)" \
              "SELECT group_concat(line) FROM temp.r WHERE line >= 4")" '2,4,5
4,5'
# a search after a scan that stopped early reads the rest of the FIFO
feed f "$rows"
same partial "$(sq "$create" "SELECT line FROM temp.r LIMIT 1" "SELECT perr FROM temp.r WHERE line = 0" \
                "SELECT count(*) FROM temp.r")" '2
3
4'
# a join reads each row of the other table's by its line
feed f "$rows"
same join "$(sq "$create" "CREATE TEMP TABLE k(line INTEGER PRIMARY KEY)" "INSERT INTO k VALUES (4), (5), (9)" \
             "SELECT group_concat(r.c1 || ':' || r.perr, ',') FROM k JOIN temp.r r ON r.line = k.line")" 'b:,:expected 2 columns but found 3'

# mqlite_rows_note keeps a verdict beside each row (lead_id, ok, m) for later
# statements; shared: another row noted ok found the same m; noting a row
# again (ok 0) does not undo shared; a row not noted has NULLs (and so
# drops out of the group_concat lists)
feed f "$rows"
same note "$(sq "$create" "SELECT line, lead_id, ok, m, shared FROM temp.r WHERE line = 2" \
    "SELECT sum(mqlite_rows_note(slot, line * 10, line <> 5, iif(line = 4, NULL, 7))) FROM temp.r WHERE line > 0" \
    "SELECT group_concat(line || ':' || coalesce(lead_id, '-') || ':' || ok || ':' || coalesce(m, '-') || ':' || shared, ' ') FROM temp.r" \
    "SELECT mqlite_rows_note(slot, lead_id, 0, m) FROM temp.r WHERE line = 2" \
    "SELECT group_concat(line || ':' || ok || ':' || shared, ' ') FROM temp.r WHERE line > 0")" '2||||
2
2:20:1:7:0 4:40:1:-:0 5:50:0:7:0
0
2:0:0 4:1:0 5:0:0'
feed f "$rows"
same shared "$(sq "$create" "SELECT sum(mqlite_rows_note(slot, NULL, 1, 7)) FROM temp.r WHERE line IN (2, 5)" \
    "SELECT group_concat(line || ':' || ok || ':' || shared, ' ') FROM temp.r WHERE line > 0")" '2
2:1:1 5:1:1'

# (the m of most imports are rowids, kept in a bitmap; others in a hash: the
# same answers, and a row noted twice is not a second row either way)
for m in 1099511627776 -3; do
    feed f "$rows"
    same "shared-$m" "$(sq "$create" "SELECT sum(mqlite_rows_note(slot, NULL, 1, $m)) FROM temp.r WHERE line IN (2, 5)" \
        "SELECT group_concat(line || ':' || shared, ' ') FROM temp.r WHERE line > 0")" '2
2:1 5:1'
done
for m in 9 1099511627777; do
    feed f "$rows"
    same "twice-$m" "$(sq "$create" "SELECT mqlite_rows_note(slot, NULL, 1, $m) FROM temp.r WHERE line = 2" \
        "SELECT mqlite_rows_note(slot, NULL, 1, $m) FROM temp.r WHERE line = 2" \
        "SELECT group_concat(line || ':' || shared, ' ') FROM temp.r WHERE line > 0")" '1
1
2:0'
done

# ---- what a stranger could try ----------------------------------------------
# a slot is a pointer only the table makes: nothing else stands in for one
feed f "$rows"
same forged "$(sq "$create" "SELECT mqlite_rows_note(1, 1, 1, 1)")" \
    'mqlite_rows_note: the first argument must be the slot column of an mqlite_rows table'
feed f "$rows"
same note-types "$(sq "$create" "SELECT mqlite_rows_note(slot, 'x', 1, 1) FROM temp.r")" \
    'mqlite_rows_note: lead_id and m are integers or NULL, ok an integer'

feed f "$rows"
same not-temp "$(sq "CREATE VIRTUAL TABLE main.r USING mqlite_rows('$tmp/f', 2)")" \
    'mqlite_rows: create it in the temp schema (CREATE VIRTUAL TABLE temp.NAME USING mqlite_rows(...))'
# (the FIFO still waits for a reader: this one, so that its writer ends)
sq "$create" "SELECT count(*) FROM temp.r" >/dev/null
# a database whose own schema declares one: opening and reading it opens no file
rm -f "$tmp/db.sqlite"
"$sqlite" "$tmp/db.sqlite" "PRAGMA writable_schema = ON" \
    "INSERT INTO sqlite_schema VALUES ('table', 'x', 'x', 0, 'CREATE VIRTUAL TABLE x USING mqlite_rows(''$tmp/nofifo'', 1)')" \
    "CREATE VIEW v AS SELECT 1 AS one"
same schema "$(sq "SELECT * FROM x")" 'mqlite_rows: its FIFO was read once; create the table again'
rm -f "$tmp/db.sqlite"
# (a view or trigger of a database's own schema cannot name a temp table)
feed f "$rows"
same view "$(sq "$create" "CREATE VIEW v2 AS SELECT c1 FROM r" \
             "SELECT * FROM v2")" 'no such table: main.r'
rm -f "$tmp/db.sqlite"
printf 'not rows\n' >"$tmp/plain"
same regular "$(sq "CREATE VIRTUAL TABLE temp.r USING mqlite_rows('$tmp/plain', 2)")" 'mqlite_rows: TMP/plain is not a FIFO'
feed f "$rows"
ln -s "$tmp/f" "$tmp/link"
same link "$(sq "CREATE VIRTUAL TABLE temp.r USING mqlite_rows('$tmp/link', 2)")" 'mqlite_rows: TMP/link is not a FIFO'
sq "$create" "SELECT count(*) FROM temp.r" >/dev/null
same args "$(sq "CREATE VIRTUAL TABLE temp.r USING mqlite_rows('$tmp/f')")" \
    'mqlite_rows: expects two arguments, the FIFO'"'"'s path as a string and the number of cells'
same args-path "$(sq "CREATE VIRTUAL TABLE temp.r USING mqlite_rows(rows, 2)")" \
    'mqlite_rows: the FIFO'"'"'s path must be a string ('"'"'...'"'"')'
same args-cells "$(sq "CREATE VIRTUAL TABLE temp.r USING mqlite_rows('$tmp/f', 0)")" \
    'mqlite_rows: the number of cells must be 1 to 2000'
feed f "2\037\037a\036"
same fields "$(sq "$create" "SELECT count(*) FROM temp.r" "SELECT c1 FROM temp.r")" \
    '1
mqlite_rows: record 1 (line 2) does not have 4 fields'
feed f "2\037\037a\037b\0361\037\037c\037d\036"
same order "$(sq "$create" "SELECT c1 FROM temp.r WHERE line = 1" \
              "SELECT group_concat(c1) FROM (SELECT c1 FROM temp.r WHERE line > 0 ORDER BY line)")" 'c
mqlite_rows: record 2 (line 1) is out of the lines'"'"' order'
feed f "2\037\037a\037b"
same cut "$(sq "$create" "SELECT count(*) FROM temp.r")" 'mqlite_rows: the rows end inside a record'
feed f "x\037\037a\037b\036"
same line "$(sq "$create" "SELECT count(*) FROM temp.r")" 'mqlite_rows: record 1 does not start with its line number'

[ "$fail" = 0 ]
