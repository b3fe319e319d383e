#!/bin/sh
# test_groupby.sh — --by NAME and --fold-case in funnel, sla, campaigns and
# conversion, on the fixture CRM with its sources written three ways and a
# lead origin imported into attrs: any column of leads or attrs key groups;
# a name that is neither is the extension's error, exit 1, naming what there
# is; a hostile name is only ever a bound parameter (the leads table stays,
# no file appears, and a name that is a real attrs key heads its column as
# "segment"); conversion's old --by PERIOD. Expected outputs in
# tests/scripts/expected/by-*.out (MQLITE_BLESS=1 rewrites them: read every
# changed line). Run from the repository root.
set -eu
. tests/scripts/fixture.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/crm.db
mq_fixture "$db"
exp=tests/scripts/expected
M=scripts/mqlite
fail=0
bad() { echo "FAIL groupby: $*"; fail=1; }

# The fixture's four leads: Google three ways and one referral; a lead origin
# written two ways in attrs (L4 has none); an attrs key that is an injection
# attempt, on L2.
sqlite3 "$db" <<'SQL'
UPDATE leads SET source = 'Google' WHERE external_id = 'L1';
UPDATE leads SET source = 'google ' WHERE external_id = 'L2';
UPDATE leads SET source = 'GOOGLE' WHERE external_id = 'L3';
UPDATE leads SET attrs = json_set(attrs, '$.lead_origin', 'Landing Page') WHERE external_id = 'L1';
UPDATE leads SET attrs = json_patch(json_set(attrs, '$.lead_origin', ' landing page'), '{"x\"; DROP TABLE leads; --": "evil"}')
WHERE external_id = 'L2';
UPDATE leads SET attrs = json_set(attrs, '$.lead_origin', 'API') WHERE external_id = 'L3';
SQL
[ "$(sqlite3 "$db" "SELECT group_concat(key, ',') FROM leads, json_each(attrs) WHERE external_id = 'L2'")" = \
  'web_visits,cms,lead_origin,x"; DROP TABLE leads; --' ] || bad "could not set up the fixture"

# check NAME COMMAND...: output and exit status against $exp/by-NAME.out
check() {
    name=by-$1
    shift
    rc=0
    "$@" >"$tmp/out" 2>&1 || rc=$?
    { sed "s|$tmp|TMP|g" "$tmp/out"; echo "[exit $rc]"; } >"$tmp/$name.out"
    [ "${MQLITE_BLESS:-0}" = 1 ] && cp "$tmp/$name.out" "$exp/$name.out"
    diff -u "$exp/$name.out" "$tmp/$name.out" || bad "$name"
}
leads_intact() {
    [ "$(sqlite3 "$db" "SELECT count(*) FROM leads")" = 4 ] || bad "the leads table changed: $*"
}

# ---- each report by an attrs key, folded, and by a column outside the old five
check funnel-origin "$M" funnel "$db" --by lead_origin --fold-case --format markdown
check funnel-source "$M" funnel "$db" --by source --format csv
check funnel-source-fold "$M" funnel "$db" --by source --fold-case --format csv
check funnel-title "$M" funnel "$db" --by title --format csv
check sla-origin "$M" sla "$db" --by lead_origin --fold-case --format markdown
check sla-source "$M" sla "$db" --by SOURCE --fold-case --hours 48 --format markdown
check campaigns-source "$M" campaigns "$db" --by source --format markdown
check campaigns-fold "$M" campaigns "$db" --by source --fold-case --format markdown
check campaigns-origin "$M" campaigns "$db" --by lead_origin --campaign cmp-b --format csv
check conversion-origin "$M" conversion "$db" --by lead_origin --fold-case --window 30 --as-of 2025-12-31 --format markdown
check conversion-source "$M" conversion "$db" --by source --fold-case --period quarter --window 30 --as-of 2025-12-31 --format csv

# ---- conversion: the period is --period; the old --by PERIOD still works, with
# a note, unless the data has a column or attrs key of that name
check conversion-old-by "$M" conversion "$db" --by quarter --window 30 --as-of 2025-12-31 --format csv
check conversion-period "$M" conversion "$db" --period quarter --window 30 --as-of 2025-12-31 --format csv
cmp -s "$exp/by-conversion-period.out" "$tmp/by-conversion-period.out" || bad "--period quarter"
[ "$(sed 1d "$tmp/by-conversion-old-by.out")" = "$(cat "$tmp/by-conversion-period.out")" ] ||
    bad "--by quarter is not --period quarter"
check conversion-bad-period "$M" conversion "$db" --period fortnight
check conversion-both "$M" conversion "$db" --period year --by month
cp "$db" "$tmp/q.db"
sqlite3 "$tmp/q.db" "UPDATE leads SET attrs = json_set(attrs, '\$.quarter', 'Q' || id)"
check conversion-key-quarter "$M" conversion "$tmp/q.db" --by quarter --window 30 --as-of 2025-12-31 --format csv

# ---- names that are neither: the extension's error, exit 1, nothing changed
check unknown "$M" funnel "$db" --by region
check unknown-sla "$M" sla "$db" --by 'lead origin'
check unknown-campaigns "$M" campaigns "$db" --by 'source '
check unknown-empty "$M" sla "$db" --by ''
check fold-alone "$M" funnel "$db" --fold-case
check fold-none "$M" sla "$db" --by none --fold-case
check inject-quote "$M" funnel "$db" --by 'source"; DROP TABLE leads; --'
check inject-literal "$M" sla "$db" --by "owner'); DROP TABLE leads; --"
rm -f /tmp/mqlite-pwned-by
# shellcheck disable=SC2016 # the $( ) is meant to stay unexpanded
check inject-shell "$M" campaigns "$db" --by '$(touch /tmp/mqlite-pwned-by)`touch /tmp/mqlite-pwned-by`'
check inject-path "$M" conversion "$db" --by '$.source'
check inject-control "$M" funnel "$db" --by "$(printf 'own\033[2Jer')"
check inject-newline "$M" funnel "$db" --by "$(printf 'source\nowner')"
check long "$M" funnel "$db" --by "$(printf '%010000d' 0)"
leads_intact "hostile --by values"
[ ! -e /tmp/mqlite-pwned-by ] || bad "a --by value was run by the shell"
# a hostile name that is a real attrs key groups, its column headed "segment"
check inject-key "$M" funnel "$db" --by 'x"; DROP TABLE leads; --' --format csv
check inject-key-campaigns "$M" campaigns "$db" --by 'x"; DROP TABLE leads; --' --format csv
leads_intact "a hostile attrs key"

[ "$fail" = 0 ] && echo "groupby: ok"
exit "$fail"
