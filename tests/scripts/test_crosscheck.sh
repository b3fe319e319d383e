#!/bin/sh
# test_crosscheck.sh — score_leads('b2b') must give exactly the scores of the
# same rule written by hand in SQL (tests/bench/b2b_case.sql), lead by lead, on
# 5,000 generated leads: an independent check of decay, caps, rounding and fit.
set -eu
mqgen=${MQGEN:-build/mqgen}
sqlite=${SQLITE3:-sqlite3}
ext=${MQLITE_EXT:-build/mqlite.so}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$mqgen" --leads 5000 --seed 7 --db "$tmp/x.db" 2>/dev/null
case_sql=$(grep -v '^--' tests/bench/b2b_case.sql | sed 's/;$//')
got=$("$sqlite" "$tmp/x.db" ".load $ext" \
    "INSERT INTO mqlite_rules(name, source) VALUES ('b2b', readfile('samples/rules/b2b.lua'))" \
    ".parameter set :as_of \"'2026-01-01'\"" \
    "CREATE TEMP TABLE c AS $case_sql" \
    "CREATE TEMP TABLE s AS SELECT * FROM score_leads('b2b', '2026-01-01')" \
    "SELECT count(*), sum(c.score = s.score), sum(c.fit = s.fit), sum(c.engagement = s.engagement),
            sum(s.stage = 'SQL' AND c.signal) > 0, sum(s.score <> 0) > 4000
     FROM c JOIN s USING (lead_id)")
if [ "$got" != "5000|5000|5000|5000|1|1" ]; then
    echo "crosscheck: expected 5000|5000|5000|5000|1|1, got $got" >&2
    exit 1
fi
