#!/bin/sh
# test_import_multiset_quick.sh — events and stages take a quick way through the
# import's checks (the common rows: lead found, nothing to trim, the time as
# mqlite_date writes it, props empty or an object, a known stage) and the slow
# way for the rest. The two must agree exactly: each step below is imported
# twice, into two copies of one database, with the quick way and with
# MQLITE_IMPORT_QUICK=0 (every row the slow way), and the messages, the events,
# campaigns and stage entries must be the same. The steps are made to hit each branch: repeats in a file, stored and
# new rows mixed, a repeat of a stored row beside a new one, a row identical
# to one that must go the slow way (a space to trim, another time format),
# props with other spacing or key order, event ids, dmy times, extra columns,
# bad rows; for stages, --date and --stage too. The counts of each step are
# asserted too.
set -eu
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh
skip_under_valgrind import_multiset_quick
T=multiset_quick
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
M=scripts/mqlite
fail=0
# (every sqlite3 of the quick runs logs its SQL, to check the quick way ran)
cat >"$tmp/sq" <<'SH'
#!/bin/sh
tee -a "$QUICK_SQL" | sqlite3 "$@"
SH
chmod +x "$tmp/sq"
QUICK_SQL=$tmp/sql.log
export QUICK_SQL
printf 'external_id,created_at\nQ1,2025-01-01\nQ2,2025-01-01\nQ3,2025-01-01\n' >"$tmp/leads.csv"
$M init "$tmp/quick.db" >/dev/null
$M import "$tmp/quick.db" leads "$tmp/leads.csv" >/dev/null
cp "$tmp/quick.db" "$tmp/slow.db"

# dump DB: what the import wrote (the order of identical rows aside)
dump() {
    sqlite3 "$1" "SELECT l.external_id, e.type, e.occurred_at, coalesce(e.campaign, '-'), coalesce(e.props, '-'), coalesce(e.external_id, '-')
                  FROM events e JOIN leads l ON l.id = e.lead_id ORDER BY 1, 2, 3, 4, 5, 6;
                  SELECT id FROM campaigns ORDER BY id;
                  SELECT l.external_id, h.stage, h.entered_at, coalesce(h.source, '-'), coalesce(h.reason, '-')
                  FROM stage_history h JOIN leads l ON l.id = h.lead_id ORDER BY 1, 2, 3, 4, 5"
}
kind=events
# step NAME FILE ARGS...: import FILE both ways; the quick run's messages
# go to NAME.got (check.sh's run), compared with the slow run's (NAME.slow.got)
# and then with expect. (run sets name and rc, so step keeps its own s.)
step() {
    s=$1 f=$2
    shift 2
    : >"$QUICK_SQL"
    run "$s" env SQLITE3="$tmp/sq" $M import "$tmp/quick.db" "$kind" "$tmp/$f" "$@"
    run "$s.slow" env MQLITE_IMPORT_QUICK=0 $M import "$tmp/slow.db" "$kind" "$tmp/$f" "$@"
    if ! diff -u "$tmp/$s.slow.got" "$tmp/$s.got"; then bad "$s: the quick way's messages differ"; fi
    dump "$tmp/slow.db" >"$tmp/$s.dslow"
    dump "$tmp/quick.db" >"$tmp/$s.dquick"
    if ! diff -u "$tmp/$s.dslow" "$tmp/$s.dquick"; then bad "$s: the quick way wrote other rows"; fi
}
# quick_ran NAME: the quick way was taken (or, with "no", not: the file has
# columns it does not handle)
quick_ran() {
    n=$(grep -c 'CREATE TEMP VIEW k AS' "$QUICK_SQL" || :)
    if [ "${2:-yes}" = yes ] && [ "$n" = 0 ]; then bad "$1: the quick way did not run"; fi
    if [ "${2:-yes}" = no ] && [ "$n" != 0 ]; then bad "$1: the quick way ran"; fi
}

# 1. into an empty table: repeats (the same props with other spacing too),
# a lead with a space before it, a time in another ISO form beside the same
# time as stored, a new campaign, bad rows
cat >"$tmp/e1.csv" <<'CSV'
lead,type,occurred_at,campaign,props
Q1,page_view,2025-03-01 10:00:00,,"{""url"":""/a""}"
Q1,page_view,2025-03-01 10:00:00,,"{""url"":""/a""}"
Q1,page_view,2025-03-01 10:00:00,,"{""url"": ""/a""}"
Q2,email_open,2025-03-02 09:00:00,C9,
 Q2,email_open,2025-03-02 09:00:00,,
Q3,demo,2025-03-03T08:00:00,,
Q3,demo,2025-03-03 08:00:00,,
Q9,demo,2025-03-03 08:00:00,,
Q1,,2025-03-04 00:00:00,,
Q1,click,not a date,,
Q1,click,2025-03-05 00:00:00,,[1]
Q2,click,2025-03-06 00:00:00,,"{""b"":1,""a"":2}"
CSV
# (the bad rows of e1.csv, reported the same by every import of it)
e1_bad="TMP/e1.csv:9: unknown lead 'Q9' (import the leads first)
TMP/e1.csv:10: type is empty
TMP/e1.csv:11: occurred_at 'not a date' is not a date (iso)
TMP/e1.csv:12: props is not a JSON object"
step first e1.csv --skip-bad
quick_ran first
expect first <<OUT
imported events from TMP/e1.csv: 8 new, 0 already stored, 4 bad
--
$e1_bad
[exit 0]
OUT
# 2. the same file again: nothing new
step again e1.csv --skip-bad
expect again <<OUT
imported events from TMP/e1.csv: 0 new, 8 already stored, 4 bad
--
$e1_bad
[exit 0]
OUT
# 3. an overlapping file: a fourth copy of a row stored three times, props
# in another key order (not identical) and in the stored order, the stored
# pair of demos with a third and one of them with a space to trim, a row
# stored with other spacing in its props (by another tool), two new rows
# identical but for their campaigns
for d in quick slow; do
    sqlite3 "$tmp/$d.db" "INSERT INTO events(lead_id, type, occurred_at, props)
                          SELECT id, 'spaced', '2025-03-10 00:00:00', '{\"u\": 1}' FROM leads WHERE external_id = 'Q1'"
done
cat >"$tmp/e3.csv" <<'CSV'
lead,type,occurred_at,campaign,props
Q1,page_view,2025-03-01 10:00:00,,"{""url"":""/a""}"
Q1,page_view,2025-03-01 10:00:00,,"{""url"":""/a""}"
Q1,page_view,2025-03-01 10:00:00,,"{""url"":""/a""}"
Q1,page_view,2025-03-01 10:00:00,,"{""url"":""/a""}"
Q2,click,2025-03-06 00:00:00,,"{""a"":2,""b"":1}"
Q2,click,2025-03-06 00:00:00,,"{""b"":1,""a"":2}"
Q3,demo,2025-03-03 08:00:00,,
Q3,demo,2025-03-03 08:00:00 ,,
Q3,demo,2025-03-03 08:00:00,,
Q2,email_open,2025-03-02 09:00:00,C9,
Q1,spaced,2025-03-10 00:00:00,,"{""u"":1}"
Q1,visit,2025-03-07 00:00:00,C10,
Q1,visit,2025-03-07 00:00:00,C11,
CSV
step overlap e3.csv
quick_ran overlap
expect overlap <<'OUT'
imported events from TMP/e3.csv: 5 new, 8 already stored, 0 bad
--
[exit 0]
OUT
# 4. day-first times (every row the slow way) beside the stored visits
printf 'lead,type,occurred_at\nQ1,visit,07/03/2025 00:00\nQ1,visit,07/03/2025\nQ1,visit,07/03/2025\nQ2,open,08/03/2025\n' >"$tmp/e4.csv"
step dmy e4.csv --date-format dmy
expect dmy <<'OUT'
imported events from TMP/e4.csv: 2 new, 2 already stored, 0 bad
--
[exit 0]
OUT
# 5. event ids (the slow way): a repeated id is bad, an empty one goes by
# content
printf 'lead,type,occurred_at,event_id\nQ1,call,2025-03-09 00:00:00,E1\nQ1,call,2025-03-09 00:00:00,E1\nQ1,call,2025-03-09 00:00:00,\n' >"$tmp/e5.csv"
step ids e5.csv --skip-bad
quick_ran ids no
expect ids <<'OUT'
imported events from TMP/e5.csv: 2 new, 0 already stored, 1 bad
--
TMP/e5.csv:3: event 'E1' appears again (first at line 2)
[exit 0]
OUT
# 6. the overlapping file again, and the first: nothing new
step overlap-again e3.csv
expect overlap-again <<'OUT'
imported events from TMP/e3.csv: 0 new, 13 already stored, 0 bad
--
[exit 0]
OUT
step first-last e1.csv --skip-bad
expect first-last <<OUT
imported events from TMP/e1.csv: 0 new, 8 already stored, 4 bad
--
$e1_bad
[exit 0]
OUT
# 7. an extra column (its values go into props: the slow way)
printf 'lead,type,occurred_at,props,channel\nQ1,page_view,2025-03-01 10:00:00,"{""url"":""/a""}",web\n' >"$tmp/e7.csv"
step extra e7.csv
quick_ran extra no
expect extra <<'OUT'
imported events from TMP/e7.csv: 1 new, 0 already stored, 0 bad
--
[exit 0]
OUT
# 8. one quick row stored once and a row identical to it that must go the
# slow way (a space to trim): the pair is ranked together, one is new
printf 'lead,type,occurred_at,campaign,props\nQ1,spaced,2025-03-10 00:00:00,,"{""u"":1}"\nQ1 ,spaced,2025-03-10 00:00:00,,"{""u"":1}"\n' >"$tmp/e8.csv"
step pair e8.csv
quick_ran pair
expect pair <<'OUT'
imported events from TMP/e8.csv: 1 new, 1 already stored, 0 bad
--
[exit 0]
OUT
# 9. a bad row refuses the file both ways, and nothing is written
step refused e1.csv
expect refused <<OUT
--
$e1_bad
mqlite import: 4 of 12 rows are bad; nothing was imported (fix them, or import the others with --skip-bad)
[exit 1]
OUT
[ "$(sqlite3 "$tmp/quick.db" "SELECT count(*) FROM events")" = 20 ] || bad "total"

# ---- stages: the same, keyed by lead, stage and time ------------------------
# 10. props at the edges of the quick way's JSON test (mqlite_rows_plain):
# nesting deeper than it follows (SQLite takes it: the slow way), every kind
# of value and escape (the quick way), and objects SQLite refuses (a leading
# zero, a trailing comma, an unknown escape, text after the object), which
# are bad rows either way; then the same file again, into a table with events
deep=1
i=0
while [ $i -lt 40 ]; do deep="{\"\"k\"\":$deep}" i=$((i + 1)); done
cat >"$tmp/e10.csv" <<CSV
lead,type,occurred_at,campaign,props
Q2,deep,2025-04-01 00:00:00,,"$deep"
Q2,values,2025-04-01 00:00:00,,"{""n"":-0.5e+3,""t"":true,""f"":false,""z"":null,""s"":""\u00e9\n"",""a"":[1,{}, []]}"
Q2,zero,2025-04-01 00:00:00,,"{""a"":01}"
Q2,comma,2025-04-01 00:00:00,,"{""a"":1,}"
Q2,escape,2025-04-01 00:00:00,,"{""a"":""x\q""}"
Q2,after,2025-04-01 00:00:00,,"{""a"":1}x}"
CSV
# (the same four bad rows both times, lines 4 to 7)
edges_bad=$(for l in 4 5 6 7; do echo "TMP/e10.csv:$l: props is not a JSON object"; done)
step edges e10.csv --skip-bad
quick_ran edges
expect edges <<OUT
imported events from TMP/e10.csv: 2 new, 0 already stored, 4 bad
--
$edges_bad
[exit 0]
OUT
step edges-again e10.csv --skip-bad
expect edges-again <<OUT
imported events from TMP/e10.csv: 0 new, 2 already stored, 4 bad
--
$edges_bad
[exit 0]
OUT
kind=stages
# 1. repeats, a stage with a space before it, an alias in lower case, the
# same entry with its time in another form, bad rows (before the lead was
# created, an unknown stage, an unknown lead, an empty stage, an empty lead)
cat >"$tmp/s1.csv" <<'CSV'
lead,stage,entered_at,source,reason
Q1,MQL,2025-03-01 00:00:00,crm,
Q1,MQL,2025-03-01 00:00:00,crm,
Q1, SQL,2025-03-02 00:00:00,,
Q2,mql,2025-03-01 00:00:00,,why
Q2,MQL,2025-03-01T00:00:00,,
Q3,MQL,2024-12-01 00:00:00,,
Q3,nosuch,2025-03-01 00:00:00,,
Q9,MQL,2025-03-01 00:00:00,,
Q1,,2025-03-01 00:00:00,,
,MQL,2025-03-01 00:00:00,,
CSV
s1_bad="TMP/s1.csv:7: MQL at 2024-12-01 00:00:00 is before the lead was created (2025-01-01 00:00:00)
TMP/s1.csv:8: unknown stage 'nosuch' (add it to mqlite_stages or mqlite_stage_aliases)
TMP/s1.csv:9: unknown lead 'Q9' (import the leads first)
TMP/s1.csv:10: stage is empty
TMP/s1.csv:11: lead is empty"
step st-first s1.csv --skip-bad
quick_ran st-first
expect st-first <<OUT
imported stages from TMP/s1.csv: 5 new, 0 already stored, 5 bad
--
$s1_bad
[exit 0]
OUT
step st-again s1.csv --skip-bad
expect st-again <<OUT
imported stages from TMP/s1.csv: 0 new, 5 already stored, 5 bad
--
$s1_bad
[exit 0]
OUT
# 2. overlapping: a third copy of a pair stored (another source: the same
# entry), the stored pair of Q2 with one of them to trim, a stored entry
# alone, a new one
cat >"$tmp/s3.csv" <<'CSV'
lead,stage,entered_at,source,reason
Q1,MQL,2025-03-01 00:00:00,other,
Q1,MQL,2025-03-01 00:00:00,,
Q1,MQL,2025-03-01 00:00:00,,
Q2,MQL,2025-03-01 00:00:00,,
Q2,MQL ,2025-03-01 00:00:00,,
Q1,SQL,2025-03-02 00:00:00,,
Q3,won,2025-03-05 00:00:00,,
CSV
step st-overlap s3.csv
quick_ran st-overlap
expect st-overlap <<'OUT'
imported stages from TMP/s3.csv: 2 new, 5 already stored, 0 bad
--
[exit 0]
OUT
# 3. --date for a file without dates (the slow way), --stage for one
# without stages (the quick way)
printf 'lead,stage\nQ3,won\nQ2,won\n' >"$tmp/s4.csv"
step st-date s4.csv --date 2025-04-01
quick_ran st-date no
expect st-date <<'OUT'
imported stages from TMP/s4.csv: 1 new, 1 already stored, 0 bad
--
[exit 0]
OUT
printf 'lead,entered_at\nQ3,2025-03-06 00:00:00\nQ3,2025-03-05 00:00:00\n' >"$tmp/s5.csv"
step st-const s5.csv --stage won
quick_ran st-const
expect st-const <<'OUT'
imported stages from TMP/s5.csv: 1 new, 1 already stored, 0 bad
--
[exit 0]
OUT
step st-const-again s5.csv --stage won
expect st-const-again <<'OUT'
imported stages from TMP/s5.csv: 0 new, 2 already stored, 0 bad
--
[exit 0]
OUT
# 4. a stored entry, once the quick way and once with a space to trim
printf 'lead,stage,entered_at\nQ1,SQL ,2025-03-02 00:00:00\nQ1,SQL,2025-03-02 00:00:00\n' >"$tmp/s6.csv"
step st-pair s6.csv
quick_ran st-pair
expect st-pair <<'OUT'
imported stages from TMP/s6.csv: 1 new, 1 already stored, 0 bad
--
[exit 0]
OUT
[ "$(sqlite3 "$tmp/quick.db" "SELECT count(*) FROM stage_history")" = 10 ] || bad "st-total"
# events and stages are written with SQLite's foreign-key checks off (the
# import's own checks found every lead and campaign): none may be missing
for db in quick slow; do
    [ -z "$(sqlite3 "$tmp/$db.db" "PRAGMA foreign_key_check")" ] || bad "fk-$db: a row names a lead or campaign that is not there"
done
exit $fail
