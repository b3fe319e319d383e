#!/bin/sh
# test_options.sh — the one option parser of the scripts (mq_parse in
# scripts/mqlite-common.sh) and what the scripts now ask the extension:
# --opt=value is --opt value; -- ends the options; a value may start with
# '-'; unknown options and misused flags are usage errors worded the same in
# every subcommand; each --help lists exactly the options its subcommand
# takes; --by is checked by the extension; a rule name is checked by the
# schema where it is stored; report draws the MQL line at lead_threshold().
# Run from the repository root.
set -eu
# (the parser is shell; what it asks the extension runs under valgrind in the
# SQL tests and test_cli.sh, and this test took under it almost three minutes)
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh
skip_under_valgrind options
. tests/scripts/fixture.sh
M=$(pwd)/scripts/mqlite
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL options: $*"; fail=1; }
# ran CMD...: its exit status in $rc, stdout in $tmp/out, stderr in $tmp/err
ran() { rc=0; "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?; }
# is CASE RC STDERR: the last run exited RC with exactly STDERR
is() {
    [ "$rc" = "$2" ] || bad "$1: exit $rc, expected $2 (stderr: $(cat "$tmp/err"))"
    [ "$(cat "$tmp/err")" = "$3" ] || bad "$1: stderr [$(cat "$tmp/err")], expected [$3]"
}
db=$tmp/crm.db
mq_fixture "$db"
subs="init import export rule score funnel conversion campaigns sla calibrate evaluate learn report digest accounts attribution deals assignments"

# ---- 1. --opt=value is --opt value ---------------------------------------------
"$M" funnel "$db" --by owner --format csv >"$tmp/a"
ran "$M" funnel "$db" --by=owner --format=csv
is "funnel --by=owner --format=csv" 0 ""
cmp -s "$tmp/a" "$tmp/out" || bad "funnel --by=owner differs from --by owner"
"$M" calibrate "$db" --rule b2b --as-of 2025-03-01 --thresholds 0,50,100 --format json >"$tmp/a"
ran "$M" calibrate "$db" --rule=b2b --as-of=2025-03-01 --thresholds=0,50,100 --format=json
cmp -s "$tmp/a" "$tmp/out" || bad "calibrate with --opt=value differs"
# a value holding '=' keeps it (split at the first '=')
"$M" import "$db" events tests/fixtures/events.csv --map lead=nope 2>"$tmp/a" || :
ran "$M" import "$db" events tests/fixtures/events.csv --map=lead=nope
is "import --map=lead=nope" 1 "$(cat "$tmp/a")"
grep -q "no column 'nope'" "$tmp/err" || bad "import --map=lead=nope: $(cat "$tmp/err")"
# an empty value is a value
ran "$M" funnel "$db" --format=
is "--format=" 2 "mqlite funnel: --format expects table, csv, json, markdown or html, found ''
(see mqlite funnel --help)"
ran "$M" funnel "$db" --wait=0 --timeout=soon
is "--timeout=soon" 2 "mqlite funnel: --timeout (or MQLITE_TIMEOUT) expects whole seconds, found 'soon'
(see mqlite funnel --help)"

# ---- 2. -- ends the options ------------------------------------------------------
mkdir "$tmp/w"
(cd "$tmp/w" && "$M" init -- -x.db >"$tmp/out" 2>"$tmp/err") || bad "init -- -x.db: $(cat "$tmp/err")"
[ -f "$tmp/w/-x.db" ] || bad "init -- -x.db made no file -x.db"
(cd "$tmp/w" && "$M" campaigns --format csv -- -x.db >"$tmp/out" 2>"$tmp/err") || bad "campaigns -- -x.db: $(cat "$tmp/err")"
ran "$M" funnel -- "$db" --format
is "funnel -- DB --format" 2 "mqlite funnel: one database only
(see mqlite funnel --help)"
# after --, -h is an argument, not the help
ran "$M" funnel "$db" -- -h
is "funnel DB -- -h" 2 "mqlite funnel: one database only
(see mqlite funnel --help)"

# ---- 3. a value that starts with '-' -----------------------------------------------
"$M" campaigns "$db" --campaign -x --format csv >"$tmp/a" 2>"$tmp/err" || bad "--campaign -x: $(cat "$tmp/err")"
[ ! -s "$tmp/a" ] || bad "--campaign -x found a campaign: $(cat "$tmp/a")"
ran "$M" campaigns "$db" --campaign=-x
is "--campaign=-x" 0 ""
ran "$M" funnel "$db" --from --to
is "funnel --from --to" 1 "mqlite funnel: --from expects a date (YYYY-MM-DD, an ISO-8601 date and time, or unix seconds; years 0 to 9999), found '--to'"
"$M" rule "$db" add -- -r tests/fixtures/rule-small.lua >/dev/null 2>"$tmp/err" || bad "rule add -- -r: $(cat "$tmp/err")"
ran "$M" score "$db" --rule -r --dry-run
is "score --rule -r" 0 ""

# ---- 4. unknown options, flags with values, missing values: every subcommand -------
for s in $subs; do
    for o in --x --x=1 -x; do
        ran "$M" "$s" "$db" "$o"
        is "$s $o" 2 "mqlite $s: unknown option ${o%%=*}
(see mqlite $s --help)"
    done
    ran "$M" "$s" "$db" --wait
    is "$s --wait" 2 "mqlite $s: --wait needs a value
(see mqlite $s --help)"
done
ran "$M" score "$db" --rule b2b --dry-run=yes
is "--dry-run=yes" 2 "mqlite score: --dry-run takes no value
(see mqlite score --help)"
ran "$M" init "$db" --samples=1
is "--samples=1" 2 "mqlite init: --samples takes no value
(see mqlite init --help)"
ran "$M" score
is "score without a database" 2 "mqlite score: which database?
(see mqlite score --help)"
ran "$M" import "$db" leads
is "import without a file" 2 "mqlite import: expected DB KIND FILE
(see mqlite import --help)"

# ---- 5. --help is true: the options it lists are the ones the parser takes --------
# (the parser's: the words of the subcommand's mq_parse line, and the shared
# --wait, --timeout and --help; the help's: every --NAME that starts an
# option line, "--from, --to DATE" giving two)
for s in $subs; do
    spec=$(sed -n "s/^mq_parse '\([^']*\)'.*/\1/p" "scripts/mqlite-$s")
    [ -n "$spec" ] || { bad "$s: no mq_parse line"; continue; }
    for w in $spec --wait --timeout --help; do echo "${w%%=*}"; done | sort -u >"$tmp/parser"
    "$M" "$s" --help | sed -n 's/^  \(--[a-z][-a-z]*\)\(, \(--[a-z][-a-z]*\)\)\{0,1\}.*/\1 \3/p; s/^  -h, \(--help\).*/\1/p' |
        tr ' ' '\n' | sed '/^$/d' | sort -u >"$tmp/help"
    diff "$tmp/parser" "$tmp/help" >"$tmp/d" || bad "$s --help lists other options than it takes: $(cat "$tmp/d")"
    "$M" "$s" --help | head -n 1 | grep -q "^usage: mqlite $s " || bad "$s --help: first line"
done

# ---- 6. --by: any column of leads or attrs key, checked by the extension ------------
# (test_groupby.sh has the reports' outputs and the hostile names)
by_err() {
    printf "mqlite %s: --by '%s' is neither a column of leads (id, external_id, created_at, email, company, industry, employees, annual_revenue, country, title, source, campaign, owner, attrs) nor a key of any lead's attrs (cms, web_visits)" "$1" "$2"
}
ran "$M" funnel "$db" --by nope
is "funnel --by nope" 1 "$(by_err funnel nope)"
ran "$M" sla "$db" --by ''
is "sla --by ''" 1 "$(by_err sla '')"
ran "$M" sla "$db" --by 'owner source'
is "sla --by 'owner source'" 1 "$(by_err sla 'owner source')"
ran "$M" campaigns "$db" --by 'Owner '
is "campaigns --by 'Owner '" 1 "$(by_err campaigns 'Owner ')"
ran "$M" conversion "$db" --by web-visits
is "conversion --by web-visits" 1 "$(by_err conversion web-visits)"
ran "$M" sla "$db" --by none --format csv
is "sla --by none" 0 ""
[ "$(head -n 1 "$tmp/out" | cut -d, -f1)" = segment ] || bad "sla --by none: $(head -n 1 "$tmp/out")"
for c in source campaign owner industry country email title web_visits cms; do
    for s in funnel sla campaigns conversion; do
        "$M" "$s" "$db" --by "$c" --fold-case --format csv >/dev/null 2>"$tmp/err" || bad "$s --by $c: $(cat "$tmp/err")"
    done
done

# ---- 7. rule names: the schema's CHECK, where a name is stored ---------------------
long=$(printf '%065d' 0)
for n in 'a b' "$long" 'x;y'; do
    ran "$M" rule "$db" add "$n" tests/fixtures/rule-small.lua
    is "rule add '$n'" 2 "mqlite rule: a rule name is 1 to 64 letters, digits, '_', '.' or '-', found '$n'
(see mqlite rule --help)"
    ran "$M" rule "$db" test "$n" tests/fixtures/rule-small.lua
    is "rule test '$n' FILE" 2 "mqlite rule: a rule name is 1 to 64 letters, digits, '_', '.' or '-', found '$n'
(see mqlite rule --help)"
done
[ "$(sqlite3 "$db" "SELECT count(*) FROM mqlite_rules WHERE name NOT IN ('b2b', 'bant', '-r')")" = 0 ] ||
    bad "a badly named rule was stored"
"$M" rule "$db" add "$(printf '%064d' 0)" tests/fixtures/rule-small.lua >/dev/null 2>"$tmp/err" || bad "a 64-character name: $(cat "$tmp/err")"
ran "$M" rule "$db" show 'a b'
is "rule show 'a b'" 1 "mqlite rule: no rule named a b"
ran "$M" rule "$db" add "$(printf 'a\nb')" tests/fixtures/rule-small.lua
is "rule add with a line break" 2 "mqlite rule: a rule name must not contain line breaks or tabs
(see mqlite rule --help)"

# ---- 8. the MQL line of the report is lead_threshold() -----------------------------
printf 'thresholds { MQL = 37.5, SQL = { score = 90, grade = "B" } }\nfit("any", 40, { employees = at_least(0) })\n' >"$tmp/th.lua"
"$M" rule "$db" add th "$tmp/th.lua" >/dev/null
"$M" report "$db" --rule th --as-of 2026-01-01 --out "$tmp/r.html"
grep -qF 'the dashed line is the MQL threshold (37.5 points)' "$tmp/r.html" || bad "report: no MQL threshold of 37.5 points"
grep -qF 'MQL ≥ 37.5</text>' "$tmp/r.html" || bad "report: no MQL line at 37.5"
[ "$(sqlite3 "$db" ".load ${MQLITE_EXT:-build/mqlite.so}" "SELECT lead_threshold('th', 'MQL', 'A+'), lead_threshold('b2b', 'MQL'), lead_threshold('b2b', 'SQL', 'B')")" = "37.5|50.0|100.0" ] ||
    bad "lead_threshold on the fixture"
# a rule without a threshold at MQL: no line and no threshold in the note
# (the line's query is an aggregate, which gave a row, a line at 0, before)
printf 'fit("any", 40, { employees = at_least(0) })\n' >"$tmp/none.lua"
"$M" rule "$db" add none "$tmp/none.lua" >/dev/null
"$M" report "$db" --rule none --as-of 2026-01-01 --out "$tmp/n.html"
if grep -q 'mql-threshold\|dashed line' "$tmp/n.html"; then bad "report: a threshold line for a rule without thresholds"; fi
grep -qF 'id="score-chart"' "$tmp/n.html" || bad "report without thresholds: no score chart"

exit "$fail"
