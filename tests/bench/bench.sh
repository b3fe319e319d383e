#!/bin/sh
# bench.sh — `make bench`: mqlite's speed against the same work done the plain
# ways, measured in one run as whole-process medians of RUNS runs (default 5),
# with peak memory, printed as a table of ratios. Not part of make test: wall
# times on these machines are noisy, so only ratios measured together count.
#
# Data comes from build/mqgen (seed 42) and is cached in build/bench/.
set -eu
runs=${RUNS:-5}
B=build/bench
mkdir -p "$B"
# A copy, so that rebuilding during a run does not mix two builds in one table.
mkdir -p "$B/ext"
cp build/mqlite.so "$B/ext/mqlite.so"
ext=$B/ext/mqlite
nohook=$B/nohook/mqlite
asof=2026-04-01

# gen FILE ARGS...: a generated database, made once
gen() {
    f=$B/$1
    shift
    if [ ! -f "$f" ]; then
        echo "bench: generating $f ($*) ..." >&2
        rm -f "$f.tmp"
        build/mqgen "$@" --db "$f.tmp"
        sqlite3 "$f.tmp" ".load $ext" \
            "INSERT INTO mqlite_rules(name, source) VALUES ('ref', readfile('tests/bench/ref.lua'))"
        mv "$f.tmp" "$f"
    fi
    sqlite3 "$f" "INSERT OR REPLACE INTO mqlite_rules(name, source) VALUES
        ('ref', readfile('tests/bench/ref.lua')), ('ref_lua', readfile('tests/bench/ref_lua.lua')),
        ('eng', readfile('tests/bench/eng.lua'))"
}
gen leads-1m-v2.db --leads 1000000 --seed 42
gen events-10m-v2.db --leads 1600000 --seed 42 --no-stages
[ "${BENCH_10M:-1}" = 1 ] && gen leads-10m-v2.db --leads 10000000 --seed 42 --no-events

# measure NAME CMD...: median wall seconds and peak RSS (MiB) of RUNS runs;
# the output of the first run is kept in $B/NAME.out to compare results.
# With $prep set, the command it names runs before each run, outside the
# timing (a fresh copy of a database, so that every run does the same work).
# A run that fails marks NAME failed (its row and target say so) and the
# bench goes on.
prep=""
measure() {
    name=$1
    shift
    i=0
    : >"$B/$name.times"
    rm -f "$B/$name.failed"
    while [ "$i" -lt "$runs" ]; do
        [ -z "$prep" ] || $prep
        if [ "$i" = 0 ]; then out=$B/$name.out; else out=/dev/null; fi
        if ! /usr/bin/time -f '%e %M' -o "$B/$name.t" "$@" >"$out"; then
            echo "bench: $name failed: $*" >&2
            : >"$B/$name.failed"
        fi
        # (after a failure, time's first line says so)
        tail -n 1 "$B/$name.t" >>"$B/$name.times"
        i=$((i + 1))
    done
    sort -n "$B/$name.times" | awk '{ t[NR] = $1; m = ($2 > m ? $2 : m) }
        END { med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.3f %.1f\n", med, m / 1024 }' \
        >"$B/$name.res"
}
sec() { cut -d' ' -f1 "$B/$1.res"; }
mib() { cut -d' ' -f2 "$B/$1.res"; }
failed() { [ -f "$B/$1.failed" ]; }
row() {
    if failed "$2"; then printf '%-50s %s\n' "$1" "FAILED (its output: $B/$2.out)"
    else printf '%-50s %9s s %9s MiB %8s\n' "$1" "$(sec "$2")" "$(mib "$2")" "$3"; fi
}
ratio() {
    if failed "$1" || failed "$2"; then printf 'failed'; return 0; fi
    awk -v a="$(sec "$1")" -v b="$(sec "$2")" 'BEGIN { printf "%.2f", a / b }'
}
# the same with three decimals, for a target a rounding could meet
ratio3() {
    if failed "$1" || failed "$2"; then printf 'failed'; return 0; fi
    awk -v a="$(sec "$1")" -v b="$(sec "$2")" 'BEGIN { printf "%.3f", a / b }'
}
same() {
    if cmp -s "$B/$1.out" "$B/$2.out"; then echo "  same results: $1 = $2"
    else echo "  DIFFERENT results: $1 vs $2"; diff "$B/$1.out" "$B/$2.out" | head -5; fi
}

L=$B/leads-1m-v2.db
E=$B/events-10m-v2.db
echo "bench: scoring 1,000,000 leads ..." >&2
measure lua sqlite3 "$L" ".load $ext" "SELECT stage, count(*), sum(score) FROM score_leads('ref', '$asof') GROUP BY stage ORDER BY stage"
measure case sh -c "sqlite3 '$L' < tests/bench/ref_case.sql | awk -F'|' '{ printf \"%s|%s|%.1f\\n\", \$1, \$2, \$3 }'"
measure json sqlite3 "$L" ".load $ext" "SELECT stage, count(*), sum(score) FROM (SELECT lead_stage('ref', s) AS stage, s AS score FROM (SELECT lead_score('ref', json_object('annual_revenue', annual_revenue, 'employees', employees, 'industry', industry, 'title', title, 'email', email, 'country', country, 'attrs', json(attrs))) AS s FROM leads)) GROUP BY stage ORDER BY stage"
if [ -x /usr/bin/python3 ]; then
    measure python /usr/bin/python3 tests/bench/ref_udf.py "$L"
else
    echo "bench: /usr/bin/python3 is missing: the Python UDF is skipped" >&2
fi
sed -i 's/\.0$/.0/' "$B/lua.out"
awk -F'|' '{ printf "%s|%s|%.1f\n", $1, $2, $3 }' "$B/lua.out" >"$B/lua.norm"
mv "$B/lua.norm" "$B/lua.out"
[ -f "$B/json.out" ] && awk -F'|' '{ printf "%s|%s|%.1f\n", $1, $2, $3 }' "$B/json.out" >"$B/json.n" && mv "$B/json.n" "$B/json.out"
[ -f "$B/python.out" ] && awk -F'|' '{ printf "%s|%s|%.1f\n", $1, $2, $3 }' "$B/python.out" >"$B/python.n" && mv "$B/python.n" "$B/python.out"

echo "bench: the instruction budget on a rule that runs Lua per lead ..." >&2
measure hook sqlite3 "$L" ".load $ext" "SELECT stage, count(*), sum(score) FROM score_leads('ref_lua', '$asof') GROUP BY stage"
measure nohook sqlite3 "$L" ".load $nohook" "SELECT stage, count(*), sum(score) FROM score_leads('ref_lua', '$asof') GROUP BY stage"

echo "bench: engagement over $(sqlite3 "$E" "SELECT count(*) FROM events") events ..." >&2
measure engage sqlite3 "$E" ".load $ext" "SELECT count(*), sum(e) FROM (SELECT engagement_score('eng', type, occurred_at, NULL, '$asof') AS e FROM events GROUP BY lead_id)"
measure engsql sqlite3 "$E" "SELECT count(*), sum(e) FROM (SELECT sum(CASE type WHEN 'page_view' THEN 1 WHEN 'email_open' THEN 2 WHEN 'email_click' THEN 3 WHEN 'whitepaper_download' THEN 10 WHEN 'webinar_registered' THEN 5 WHEN 'webinar_attended' THEN 15 WHEN 'pricing_page_visit' THEN 25 WHEN 'demo_request' THEN 50 ELSE 0 END * pow(0.5, (julianday('$asof') - julianday(occurred_at)) / 90.0)) AS e FROM events GROUP BY lead_id)"

echo "bench: funnel reports over 1,000,000 leads' stage history ..." >&2
measure funnel sqlite3 "$L" ".load $ext" "SELECT * FROM funnel()"
measure cohort sqlite3 "$L" ".load $ext" "SELECT * FROM cohort_conversion('MQL', 'SQL', 'month', 90)"
measure groupby sqlite3 "$L" "SELECT stage, count(*) FROM stage_history GROUP BY stage"
# attribution (issue 17): six models in one pass in lead order, against one
# model (linear) in plain SQL with window functions, no extension
measure attrsql sh -c "sqlite3 '$L' < tests/bench/attrib_linear.sql"
measure attrib sqlite3 "$L" ".load $ext" "SELECT model, count(*), sum(credit) FROM attribution('MQL') GROUP BY model"

if [ -f "$B/leads-10m-v2.db" ]; then
    # No GROUP BY here: SQLite's sorter for a GROUP BY grows with the rows
    # whoever computes them; this measures what scoring itself holds.
    echo "bench: scoring 10,000,000 leads against 1,000,000 (one run each, for memory) ..." >&2
    runs_saved=$runs
    runs=1
    measure mem1m sqlite3 "$L" ".load $ext" "SELECT count(*), sum(score) FROM score_leads('ref', '$asof')"
    measure mem10m sqlite3 "$B/leads-10m-v2.db" ".load $ext" "SELECT count(*), sum(score) FROM score_leads('ref', '$asof')"
    runs=$runs_saved
fi

# Import from CSV: mqgen's CSV files (seed 42), imported by `mqlite import` as
# a user runs it (all checks on) into a fresh copy of a database prepared
# before (init and campaigns; then leads; then events: not timed), against
# the sqlite3 shell's own .import of the same file into a new database. The
# re-imports read the file already stored: the nightly sync of an unchanged
# export.
C=$B/csv-200k
if [ ! -f "$C/events.csv" ]; then
    echo "bench: generating $C (200,000 leads, seed 42) ..." >&2
    rm -rf "$C"
    build/mqgen --leads 200000 --seed 42 --csv "$C" >/dev/null
fi
echo "bench: importing 200,000 leads and $(($(wc -l <"$C/events.csv") - 1)) events from CSV ..." >&2
MQLITE_EXT=$ext.so
export MQLITE_EXT
imp=$B/import
rm -rf "$imp"
mkdir -p "$imp"
scripts/mqlite init "$imp/campaigns.db" >/dev/null
scripts/mqlite import "$imp/campaigns.db" campaigns "$C/campaigns.csv" >/dev/null
cp "$imp/campaigns.db" "$imp/leads.db"
scripts/mqlite import "$imp/leads.db" leads "$C/leads.csv" >/dev/null
cp "$imp/leads.db" "$imp/events.db"
scripts/mqlite import "$imp/events.db" events "$C/events.csv" >/dev/null
raw_new() { rm -f "$imp/work.db"; }
from_campaigns() { cp "$imp/campaigns.db" "$imp/work.db"; }
from_leads() { cp "$imp/leads.db" "$imp/work.db"; }
from_events() { cp "$imp/events.db" "$imp/work.db"; }
prep=raw_new
measure rawleads sqlite3 "$imp/work.db" ".import --csv $C/leads.csv t"
measure rawevents sqlite3 "$imp/work.db" ".import --csv $C/events.csv t"
prep=from_campaigns
measure impleads scripts/mqlite import "$imp/work.db" leads "$C/leads.csv"
prep=from_leads
measure reimpleads scripts/mqlite import "$imp/work.db" leads "$C/leads.csv"
measure impevents scripts/mqlite import "$imp/work.db" events "$C/events.csv"
prep=from_events
measure reimpevents scripts/mqlite import "$imp/work.db" events "$C/events.csv"
prep=""
rm -f "$imp/work.db"

# Nightly scoring (issue 14), on the 1,000,000-lead database with the b2b
# sample rule (events, decay, caps, signals): a database scored once as of
# the day after its data ends (prepared, not timed); then 1 % of the leads
# get an event (a fresh copy each run), and the incremental run is timed
# against the full run (--all) of the same state, and so is the floor under
# it: plain sqlite3 writing only the rows those leads need (write_floor.sql,
# no mqlite). A run with nothing changed
# must leave the file as it was (its checksum before and after). The
# crossing moments: rule_moves with the current scores against score_leads
# alone, the same leads, events and explanations.
echo "bench: nightly scoring of 1,000,000 leads (1 % changed) ..." >&2
N=$B/nightly
rm -rf "$N"
mkdir -p "$N"
cp "$L" "$N/base.db"
scripts/mqlite init "$N/base.db" >/dev/null
sqlite3 "$N/base.db" "INSERT OR REPLACE INTO mqlite_rules(name, source) VALUES ('b2b', readfile('samples/rules/b2b.lua'))"
nasof=2026-04-02
scripts/mqlite score "$N/base.db" --rule b2b --as-of "$nasof" >/dev/null
one_percent() {
    cp "$N/base.db" "$N/work.db"
    sqlite3 "$N/work.db" "INSERT INTO events(lead_id, type, occurred_at)
        SELECT id, 'webinar_attended', '2026-04-01 12:00:00' FROM leads WHERE id % 100 = 7"
}
# what a run wrote: its moves and the current scores it changed
written() {
    sqlite3 "$N/work.db" "SELECT lead_id, stage, entered_at, source, reason FROM stage_history
        WHERE source LIKE 'rule:%' ORDER BY lead_id, entered_at, id;
        SELECT lead_id, score, grade, stage, explanation FROM score_current ORDER BY lead_id" | md5sum
}
prep=one_percent
measure scoreall scripts/mqlite score "$N/work.db" --rule b2b --as-of "$nasof" --all
written >"$N/all.sum"
# the floor under the incremental run: plain sqlite3 writing only the rows
# it must (a history row and the current row of each changed lead)
measure writefloor sh -c "sqlite3 '$N/work.db' < tests/bench/write_floor.sql"
# (last with this prep: the run with nothing changed starts from its file)
measure scoreinc scripts/mqlite score "$N/work.db" --rule b2b --as-of "$nasof"
written >"$N/inc.sum"
prep=""
if cmp -s "$N/all.sum" "$N/inc.sum"; then echo "  same results: the full and the incremental run wrote the same" >"$N/same"
else echo "  DIFFERENT results: the full and the incremental run wrote different rows" >"$N/same"; fi
before=$(md5sum <"$N/work.db")
measure scorenone scripts/mqlite score "$N/work.db" --rule b2b --as-of "$nasof"
after=$(md5sum <"$N/work.db")
if [ "$before" = "$after" ]; then unchanged=1; else unchanged=0; fi
measure scoreonly sqlite3 "$N/base.db" ".load $ext" "SELECT count(*), sum(score), sum(length(explanation)) FROM score_leads('b2b', '$nasof')"
measure scoremoves sqlite3 "$N/base.db" ".load $ext" "SELECT count(*), sum(score), sum(length(explanation)) FROM rule_moves('b2b', '$nasof', 1) WHERE kind = 'current'"
# judging the rule: each lead scored as of its decision, AUC, deciles, criteria
measure evaluate scripts/mqlite evaluate "$N/base.db" --rule b2b --to "$nasof" --format csv
# learning one: six fields and the event types (52 candidate criteria), the
# sales calls left out (a step of the way to SQL, which learn refuses)
measure learn scripts/mqlite learn "$N/base.db" --out "$N/learned.lua" --to "$nasof" --exclude event:sales_contact \
    --fields industry,source,cms,employees,annual_revenue,web_visits --format csv
rm -f "$N/work.db"

echo
printf 'mqlite bench: medians of %s whole-process runs, measured together (%s)\n\n' "$runs" "$(date -u +%Y-%m-%d)"
printf '%-50s %11s %13s %8s\n' "what" "time" "peak memory" "ratio"
echo "1. scoring 1,000,000 leads with a 10-criterion rule"
row "   SQL CASE expression (baseline)" case "1.00"
row "   mqlite: score_leads('ref'), rule in Lua" lua "$(ratio lua case)"
row "   mqlite: lead_score('ref', json_object(...))" json "$(ratio json case)"
[ -f "$B/python.res" ] && row "   Python UDF, /usr/bin/python3 sqlite3 module" python "$(ratio python case)"
echo "2. engagement: events of 1,600,000 leads, 8 types, 90-day half-life, by lead"
row "   plain SQL: CASE type ... END * pow(0.5, age/90)" engsql "1.00"
row "   mqlite: engagement_score('eng', ...)" engage "$(ratio engage engsql)"
echo "3. funnel reports over 1,000,000 leads' stage history"
row "   plain GROUP BY stage count (baseline)" groupby "1.00"
row "   mqlite: funnel()" funnel "$(ratio funnel groupby)"
row "   mqlite: cohort_conversion('MQL', 'SQL', 'month', 90)" cohort "$(ratio cohort groupby)"
row "   plain SQL linear attribution of MQLs (baseline)" attrsql "1.00"
row "   mqlite: attribution('MQL'), six models" attrib "$(ratio attrib attrsql)"
echo "4. the instruction budget, on a rule with a Lua function run per lead"
row "   without the budget hook (a bench-only build)" nohook "1.00"
row "   with the budget hook (as shipped)" hook "$(ratio hook nohook)"
sect=5
if [ -f "$B/mem10m.res" ]; then
    echo "5. memory: count(*), sum(score) of score_leads('ref'), one run each"
    row "   over 1,000,000 leads" mem1m "1.00"
    row "   over 10,000,000 leads (ratio of peak memory)" mem10m "$(awk -v a="$(mib mem10m)" -v b="$(mib mem1m)" 'BEGIN { printf "%.2f", a / b }')"
    sect=6
fi
echo "$sect. import from CSV: 200,000 leads and their 1.27 M events (mqgen seed 42)"
row "   sqlite3 .import --csv leads.csv (baseline)" rawleads "1.00"
row "   mqlite import leads (campaigns there)" impleads "$(ratio impleads rawleads)"
row "   mqlite import leads again, file unchanged" reimpleads "$(ratio reimpleads rawleads)"
row "   sqlite3 .import --csv events.csv (baseline)" rawevents "1.00"
row "   mqlite import events (leads there)" impevents "$(ratio impevents rawevents)"
row "   mqlite import events again, file unchanged" reimpevents "$(ratio reimpevents rawevents)"
echo "6. nightly scoring, 1,000,000 leads, b2b rule, 1 % of them with a new event"
row "   mqlite score --all (a full run, baseline)" scoreall "1.00"
row "   mqlite score (incremental: the changed leads)" scoreinc "$(ratio3 scoreinc scoreall)"
row "   plain sqlite3: only the rows those leads need" writefloor "$(ratio3 writefloor scoreall)"
row "   mqlite score again, nothing changed" scorenone "$(ratio scorenone scoreall)"
row "   score_leads: current scores only (baseline)" scoreonly "1.00"
row "   rule_moves(..., 1): scores and dated moves" scoremoves "$(ratio scoremoves scoreonly)"
row "   mqlite evaluate --rule b2b (vs score_leads)" evaluate "$(ratio evaluate scoreonly)"
row "   mqlite learn, 52 candidate criteria (vs score_leads)" learn "$(ratio learn scoreonly)"
echo "   (the run with nothing changed left the file $( [ "$unchanged" = 1 ] && echo unchanged || echo CHANGED ))"
echo
same lua case
cat "$N/same"
same scoreonly scoremoves
[ -f "$B/python.out" ] && same lua python
same lua json
echo
echo "targets:"
check() { if [ "$2" != failed ] && awk -v r="$2" -v t="$3" "BEGIN { exit !(r $4 t) }"; then echo "  PASS $1 ($2 $4 $3)"; else echo "  FAIL $1 ($2, target $4 $3)"; fi; }
check "Lua-rule scoring vs SQL CASE" "$(ratio lua case)" 1.0 "<="
[ -f "$B/python.res" ] && check "Python UDF vs Lua-rule scoring" "$(ratio python lua)" 3.0 ">="
check "engagement_score vs plain SQL" "$(ratio engage engsql)" 1.0 "<="
check "funnel() vs GROUP BY" "$(ratio funnel groupby)" 3.0 "<="
check "instruction budget overhead" "$(ratio hook nohook)" 1.10 "<="
check "import leads vs sqlite3 .import" "$(ratio impleads rawleads)" 3.0 "<="
check "re-import of unchanged leads vs sqlite3 .import" "$(ratio reimpleads rawleads)" 2.0 "<="
check "import events vs sqlite3 .import" "$(ratio impevents rawevents)" 3.0 "<="
check "re-import of unchanged events vs sqlite3 .import" "$(ratio reimpevents rawevents)" 2.0 "<="
check "incremental run after 1 % changed vs a full run" "$(ratio3 scoreinc scoreall)" 0.05 "<="
check "a run with nothing changed writes nothing (1 = the file is unchanged)" "$unchanged" 1 "=="
check "finding the moments: rule_moves with scores vs score_leads" "$(ratio scoremoves scoreonly)" 1.30 "<="
check "evaluate (point-in-time scores, AUC, criteria) vs a scoring pass" "$(ratio evaluate scoreonly)" 3.0 "<="
check "learn, 52 candidate criteria, vs a scoring pass" "$(ratio learn scoreonly)" 10.0 "<="
[ -f "$B/mem10m.res" ] && check "memory, 10M leads vs 1M" "$(awk -v a="$(mib mem10m)" -v b="$(mib mem1m)" 'BEGIN { printf "%.2f", a / b }')" 1.05 "<="
true
