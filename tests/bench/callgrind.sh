#!/bin/sh
# callgrind.sh — instructions per lead of the scoring loop, counted by
# valgrind's callgrind (repeatable, unlike wall time): score_leads('ref') and
# the same rule as SQL CASE over 100,000 leads, less a plain scan of the same
# rows, divided by the number of leads.
set -eu
B=build/bench
mkdir -p "$B"
db=$B/leads-100k-v2.db
if [ ! -f "$db" ]; then
    build/mqgen --leads 100000 --seed 42 --no-events --db "$db.tmp"
    mv "$db.tmp" "$db"
fi
sqlite3 "$db" ".load build/mqlite" "INSERT OR REPLACE INTO mqlite_rules(name, source) VALUES
    ('ref', readfile('tests/bench/ref.lua')), ('ref_lua', readfile('tests/bench/ref_lua.lua'))"
ir() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
base=$(ir sqlite3 "$db" ".load build/mqlite" "SELECT count(*), sum(length(attrs)) FROM leads")
lua=$(ir sqlite3 "$db" ".load build/mqlite" "SELECT stage, count(*), sum(score) FROM score_leads('ref', '2026-04-01') GROUP BY stage")
luaf=$(ir sqlite3 "$db" ".load build/mqlite" "SELECT stage, count(*), sum(score) FROM score_leads('ref_lua', '2026-04-01') GROUP BY stage")
case=$(ir sqlite3 "$db" ".read tests/bench/ref_case.sql")
per() { awk -v a="$1" -v b="$base" 'BEGIN { printf "%.0f", (a - b) / 100000 }'; }
printf 'instructions (callgrind Ir) over 100,000 leads, and per lead above a plain scan:\n'
printf '  %-44s %14s\n' "plain scan (baseline)" "$base"
printf '  %-44s %14s  %6s per lead\n' "score_leads('ref'), declared criteria" "$lua" "$(per "$lua")"
printf '  %-44s %14s  %6s per lead\n' "score_leads('ref_lua'), one Lua function" "$luaf" "$(per "$luaf")"
printf '  %-44s %14s  %6s per lead\n' "the same rule as SQL CASE" "$case" "$(per "$case")"
