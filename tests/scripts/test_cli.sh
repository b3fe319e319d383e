#!/bin/sh
# test_cli.sh — every mqlite subcommand and output format on the fixture CRM
# (tests/fixtures, built through init and import), compared with the expected
# outputs in tests/scripts/expected/; the malformed CSV files; and injection
# attempts in every option that takes text. MQLITE_BLESS=1 rewrites the
# expected files (read every changed line before committing them).
set -eu
. tests/scripts/fixture.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/crm.db
mq_fixture "$db"
exp=tests/scripts/expected
mkdir -p "$exp"
M=scripts/mqlite
fail=0

# check NAME COMMAND...: runs it, records output and exit status, compares.
check() {
    name=$1
    shift
    rc=0
    "$@" >"$tmp/out" 2>&1 || rc=$?
    { sed "s|$tmp|TMP|g" "$tmp/out"; echo "[exit $rc]"; } >"$tmp/$name.out"
    [ "${MQLITE_BLESS:-0}" = 1 ] && cp "$tmp/$name.out" "$exp/$name.out"
    if ! diff -u "$exp/$name.out" "$tmp/$name.out" >"$tmp/diff" &&
        ! { norm "$exp/$name.out" >"$tmp/a" && norm "$tmp/$name.out" >"$tmp/b" && cmp -s "$tmp/a" "$tmp/b"; }; then
        cat "$tmp/diff"
        echo "FAIL cli/$name"
        fail=1
    fi
}
# Decimals rounded to 12 significant digits: under valgrind, whose long double
# has 64 bits, SQLite prints the last of a REAL's 20 digits differently.
norm() {
    awk '{ out = ""; s = $0
           while (match(s, /-?[0-9]+\.[0-9]+(e[-+]?[0-9]+)?/)) {
               out = out substr(s, 1, RSTART - 1) sprintf("%.12g", substr(s, RSTART, RLENGTH))
               s = substr(s, RSTART + RLENGTH)
           }
           print out s }' "$1"
}
leads_intact() {
    n=$(sqlite3 "$db" "SELECT count(*) FROM leads")
    [ "$n" = 4 ] || { echo "FAIL: leads table changed by: $*"; fail=1; }
}

# --help is true for every subcommand
check help scripts/mqlite --help
for sub in init import rule score funnel conversion campaigns sla calibrate; do
    first=$($M "$sub" --help | head -n 1)
    case $first in "usage: mqlite $sub "*) ;; *) echo "FAIL: $sub --help: $first"; fail=1 ;; esac
done

# reports, in every format
for f in table csv json markdown html; do
    check "funnel-$f" "$M" funnel "$db" --format "$f"
done
sqlite3 :memory: "SELECT json_valid(readfile('$tmp/funnel-json.out'))" >/dev/null
$M funnel "$db" --format json >"$tmp/f.json"
[ "$(sqlite3 :memory: "SELECT json_valid(readfile('$tmp/f.json'))")" = 1 ] || { echo "FAIL: funnel json is not JSON"; fail=1; }
check funnel-by-owner "$M" funnel "$db" --by owner
check funnel-window "$M" funnel "$db" --window 3 --from 2025-01-01 --to 2025-02-01
check funnel-asof "$M" funnel "$db" --as-of 2025-01-11 --format csv
check conversion "$M" conversion "$db" --window 30 --as-of 2025-12-31
check conversion-open "$M" conversion "$db" --window 30 --as-of 2025-02-20 --period week --format csv
check conversion-won "$M" conversion "$db" --to-stage won --window 90 --as-of 2025-12-31 --format markdown
check campaigns "$M" campaigns "$db"
check campaigns-one "$M" campaigns "$db" --campaign cmp-a --format json
check sla "$M" sla "$db"
check sla-all "$M" sla "$db" --by none --hours 48 --format markdown
check sla-html "$M" sla "$db" --format html
# as of the evening of 2025-02-05: lead 3 (MQL that morning, contacted the
# next day) is pending, lead 2 (MQL on 2025-01-12, never touched) is never
# contacted, the shares are of the two that are not pending; a touch type
# the database lacks gets a warning naming the types it has
check sla-asof "$M" sla "$db" --by none --as-of '2025-02-05 20:00' --format csv
check sla-no-touch "$M" sla "$db" --by none --touch call --format csv
check sla-asof-bad "$M" sla "$db" --as-of soon
check calibrate "$M" calibrate "$db" --rule b2b --as-of 2025-03-01 --thresholds 0,50,100

# rules
check rule-show sh -c "$M rule '$db' show bant | head -n 3"
check rule-test "$M" rule "$db" test b2b --as-of 2025-03-01
check rule-test-file "$M" rule "$db" test small tests/fixtures/rule-small.lua --as-of 2025-03-01 --format csv
check rule-add-broken "$M" rule "$db" add small tests/fixtures/rule-broken.lua
check rule-add "$M" rule "$db" add small tests/fixtures/rule-small.lua
check rule-list sh -c "$M rule '$db' list --format csv | cut -d, -f1,3"
check rule-remove "$M" rule "$db" remove small
check rule-remove-again "$M" rule "$db" remove small
check rule-missing "$M" rule "$db" show nope

# calibrate judges a rule by what others decided: after the rule's own MQL
# entry (below), the same table as before it (calibrate-mql-after)
check calibrate-mql "$M" calibrate "$db" --rule b2b --as-of 2025-03-01 --thresholds 0,50,100 --to-stage MQL
# scoring: one lead crosses the MQL threshold; a second run moves nobody
check score-dry "$M" score "$db" --rule b2b --as-of 2025-03-01 --dry-run
check score "$M" score "$db" --rule b2b --as-of 2025-03-01
check score-again "$M" score "$db" --rule b2b --as-of 2025-03-01
check score-history sqlite3 "$db" "SELECT lead_id, rule, score, grade, stage FROM scores ORDER BY id;
  SELECT lead_id, stage, entered_at, source, reason FROM stage_history WHERE source LIKE 'rule:%'"
check score-norule "$M" score "$db" --rule nope
# Sales recycles lead 4 to nurture the day after the rule made it an MQL:
# the next runs leave it there (its old points do not requalify it); after
# new activity it is an MQL again, once. A later entry (nurture on the 20th)
# is the future of a run as of the 15th: that run moves nobody, however often.
sqlite3 "$db" "INSERT INTO stage_history(lead_id, stage, entered_at, source, reason) VALUES (4, 'nurture', '2025-03-02', 'manual', 'timing - call in Q3')"
check score-recycled "$M" score "$db" --rule b2b --as-of 2025-03-10
sqlite3 "$db" "INSERT INTO events(lead_id, type, occurred_at) VALUES (4, 'page_view', '2025-03-05')"
check score-requalified "$M" score "$db" --rule b2b --as-of 2025-03-10
check score-requalified-again "$M" score "$db" --rule b2b --as-of 2025-03-10
sqlite3 "$db" "INSERT INTO stage_history(lead_id, stage, entered_at, source) VALUES (4, 'nurture', '2025-03-20', 'manual')"
check score-before-later "$M" score "$db" --rule b2b --as-of 2025-03-15
check score-before-later-again "$M" score "$db" --rule b2b --as-of 2025-03-15
check score-history-4 sqlite3 "$db" "SELECT stage, entered_at, source, reason FROM stage_history WHERE lead_id = 4 ORDER BY entered_at, id;
  SELECT DISTINCT scored_at FROM scores ORDER BY 1"
# one lead (--lead): only it is read and written
check score-one "$M" score "$db" --rule b2b --as-of 2025-03-25 --lead 3
check score-one-rows sqlite3 "$db" "SELECT lead_id, score FROM scores WHERE scored_at = '2025-03-25 00:00:00'"
check score-one-missing "$M" score "$db" --rule b2b --lead 99
check score-one-bad "$M" score "$db" --rule b2b --lead 0x1
"$M" calibrate "$db" --rule b2b --as-of 2025-03-01 --thresholds 0,50,100 --to-stage MQL >"$tmp/cal-after" 2>&1 || :
{ cat "$tmp/cal-after"; echo "[exit 0]"; } | cmp -s - "$exp/calibrate-mql.out" ||
    { echo "FAIL cli/calibrate-mql-after: the rule's own entries changed calibrate"; diff "$exp/calibrate-mql.out" "$tmp/cal-after"; fail=1; }

# imports of malformed files: reasons with line numbers, nothing imported
before=$(sqlite3 "$db" "SELECT count(*) FROM events")
for f in bad-quote bad-short bad-columns bad-dates bad-lead; do
    check "import-$f" "$M" import "$db" events "tests/fixtures/$f.csv"
done
[ "$(sqlite3 "$db" "SELECT count(*) FROM events")" = "$before" ] || { echo "FAIL: a bad import wrote events"; fail=1; }
check import-skip-bad "$M" import "$db" events tests/fixtures/bad-lead.csv --skip-bad
# the same lead export again is a sync: every lead is found by its key and
# nothing is written (issue 13: it used to refuse every row)
check import-dup-leads "$M" import "$db" leads tests/fixtures/leads.csv --date-format dmy
check import-mdy "$M" import "$db" events tests/fixtures/bad-dates.csv --date-format mdy
check import-usage "$M" import "$db" people tests/fixtures/leads.csv
check import-map "$M" import "$db" events tests/fixtures/events.csv --map lead=nope

# user values never become SQL: each of these must leave the leads table alone
evil="x'); DROP TABLE leads; --"
check inject-campaign "$M" campaigns "$db" --campaign "$evil"
check inject-from "$M" funnel "$db" --from "$evil"
check inject-funnel-to "$M" funnel "$db" --to "2025-01-01'); DROP TABLE leads; --"
check inject-touch "$M" sla "$db" --touch "$evil"
check inject-stage "$M" conversion "$db" --from-stage "$evil"
check inject-to-stage "$M" conversion "$db" --to-stage "$evil"
check inject-rule "$M" score "$db" --rule "$evil"
check inject-calibrate "$M" calibrate "$db" --rule "$evil"
check inject-rule-name "$M" rule "$db" show "$evil"
check inject-by "$M" funnel "$db" --by "source\"; DROP TABLE leads; --"
check inject-expr "$M" campaigns "$db" --campaign "writefile('$tmp/pwned', 'x')"
# shellcheck disable=SC2016 # the $( ) and back quotes are meant to stay unexpanded
check inject-shell "$M" campaigns "$db" --campaign '$(touch /tmp/mqlite-pwned)`touch /tmp/mqlite-pwned`'
check inject-stage-import "$M" import "$db" stages tests/fixtures/events.csv --stage "$evil" --map entered_at=occurred_at
leads_intact "injection attempts"
if [ -e "$tmp/pwned" ] || [ -e /tmp/mqlite-pwned ]; then echo "FAIL: a value was executed"; fail=1; fi

# command-line errors
check err-nodb "$M" funnel "$tmp/missing.db"
check err-option "$M" funnel "$db" --bogus
check err-value "$M" funnel "$db" --from
check err-format "$M" funnel "$db" --format pdf
check err-number "$M" sla "$db" --hours soon
check err-sub scripts/mqlite frobnicate
# A database made with the older schema, whose JSON CHECKs used json_valid():
# a connection that sets trusted_schema=OFF first cannot read it; init upgrades it.
# (score_current came later, with the GLOB check; so did the accounts of issue 17)
sed -e '/^CREATE TABLE IF NOT EXISTS score_current/,/^) WITHOUT ROWID;/d' -e '/^-- ---- Accounts (issue 17)/,/^CREATE INDEX IF NOT EXISTS account_signals_account/d' \
    -e "s/attrs GLOB '{\*}'/json_valid(attrs)/" -e "s/props GLOB '{\*}'/json_valid(props)/" \
    -e "s/explanation GLOB '\[\[\]\*\]'/json_valid(explanation)/" schema/mqlite.sql >"$tmp/old.sql"
[ "$(grep -c 'OR json_valid(' "$tmp/old.sql")" = 3 ] || { echo "FAIL: could not make the old schema"; fail=1; }
sqlite3 "$tmp/old.db" <"$tmp/old.sql"
sqlite3 "$tmp/old.db" "INSERT INTO campaigns(id) VALUES ('c1'); INSERT INTO leads(created_at, campaign, attrs) VALUES ('2025-01-01', 'c1', '{\"a\": 1}')"
readable() { sqlite3 "$tmp/old.db" "PRAGMA trusted_schema = OFF" "SELECT count(*) FROM leads" 2>&1; }
[ "$(readable)" = "Error: in prepare, malformed database schema (leads) - unsafe use of json_valid() (11)" ] ||
    { echo "FAIL: old schema: $(readable)"; fail=1; }
# (the whole output first: a head closing the pipe would kill sqlite3 mid-write)
up=$($M init "$tmp/old.db")
[ "$(printf '%s\n' "$up" | sed -n 1p)" = "mqlite init: upgraded the JSON checks of $tmp/old.db to work with trusted_schema=OFF" ] ||
    { echo "FAIL: init did not upgrade the old schema"; fail=1; }
[ "$($M campaigns "$tmp/old.db" --format csv | tail -n 1 | cut -d, -f1,11)" = "c1,1" ] || { echo "FAIL: old schema after upgrade"; fail=1; }
[ "$(sqlite3 "$tmp/old.db" "PRAGMA integrity_check")" = ok ] || { echo "FAIL: old schema: integrity after upgrade"; fail=1; }
[ "$(readable)" = 1 ] || { echo "FAIL: old schema after upgrade: $(readable)"; fail=1; }
[ "$($M init "$tmp/old.db")" = "mqlite init: $tmp/old.db is ready: 1 leads, 0 rules" ] || { echo "FAIL: a second init changed something"; fail=1; }

exit "$fail"
