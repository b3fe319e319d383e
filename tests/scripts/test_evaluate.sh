#!/bin/sh
# test_evaluate.sh — mqlite evaluate on generated data (mqgen, seed 42): its
# AUC against an independent pairwise count in awk, the look-ahead it avoids,
# --vs (the difference, the overlap cells adding up), the leak warning, every
# format, and the stranger's options. Run from the repository root.
set -eu
T=evaluate
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh
M=scripts/mqlite
ext=${MQLITE_EXT:-build/mqlite.so}
db=$tmp/g.db
"${MQGEN:-build/mqgen}" --leads 2000 --seed 42 --db "$db" >/dev/null 2>&1
"$M" init "$db" --samples >/dev/null
to=2026-06-01

# ---- 1. the summary, and its AUC counted pair by pair by awk -------------------------
"$M" evaluate "$db" --rule b2b --to "$to" --format json >"$tmp/e.json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"][0]
print(s["rule"], s["leads"], s["reached"], s["rate"], s["auc"], s["auc_lower"], s["auc_upper"], len(d["criteria"]), d["warnings"])
' "$tmp/e.json" >"$tmp/sum.got"
same summary "$(cat "$tmp/sum.got")" "b2b 2000 354 0.177 0.7513 0.7198 0.7828 16 []"
sqlite3 "$db" ".load ${ext%.so}" "SELECT score, outcome FROM rule_decisions('b2b', 'SQL', '$to')" >"$tmp/so"
pairwise=$(pairwise_auc "$tmp/so")
same auc-pairwise "$pairwise" 0.7513
# each lead is scored as of its decision, not as of --to (decay and later
# events would give another ranking)
now=$(sqlite3 "$db" ".load ${ext%.so}" "SELECT round(roc_auc(s.score, d.outcome) ->> 'auc', 4)
    FROM rule_decisions('b2b', 'SQL', '$to') d JOIN score_leads('b2b', '$to') s USING (lead_id)")
same snapshot "$now" 0.6059

# ---- 2. the rule's own entries do not change the verdict -----------------------------
cp "$db" "$tmp/scored.db"
"$M" score "$tmp/scored.db" --rule b2b --as-of "$to" >/dev/null
"$M" evaluate "$tmp/scored.db" --rule b2b --to "$to" --format json >"$tmp/e2.json"
cmp -s "$tmp/e.json" "$tmp/e2.json" || { echo "FAIL $T/own-entries: evaluate changed after mqlite score"; fail=1; }

# ---- 3. --vs: the difference is the two areas', the overlap covers every lead --------
"$M" evaluate "$db" --rule b2b --vs bant --to "$to" --format json >"$tmp/vs.json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
a, b = d["summary"]
x = d["difference"]
print(round(b["auc"] - a["auc"], 3) == round(x["difference"], 3), x["lower"] < x["difference"] < x["upper"], x["verdict"])
print(sum(c["leads"] for c in d["overlap"]), sum(c["reached"] for c in d["overlap"]), [c["cell"] for c in d["overlap"]])
print([m["mqls"] for m in d["mql"]], d["warnings"])
' "$tmp/vs.json" >"$tmp/vs.got"
expect vs <<'OUT'
True True b2b ranks the leads better than bant
2000 354 ['MQL under both', 'only b2b (lost by switching)', 'only bant (gained by switching)', 'neither']
[448, 980] ["bant, criterion 12 (talked to sales): 354 of the 354 leads that reached SQL (100.0 %) had it before, and at most half of the others: a step on the way (sales' own process), not a sign of it; read this rule's AUC with care"]
OUT
# a field that records the outcome: a status tag on every lead that reached SQL
sqlite3 "$db" "UPDATE leads SET attrs = json_set(coalesce(attrs, '{}'), '\$.tag', 'will revert')
    WHERE id IN (SELECT lead_id FROM stage_history WHERE stage = 'SQL' AND source NOT LIKE 'rule:%')"
printf 'thresholds { MQL = 40 }\nfit("tagged", 50, { tag = equals("will revert") })\nfit("VP", 10, { title = contains("vp") })\n' >"$tmp/leaky.lua"
"$M" rule "$db" add leaky "$tmp/leaky.lua" >/dev/null
"$M" evaluate "$db" --rule leaky --to "$to" --format csv >"$tmp/leaky.csv"
sed -n '/^# Warnings/,$p' "$tmp/leaky.csv" >"$tmp/leaky.got"
expect leaky <<'OUT'
# Warnings
leaky, criterion 1 (tagged): 100.0 % of the 354 leads it matches reached SQL: a field that records the outcome (a status tag set by sales) leaks it; leave it out of the rule, and read this rule's AUC with care
leaky: an AUC of 1.000 is rarely honest: look for a field that records the outcome
OUT

# ---- 4. the table: a criterion's verdict in words ------------------------------------
"$M" evaluate "$db" --rule b2b --to "$to" >"$tmp/t"
grep -q '^| b2b  | 7         | -30    | free e-mail address .*no evidence they convert worse' "$tmp/t" ||
    { echo "FAIL $T/verdict: $(grep 'free e-mail' "$tmp/t")"; fail=1; }
grep -q '^No warning\.$' "$tmp/t" || { echo "FAIL $T/no-warning"; fail=1; }
# a window: only the leads created in it
"$M" evaluate "$db" --rule b2b --from 2025-06-01 --to "$to" --format csv >"$tmp/w.csv"
n=$(sqlite3 "$db" "SELECT count(*) FROM leads WHERE created_at >= '2025-06-01' AND created_at <= '$to'")
sed -n '4p' "$tmp/w.csv" | cut -d, -f2 >"$tmp/wn"
same window "$(cat "$tmp/wn")" "$n"
for f in markdown html csv; do
    "$M" evaluate "$db" --rule b2b --to "$to" --format "$f" >"$tmp/f" || { echo "FAIL $T/format-$f"; fail=1; }
done
"$M" evaluate "$db" --rule b2b --to "$to" --format html | grep -c '<table>' >"$tmp/nt"
same html-tables "$(cat "$tmp/nt")" 5

# ---- 5. the stranger's options --------------------------------------------------------
run_err no-rule "$M" evaluate "$db"
run_err unknown "$M" evaluate "$db" --rule "b2b'; DROP TABLE leads; --"
run_err self "$M" evaluate "$db" --rule b2b --vs b2b
run_err detour "$M" evaluate "$db" --rule b2b --outcome lost
run_err stage "$M" evaluate "$db" --rule b2b --outcome Hot
run_err date "$M" evaluate "$db" --rule b2b --to soon
cat "$tmp/no-rule.got" "$tmp/unknown.got" "$tmp/self.got" "$tmp/detour.got" "$tmp/stage.got" "$tmp/date.got" >"$tmp/hostile.got"
expect hostile <<'OUT'
mqlite evaluate: --rule is required
(see mqlite evaluate --help)
[exit 2]
mqlite evaluate: no rule named 'b2b'; DROP TABLE leads; --' (mqlite rule DB list shows the rules)
[exit 1]
mqlite evaluate: --vs names the rule itself ('b2b'): name another rule
(see mqlite evaluate --help)
[exit 2]
mqlite evaluate: --outcome must be a stage on the main path (SQL, won, ...), not the detour 'lost'
[exit 1]
mqlite evaluate: --outcome expects a stage (target, IQL, nurture, MQL, PQL, SQL, disqualified, meeting, proposal, won, lost, or one of mqlite_stages), found 'Hot'
[exit 1]
mqlite evaluate: --to expects a date (YYYY-MM-DD, an ISO-8601 date and time, or unix seconds; years 0 to 9999), found 'soon'
[exit 1]
OUT
[ "$(sqlite3 "$db" "SELECT count(*) FROM leads")" = 2000 ] || { echo "FAIL $T/leads-intact"; fail=1; }
exit $fail
