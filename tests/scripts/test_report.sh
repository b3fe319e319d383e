#!/bin/sh
# test_report.sh — mqlite report: the page has every section with the fixture
# CRM's exact numbers, is self-contained (no scripts, nothing fetched), escapes
# what the database says, says "no data" on an empty database, and writes its
# file whole. tests/scripts/test_browser.sh looks at it in Chromium.
set -eu
. tests/scripts/fixture.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
M=scripts/mqlite
fail=0
bad() { echo "FAIL report: $*"; fail=1; }
has() { grep -qF -- "$2" "$1" || bad "$(basename "$1") lacks: $2"; }
hasnt() { if grep -qiF -- "$2" "$1"; then bad "$(basename "$1") has: $2"; fi; }

db=$tmp/crm.db
mq_fixture "$db"
$M report "$db" --as-of 2026-01-01 --rule b2b --out "$tmp/r.html"
r=$tmp/r.html
for id in funnel-chart trend-chart trend-table campaign-table speed-chart score-chart mql-threshold lift-chart base-rate criteria; do
    has "$r" "id=\"$id\""
done
# the rule judged as mqlite evaluate judges it: 2 of the 4 leads reached SQL
has "$r" '2 reached SQL (50.0 %). AUC 0.750 (95 % interval 0.057 to 1.000)'
has "$r" '<title>decile 4 (scores 118 to 118): 1 of 1 reached SQL, 100.0 %</title>'
has "$r" '<tr><td>requested a demo</td><td>50</td><td>1</td><td>100.0 %</td><td>33.3 %</td><td>1.2</td>'
# the funnel of the fixture, stage by stage: 4 -> 4 -> 3 -> 2 -> 1 -> 1 -> 1
has "$r" '>target</text>'
has "$r" '>4 · 100.0 %</text>'
has "$r" '>3 · 75.0 %</text>'
has "$r" '>2 · 66.7 %</text>'
has "$r" '>1 · 50.0 %</text>'
has "$r" '95 %: 30.1 %–95.4 %'
# MQL->SQL by month, lag-aware and naive
has "$r" '<tr><td>2025-01</td><td>2</td><td>1</td><td>50.0 %</td><td>9.5 %–90.5 %</td><td>50.0 %</td><td>closed</td></tr>'
# campaigns with their verdicts, speed to lead, the threshold of the rule
has "$r" 'paid_search</td><td>–</td>'
has "$r" 'class="typical">typical</span>'
has "$r" 'MQL ≥ 50</text>'
has "$r" 'contacted within 24 h'
# self-contained and script-free
hasnt "$r" '<script'
hasnt "$r" 'http://'
hasnt "$r" 'https://'
hasnt "$r" ' src='
hasnt "$r" '@import'
has "$r" '</html>'
[ -z "$(find "$tmp" -name 'r.html.tmp.*')" ] || bad "left a temporary file"

# what the database says is escaped, and so is the title
sqlite3 "$db" "UPDATE campaigns SET name = '<script>alert(1)</script> & \"x\"' WHERE id = (SELECT min(id) FROM campaigns)"
$M report "$db" --as-of 2026-01-01 --title '<b>Q1 & Q2</b>' >"$tmp/esc.html"
has "$tmp/esc.html" '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;'
has "$tmp/esc.html" '<h1 id="title">&lt;b&gt;Q1 &amp; Q2&lt;/b&gt;</h1>'
hasnt "$tmp/esc.html" '<script>'

# an empty database: every section says there is nothing yet
$M init "$tmp/empty.db" >/dev/null
$M report "$tmp/empty.db" --out "$tmp/empty.html"
for s in 'No stage history yet' 'No MQLs yet' 'No campaigns yet' 'No scoring rule yet'; do has "$tmp/empty.html" "$s"; done
has "$tmp/empty.html" '</html>'

# the command line
first=$($M report --help | head -n 1)
[ "$first" = "usage: mqlite report DB [--out FILE] [--rule NAME] [--from DATE] [--to DATE]" ] || bad "--help: $first"
rc=0; $M report "$db" --bogus 2>/dev/null || rc=$?
[ "$rc" = 2 ] || bad "an unknown option exits $rc, not 2"
rc=0; $M report "$tmp/none.db" --out "$tmp/none.html" 2>"$tmp/err" || rc=$?
if [ "$rc" != 1 ] || [ -f "$tmp/none.html" ]; then bad "a missing database exits $rc or writes a file"; fi
rc=0; $M report "$db" --rule nosuch --out "$tmp/x.html" 2>"$tmp/err" || rc=$?
if [ "$rc" != 1 ] || [ -f "$tmp/x.html" ]; then bad "an unknown rule exits $rc or leaves a file"; fi
has "$tmp/err" "no rule named 'nosuch'"
exit $fail
