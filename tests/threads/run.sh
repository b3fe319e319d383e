#!/bin/sh
# run.sh — makes a WAL database of LEADS generated leads (default 5,000) with
# the sample rules (1,000 under valgrind), and runs the threads test on it (tests/threads/test_threads.c).
# usage: tests/threads/run.sh BINARY
set -eu
bin=$1
mqgen=${MQGEN:-build/mqgen}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# fewer leads under valgrind, which runs the four threads one at a time
if [ -n "${MQLITE_UNDER:-}" ]; then leads=${LEADS:-1000}; else leads=${LEADS:-5000}; fi
"$mqgen" --leads "$leads" --seed 11 --db "$tmp/t.db" 2>/dev/null
sqlite3 "$tmp/t.db" "PRAGMA journal_mode = WAL" \
    "INSERT INTO mqlite_rules(name, source) VALUES ('b2b', readfile('samples/rules/b2b.lua')), ('bant', readfile('samples/rules/bant.lua'))" >/dev/null
pass=0 fail=0
if ${MQLITE_UNDER:+sh "$MQLITE_UNDER"} "$bin" "$tmp/t.db"; then pass=1; else fail=1; echo "FAIL threads"; fi
echo "threads: $pass passed, $fail failed"
[ -n "${MQLITE_COUNTS:-}" ] && echo "$pass $fail" >>"$MQLITE_COUNTS"
[ "$fail" -eq 0 ]
