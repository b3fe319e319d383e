#!/bin/sh
# funnel_1m.sh — whole-process time of funnel() and cohort_conversion() over
# the stage history of 1,000,000 generated leads, next to a plain GROUP BY
# count of the same rows, median of RUNS runs each, in one run.
set -eu
runs=${RUNS:-5}
db=build/bench/leads-1m.db
mkdir -p build/bench
[ -f "$db" ] || build/mqgen --leads 1000000 --seed 42 --db "$db"
sqlite3 "$db" ".read schema/mqlite.sql"

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
f=$(median sqlite3 "$db" ".load build/mqlite" "SELECT * FROM funnel()")
c=$(median sqlite3 "$db" ".load build/mqlite" "SELECT * FROM cohort_conversion('MQL', 'SQL', 'month', 90)")
g=$(median sqlite3 "$db" "SELECT stage, count(*) FROM stage_history GROUP BY stage")
printf '%-36s %8s s\n' "funnel()" "$f" "cohort_conversion('MQL','SQL')" "$c" "GROUP BY stage count" "$g"
awk -v f="$f" -v c="$c" -v g="$g" 'BEGIN { printf "ratio funnel / GROUP BY: %.2f   cohort / GROUP BY: %.2f\n", f / g, c / g }'
