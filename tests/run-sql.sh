#!/bin/sh
# run-sql.sh — SQL-level tests: each tests/sql/NAME.sql runs in the sqlite3 shell
# with the built extension loaded, from the repository root, and its output
# (stdout and stderr interleaved as they happen) must equal NAME.expected.
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
    names=$(for f in tests/sql/*.sql; do basename "$f" .sql; done)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for n in $names; do
    out=$tmp/$n.out
    # stdbuf: unbuffered stdout keeps results and error lines in program order.
    { printf '.load %s\n' "${ext%.so}"; cat "tests/sql/$n.sql"; } |
        stdbuf -o0 -e0 "$sqlite" -batch :memory: >"$out" 2>&1 || true
    if [ "${MQLITE_BLESS:-0}" = 1 ]; then cp "$out" "tests/sql/$n.expected"; fi
    if diff -u "tests/sql/$n.expected" "$out" >"$tmp/$n.diff" 2>&1; then
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
