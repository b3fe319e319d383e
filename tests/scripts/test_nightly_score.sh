#!/bin/sh
# test_nightly_score.sh — 30 nights of the nightly loop on generated data
# (issue 14): each night mqgen's export as of that day (all leads, the last
# three days of events and stage entries: sales accepting, rejecting and
# recycling) is imported and scored incrementally with a rule that demotes
# stale MQLs. Then the funnel, calibrate, the SLA and every entry the rule
# made equal those of one full recomputation: a fresh database with the
# export as of night 30, scored once. Each night, a second run writes nothing
# (the file is unchanged), and the score history grows with changes, not
# with runs. Run from the repository root.
set -eu
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh
skip_under_valgrind nightly_score
M=$(pwd)/scripts/mqlite
mqgen=${MQGEN:-build/mqgen}
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL nightly_score: $*"; fail=1; }
T() { timeout 120 "$@"; }

n=1500 nights=30
rule=tests/fixtures/rule-nightly.lua
day() { date -u -d "2025-09-01 + $1 days" +%Y-%m-%d; }
db=$tmp/nightly.db
T "$M" init "$db" >/dev/null
T "$M" rule "$db" add nightly "$rule" >/dev/null
k=1 runs=""
while [ "$k" -le "$nights" ]; do
    d=$(day "$k")
    since=$(day $((k - 3)))
    out=$tmp/n$k
    if [ "$k" = 1 ]; then T "$mqgen" --leads "$n" --seed 11 --csv "$out" --as-of "$d" 2>/dev/null
    else T "$mqgen" --leads "$n" --seed 11 --csv "$out" --as-of "$d" --since "$since" 2>/dev/null; fi
    for kind in campaigns leads events stages; do
        T "$M" import "$db" "$kind" "$out/$kind.csv" >/dev/null 2>"$tmp/err" || bad "night $k: import $kind: $(cat "$tmp/err")"
    done
    T "$M" score "$db" --rule nightly --as-of "$d" >"$tmp/score" 2>"$tmp/err" || bad "night $k: score: $(cat "$tmp/err")"
    runs="$runs$(sed -n 's/.*(\([a-z]*\) run).*/\1/p' "$tmp/score") "
    sum=$(md5sum <"$db")
    T "$M" score "$db" --rule nightly --as-of "$d" >"$tmp/again" 2>&1 || bad "night $k: score again: $(cat "$tmp/again")"
    [ "$(md5sum <"$db")" = "$sum" ] || bad "night $k: the second run changed the database: $(cat "$tmp/again")"
    if ! grep -q '; 0 scores changed$' "$tmp/again" || ! grep -q '^no lead changed stage$' "$tmp/again"; then
        bad "night $k: the second run found changes: $(cat "$tmp/again")"
    fi
    rm -rf "$out"
    k=$((k + 1))
done
last=$(day "$nights")
# the first night is a full run, every other one incremental
case $runs in "full "*) ;; *) bad "night 1 was not a full run: $runs" ;; esac
[ "$(echo "$runs" | tr ' ' '\n' | grep -c '^incremental$')" = $((nights - 1)) ] || bad "not every later night was incremental: $runs"

# one full recomputation: the export as of the last night, imported and scored once
full=$tmp/full.db
T "$mqgen" --leads "$n" --seed 11 --csv "$tmp/all" --as-of "$last" 2>/dev/null
T "$M" init "$full" >/dev/null
T "$M" rule "$full" add nightly "$rule" >/dev/null
for kind in campaigns leads events stages; do
    T "$M" import "$full" "$kind" "$tmp/all/$kind.csv" >/dev/null 2>"$tmp/err" || bad "full: import $kind: $(cat "$tmp/err")"
done
T "$M" score "$full" --rule nightly --as-of "$last" >/dev/null 2>"$tmp/err" || bad "full: score: $(cat "$tmp/err")"

# every entry the rule made, by the CRM's lead id: the same, at the same moments, for the same reasons
made() {
    sqlite3 "$1" "SELECT l.external_id, h.stage, h.entered_at, h.source, h.reason FROM stage_history h
                  JOIN leads l ON l.id = h.lead_id WHERE h.source LIKE 'rule:%' ORDER BY 1, 3, 2"
}
made "$db" >"$tmp/made-nightly"
made "$full" >"$tmp/made-full"
cmp -s "$tmp/made-nightly" "$tmp/made-full" ||
    bad "the rule's entries differ: $(diff "$tmp/made-nightly" "$tmp/made-full" | head -n 6)"
moves=$(wc -l <"$tmp/made-full")
stale=$(grep -c '|nurture|' "$tmp/made-full" || :)
[ "$moves" -gt 100 ] || bad "too few moves to judge: $moves"
[ "$stale" -gt 0 ] || bad "no stale MQL was sent back: the recycle rule is not tested"
# the reports
for report in "funnel --as-of $last" "calibrate --rule nightly --as-of $last" "sla --as-of $last" "sla --as-of $last --by owner"; do
    # shellcheck disable=SC2086 # the report's words are meant to split
    T "$M" $report "$db" --format csv >"$tmp/r-nightly" 2>&1 || bad "$report (nightly): $(cat "$tmp/r-nightly")"
    # shellcheck disable=SC2086
    T "$M" $report "$full" --format csv >"$tmp/r-full" 2>&1 || bad "$report (full): $(cat "$tmp/r-full")"
    cmp -s "$tmp/r-nightly" "$tmp/r-full" || bad "$report differs: $(diff "$tmp/r-nightly" "$tmp/r-full" | head -n 6)"
done
# the funnel's MQL->SQL diagnosis counts the SQLs people entered, not the rule's
T "$M" funnel "$db" --as-of "$last" >"$tmp/funnel" 2>&1 || bad "funnel: $(cat "$tmp/funnel")"
want=$(sqlite3 "$db" ".load ${MQLITE_EXT:-build/mqlite.so}" "SELECT printf('MQL->SQL is %.1f %%', 100.0 * (s.reached - s.by_rules) / m.reached)
    FROM funnel(NULL, NULL, NULL, NULL, 0, '$last') m, funnel(NULL, NULL, NULL, NULL, 0, '$last') s
    WHERE m.rank = stage_rank('MQL') AND s.rank = stage_rank('SQL') AND s.by_rules > 0")
[ -n "$want" ] || bad "no SQL only by the rule: the diagnosis is not tested"
grep -q "^$want " "$tmp/funnel" || bad "the diagnosis counts the rule's SQLs: [$(grep 'MQL->SQL' "$tmp/funnel")], want [$want]"
# the history grows with change: fewer rows than a row per lead per night
rows=$(sqlite3 "$db" "SELECT count(*) FROM scores")
leads=$(sqlite3 "$db" "SELECT count(*) FROM leads")
[ "$rows" -lt $((leads * nights / 3)) ] || bad "the score history has $rows rows for $leads leads over $nights nights"
[ "$(sqlite3 "$db" "SELECT count(*) FROM score_current")" = "$leads" ] || bad "score_current does not hold one row per lead"
# the notes of changed leads are cleared once the rule's run has read them
[ "$(sqlite3 "$db" "SELECT count(*) FROM mqlite_lead_changes")" = 0 ] || bad "mqlite_lead_changes keeps notes every run has read"
[ "$(sqlite3 "$db" "SELECT seq > 0 FROM sqlite_sequence WHERE name = 'mqlite_lead_changes'")" = 1 ] || bad "no lead change was noted in 30 nights"
[ "$fail" = 1 ] || echo "nightly_score: $nights nights, $leads leads: $moves entries by the rule ($stale stale demotions), $rows score rows; equal to one full run"
exit "$fail"
