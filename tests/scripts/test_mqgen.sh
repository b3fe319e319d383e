#!/bin/sh
# test_mqgen.sh — the sample generator: the same seed gives the same bytes, a
# different seed different data, its --help is true, and bad arguments are refused.
set -eu
mqgen=${MQGEN:-build/mqgen}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "mqgen: $*" >&2; exit 1; }

"$mqgen" --leads 500 --seed 3 --csv "$tmp/a" 2>/dev/null
"$mqgen" --leads 500 --seed 3 --csv "$tmp/b" 2>/dev/null
"$mqgen" --leads 500 --seed 4 --csv "$tmp/c" 2>/dev/null
diff -r "$tmp/a" "$tmp/b" >/dev/null || fail "same seed, different CSV"
cmp -s "$tmp/a/leads.csv" "$tmp/c/leads.csv" && fail "different seeds, same leads"
[ "$(wc -l <"$tmp/a/leads.csv")" -eq 501 ] || fail "expected 500 leads and a header"
head -1 "$tmp/a/events.csv" | grep -qx 'lead,type,occurred_at,campaign,props' || fail "events.csv header"

msg=$("$mqgen" --leads 300 --seed 3 --db "$tmp/x.db" 2>&1)
echo "$msg" | grep -q '^mqgen: 300 leads, [0-9]* events, 12 campaigns, [0-9]* stage entries (seed 3)$' ||
    fail "summary line: $msg"
checks=$(sqlite3 "$tmp/x.db" "PRAGMA foreign_key_check" "PRAGMA integrity_check" \
    "SELECT count(*) = (SELECT count(DISTINCT lead_id) FROM stage_history WHERE stage = 'IQL') FROM leads" \
    "SELECT count(*) FROM stage_history h JOIN leads l ON l.id = h.lead_id WHERE h.entered_at < l.created_at")
[ "$checks" = "ok
1
0" ] || fail "database checks: $checks"
# a second run into the same database is refused, not doubled
"$mqgen" --leads 300 --db "$tmp/x.db" 2>"$tmp/err" && fail "wrote twice into one database"
grep -q 'already holds leads' "$tmp/err" || fail "no reason given for refusing"

"$mqgen" --help | grep -q '^usage: mqgen --leads N' || fail "--help"
for bad in "--leads 0 --db $tmp/y.db" "--leads x --db $tmp/y.db" "--leads 5" "--leads 5 --db a --csv b" \
           "--leads 5 --db $tmp/y.db --start 2025-02-30" "--bogus 1"; do
    rc=0
    # shellcheck disable=SC2086 # the arguments are meant to split
    "$mqgen" $bad >/dev/null 2>&1 || rc=$?
    [ "$rc" -eq 2 ] || fail "exit $rc, not 2, for: $bad"
done
