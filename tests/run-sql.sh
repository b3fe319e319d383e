#!/bin/sh
# run-sql.sh — SQL-level tests: each tests/sql/NAME.sql runs in the sqlite3 shell
# with the built extension loaded, from the repository root, and its output
# (stdout and stderr interleaved as they happen) must equal NAME.expected. Then
# the README's own SQL examples run and must print what the README shows.
#
# A case opens with a comment "-- [ID] what it shows"; the runner prints that
# line before the case runs, so the expected file reads as cases under their
# ids, and a failing diff names the case. sqlite3's "near line N" is dropped
# from errors, so adding a line above a case changes no expected output.
#
# usage: tests/run-sql.sh [build/mqlite.so] [NAME ...]
# Set MQLITE_BLESS=1 to write the .expected files from the output instead
# (then read every changed line before committing it).
set -eu
ext=${1:-build/mqlite.so}
[ $# -gt 0 ] && shift
sqlite=${SQLITE3:-sqlite3}
[ -f "$ext" ] || { echo "run-sql: $ext not built" >&2; exit 2; }
if [ $# -gt 0 ]; then names=$*; else
    names="$(for f in tests/sql/*.sql; do basename "$f" .sql; done) readme"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run SQL_FILE OUT [DB]: the cases' ids as .print lines, the output without
# "near line N", in DB (else a database in memory).
run() {
    # stdbuf: unbuffered stdout keeps results and error lines in program order.
    { printf '.load %s\n' "${ext%.so}"
      awk '/^-- \[[^]]*\]/ { t = substr($0, 4); gsub(/[\\"]/, "\\\\&", t); print ".print \"" t "\""; next }
           { print }' "$1"; } |
        stdbuf -o0 -e0 "$sqlite" -batch "${3:-:memory:}" 2>&1 |
        sed -E 's/^(Runtime error|Parse error|Error) near line [0-9]+:/\1:/' >"$2" || true
}

pass=0 fail=0
for n in $names; do
    out=$tmp/$n.out
    if [ "$n" = readme ]; then
        # the README is the truth here: nothing to bless
        awk -v want=sql -f tests/readme-sql.awk README.md >"$tmp/readme.sql"
        awk -v want=expected -f tests/readme-sql.awk README.md >"$tmp/readme.expected"
        # on the database the README's examples assume (no example reads a file)
        MQLITE_EXT=$ext scripts/mqlite init "$tmp/readme.db" --samples >/dev/null
        run "$tmp/readme.sql" "$out" "$tmp/readme.db"
        want=$tmp/readme.expected
    else
        run "tests/sql/$n.sql" "$out"
        if [ "${MQLITE_BLESS:-0}" = 1 ]; then cp "$out" "tests/sql/$n.expected"; fi
        want=tests/sql/$n.expected
    fi
    if diff -u "$want" "$out" >"$tmp/$n.diff" 2>&1; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL sql/$n"
        cat "$tmp/$n.diff"
    fi
done
echo "sql: $pass passed, $fail failed"
[ -n "${MQLITE_COUNTS:-}" ] && echo "$pass $fail" >>"$MQLITE_COUNTS"
[ "$fail" -eq 0 ]
