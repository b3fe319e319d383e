#!/bin/sh
# test_deals.sh — deals end to end through the scripts: the hand-made case of
# tests/fixtures/deals (3 won of 100, 200, 300; 2 lost; 2 open: win rate 60 %
# over closed deals, 42.9 % with the open ones) imported and reported in
# every format; a hostile deal file (formulas, quotes, a huge, a negative and
# an infinite amount, bad currencies, dates and statuses, an unknown lead);
# the nightly sync (the same file again, then yesterday's and today's);
# export -> import -> export; mqlite init on a database from before deals;
# and the README's "Deals and revenue" example, run as it is written.
# Run from the repository root.
set -eu
T=deals
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh
skip_under_valgrind deals
M=scripts/mqlite
F=tests/fixtures/deals
V='Won=won,Lost=lost,Engaging=open,Prospecting=open'
db=$tmp/d.db
"$M" init "$db" >/dev/null
for k in campaigns leads stages; do "$M" import "$db" "$k" "$F/$k.csv" >/dev/null; done
run import "$M" import "$db" deals "$F/deals.csv" --values "$V"
expect import <<'OUT'
imported deals from tests/fixtures/deals/deals.csv: 7 new, 0 updated, 0 unchanged, 0 bad
--
[exit 0]
OUT

# ---- the figures, exactly -----------------------------------------------------
# (sqlite3's csv mode ends its rows with CRLF, as RFC 4180 has it: runc drops the CR)
runc csv "$M" deals "$db" --as-of 2026-04-01 --format csv
expect csv <<'OUT'
# Deals
currency,deals,open,pipeline_value,won,won_revenue,avg_deal_size,lost,win_rate,win_rate_low,win_rate_high,win_rate_with_open,no_amount
USD,7,2,1500.0,3,600.0,200.0,2,0.6,0.230724281276013,0.882379225767352,0.428571428571429,1

# Pipeline (open deals)
currency,stage,deals,value,avg_amount,avg_age_days,age_0_30,age_31_60,age_61_90,age_over_90,no_amount
USD,Engaging,1,1000.0,1000.0,31.0,0,1,0,0,0
USD,Prospecting,1,500.0,500.0,76.0,0,0,1,0,0

# Loss reasons
reason,deals,share
"(none given)",1,0.5
price,1,0.5

# Campaigns
campaign,channel,cost,leads,sqls,won,currency,won_revenue,cost_per_sql,cost_per_won,roi
fair,event,0.0,1,0,0,,0.0,,,
mail,email,,1,1,1,USD,300.0,,,
web,paid_search,500.0,2,2,2,USD,300.0,250.0,250.0,-0.4

--
[exit 0]
OUT
# json is one object that parses, with the same figures
"$M" deals "$db" --as-of 2026-04-01 --format json >"$tmp/j"
same json "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["deals"][0]; print(s["won"], s["lost"], s["open"], s["won_revenue"], round(s["win_rate"], 4), round(s["win_rate_with_open"], 4), d["campaigns"][2]["roi"])' "$tmp/j")" \
    "3 2 2 600.0 0.6 0.4286 -0.4"
# table, markdown and html: the percentages as people read them
"$M" deals "$db" --as-of 2026-04-01 >"$tmp/t"
grep -q '^| USD      | 7     | 2    | 1500.00        | 3   | 600.00      | 200.00        | 2    | 60.0 %   | 23.1 %       | 88.2 %        | 42.9 %             | 1         |$' "$tmp/t" ||
    bad "table: $(cat "$tmp/t")"
"$M" deals "$db" --as-of 2026-04-01 --format markdown | grep -q '^| web      | paid_search | 500.00 | 2     | 2    | 2   | USD      | 300.00      | 250.00       | 250.00       | -40.0 % |$' ||
    bad "markdown"
same html "$("$M" deals "$db" --as-of 2026-04-01 --format html | grep -c '<table>')" 4
# --by owner: a row per owner; as of March 1st, D3 (closed March 15th) was open
# (owner, deals, pipeline_value, avg_deal_size, win_rate)
same by "$("$M" deals "$db" --as-of 2026-04-01 --by owner --format csv | tr -d '\r' | sed -n 3,5p | cut -d, -f1,3,5,8,10 | tr '\n' ' ')" \
    "(none),1,0.0,,0.0 ana,3,1000.0,150.0,1.0 ben,3,500.0,300.0,0.5 "
same as-of "$("$M" deals "$db" --as-of 2026-03-01 --format csv | tr -d '\r' | sed -n 3p | cut -d, -f2-6,9)" "7,3,1800.0,2,300.0,0.5"
# the funnel shows the lost deals beside the won leads (html: escaped, in a <p>)
same funnel "$("$M" funnel "$db" --as-of 2026-04-01 | tail -1)" \
    "Deals (USD): 3 won, 2 lost, 2 open; win rate over closed deals 60.0 % (95 % bounds 23.1-88.2 %), 42.9 % with the open deals counted (see mqlite deals)."
same funnel-html "$("$M" funnel "$db" --as-of 2026-01-12 --format html | tail -1)" \
    "<p>Deals (USD): 0 won, 0 lost, 5 open; no deal closed yet.</p>"
# the HTML report: a pipeline section with the tiles, the bars and the ageing
"$M" report "$db" --as-of 2026-04-01 --out "$tmp/r.html"
same report-tiles "$(grep -o '<div class="tiles"><div class="tile"><b>USD 1,500</b>.*</div></div>$' "$tmp/r.html" | sed 's/<[^>]*>/ /g; s/  */ /g')" \
    " USD 1,500 open pipeline, 2 deals USD 600 won revenue, 3 deals USD 200 average deal size 60.0 % win rate over 5 closed deals (95 %: 23.1 %–88.2 %); 42.9 % with open deals "
same report-ageing "$(grep -o '<tr><td>USD</td><td class="t">Prospecting</td>.\{0,120\}</tr>' "$tmp/r.html" | head -1)" \
    '<tr><td>USD</td><td class="t">Prospecting</td><td>1</td><td>500</td><td>76</td><td>0</td><td>0</td><td>1</td><td>0</td></tr>'
same report-bars "$(grep -o '<rect x="180" y="[0-9]*" width="[0-9.]*"' "$tmp/r.html" | tr '\n' ' ')" \
    '<rect x="180" y="8" width="400.0" <rect x="180" y="42" width="200.0" '
run by-bad "$M" deals "$db" --by 'owner; DROP TABLE deals'
expect by-bad <<'OUT'
--
mqlite deals: --by expects owner, product, account, stage, source, campaign or lead_owner, found 'owner; DROP TABLE deals'
(see mqlite deals --help)
[exit 2]
OUT
run asof-bad "$M" deals "$db" --as-of "2026-02-30'"
expect asof-bad <<'OUT'
--
mqlite deals: --as-of expects a date (YYYY-MM-DD, an ISO-8601 date and time, or unix seconds; years 0 to 9999), found '2026-02-30''
[exit 1]
OUT

# ---- hostile rows: each bad row named, nothing imported -------------------------
cat >"$tmp/bad.csv" <<'EOF2'
opportunity_id,lead,name,deal_stage,engage_date,close_date,close_value,currency
H1,L1,"=HYPERLINK(""http://x"",""y"")",Won,2026-01-10,2026-02-01,=1+1,USD
H2,L1,"quote ""q"", comma",Won,2026-01-10,2026-02-01,-5,USD
H3,L1,inf,Won,2026-01-10,2026-02-01,1e309,USD
H4,L1,huge,Won,2026-01-10,2026-02-01,99999999999999999999,usd
H5,L1,euro,Won,2026-01-10,2026-02-01,10,EURO
H6,L1,euro sign,Won,2026-01-10,2026-02-01,10,€€€
H7,L1,bad date,Won,31/02/2026,yesterday,10,USD
H8,NOPE,unknown lead,Won,2026-01-10,2026-02-01,10,USD
H9,L1,status,Maybe,2026-01-10,2026-02-01,10,USD
H10,L1,backwards,Lost,2026-03-10,2026-02-01,10,USD
H11,L1,no date,Engaging,,,10,USD
H4,L1,again,Won,2026-01-10,2026-02-01,1,USD
EOF2
run hostile "$M" import "$db" deals "$tmp/bad.csv" --values "$V"
expect hostile <<'OUT'
--
TMP/bad.csv:2: amount '=1+1' is not a number
TMP/bad.csv:3: amount '-5' is not a number
TMP/bad.csv:4: amount '1e309' is not a finite number
TMP/bad.csv:6: currency 'EURO' is not a three-letter code (USD, EUR, ...)
TMP/bad.csv:7: currency '€€€' is not a three-letter code (USD, EUR, ...)
TMP/bad.csv:8: created_at '31/02/2026' is not a date (iso); closed_at 'yesterday' is not a date (iso)
TMP/bad.csv:9: unknown lead 'NOPE' (import the leads first)
TMP/bad.csv:10: deal_stage 'Maybe' is not one of the --values (Won, Lost, Engaging, Prospecting)
TMP/bad.csv:11: closed_at 2026-02-01 00:00:00 is before created_at 2026-03-10 00:00:00
TMP/bad.csv:12: deal 'H11' is new and has no created_at (give the file a created_at column, or --date DATE)
TMP/bad.csv:13: deal 'H4' appears again (first at line 5)
mqlite import: 11 of 12 rows are bad; nothing was imported (fix them, or import the others with --skip-bad)
[exit 1]
OUT
same untouched "$(sqlite3 "$db" 'SELECT count(*) FROM deals')" 7
# --skip-bad: the one good row, a huge amount and a currency in lower case
run skip "$M" import "$db" deals "$tmp/bad.csv" --values "$V" --skip-bad
same skip "$(head -1 "$tmp/skip.got")" "imported deals from TMP/bad.csv: 1 new, 0 updated, 0 unchanged, 11 bad"
same huge "$(sqlite3 "$db" "SELECT amount, currency, name FROM deals WHERE external_id = 'H4'")" "1.0e+20|USD|huge"
sqlite3 "$db" "DELETE FROM deals WHERE external_id = 'H4'"
# formulas and quotes are text, kept as they are
printf 'external_id,status,created_at,name,account\nQ1,open,2026-01-01,"=HYPERLINK(""http://x"",""y"")","Quote ""Co"", Ltd"\n' >"$tmp/q.csv"
"$M" import "$db" deals "$tmp/q.csv" >/dev/null
same formula "$(sqlite3 "$db" "SELECT name || '|' || account FROM deals WHERE external_id = 'Q1'")" '=HYPERLINK("http://x","y")|Quote "Co", Ltd'
sqlite3 "$db" "DELETE FROM deals WHERE external_id = 'Q1'"
# a status column that is missing, and --values that are not statuses
printf 'external_id,created_at\nX1,2026-01-01\n' >"$tmp/nostatus.csv"
run nostatus "$M" import "$db" deals "$tmp/nostatus.csv"
expect nostatus <<'OUT'
--
mqlite import: TMP/nostatus.csv has no column for status or deal_stage (map one with --map status=COLUMN, and map its values with --values 'Won=won,Lost=lost,Engaging=open')
[exit 1]
OUT
run values-bad "$M" import "$db" deals "$F/deals.csv" --values 'Won=closed won'
expect values-bad <<'OUT'
--
mqlite import: --values: 'closed won' is not a deal status (open, won or lost)
(see mqlite import --help)
[exit 2]
OUT

# ---- nightly: the same file again, then yesterday's and today's ------------------
run again "$M" import "$db" deals "$F/deals.csv" --values "$V"
same again "$(head -1 "$tmp/again.got")" "imported deals from tests/fixtures/deals/deals.csv: 0 new, 0 updated, 7 unchanged, 0 bad"
# today: D6 is won (1000, on April 2nd), D7 lost, a new deal D8; the rest as yesterday
sed -e 's/^D6,,Hooli,Engaging,2026-03-01,,1000,USD,,ana$/D6,,Hooli,Won,2026-03-01,2026-04-02,1000,USD,,ana/' \
    -e 's/^D7,,Stark,Prospecting,2026-01-15,,500,USD,,ben$/D7,,Stark,Lost,2026-01-15,2026-04-02,500,USD,timing,ben/' \
    "$F/deals.csv" >"$tmp/today.csv"
echo 'D8,L3,Wayne,Prospecting,2026-04-02,,250,EUR,,ana' >>"$tmp/today.csv"
run today "$M" import "$db" deals "$tmp/today.csv" --values "$V"
same today "$(head -1 "$tmp/today.got")" "imported deals from TMP/today.csv: 1 new, 2 updated, 5 unchanged, 0 bad"
run today-again "$M" import "$db" deals "$tmp/today.csv" --values "$V"
same today-again "$(head -1 "$tmp/today-again.got")" "imported deals from TMP/today.csv: 0 new, 0 updated, 8 unchanged, 0 bad"
# as of April 1st nothing changed; as of April 3rd: 4 won of 7 closed, and
# the EUR deal on its own row (currency, deals, open, pipeline, won, revenue,
# average, lost, win rate)
same yesterday "$("$M" deals "$db" --as-of 2026-04-01 --format csv | tr -d '\r' | sed -n 3p)" \
    "USD,7,2,1500.0,3,600.0,200.0,2,0.6,0.230724281276013,0.882379225767352,0.428571428571429,1"
same now "$("$M" deals "$db" --as-of 2026-04-03 --format csv | tr -d '\r' | sed -n 3,4p | cut -d, -f1-9 | tr '\n' ' ')" \
    "EUR,1,1,250.0,0,0.0,,0, USD,7,0,0.0,4,1600.0,400.0,3,0.571428571428571 "

# ---- samples/nightly-sync.sh imports DIR/deals.csv when there is one, twice
# without doubling anything (the second night: every deal unchanged)
mkdir "$tmp/night"
cp "$F/campaigns.csv" "$F/leads.csv" "$F/stages.csv" "$tmp/night/"
echo 'lead,type,occurred_at' >"$tmp/night/events.csv"
"$M" export "$db" deals | grep -v '^D8,' >"$tmp/night/deals.csv"
"$M" init "$tmp/n.db" --samples >/dev/null
samples/nightly-sync.sh --as-of 2026-04-03 "$tmp/n.db" "$tmp/night" >"$tmp/n1" 2>&1 || bad "nightly: $(cat "$tmp/n1")"
samples/nightly-sync.sh --as-of 2026-04-03 "$tmp/n.db" "$tmp/night" >"$tmp/n2" 2>&1 || bad "nightly2: $(cat "$tmp/n2")"
same nightly "$(grep '^imported deals' "$tmp/n1" "$tmp/n2" | sed "s|$tmp/||g")" "n1:imported deals from night/deals.csv: 7 new, 0 updated, 0 unchanged, 0 bad
n2:imported deals from night/deals.csv: 0 new, 0 updated, 7 unchanged, 0 bad"
same nightly-funnel "$(grep '^Deals (USD)' "$tmp/n2")" \
    "Deals (USD): 4 won, 3 lost, 0 open; win rate over closed deals 57.1 % (95 % bounds 25.0-84.2 %), 57.1 % with the open deals counted (see mqlite deals)."

# ---- export -> import -> export -------------------------------------------------
"$M" export "$db" deals --out "$tmp/e1.csv"
"$M" init "$tmp/r.db" >/dev/null
"$M" import "$tmp/r.db" leads "$F/leads.csv" >/dev/null
run reimport "$M" import "$tmp/r.db" deals "$tmp/e1.csv"
same reimport "$(head -1 "$tmp/reimport.got")" "imported deals from TMP/e1.csv: 8 new, 0 updated, 0 unchanged, 0 bad"
"$M" export "$tmp/r.db" deals --out "$tmp/e2.csv"
cmp -s "$tmp/e1.csv" "$tmp/e2.csv" || bad "roundtrip: $(diff "$tmp/e1.csv" "$tmp/e2.csv")"
same export-head "$(head -2 "$tmp/e1.csv")" "external_id,lead,account,name,amount,currency,status,stage,created_at,closed_at,loss_reason,owner,product
D1,L1,Acme,,100.0,USD,won,Won,\"2026-01-10 00:00:00\",\"2026-02-01 00:00:00\",,ana,"

# ---- a database from before deals: init adds the table --------------------------
"$M" init "$tmp/old.db" >/dev/null
sqlite3 "$tmp/old.db" 'DROP INDEX deals_lead; DROP TABLE deals'
run old "$M" deals "$tmp/old.db"
expect old <<'OUT'
--
mqlite deals: TMP/old.db has no deals table (it was made by an older mqlite): run mqlite init TMP/old.db, then mqlite import TMP/old.db deals FILE
[exit 1]
OUT
run old-import "$M" import "$tmp/old.db" deals "$F/deals.csv" --values "$V"
expect old-import <<'OUT'
--
mqlite import: TMP/old.db has no deals table (it was made by an older mqlite): run mqlite init TMP/old.db to upgrade
[exit 1]
OUT
"$M" init "$tmp/old.db" >/dev/null
same upgraded "$(sqlite3 "$tmp/old.db" "SELECT count(*) FROM sqlite_schema WHERE name IN ('deals', 'deals_lead')")" 2

# ---- the demo database with samples/deals-demo.sql (deals derived from its
# stage history): the figures the README's Samples give, and a second run adds nothing
"${MQGEN:-build/mqgen}" --leads 2000 --seed 42 --db "$tmp/demo.db" >/dev/null 2>&1
sqlite3 "$tmp/demo.db" ".read samples/deals-demo.sql" ".read samples/deals-demo.sql"
same demo "$("$M" deals "$tmp/demo.db" --as-of 2026-06-01 --format csv | tr -d '\r' | sed -n 3,4p | cut -d, -f1-10 | tr '\n' ' ')" \
    "EUR,67,52,1080600.0,4,119000.0,29750.0,11,0.266666666666667,0.108974533256924 USD,287,216,4421400.0,31,829300.0,27643.3333333333,40,0.436619718309859,0.327461227451533 "

# ---- the README's example, as it is written ------------------------------------
# (the sh block of "Deals and revenue": its commands run in order, and what
# they print must be its "#   " lines; deals.db goes to the scratch directory)
awk '/^## Deals and revenue/ { s = 1 } s && /^```sh/ { b = 1; next } b && /^```/ { exit } b { print }' README.md >"$tmp/readme.sh"
[ -s "$tmp/readme.sh" ] || bad "readme: no sh block under '## Deals and revenue'"
sed -n 's/^#   //p; s/^#$//p' "$tmp/readme.sh" >"$tmp/readme.want"
grep -v '^#' "$tmp/readme.sh" | sed "s|deals\\.db|$tmp/readme.db|g" >"$tmp/readme.run"
sh -eu "$tmp/readme.run" >"$tmp/readme.raw" 2>&1 || bad "readme: the example failed"
sed "s|$tmp/readme.db|deals.db|g" "$tmp/readme.raw" >"$tmp/readme.got"
diff -u "$tmp/readme.want" "$tmp/readme.got" || bad "readme"

# ---- a --values pattern is text, not a file name ---------------------------------
# (the pairs are split on commas by the shell; with a file 'Wonx=won' in the
# working directory, 'Won*=won' became 'Wonx=won' and the import refused Won)
mkdir "$tmp/glob" && : >"$tmp/glob/Wonx=won"
"$M" init "$tmp/glob.db" >/dev/null
(cd "$tmp/glob" && "$OLDPWD/$M" import "$tmp/glob.db" deals "$OLDPWD/$F/deals.csv" --values 'Won*=won,Lost=lost,Engaging=open,Prospecting=open') \
    >"$tmp/glob.out" 2>&1 || :
grep -q "deal_stage 'Won' is not one of the --values (Won\*, Lost, Engaging, Prospecting)" "$tmp/glob.out" ||
    bad "glob: $(head -n 3 "$tmp/glob.out")"

[ "$fail" = 0 ] && echo "ok deals"
exit $fail
