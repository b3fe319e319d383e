#!/bin/sh
# test_citizen.sh — a database mqlite made is a good citizen: every table
# reads in a plain sqlite3 shell that never loaded mqlite, nothing stored (no
# view, trigger, CHECK, DEFAULT) calls an mqlite function, sqlite-utils lists,
# counts, transforms and inserts into it, and mqlite gives the same numbers
# afterwards. A database made by an older mqlite (its five stored views,
# tests/fixtures/old-views.sql) fails the same checks until `mqlite init`
# drops them, which it says in one line, once.
set -eu
T=citizen
ext=${MQLITE_EXT:-build/mqlite.so}
mqgen=${MQGEN:-build/mqgen}
SQ=${SQLITE3:-sqlite3}
M=scripts/mqlite
export MQLITE_EXT="$ext"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh
# the shell that never loads mqlite, with the same safety as the scripts'
plain() { timeout 120 "$SQ" -batch -bail -init /dev/null "$@"; }
# loaded() DB SQL...: the same with mqlite loaded
loaded() { db=$1; shift; timeout 120 "$SQ" -batch -bail -init /dev/null "$db" ".load ${ext%.so}" "$@"; }

# reads_plain DB: every table and view of DB, read whole by a shell without
# mqlite (the statements are made by SQL from sqlite_schema, with %w quoting)
reads_plain() {
    plain "$1" "SELECT printf('SELECT %Q, count(*) FROM (SELECT * FROM \"%w\");', name, name)
                FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name" >"$tmp/reads.sql"
    plain "$1" ".read $tmp/reads.sql" >"$tmp/reads.out" 2>&1
}

# mqlite's own functions and table-valued functions: those a loaded shell has
# and a plain one lacks
names="SELECT name FROM pragma_function_list UNION SELECT name FROM pragma_module_list ORDER BY 1"
plain :memory: "$names" >"$tmp/f.plain"
loaded :memory: "$names" >"$tmp/f.loaded"
comm -13 "$tmp/f.plain" "$tmp/f.loaded" >"$tmp/f.mqlite"
n=$(wc -l <"$tmp/f.mqlite")
[ "$n" -ge 40 ] || bad "only $n mqlite functions found (the list is made wrong)"
grep -qx funnel "$tmp/f.mqlite" || bad "funnel is not among mqlite's functions"
# calls DB: every stored object whose SQL names an mqlite function and "("
calls() {
    plain "$1" ".mode list" "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL" >"$tmp/schema.txt"
    : >"$tmp/calls"
    while IFS= read -r f; do
        # (a word of its own: "(^|[^a-z0-9_])funnel *\(")
        if grep -Eiq "(^|[^a-z0-9_])$f *\\(" "$tmp/schema.txt"; then echo "$f" >>"$tmp/calls"; fi
    done <"$tmp/f.mqlite"
}

# ---- a generated CRM, initialised, scored ---------------------------------------------
db=$tmp/crm.db
"$mqgen" --leads 300 --seed 7 --db "$db" 2>/dev/null
"$M" init "$db" --samples >/dev/null
"$M" score "$db" --rule b2b --as-of 2026-01-01 >/dev/null
[ "$(plain "$db" "SELECT count(*) FROM scores")" = 300 ] || bad "the scored CRM has no 300 scores"

# 1. nothing stored calls mqlite; the control: the old views do
calls "$db"
[ -s "$tmp/calls" ] && bad "stored objects call mqlite functions: $(tr '\n' ' ' <"$tmp/calls")"
[ "$(plain "$db" "SELECT count(*) FROM sqlite_schema WHERE type = 'view'")" = 0 ] || bad "mqlite stored a view"
# 2. every table reads whole in a shell without mqlite
if reads_plain "$db"; then
    grep -q "^leads|300$" "$tmp/reads.out" || bad "the plain shell did not count 300 leads: $(head -3 "$tmp/reads.out")"
    grep -q "^scores|300$" "$tmp/reads.out" || bad "the plain shell did not count 300 scores"
else
    bad "a plain shell cannot read the database: $(tail -1 "$tmp/reads.out")"
fi
[ "$(plain "$db" "PRAGMA integrity_check")" = ok ] || bad "integrity_check"

# ---- 3. an older mqlite's database: fails without mqlite until init drops the views -----
old=$tmp/old.db
cp "$db" "$old"
plain "$old" ".read tests/fixtures/old-views.sql"
calls "$old"
[ "$(tr '\n' ' ' <"$tmp/calls")" = "click_rate click_to_open_rate cohort_conversion conversion_rate cost_per_mql email_benchmark funnel open_rate response_rate speed_to_lead stage_name stage_rank " ] ||
    bad "control: the old views' mqlite calls were not all found: $(tr '\n' ' ' <"$tmp/calls")"
if reads_plain "$old"; then bad "control: a plain shell read the old views that call mqlite"; fi
grep -q 'no such function: ' "$tmp/reads.out" ||
    bad "control: the plain shell failed otherwise: $(tail -1 "$tmp/reads.out")"
"$M" init "$old" >"$tmp/init.out"
[ "$(head -n 1 "$tmp/init.out")" = "mqlite init: dropped the stored views campaign_report, funnel_by_source, lead_current_stage, mql_to_sql_by_month, speed_to_lead_by_owner from $old (schema/views.sql makes them as TEMP views)" ] ||
    bad "init on an old database said: $(head -n 1 "$tmp/init.out")"
[ "$(wc -l <"$tmp/init.out")" = 2 ] || bad "init on an old database said more than two lines"
"$M" init "$old" >"$tmp/init2.out"
grep -q dropped "$tmp/init2.out" && bad "init dropped views again: $(cat "$tmp/init2.out")"
reads_plain "$old" || bad "after init, a plain shell cannot read the old database: $(tail -1 "$tmp/reads.out")"
# a user's own view of one of those names, with other SQL, stays
cp "$db" "$tmp/mine.db"
plain "$tmp/mine.db" "CREATE VIEW campaign_report AS SELECT id AS campaign FROM campaigns"
"$M" init "$tmp/mine.db" >"$tmp/init3.out"
grep -q dropped "$tmp/init3.out" && bad "init dropped a user's own view named campaign_report"
[ "$(plain "$tmp/mine.db" "SELECT count(*) FROM sqlite_schema WHERE name = 'campaign_report'")" = 1 ] || bad "the user's campaign_report is gone"
# and mqlite campaigns reads its own TEMP view, not the user's
"$M" campaigns "$tmp/mine.db" --format csv >"$tmp/camp.csv"
head -n 1 "$tmp/camp.csv" | grep -q '^campaign,channel,sent,' || bad "campaigns beside a user's campaign_report: $(head -n 1 "$tmp/camp.csv")"

# ---- 4. sqlite-utils lists, counts, transforms and inserts; mqlite still agrees ----------
if ! command -v sqlite-utils >/dev/null 2>&1; then
    missing "the sqlite-utils part: sqlite-utils is missing (make deps-test installs it)"
else
    su() { timeout 120 env -u LD_PRELOAD sqlite-utils "$@"; }
    numbers() {
        "$M" funnel "$1" --format csv >"$2.funnel"
        loaded "$1" "SELECT count(*), sum(score), sum(grade = 'A+') FROM score_leads('b2b', '2026-01-01') WHERE lead_id <= 300" >"$2.score"
    }
    numbers "$db" "$tmp/before"
    [ "$(su views "$db" --counts)" = "[]" ] || bad "sqlite-utils views --counts: $(su views "$db" --counts 2>&1 | tail -1)"
    su tables "$db" --counts >"$tmp/tables.json" 2>&1 || bad "sqlite-utils tables --counts: $(tail -1 "$tmp/tables.json")"
    grep -q '{"table": "leads", "count": 300}' "$tmp/tables.json" || bad "sqlite-utils tables --counts lacks leads 300: $(head -3 "$tmp/tables.json")"
    printf '[{"id": 100001, "created_at": "2025-05-01 10:00:00", "email": "new@example.com", "linkedin": "in/new"}]\n' >"$tmp/new.json"
    su insert "$db" leads "$tmp/new.json" --alter >"$tmp/su.out" 2>&1 || bad "sqlite-utils insert --alter: $(tail -1 "$tmp/su.out")"
    # a rename (of a column mqlite does not read: one that reads a column
    # renamed away says so) and a type change, in one rebuild of leads
    su transform "$db" leads --rename linkedin linkedin_url --type employees float >"$tmp/su.out" 2>&1 ||
        bad "sqlite-utils transform leads --rename --type: $(tail -1 "$tmp/su.out")"
    [ "$(plain "$db" "SELECT count(*), max(linkedin_url), typeof(max(employees)) FROM leads")" = "301|in/new|real" ] ||
        bad "after sqlite-utils: $(plain "$db" "SELECT count(*), max(linkedin_url), typeof(max(employees)) FROM leads" 2>&1)"
    # transform rebuilds leads without its triggers: init makes them again
    "$M" init "$db" >/dev/null
    [ "$(plain "$db" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'leads' ORDER BY name)")" = "leads_changed leads_deleted" ] ||
        bad "mqlite init did not make the triggers of leads again after the transform"
    numbers "$db" "$tmp/after"
    cmp -s "$tmp/before.funnel" "$tmp/after.funnel" || bad "the funnel changed after sqlite-utils: $(diff "$tmp/before.funnel" "$tmp/after.funnel" | head -5)"
    cmp -s "$tmp/before.score" "$tmp/after.score" || bad "the scores changed after sqlite-utils: $(cat "$tmp/before.score") then $(cat "$tmp/after.score")"
    "$M" score "$db" --rule b2b --as-of 2026-01-01 >"$tmp/score.out" 2>&1 || bad "mqlite score after sqlite-utils: $(tail -1 "$tmp/score.out")"
    # (a full run: the rebuilt table is not the one the last run read; only
    # the new lead's score is new)
    [ "$(head -n 1 "$tmp/score.out")" = "scored 301 leads with rule b2b version 1 (full run); 1 score changed" ] ||
        bad "mqlite score after sqlite-utils: $(head -1 "$tmp/score.out")"
    reads_plain "$db" || bad "after sqlite-utils, a plain shell cannot read the database: $(tail -1 "$tmp/reads.out")"
fi

[ "$fail" = 0 ] && echo "test_citizen: a database mqlite made reads without mqlite, and sqlite-utils works on it"
exit $fail
