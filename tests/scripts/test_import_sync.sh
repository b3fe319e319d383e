#!/bin/sh
# test_import_sync.sh — the nightly import (issue 13): leads and campaigns are
# a sync keyed by the CRM's id, events and stages are idempotent (multiset:
# genuine repeats survive, a re-import adds nothing), every row not imported
# is named with its line (unknown leads of a stages file included: they used
# to vanish), --date for a file without dates, and an outcome column of a
# leads file as stage history (--from-column, --values). Each case asserts
# the exact messages and what is in the database.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
M=scripts/mqlite
F=tests/fixtures
fail=0
db=$tmp/crm.db
$M init "$db" >/dev/null

T=import_sync
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh
q() { sqlite3 "$db" "$1"; }

# ---- leads: a sync keyed by external_id ------------------------------------
run leads-first $M import "$db" leads $F/sync-leads-1.csv
expect leads-first <<'EOF'
imported leads from tests/fixtures/sync-leads-1.csv: 3 new, 0 updated, 0 unchanged, 0 bad
--
[exit 0]
EOF
same leads-first-attrs "$(q "SELECT external_id, attrs FROM leads ORDER BY id")" 'S1|{"cms":"wix","visits":3}
S2|{"cms":"none"}
S3|'
# every write to leads is logged: a row that did not change is not written
q "CREATE TABLE upd(id); CREATE TRIGGER upd_t AFTER UPDATE ON leads BEGIN INSERT INTO upd VALUES (new.id); END;"
# the next night: a column 'id' (mqlite's own row id, as an export writes it)
# is ignored, not taken for external_id; S1's title and visits change, S2 is
# the same (its empty 'visits' cell removes a key it does not have), S3's
# e-mail is emptied and it gains an attrs key, S4 is new
run leads-sync $M import "$db" leads $F/sync-leads-2.csv
expect leads-sync <<'EOF'
imported leads from tests/fixtures/sync-leads-2.csv: 1 new, 2 updated, 1 unchanged, 0 bad
--
mqlite import: tests/fixtures/sync-leads-2.csv: column 1 'id' is ignored: it is a row id of mqlite's own (an export or SELECT * writes it); leads are matched by external_id
[exit 0]
EOF
same leads-sync-rows "$(q "SELECT external_id, created_at, coalesce(email, 'NULL'), title, coalesce(annual_revenue, 'NULL'), coalesce(attrs, 'NULL') FROM leads ORDER BY id")" 'S1|2025-01-01 00:00:00|a@x.com|VP|1000.0|{"cms":"wix","visits":4}
S2|2025-01-02 00:00:00|b@x.com|CEO|NULL|{"cms":"none"}
S3|2025-01-03 10:00:00|NULL|Dev|500.0|{"plan":"pro"}
S4|2025-01-04 00:00:00|d@x.com|Ops|NULL|{"visits":1}'
same leads-sync-writes "$(q "SELECT group_concat(id) FROM (SELECT id FROM upd ORDER BY id)")" "1,3"
# the same file again changes nothing and writes nothing
q "DELETE FROM upd"
run leads-again $M import "$db" leads $F/sync-leads-2.csv
expect leads-again <<'EOF'
imported leads from tests/fixtures/sync-leads-2.csv: 0 new, 0 updated, 4 unchanged, 0 bad
--
mqlite import: tests/fixtures/sync-leads-2.csv: column 1 'id' is ignored: it is a row id of mqlite's own (an export or SELECT * writes it); leads are matched by external_id
[exit 0]
EOF
same leads-again-writes "$(q "SELECT count(*) FROM upd")" 0
# columns the file does not have are left alone; a new lead needs a date; a
# row without a key, a key given twice, attrs that is not an object are bad
printf 'external_id,title,attrs,Visits\nS1,Chief,"{""visits"":9,""tier"":""a""}",5\nS9,Intern,,\n,Nobody,,\nS2,Boss,,\nS2,Boss again,,\nS3,Dev,[1],\n' >"$tmp/partial.csv"
run leads-partial $M import "$db" leads "$tmp/partial.csv"
expect leads-partial <<'EOF'
--
TMP/partial.csv:3: lead 'S9' is new and has no created_at (give the file a created_at column, or --date DATE)
TMP/partial.csv:4: external_id is empty (leads are matched by it: without one, a later import could not update the lead)
TMP/partial.csv:6: lead 'S2' appears again (first at line 5)
TMP/partial.csv:7: attrs is not a JSON object
mqlite import: 4 of 6 rows are bad; nothing was imported (fix them, or import the others with --skip-bad)
[exit 1]
EOF
same leads-partial-nothing "$(q "SELECT title FROM leads WHERE external_id = 'S1'")" VP
run leads-partial-skip $M import "$db" leads "$tmp/partial.csv" --skip-bad
expect leads-partial-skip <<'EOF'
imported leads from TMP/partial.csv: 0 new, 2 updated, 0 unchanged, 4 bad
--
TMP/partial.csv:3: lead 'S9' is new and has no created_at (give the file a created_at column, or --date DATE)
TMP/partial.csv:4: external_id is empty (leads are matched by it: without one, a later import could not update the lead)
TMP/partial.csv:6: lead 'S2' appears again (first at line 5)
TMP/partial.csv:7: attrs is not a JSON object
[exit 0]
EOF
# an extra column wins over the same key inside attrs
same leads-partial-rows "$(q "SELECT external_id, email, title, attrs FROM leads WHERE external_id IN ('S1', 'S2') ORDER BY id")" 'S1|a@x.com|Chief|{"cms":"wix","visits":5,"tier":"a"}
S2|b@x.com|Boss|{"cms":"none"}'
# a file without an external_id column cannot be a sync
printf 'email,created_at\nx@y.com,2025-01-01\n' >"$tmp/nokey.csv"
run leads-nokey $M import "$db" leads "$tmp/nokey.csv"
expect leads-nokey <<'EOF'
--
mqlite import: TMP/nokey.csv has no column for external_id, the key that matches its rows to the leads in the database (map one with --map external_id=COLUMN)
[exit 1]
EOF
# the key may come from another column
printf 'crm id,created_at,title\nS4,2025-01-04,Head of Ops\n' >"$tmp/mapped.csv"
run leads-mapped $M import "$db" leads "$tmp/mapped.csv" --map "external_id=crm id"
expect leads-mapped <<'EOF'
imported leads from TMP/mapped.csv: 0 new, 1 updated, 0 unchanged, 0 bad
--
[exit 0]
EOF

# ---- --date: leads without dates -------------------------------------------
# only new leads get the date, and are marked; a stored lead is never re-dated
printf 'external_id,title\nS4,Head of Ops\nS6,Buyer\n' >"$tmp/nodate.csv"
run leads-date $M import "$db" leads "$tmp/nodate.csv" --date 2025-06-01
expect leads-date <<'EOF'
imported leads from TMP/nodate.csv: 1 new, 0 updated, 1 unchanged, 0 bad
--
[exit 0]
EOF
same leads-date-rows "$(q "SELECT external_id, created_at, coalesce(attrs, 'NULL') FROM leads WHERE external_id IN ('S4', 'S6') ORDER BY id")" 'S4|2025-01-04 00:00:00|{"visits":1}
S6|2025-06-01 00:00:00|{"created_at_assumed":true}'
# a later file with the real date replaces the assumed one and the mark
printf 'external_id,created_at\nS6,2025-05-15\n' >"$tmp/realdate.csv"
run leads-realdate $M import "$db" leads "$tmp/realdate.csv"
expect leads-realdate <<'EOF'
imported leads from TMP/realdate.csv: 0 new, 1 updated, 0 unchanged, 0 bad
--
[exit 0]
EOF
same leads-realdate-row "$(q "SELECT created_at, coalesce(attrs, 'NULL') FROM leads WHERE external_id = 'S6'")" '2025-05-15 00:00:00|NULL'

# ---- campaigns: a sync keyed by id -----------------------------------------
run camp-first $M import "$db" campaigns $F/campaigns.csv
expect camp-first <<'EOF'
imported campaigns from tests/fixtures/campaigns.csv: 2 new, 0 updated, 0 unchanged, 0 bad
--
[exit 0]
EOF
printf 'id,cost\ncmp-a,1300\ncmp-b,5000.50\ncmp-c,7\n' >"$tmp/camp2.csv"
run camp-sync $M import "$db" campaigns "$tmp/camp2.csv"
expect camp-sync <<'EOF'
imported campaigns from TMP/camp2.csv: 1 new, 1 updated, 1 unchanged, 0 bad
--
[exit 0]
EOF
same camp-sync-rows "$(q "SELECT id, coalesce(name, 'NULL'), cost FROM campaigns ORDER BY id")" 'cmp-a|Spring, e-mail|1300.0
cmp-b|Search|5000.5
cmp-c|NULL|7.0'

# ---- events: idempotent, multiset ------------------------------------------
# lines 2 and 3 are a genuine repeat (both kept); an extra column wins over
# props, an empty one does not
run ev-first $M import "$db" events $F/sync-events.csv
expect ev-first <<'EOF'
imported events from tests/fixtures/sync-events.csv: 4 new, 0 already stored, 0 bad
--
[exit 0]
EOF
same ev-first-rows "$(q "SELECT lead_id, type, occurred_at, coalesce(props, 'NULL') FROM events ORDER BY id")" '1|page_view|2025-02-01 10:00:00|{"page":"/a"}
1|page_view|2025-02-01 10:00:00|{"page":"/a"}
2|email_open|2025-02-02 00:00:00|{"page":null}
2|page_view|2025-02-02 00:00:00|{"page":"/b"}'
run ev-again $M import "$db" events $F/sync-events.csv
expect ev-again <<'EOF'
imported events from tests/fixtures/sync-events.csv: 0 new, 4 already stored, 0 bad
--
[exit 0]
EOF
# an overlapping file: the same time written another way, a third repeat
# (new: only two are stored), and props with its keys in another order
printf 'lead,type,occurred_at,props\nS1,page_view,2025-02-01T10:00:00,"{""page"":""/a""}"\nS1,page_view,2025-02-01 10:00,"{""page"":""/a""}"\nS1,page_view,2025-02-01 10:00,"{""page"":""/a""}"\nS3,demo_request,2025-02-03,"{""b"":1,""a"":2}"\n' >"$tmp/ev2.csv"
run ev-overlap $M import "$db" events "$tmp/ev2.csv"
expect ev-overlap <<'EOF'
imported events from TMP/ev2.csv: 2 new, 2 already stored, 0 bad
--
[exit 0]
EOF
printf 'lead,type,occurred_at,props\nS3,demo_request,2025-02-03,"{ ""b"": 1, ""a"": 2 }"\n' >"$tmp/ev3.csv"
run ev-spaces $M import "$db" events "$tmp/ev3.csv"
expect ev-spaces <<'EOF'
imported events from TMP/ev3.csv: 0 new, 1 already stored, 0 bad
--
[exit 0]
EOF
same ev-count "$(q "SELECT count(*) FROM events")" 6

# a CRM event id: duplicate = the same id; a database made before the column
# existed is told to upgrade
printf 'event_id,lead,type,occurred_at\nE1,S1,page_view,2025-02-01 10:00\nE2,S1,page_view,2025-02-01 10:00\nE1,S2,page_view,2025-02-09\n' >"$tmp/evid.csv"
sed -e "s/props GLOB '{\*}'),/props GLOB '{*}')/" -e "/the CRM's event id, when/d" -e "/events_external/d" \
    schema/mqlite.sql >"$tmp/old.sql"
sqlite3 "$tmp/old.db" <"$tmp/old.sql"
[ "$(sqlite3 "$tmp/old.db" "SELECT count(*) FROM pragma_table_info('events') WHERE name = 'external_id'")" = 0 ] ||
    { echo "FAIL import_sync: could not make the old schema"; fail=1; }
$M import "$tmp/old.db" leads $F/sync-leads-1.csv >/dev/null
run ev-old $M import "$tmp/old.db" events "$tmp/evid.csv"
expect ev-old <<'EOF'
--
mqlite import: TMP/old.db has no events.external_id column for the event ids (it was made by an older mqlite): run mqlite init TMP/old.db to upgrade
[exit 1]
EOF
run ev-old-plain $M import "$tmp/old.db" events $F/sync-events.csv
expect ev-old-plain <<'EOF'
imported events from tests/fixtures/sync-events.csv: 4 new, 0 already stored, 0 bad
--
[exit 0]
EOF
run init-upgrade $M init "$tmp/old.db"
expect init-upgrade <<'EOF'
mqlite init: added the column events.external_id to TMP/old.db (the CRM's event id, for imports)
mqlite init: TMP/old.db is ready: 3 leads, 0 rules
--
[exit 0]
EOF
run ev-id $M import "$db" events "$tmp/evid.csv" --skip-bad
expect ev-id <<'EOF'
imported events from TMP/evid.csv: 2 new, 0 already stored, 1 bad
--
TMP/evid.csv:4: event 'E1' appears again (first at line 2)
[exit 0]
EOF
printf 'crm event,lead,type,occurred_at\nE2,S1,page_view,2025-02-01 10:00\nE3,S2,page_view,2025-02-09\n' >"$tmp/evid2.csv"
run ev-id-again $M import "$db" events "$tmp/evid2.csv" --map "event_id=crm event"
expect ev-id-again <<'EOF'
imported events from TMP/evid2.csv: 1 new, 1 already stored, 0 bad
--
[exit 0]
EOF
same ev-id-rows "$(q "SELECT group_concat(external_id) FROM (SELECT external_id FROM events WHERE external_id IS NOT NULL ORDER BY id)")" "E1,E2,E3"

# ---- stages: unknown leads are named, never lost ---------------------------
run st-unknown $M import "$db" stages $F/sync-stages-unknown.csv
expect st-unknown <<'EOF'
--
tests/fixtures/sync-stages-unknown.csv:3: unknown lead 'S404' (import the leads first)
tests/fixtures/sync-stages-unknown.csv:5: unknown lead 'S405' (import the leads first)
mqlite import: 2 of 4 rows are bad; nothing was imported (fix them, or import the others with --skip-bad)
[exit 1]
EOF
same st-unknown-nothing "$(q "SELECT count(*) FROM stage_history")" 0
run st-skip $M import "$db" stages $F/sync-stages-unknown.csv --skip-bad
expect st-skip <<'EOF'
imported stages from tests/fixtures/sync-stages-unknown.csv: 2 new, 0 already stored, 2 bad
--
tests/fixtures/sync-stages-unknown.csv:3: unknown lead 'S404' (import the leads first)
tests/fixtures/sync-stages-unknown.csv:5: unknown lead 'S405' (import the leads first)
[exit 0]
EOF
# the file's source is stored; the same lead, stage and time from another
# source is already stored
same st-source "$(q "SELECT group_concat(source) FROM stage_history")" "crm,crm"
printf 'lead,stage,entered_at\nS1,marketing qualified lead,2025-02-01\nS1,MQL,2025-02-01\n' >"$tmp/st2.csv"
run st-again $M import "$db" stages "$tmp/st2.csv"
expect st-again <<'EOF'
imported stages from TMP/st2.csv: 1 new, 1 already stored, 0 bad
--
[exit 0]
EOF
same st-again-rows "$(q "SELECT stage, entered_at, source FROM stage_history WHERE lead_id = 1 ORDER BY id")" 'MQL|2025-02-01 00:00:00|crm
MQL|2025-02-01 00:00:00|import'

# ---- stages --date and --from-column ---------------------------------------
printf 'lead,stage\nS2,SQL\nS3,MQL\n' >"$tmp/st-nodate.csv"
run st-date $M import "$db" stages "$tmp/st-nodate.csv" --date 2025-04-01
expect st-date <<'EOF'
imported stages from TMP/st-nodate.csv: 1 new, 1 already stored, 0 bad
--
[exit 0]
EOF
same st-date-row "$(q "SELECT stage, entered_at, source FROM stage_history WHERE lead_id = 3")" 'MQL|2025-04-01 00:00:00|import --date'
# the nightly re-import of the same file, another day, adds nothing
run st-date-again $M import "$db" stages "$tmp/st-nodate.csv" --date 2025-04-02
expect st-date-again <<'EOF'
imported stages from TMP/st-nodate.csv: 0 new, 2 already stored, 0 bad
--
[exit 0]
EOF
q "DELETE FROM stage_history"
run st-outcome $M import "$db" stages $F/sync-outcome.csv --from-column 'Deal Stage' \
    --values 'Won=won,Lost=lost,Engaging=SQL,Prospecting=' --map entered_at=close_date
expect st-outcome <<'EOF'
imported stages from tests/fixtures/sync-outcome.csv: 2 new, 0 already stored, 2 without a stage, 0 bad
--
[exit 0]
EOF
same st-outcome-rows "$(q "SELECT lead_id, stage, entered_at, source FROM stage_history ORDER BY id")" '1|won|2025-03-01 00:00:00|import
2|lost|2025-03-02 00:00:00|import'
run st-outcome-again $M import "$db" stages $F/sync-outcome.csv --from-column 'Deal Stage' \
    --values 'Won=won,Lost=lost,Engaging=SQL,Prospecting=' --map entered_at=close_date
expect st-outcome-again <<'EOF'
imported stages from tests/fixtures/sync-outcome.csv: 0 new, 2 already stored, 2 without a stage, 0 bad
--
[exit 0]
EOF
run st-converted $M import "$db" stages $F/sync-outcome.csv --from-column converted --values '1=SQL,0=' --date 2025-04-01
expect st-converted <<'EOF'
imported stages from tests/fixtures/sync-outcome.csv: 2 new, 0 already stored, 2 without a stage, 0 bad
--
[exit 0]
EOF
run st-converted-again $M import "$db" stages $F/sync-outcome.csv --from-column converted --values '1=SQL,0=' --date 2025-04-05
expect st-converted-again <<'EOF'
imported stages from tests/fixtures/sync-outcome.csv: 0 new, 2 already stored, 2 without a stage, 0 bad
--
[exit 0]
EOF
run st-unlisted $M import "$db" stages $F/sync-outcome.csv --from-column 'Deal Stage' --values 'won=won' --date 2025-04-01
expect st-unlisted <<'EOF'
--
tests/fixtures/sync-outcome.csv:3: Deal Stage 'lost' is not one of the --values (won)
tests/fixtures/sync-outcome.csv:5: Deal Stage 'Prospecting' is not one of the --values (won)
mqlite import: 2 of 4 rows are bad; nothing was imported (fix them, or import the others with --skip-bad)
[exit 1]
EOF
run st-badstage $M import "$db" stages $F/sync-outcome.csv --from-column 'Deal Stage' --values 'Won=wonn' --date 2025-04-01
expect st-badstage <<'EOF'
--
mqlite import: --values: 'wonn' is not a stage (target, IQL, nurture, MQL, PQL, SQL, disqualified, meeting, proposal, won, lost, or one of mqlite_stages)
(see mqlite import --help)
[exit 2]
EOF
same st-total "$(q "SELECT count(*) FROM stage_history")" 4
# a user's text in --values is data: a quote in a value is named as it is,
# and one in a stage name is an unknown stage (nothing reaches SQL as code)
run st-evil $M import "$db" stages $F/sync-outcome.csv --from-column 'Deal Stage' --values "Won=won,x'); DROP TABLE leads; --=" --date 2025-04-01
expect st-evil <<'EOF'
--
tests/fixtures/sync-outcome.csv:3: Deal Stage 'lost' is not one of the --values (Won, x'); DROP TABLE leads; --)
tests/fixtures/sync-outcome.csv:5: Deal Stage 'Prospecting' is not one of the --values (Won, x'); DROP TABLE leads; --)
mqlite import: 2 of 4 rows are bad; nothing was imported (fix them, or import the others with --skip-bad)
[exit 1]
EOF
run st-evil-stage $M import "$db" stages $F/sync-outcome.csv --from-column 'Deal Stage' --values "Won=x'); DROP TABLE leads; --" --date 2025-04-01
expect st-evil-stage <<'EOF'
--
mqlite import: --values: 'x'); DROP TABLE leads; --' is not a stage (target, IQL, nurture, MQL, PQL, SQL, disqualified, meeting, proposal, won, lost, or one of mqlite_stages)
(see mqlite import --help)
[exit 2]
EOF
run st-nocol $M import "$db" stages $F/sync-outcome.csv --from-column Outcome --values 'Won=won' --date 2025-04-01
expect st-nocol <<'EOF'
--
mqlite import: --from-column: tests/fixtures/sync-outcome.csv has no column 'Outcome' (its columns: external_id, created_at, Deal Stage, close_date, Converted)
[exit 1]
EOF
same st-evil-leads "$(q "SELECT count(*) FROM leads")" 5

# numbers as an export writes them pass, others are named (the quick test
# that most rows take must not let any of these through)
printf 'external_id,annual_revenue,employees\nS1,5000.0,10\nS2,-5,1\nS3,.5,1\nS4,0012,1\nS6,1e400,1\nS1,1,-1\n' >"$tmp/nums.csv"
run leads-numbers $M import "$db" leads "$tmp/nums.csv"
expect leads-numbers <<'EOF'
--
TMP/nums.csv:3: annual_revenue '-5' is not a number
TMP/nums.csv:4: annual_revenue '.5' is not a number
TMP/nums.csv:5: annual_revenue '0012' is not a number
TMP/nums.csv:6: annual_revenue '1e400' is not a finite number
TMP/nums.csv:7: employees '-1' is not a whole number; lead 'S1' appears again (first at line 2)
mqlite import: 5 of 6 rows are bad; nothing was imported (fix them, or import the others with --skip-bad)
[exit 1]
EOF

# values are trimmed: a key with spaces around it is the same lead
printf 'external_id,title\n  S1 ,Chief\nS2  ,Boss\n' >"$tmp/spaces.csv"
run leads-spaces $M import "$db" leads "$tmp/spaces.csv"
expect leads-spaces <<'EOF'
imported leads from TMP/spaces.csv: 0 new, 0 updated, 2 unchanged, 0 bad
--
[exit 0]
EOF

# ---- beside another writer ---------------------------------------------------
# The checks and the writes are one transaction: while another process holds
# the write lock the import waits for it (--wait) or fails whole, never
# judging rows against a state that changes before it writes.
printf 'external_id,created_at,title\nW1,2025-01-01,first\n' >"$tmp/w.csv"
# another process takes the write lock and changes W1's title (hold, in
# check.sh). Its COMMIT waits for an import that is still staging: staging
# reads main's schema, so it holds a shared lock on main.
hold_title() { hold "$db" "UPDATE leads SET title = '$1' WHERE external_id = 'W1';"; }
run w-first $M import "$db" leads "$tmp/w.csv"
hold_title held
run w-nowait $M import "$db" leads "$tmp/w.csv" --wait 0
release COMMIT
expect w-nowait <<'EOF'
--
mqlite import: database is locked
[exit 1]
EOF
same w-held "$(q "SELECT title FROM leads WHERE external_id = 'W1'")" "held"
# started while the lock is held, the import succeeds only by waiting for it
hold_title again
$M import "$db" leads "$tmp/w.csv" --wait 60 >"$tmp/w-wait.out" 2>&1 &
waiter=$!
sleep 1
release COMMIT
rc=0
wait "$waiter" || rc=$?
same w-wait "$(sed "s|$tmp|TMP|g" "$tmp/w-wait.out"; echo "[exit $rc]")" 'imported leads from TMP/w.csv: 0 new, 1 updated, 0 unchanged, 0 bad
[exit 0]'
same w-after "$(q "SELECT title FROM leads WHERE external_id = 'W1'")" "first"
same w-holder "$(cat "$tmp/hold.err")" ""

# ---- into an empty events table the quick rows are written as they are read;
# a bad row must still leave nothing behind (MQLITE-UNDO rolls it all back:
# the events, and the campaign a row would have added), and a row naming a
# campaign not stored yet goes the slow way, which adds it
u=$tmp/undo.db
$M init "$u" >/dev/null
printf 'external_id,created_at\nA,2025-01-01\nB,2025-01-02\n' >"$tmp/ul.csv"
$M import "$u" leads "$tmp/ul.csv" >/dev/null
printf 'lead,type,occurred_at,campaign\nA,page_view,2025-02-01 10:00:00,\nB,page_view,2025-02-01 10:00:00,\nZ,page_view,2025-02-01 10:00:00,\nA,demo,2025-02-02 10:00:00,newcamp\n' >"$tmp/ue.csv"
run undo $M import "$u" events "$tmp/ue.csv"
expect undo <<'EOF'
--
TMP/ue.csv:4: unknown lead 'Z' (import the leads first)
mqlite import: 1 of 4 rows is bad; nothing was imported (fix them, or import the others with --skip-bad)
[exit 1]
EOF
same undo-left "$(sqlite3 "$u" "SELECT (SELECT count(*) FROM events) || ' ' || (SELECT count(*) FROM campaigns)")" "0 0"
run undo-skip $M import "$u" events "$tmp/ue.csv" --skip-bad
expect undo-skip <<'EOF'
imported events from TMP/ue.csv: 3 new, 0 already stored, 1 bad
--
TMP/ue.csv:4: unknown lead 'Z' (import the leads first)
[exit 0]
EOF
same undo-skip-rows "$(sqlite3 "$u" "SELECT group_concat(l.external_id || ':' || e.type || ':' || coalesce(e.campaign, '-'), ' ') FROM events e JOIN leads l ON l.id = e.lead_id")" "A:page_view:- B:page_view:- A:demo:newcamp"
same undo-fk "$(sqlite3 "$u" "PRAGMA foreign_key_check")" ""

# (every reference the imports wrote stands)
same fk-check "$(q "PRAGMA foreign_key_check")" ""

[ "$fail" = 0 ]
