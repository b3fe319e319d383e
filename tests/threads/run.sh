#!/bin/sh
# run.sh — makes a WAL database of LEADS generated leads (default 5,000) with
# the sample rules, and runs the threads test on it (tests/threads/test_threads.c).
# usage: tests/threads/run.sh BINARY
set -eu
bin=$1
mqgen=${MQGEN:-build/mqgen}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$mqgen" --leads "${LEADS:-5000}" --seed 11 --db "$tmp/t.db" 2>/dev/null
sqlite3 "$tmp/t.db" "PRAGMA journal_mode = WAL" \
    "INSERT INTO mqlite_rules(name, source) VALUES ('b2b', readfile('samples/rules/b2b.lua')), ('bant', readfile('samples/rules/bant.lua'))" >/dev/null
pass=0 fail=0
if ${MQLITE_UNDER:+sh "$MQLITE_UNDER"} "$bin" "$tmp/t.db"; then pass=1; else fail=1; echo "FAIL threads"; fi
echo "threads: $pass passed, $fail failed"
[ -n "${MQLITE_COUNTS:-}" ] && echo "$pass $fail" >>"$MQLITE_COUNTS"
[ "$fail" -eq 0 ]
