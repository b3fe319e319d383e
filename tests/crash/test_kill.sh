#!/bin/sh
# test_kill.sh — `make check-crash`: kills `mqlite score` and `mqlite import`
# with SIGKILL (the whole process group: the script and its sqlite3) at KILLS
# random moments each on a 100,000-lead database (LEADS), and checks after
# each kill that PRAGMA integrity_check is ok and that the database holds all
# or none of that run's writes. Seeded (SEED), so a failure can be replayed.
#
# usage: tests/crash/test_kill.sh   (env: KILLS=20 LEADS=100000 SEED=1)
set -eu
kills=${KILLS:-20}
leads=${LEADS:-100000}
seed=${SEED:-1}
mqgen=${MQGEN:-build/mqgen}
sqlite=${SQLITE3:-sqlite3}
M=scripts/mqlite
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

"$mqgen" --leads "$leads" --seed 5 --db "$tmp/base.db" 2>/dev/null
"$mqgen" --leads 20000 --seed 6 --csv "$tmp/csv" --no-events --no-stages 2>/dev/null
"$sqlite" "$tmp/base.db" "INSERT INTO mqlite_rules(name, source) VALUES ('b2b', readfile('samples/rules/b2b.lua'))"

# (with the leads' content too: the import is a sync, and the CSV's leads are
# stored ones, so a complete run changes fields, not the count)
counts() { "$sqlite" "$1" "SELECT (SELECT count(*) FROM scores) || ' ' || (SELECT count(*) FROM stage_history) || ' ' || (SELECT count(*) FROM leads)
                                 || ' ' || (SELECT count(*) FROM score_current) || ' ' || (SELECT count(*) FROM mqlite_score_runs)
                                 || ' ' || (SELECT total(length(coalesce(title, '') || coalesce(owner, '') || coalesce(attrs, ''))) + total(annual_revenue) FROM leads)"; }
# A random delay in seconds below $1, from the seeded sequence.
delay() { awk -v s="$seed" -v n="$1" -v i="$2" 'BEGIN { srand(s * 1000 + i); printf "%.3f", rand() * n }'; }

# The complete runs: what "all" means, and how long a run takes.
full() {
    cp "$tmp/base.db" "$tmp/full.db"
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}
# shellcheck disable=SC2317 # called through full()
score_cmd() { $M score "$1" --rule b2b --as-of 2026-01-01; }
# shellcheck disable=SC2317
import_cmd() { $M import "$1" leads "$tmp/csv/leads.csv"; }
before=$(counts "$tmp/base.db")
t_score=$(full score_cmd "$tmp/full.db")
after_score=$(counts "$tmp/full.db")
t_import=$(full import_cmd "$tmp/full.db")
after_import=$(counts "$tmp/full.db")
echo "kill: $leads leads; a full score takes ${t_score} s ($before -> $after_score), an import ${t_import} s ($before -> $after_import)"

survived=0 none=0 all=0
for what in score import; do
    if [ "$what" = score ]; then t=$t_score; want=$after_score; else t=$t_import; want=$after_import; fi
    i=0
    while [ "$i" -lt "$kills" ]; do
        i=$((i + 1))
        cp "$tmp/base.db" "$tmp/k.db"
        d=$(delay "$(awk -v t="$t" 'BEGIN { print t * 1.2 }')" "$i$what")   # some land after the commit
        # setsid: its own process group, so one kill reaches sqlite3 too
        setsid sh -c "exec scripts/mqlite $(if [ "$what" = score ]; then echo "score '$tmp/k.db' --rule b2b --as-of 2026-01-01"; else echo "import '$tmp/k.db' leads '$tmp/csv/leads.csv'"; fi)" \
            >/dev/null 2>&1 &
        pid=$!
        sleep "$d"
        env kill -s KILL -- "-$pid" 2>/dev/null || true   # procps kill: dash's takes no process group
        wait "$pid" 2>/dev/null || true
        # the leader is gone; its children may still be on their way out
        while env kill -0 -- "-$pid" 2>/dev/null; do sleep 0.05; done
        ok=$("$sqlite" "$tmp/k.db" "PRAGMA integrity_check")
        got=$(counts "$tmp/k.db")
        if [ "$ok" != ok ]; then
            echo "FAIL kill $what #$i after $d s: integrity_check: $ok"
            fail=1
        elif [ "$got" = "$before" ]; then
            none=$((none + 1)); survived=$((survived + 1))
        elif [ "$got" = "$want" ]; then
            all=$((all + 1)); survived=$((survived + 1))
        else
            echo "FAIL kill $what #$i after $d s: half a run: $got (before $before, complete $want)"
            fail=1
        fi
    done
done
echo "kill: $survived of $((2 * kills)) kills survived ($none left nothing, $all had finished)"
exit $fail
