#!/bin/sh
# score_1m.sh — whole-process time to score 1,000,000 generated leads (and their
# events) with the b2b rule through score_leads(), next to the same rule as a
# plain SQL CASE expression (tests/bench/b2b_case.sql), median of RUNS runs each,
# measured in one run. The database is generated once and kept in build/bench/.
set -eu
runs=${RUNS:-5}
db=build/bench/leads-1m-v2.db
mkdir -p build/bench
if [ ! -f "$db" ]; then
    build/mqgen --leads 1000000 --seed 42 --db "$db.tmp"
    sqlite3 "$db.tmp" "INSERT INTO mqlite_rules(name, source) VALUES ('b2b', readfile('samples/rules/b2b.lua'))"
    mv "$db.tmp" "$db"
fi
sqlite3 "$db" ".load build/mqlite" "INSERT OR REPLACE INTO mqlite_rules(name, source) VALUES ('b2b', readfile('samples/rules/b2b.lua'))"
case_sql=$(grep -v '^--' tests/bench/b2b_case.sql | sed 's/;$//')

# median of the wall times of running "$@" $runs times
median() {
    i=0
    while [ "$i" -lt "$runs" ]; do
        s=$(date +%s.%N)
        "$@" >/dev/null
        e=$(date +%s.%N)
        echo "$s $e" | awk '{ printf "%.3f\n", $2 - $1 }'
        i=$((i + 1))
    done | sort -n | awk '{ t[NR] = $1 } END { print (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'
}
lua=$(median sqlite3 "$db" ".load build/mqlite" "SELECT sum(score), count(*) FROM score_leads('b2b', '2026-01-01')")
sql=$(median sqlite3 "$db" ".parameter set :as_of \"'2026-01-01'\"" "SELECT sum(score), count(*) FROM ($case_sql)")
echo "same total: $(sqlite3 "$db" ".load build/mqlite" "SELECT sum(score) FROM score_leads('b2b', '2026-01-01')") (score_leads) vs $(sqlite3 "$db" ".parameter set :as_of \"'2026-01-01'\"" "SELECT sum(score) FROM ($case_sql)") (SQL CASE)"
printf '%-40s %8s s\n' "score_leads('b2b'), Lua rule" "$lua" "same rule as SQL CASE" "$sql"
awk -v a="$lua" -v b="$sql" 'BEGIN { printf "ratio score_leads / SQL CASE: %.2f\n", a / b }'
