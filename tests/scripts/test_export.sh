#!/bin/sh
# test_export.sh — mqlite export writes what mqlite import reads back: export
# -> import into a new database -> export gives the same bytes for leads,
# events, stages and campaigns of the demo database (with scores and the
# stage entries mqlite score adds), hostile text and awkward numbers
# included; the scores export is the scores table; --out cannot be turned
# into a command; a lead without external_id is refused with a count.
# Run from the repository root.
set -eu
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh
skip_under_valgrind export
M=$(pwd)/scripts/mqlite
mqgen=${MQGEN:-build/mqgen}
ext=${MQLITE_EXT:-$(pwd)/build/mqlite.so}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL export: $*"; fail=1; }
ran() { rc=0; "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?; }
is() {
    [ "$rc" = "$2" ] || bad "$1: exit $rc, expected $2 (stderr: $(cat "$tmp/err"))"
    [ "$(cat "$tmp/err")" = "$3" ] || bad "$1: stderr [$(cat "$tmp/err")], expected [$3]"
}
# q DB SQL: sqlite3 with the extension, the SQL on stdin
q() { printf '.load %s\n%s\n' "${ext%.so}" "$2" | sqlite3 -bail "$1"; }

n=2000

# ---- the demo database (as make demo makes it), scores, and hostile rows ------
a=$tmp/a.db
"$mqgen" --leads "$n" --seed 42 --db "$a" 2>/dev/null
q "$a" ".read samples/demo.sql" >/dev/null
"$M" score "$a" --rule b2b --as-of 2026-01-01 >/dev/null
q "$a" "
INSERT INTO campaigns(id, name, channel, cost) VALUES ('cmp \"q\", x', 'Name, with \"quotes\"
and a line', 'email', 0.1 + 0.2);
INSERT INTO leads(external_id, created_at, email, company, title, annual_revenue, employees, owner, attrs, campaign) VALUES
 ('Z1', '2025-03-01 10:00:00', '=HYPERLINK(\"http://x\",\"y\")', 'Quote \"Co\", Ltd', 'Head of
Growth', 0.1, 12345678901234567, 'zoë 日本', '{\"note\":\"a,b \\\"c\\\"\\nd\",\"n\":1e300,\"big\":12345678901234567}', 'cmp \"q\", x'),
 ('Z2', '2025-03-02 10:00:00', '+cmd', 'cr' || char(13) || 'lf' || char(10) || 'end', NULL, 1e300, 0, '', NULL, NULL),
 ('Z3,\"x\"', '2025-03-03 10:00:00', '@sum', NULL, NULL, 0.1 + 0.2, NULL, NULL, '{}', NULL),
 ('Z4', '2025-03-04 10:00:00', NULL, NULL, NULL, 123456789.123456789, 7, NULL, '{\"a\":null,\"b\":{\"c\":null,\"d\":[null]},\"e\":\"null\"}', NULL),
 ('Z5', '2025-03-05 10:00:00', NULL, NULL, NULL, NULL, NULL, NULL, '{not json, null}', NULL);
INSERT INTO events(lead_id, type, occurred_at, campaign, props)
 SELECT id, 'page_view', '2025-03-05 10:00:00', 'cmp \"q\", x', '{\"url\":\"/a,b?\\\"q\\\"\"}' FROM leads WHERE external_id = 'Z1';
INSERT INTO events(lead_id, type, occurred_at, external_id)
 SELECT id, 'demo_request', '2025-03-06 10:00:00', 'EV-1, \"x\"' FROM leads WHERE external_id = 'Z1';
INSERT INTO stage_history(lead_id, stage, entered_at, source, reason)
 SELECT id, 'MQL', '2025-03-06 10:00:00', 'manual', 'called, said \"yes\"
twice' FROM leads WHERE external_id = 'Z3,\"x\"';"

# ---- the exact text of awkward values ------------------------------------------
"$M" export "$a" leads --out "$tmp/a-leads.csv"
grep -A1 '^Z1,' "$tmp/a-leads.csv" >"$tmp/z1" || bad "no Z1 in the leads export"
[ "$(cat "$tmp/z1")" = 'Z1,"2025-03-01 10:00:00","=HYPERLINK(""http://x"",""y"")","Quote ""Co"", Ltd",,12345678901234567,0.1,,"Head of
Growth",,"cmp ""q"", x","zoë 日本","{""note"":""a,b \""c\""\nd"",""n"":1e300,""big"":12345678901234567}"' ] ||
    bad "Z1 written as: $(cat "$tmp/z1")"
grep -q '^Z2,"2025-03-02 10:00:00",+cmd,"cr.lf$' "$tmp/a-leads.csv" || bad "Z2 (CR and LF in a field)"
grep -q '^end",,0,1.0e+300,,,,,"",$' "$tmp/a-leads.csv" || bad "Z2: 1e300, 0 and an empty text"
grep -qxF '"Z3,""x""","2025-03-03 10:00:00",@sum,,,,0.30000000000000004,,,,,,{}' "$tmp/a-leads.csv" || bad "Z3: 0.1 + 0.2"
z4=123456789.12345679
grep -qxF "Z4,\"2025-03-04 10:00:00\",,,,7,$z4,,,,,,\"{\"\"b\"\":{\"\"d\"\":[null]},\"\"e\"\":\"\"null\"\"}\"" "$tmp/a-leads.csv" ||
    bad "Z4: 17 digits, attrs without its null keys"
grep -qxF 'Z5,"2025-03-05 10:00:00",,,,,,,,,,,"{not json, null}"' "$tmp/a-leads.csv" || bad "Z5: attrs that are not JSON"
[ "$(head -n 1 "$tmp/a-leads.csv")" = external_id,created_at,email,company,industry,employees,annual_revenue,country,title,source,campaign,owner,attrs ] ||
    bad "leads header: $(head -n 1 "$tmp/a-leads.csv")"
# the same database, the same bytes
"$M" export "$a" leads >"$tmp/again.csv"
cmp -s "$tmp/a-leads.csv" "$tmp/again.csv" || bad "two exports of one database differ"
# LF only: the CR inside Z2's field is the only one
[ "$(tr -cd '\r' <"$tmp/a-leads.csv" | wc -c)" = 1 ] || bad "CR in the leads export outside Z2's field"
# What import reads as something else on purpose is taken out of the round
# trip: Z5's attrs are not JSON (a bad row), an empty text is read as no
# value (NULL), as are empty attrs ({}).
q "$a" "DELETE FROM leads WHERE external_id = 'Z5'; UPDATE leads SET owner = NULL WHERE owner = '';
        UPDATE leads SET attrs = NULL WHERE attrs = '{}';"

# ---- export -> import -> export ----------------------------------------------------
b=$tmp/b.db
"$M" init "$b" >/dev/null
for k in campaigns leads events stages; do
    "$M" export "$a" "$k" --out "$tmp/a-$k.csv"
    "$M" import "$b" "$k" "$tmp/a-$k.csv" >"$tmp/imp" 2>&1 || bad "import $k of the export: $(cat "$tmp/imp")"
    "$M" export "$b" "$k" --out "$tmp/b-$k.csv"
    cmp -s "$tmp/a-$k.csv" "$tmp/b-$k.csv" ||
        bad "$k: export -> import -> export differs: $(diff "$tmp/a-$k.csv" "$tmp/b-$k.csv" | head -n 6)"
    [ "$(wc -l <"$tmp/a-$k.csv")" -gt 2 ] || bad "$k: the export is (nearly) empty"
done
# the numbers are the same doubles, not just the same text
diffs=$(q "$a" "ATTACH '$b' AS b;
SELECT count(*) FROM leads x JOIN b.leads y USING (external_id)
 WHERE x.annual_revenue IS NOT y.annual_revenue OR x.employees IS NOT y.employees
    OR typeof(x.annual_revenue) <> typeof(y.annual_revenue);
SELECT count(*) FROM campaigns x JOIN b.campaigns y USING (id) WHERE x.cost IS NOT y.cost;
SELECT (SELECT count(*) FROM leads) - (SELECT count(*) FROM b.leads), (SELECT count(*) FROM events) - (SELECT count(*) FROM b.events),
       (SELECT count(*) FROM stage_history) - (SELECT count(*) FROM b.stage_history);")
[ "$diffs" = "0
0
0|0|0" ] || bad "values after the round trip: $diffs"

# the CRM's event ids are kept (the next import of the CRM's file matches on
# them); a database from before events had them exports the five columns
[ "$(head -n 1 "$tmp/a-events.csv")" = lead,type,occurred_at,campaign,props,event_id ] || bad "events header: $(head -n 1 "$tmp/a-events.csv")"
grep -qxF 'Z1,demo_request,"2025-03-06 10:00:00",,,"EV-1, ""x"""' "$tmp/a-events.csv" || bad "an event id: $(grep '^Z1,' "$tmp/a-events.csv")"
same_ids=$(q "$b" "SELECT count(*) FROM events WHERE external_id = 'EV-1, \"x\"'")
[ "$same_ids" = 1 ] || bad "the event id after the round trip: $same_ids"
cp "$b" "$tmp/old.db"
q "$tmp/old.db" "DROP INDEX events_external; ALTER TABLE events DROP COLUMN external_id;"
"$M" export "$tmp/old.db" events --out "$tmp/old-events.csv"
[ "$(head -n 1 "$tmp/old-events.csv")" = lead,type,occurred_at,campaign,props ] || bad "old events header: $(head -n 1 "$tmp/old-events.csv")"
grep -qxF 'Z1,demo_request,"2025-03-06 10:00:00",,' "$tmp/old-events.csv" || bad "an event of an old database"

# ---- scores: the scores table, row for row ------------------------------------------
"$M" export "$a" scores --out "$tmp/scores.csv"
[ "$(head -n 1 "$tmp/scores.csv")" = lead,rule,scored_at,score,fit,engagement,grade,stage,explanation ] || bad "scores header"
check=$(q "$a" ".import --csv --schema temp \"$tmp/scores.csv\" x
SELECT count(*) = (SELECT count(*) FROM scores), count(*) > 0 FROM temp.x;
SELECT count(*) FROM temp.x t WHERE NOT EXISTS (
  SELECT 1 FROM scores s JOIN leads l ON l.id = s.lead_id
  WHERE l.external_id = t.lead AND s.rule = t.rule AND s.scored_at = t.scored_at AND s.score = CAST(t.score AS REAL)
    AND s.fit = CAST(t.fit AS REAL) AND s.engagement = CAST(t.engagement AS REAL) AND s.grade IS nullif(t.grade, '')
    AND s.stage IS nullif(t.stage, '') AND s.explanation = t.explanation);")
[ "$check" = "1|1
0" ] || bad "scores export against the scores table: $check"

# ---- an empty table: the header alone -------------------------------------------------
"$M" export "$b" scores >"$tmp/out"
[ "$(cat "$tmp/out")" = lead,rule,scored_at,score,fit,engagement,grade,stage,explanation ] || bad "empty scores: $(cat "$tmp/out")"

# ---- --out: a file name, never a command; whole or nothing ---------------------------
mkdir "$tmp/w"
(cd "$tmp/w" && "$M" export "$b" campaigns --out "|touch pwned" >"$tmp/out" 2>"$tmp/err") || bad "--out '|touch pwned': $(cat "$tmp/err")"
[ ! -e "$tmp/w/pwned" ] || bad "--out '|touch pwned' ran a command"
cmp -s "$tmp/w/|touch pwned" "$tmp/a-campaigns.csv" || bad "--out '|touch pwned' is not the export"
nl="$tmp/w/two
lines.csv"
"$M" export "$b" campaigns --out "$nl" || bad "--out with a line break"
cmp -s "$nl" "$tmp/a-campaigns.csv" || bad "--out with a line break is not the export"
(cd "$tmp/w" && "$M" export "$b" campaigns --out "-x.csv" && cmp -s -- -x.csv "$tmp/a-campaigns.csv") || bad "--out -x.csv"
ran "$M" export "$b" campaigns --out "$tmp/w"
is "--out a directory" 2 "mqlite export: --out expects a file, found the directory $tmp/w
(see mqlite export --help)"
cp "$b" "$tmp/same.db"
ln -s same.db "$tmp/link.db"
ran "$M" export "$tmp/same.db" leads --out "$tmp/link.db"
is "--out the database (by a link)" 2 "mqlite export: --out $tmp/link.db is the database itself
(see mqlite export --help)"
cmp -s "$b" "$tmp/same.db" || bad "--out the database changed it"
ran "$M" export "$b" campaigns --out "$tmp/nowhere/c.csv"
is "--out in no directory" 1 "mqlite export: cannot write $tmp/nowhere/c.csv: there is no directory $tmp/nowhere"

# ---- a lead without external_id: refused, with the count, nothing written -------------
q "$b" "UPDATE leads SET external_id = NULL WHERE external_id IN ('Z1', 'Z4');"
printf 'the last good export\n' >"$tmp/keep.csv"
ran "$M" export "$b" leads --out "$tmp/keep.csv"
is "leads without external_id" 1 "mqlite export: 2 leads have no external_id, the key import matches leads by: their rows could not be read back; nothing was exported (give each one first, e.g. UPDATE leads SET external_id = 'mqlite-' || id WHERE external_id IS NULL)"
[ "$(cat "$tmp/keep.csv")" = "the last good export" ] || bad "a refused export changed the --out file"
for f in "$tmp"/*.tmp.*; do [ ! -e "$f" ] || bad "a refused export left a temporary file: $f"; done
ran "$M" export "$b" events
is "events of a lead without external_id" 1 "mqlite export: 1 lead with events has no external_id, the key import matches leads by: their rows could not be read back; nothing was exported (give each one first, e.g. UPDATE leads SET external_id = 'mqlite-' || id WHERE external_id IS NULL)"
[ ! -s "$tmp/out" ] || bad "a refused events export wrote rows"
ran "$M" export "$b" campaigns
is "campaigns do not name leads" 0 ""

# ---- the command line ---------------------------------------------------------------
ran "$M" export "$b" lead
is "KIND lead" 2 "mqlite export: KIND is leads, events, stages, campaigns, deals or scores, found 'lead'
(see mqlite export --help)"
ran "$M" export "$b"
is "no KIND" 2 "mqlite export: expected DB KIND
(see mqlite export --help)"
ran "$M" export "$tmp/none.db" leads
is "no database" 1 "mqlite export: no database $tmp/none.db (create one with: mqlite init $tmp/none.db)"

[ "$fail" = 0 ]
