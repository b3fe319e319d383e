#!/bin/sh
# test_nightly.sh — the nightly CRM sync, three nights on generated data:
# night 1 the full export as of D1; nights 2 and 3 all leads as of D2, D3
# (some new, some changed) and the events and stage entries of the last three
# days (overlapping the night before). Each night's import counts are checked
# against counts derived from the CSV files themselves; night 3 run again
# changes nothing; the database after the three nights equals a fresh import
# of the full export as of D3 and mqgen --db --as-of D3 (same exports), and
# scores the same. samples/nightly-sync.sh runs the same nights (its lock and
# its stop at a failed step included). Run from the repository root.
set -eu
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh
skip_under_valgrind nightly
M=$(pwd)/scripts/mqlite
W=$(pwd)/samples/nightly-sync.sh
mqgen=${MQGEN:-build/mqgen}
ext=${MQLITE_EXT:-$(pwd)/build/mqlite.so}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL nightly: $*"; fail=1; }
same() { [ "$2" = "$3" ] || bad "$1: got [$2], expected [$3]"; }
# q DB SQL: sqlite3 with the extension, the SQL on stdin
q() { printf '.load %s\n%s\n' "${ext%.so}" "$2" | sqlite3 -bail "$1"; }

# ~3,000 leads (about 10 new and 25 changed a night)
n=3000 limit=60
T() { timeout "$limit" "$@"; }
D1=2025-09-01 D2=2025-09-02 D3=2025-09-03
"$mqgen" --leads "$n" --seed 5 --csv "$tmp/n1" --as-of "$D1" 2>/dev/null
"$mqgen" --leads "$n" --seed 5 --csv "$tmp/n2" --as-of "$D2" --since 2025-08-30 2>/dev/null
"$mqgen" --leads "$n" --seed 5 --csv "$tmp/n3" --as-of "$D3" --since 2025-08-31 2>/dev/null
"$mqgen" --leads "$n" --seed 5 --csv "$tmp/full3" --as-of "$D3" 2>/dev/null

# ---- the expected counts, from the files ----------------------------------------
# (csv.db holds each file as a table: l1 = night 1's leads, e2 = night 2's events)
c=$tmp/csv.db
for k in 1 2 3; do
    printf '.import --csv "%s/n%s/leads.csv" l%s\n.import --csv "%s/n%s/events.csv" e%s\n.import --csv "%s/n%s/stages.csv" s%s\n' \
        "$tmp" "$k" "$k" "$tmp" "$k" "$k" "$tmp" "$k" "$k"
done | sqlite3 -bail -cmd "PRAGMA journal_mode = OFF" -cmd "PRAGMA synchronous = OFF" "$c" >/dev/null
# leads: new = not in the night before, updated = in it with another row
# (the files hold every lead, so the night before is what the database holds)
leads_want() {
    if [ "$1" = 1 ]; then
        sqlite3 "$c" "SELECT count(*) || ' new, 0 updated, 0 unchanged, 0 bad' FROM l1"
        return
    fi
    p=$(($1 - 1))
    sqlite3 "$c" "SELECT (SELECT count(*) FROM l$1 WHERE external_id NOT IN (SELECT external_id FROM l$p)) || ' new, '
        || (SELECT count(*) FROM (SELECT * FROM l$1 EXCEPT SELECT * FROM l$p) WHERE external_id IN (SELECT external_id FROM l$p))
        || ' updated, ' || (SELECT count(*) FROM (SELECT * FROM l$1 INTERSECT SELECT * FROM l$p)) || ' unchanged, 0 bad'"
}
# events and stages: what happened after the night before's as-of is new; the
# rest of the window was in the night before's file
act_want() {
    # $1 night, $2 table letter, $3 time column, $4 the night before's as-of
    sqlite3 "$c" "SELECT count(*) FILTER (WHERE $3 > '$4') || ' new, ' || count(*) FILTER (WHERE $3 <= '$4') || ' already stored, 0 bad' FROM $2$1"
}
want_l1=$(leads_want 1) want_l2=$(leads_want 2) want_l3=$(leads_want 3)
want_e1=$(act_want 1 e occurred_at 0) want_e2=$(act_want 2 e occurred_at "$D1") want_e3=$(act_want 3 e occurred_at "$D2")
want_s1=$(act_want 1 s entered_at 0) want_s2=$(act_want 2 s entered_at "$D1") want_s3=$(act_want 3 s entered_at "$D2")
# a night that tests nothing would pass: each kind of change must be there
x=$(sqlite3 "$c" "SELECT (SELECT count(*) FROM l3 WHERE created_at > '$D2') > 0,
    (SELECT count(*) FROM (SELECT * FROM l3 EXCEPT SELECT * FROM l2) WHERE created_at <= '$D2') > 0,
    (SELECT count(*) FROM e3 WHERE occurred_at <= '$D2') > 0, (SELECT count(*) FROM s3 WHERE entered_at <= '$D2') > 0,
    (SELECT count(*) FROM l3 WHERE title <> (SELECT title FROM l2 WHERE l2.external_id = l3.external_id)) > 0")
same "the nights hold new leads, changed leads, overlapping events and stages, a new title" "$x" "1|1|1|1|1"

# ---- three nights, then night 3 again -------------------------------------------
db=$tmp/crm.db
"$M" init "$db" --samples >/dev/null
# night K: imports the four files in order; the lines printed in $tmp/night$K
night() {
    d=$tmp/n$1
    : >"$tmp/night$1"
    for kind in campaigns leads events stages; do
        T "$M" import "$db" "$kind" "$d/$kind.csv" >>"$tmp/night$1" 2>"$tmp/err" ||
            bad "night $1: import $kind: $(cat "$tmp/err")"
    done
}
nc=$(($(wc -l <"$tmp/n1/campaigns.csv") - 1))
expect_night() {
    # $1 night, $2 campaigns, $3 leads, $4 events, $5 stages
    d=$tmp/n$1
    same "night $1 counts" "$(cat "$tmp/night$1")" "imported campaigns from $d/campaigns.csv: $2
imported leads from $d/leads.csv: $3
imported events from $d/events.csv: $4
imported stages from $d/stages.csv: $5"
}
night 1
expect_night 1 "$nc new, 0 updated, 0 unchanged, 0 bad" "$want_l1" "$want_e1" "$want_s1"
night 2
expect_night 2 "0 new, 0 updated, $nc unchanged, 0 bad" "$want_l2" "$want_e2" "$want_s2"
night 3
expect_night 3 "0 new, 0 updated, $nc unchanged, 0 bad" "$want_l3" "$want_e3" "$want_s3"
cp "$tmp/night1" "$tmp/counts1"; cp "$tmp/night2" "$tmp/counts2"; cp "$tmp/night3" "$tmp/counts3"
n3=$(sqlite3 "$c" "SELECT count(*) FROM l3")
ne3=$(sqlite3 "$c" "SELECT count(*) FROM e3")
ns3=$(sqlite3 "$c" "SELECT count(*) FROM s3")
night 3
expect_night 3 "0 new, 0 updated, $nc unchanged, 0 bad" "0 new, 0 updated, $n3 unchanged, 0 bad" \
    "0 new, $ne3 already stored, 0 bad" "0 new, $ns3 already stored, 0 bad"

# ---- the result: a fresh import of the full export as of D3, and mqgen's own ---------
fresh=$tmp/fresh.db
"$M" init "$fresh" --samples >/dev/null
for kind in campaigns leads events stages; do
    T "$M" import "$fresh" "$kind" "$tmp/full3/$kind.csv" >/dev/null 2>"$tmp/err" || bad "fresh import $kind: $(cat "$tmp/err")"
done
gen=$tmp/gen.db
"$mqgen" --leads "$n" --seed 5 --db "$gen" --as-of "$D3" 2>/dev/null
dbs="db fresh gen"
for kind in campaigns leads events stages; do
    for x in $dbs; do
        case $x in db) f=$db ;; fresh) f=$fresh ;; gen) f=$gen ;; esac
        T "$M" export "$f" "$kind" --out "$tmp/$x-$kind.csv" 2>"$tmp/err" || bad "export $x $kind: $(cat "$tmp/err")"
    done
    cmp -s "$tmp/db-$kind.csv" "$tmp/fresh-$kind.csv" ||
        bad "$kind after three nights differ from a fresh import: $(diff "$tmp/db-$kind.csv" "$tmp/fresh-$kind.csv" | head -n 4)"
    [ "$dbs" = "db fresh" ] || cmp -s "$tmp/gen-$kind.csv" "$tmp/fresh-$kind.csv" ||
        bad "$kind of mqgen --db --as-of differ from its CSV imported: $(diff "$tmp/gen-$kind.csv" "$tmp/fresh-$kind.csv" | head -n 4)"
done
# nothing doubled, nothing lost: the rows are those of the full export
same "rows after three nights" "$(q "$db" "SELECT (SELECT count(*) FROM leads), (SELECT count(*) FROM events), (SELECT count(*) FROM stage_history)")" \
    "$(($(wc -l <"$tmp/full3/leads.csv") - 1))|$(sqlite3 "$c" "SELECT count(*) FROM (SELECT 1 FROM e1 UNION ALL SELECT 1 FROM e2 WHERE occurred_at > '$D1' UNION ALL SELECT 1 FROM e3 WHERE occurred_at > '$D2')")|$(sqlite3 "$c" "SELECT count(*) FROM (SELECT 1 FROM s1 UNION ALL SELECT 1 FROM s2 WHERE entered_at > '$D1' UNION ALL SELECT 1 FROM s3 WHERE entered_at > '$D2')")"
# the same scores
T "$M" score "$db" --rule b2b --as-of "$D3" >"$tmp/score-db"
T "$M" score "$fresh" --rule b2b --as-of "$D3" >"$tmp/score-fresh"
cmp -s "$tmp/score-db" "$tmp/score-fresh" || bad "mqlite score: $(diff "$tmp/score-db" "$tmp/score-fresh" | head -n 4)"
scores() {
    q "$1" "SELECT l.external_id, s.score, s.fit, s.engagement, s.grade, s.stage, s.explanation
            FROM score_leads('b2b', '$D3') s JOIN leads l ON l.id = s.lead_id ORDER BY l.external_id;"
}
scores "$db" >"$tmp/sl-db"
scores "$fresh" >"$tmp/sl-fresh"
[ "$(wc -l <"$tmp/sl-db")" = "$n3" ] || bad "score_leads: $(wc -l <"$tmp/sl-db") rows, expected $n3"
cmp -s "$tmp/sl-db" "$tmp/sl-fresh" || bad "score_leads differs: $(diff "$tmp/sl-db" "$tmp/sl-fresh" | head -n 4)"

# ---- the same nights through samples/nightly-sync.sh -------------------------------
w=$tmp/w.db
"$M" init "$w" --samples >/dev/null
nights="1 2 3"
for k in $nights; do
    eval "d=\$D$k"
    rc=0
    # (the HTML report on the last night only: it is the slowest step)
    rep=""
    [ "$k" != 3 ] || rep=$tmp/report.html
    T sh "$W" --as-of "$d" ${rep:+--report "$rep"} "$w" "$tmp/n$k" >"$tmp/sync$k" 2>"$tmp/err" || rc=$?
    same "nightly-sync night $k: exit (stderr: $(cat "$tmp/err"))" "$rc" 0
    grep '^imported ' "$tmp/sync$k" >"$tmp/imp$k" || :
    same "nightly-sync night $k: import lines" "$(cat "$tmp/imp$k")" "$(cat "$tmp/counts$k")"
    # the first night scores every lead, the next ones only the leads their files changed
    run=incremental
    [ "$k" != 1 ] || run=full
    grep -q "^scored [0-9]* leads\\{0,1\\} with rule b2b version 1 ($run run); [0-9]* scores\\{0,1\\} changed\$" "$tmp/sync$k" ||
        bad "nightly-sync night $k: no score line of a $run run: $(grep '^scored' "$tmp/sync$k")"
done
if [ -n "$nights" ]; then
    [ -s "$tmp/report.html" ] || bad "nightly-sync: no report"
    for kind in leads events campaigns; do
        T "$M" export "$w" "$kind" --out "$tmp/w-$kind.csv"
        cmp -s "$tmp/w-$kind.csv" "$tmp/fresh-$kind.csv" || bad "nightly-sync: $kind differ from a fresh import"
    done
fi
# the lock: a second sync while one runs waits, then gives up with 75
flock "$w.sync-lock" sleep 5 &
holder=$!
sleep 1
rc=0
sh "$W" --lock-wait 1 "$w" "$tmp/n3" >"$tmp/out" 2>"$tmp/err" || rc=$?
same "nightly-sync while another runs" "$rc|$(cat "$tmp/err")|$(cat "$tmp/out")" \
    "75|nightly-sync: another sync of $w still runs after 1 s; this one did nothing|"
kill "$holder" 2>/dev/null || :
wait "$holder" 2>/dev/null || :
# a failed step stops the run with its status; the later steps do not run
mkdir "$tmp/broken"
cp "$tmp/n3/campaigns.csv" "$tmp/n3/events.csv" "$tmp/n3/stages.csv" "$tmp/broken/"
printf 'external_id,created_at\nL999999,not a date\n' >"$tmp/broken/leads.csv"
before=$(sqlite3 "$w" "SELECT count(*) FROM scores")
rc=0
T sh "$W" "$w" "$tmp/broken" >"$tmp/out" 2>"$tmp/err" || rc=$?
same "nightly-sync with a bad leads file: exit" "$rc" 1
same "nightly-sync with a bad leads file: the last line" "$(tail -n 1 "$tmp/err")" \
    "nightly-sync: import leads failed (exit 1); the steps after it did not run"
same "nightly-sync with a bad leads file: no scores" "$(sqlite3 "$w" "SELECT count(*) FROM scores")" "$before"
# hostile paths: a database and a directory whose names hold spaces, a quote,
# a line break and a leading '-'
h="$tmp/-my \"crm\"
db"
cp "$w" "$h"
hd="$tmp/-night 3 \$(touch pwned)"
cp -r "$tmp/n3" "$hd"
rc=0
(cd "$tmp" && T sh "$W" --as-of "$D3" "$h" "$hd" >"$tmp/out" 2>"$tmp/err") || rc=$?
same "nightly-sync with hostile names (stderr: $(cat "$tmp/err"))" "$rc" 0
[ ! -e "$tmp/pwned" ] || bad "nightly-sync ran a command from a directory name"

# what the three nights imported (the counts asserted above), for the log
if [ "$fail" = 0 ]; then
    for k in 1 2 3; do
        sed -n "s|^imported \([a-z]*\) from .*: |\1 |p" "$tmp/counts$k" | paste -sd ';' - | sed "s|^|nightly: night $k: |; s|;|; |g"
    done
fi
[ "$fail" = 0 ]
