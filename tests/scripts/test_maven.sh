#!/bin/sh
# test_maven.sh — the real-data check of deals (issue 17): Maven CRM's
# sales pipeline imported as deals gives the win rate over closed deals
# 4,238 / (4,238 + 2,473) = 63.15 %, beside 48.16 % with its 2,089 open deals
# counted. Runs when the dataset is beside the project
# (../shared/datasets/maven-crm-sales-opportunities/sales_pipeline.csv, or
# $MQLITE_MAVEN); it is not copied into the project. The deals go in as the
# README's "Deals and revenue" shows; the second import of the same file
# changes nothing. Prints the pipeline value and won revenue it finds.
set -eu
T=maven
csv=${MQLITE_MAVEN:-../shared/datasets/maven-crm-sales-opportunities/sales_pipeline.csv}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh
need_dataset maven "$csv"
M=scripts/mqlite
db=$tmp/mv.db
"$M" init "$db" >/dev/null
# (Prospecting deals have no engage_date: they take --date)
V='Won=won,Lost=lost,Engaging=open,Prospecting=open'
same import "$("$M" import "$db" deals "$csv" --values "$V" --date 2016-10-01 | sed 's/ from .*:/:/')" \
    "imported deals: 8800 new, 0 updated, 0 unchanged, 0 bad"
same again "$("$M" import "$db" deals "$csv" --values "$V" --date 2016-10-01 | sed 's/ from .*:/:/')" \
    "imported deals: 0 new, 0 updated, 8800 unchanged, 0 bad"
# (as of the end of the data, 2017-12-31, so that the figures never move)
"$M" deals "$db" --as-of 2017-12-31 --format csv | tr -d '\r' | sed -n 3p >"$tmp/s"
# pct X: X as a percentage with two places
pct() { awk -v x="$1" 'BEGIN { printf "%.2f", 100 * x }'; }
IFS=, read -r cur deals open pipeline won revenue avg lost rate lo hi with_open no_amount <"$tmp/s"
same counts "$cur $deals $open $won $lost" "USD 8800 2089 4238 2473"
same win-rate "$(pct "$rate")" 63.15
same with-open "$(pct "$with_open")" 48.16
same revenue "$revenue" 10005534.0
same no-amount "$no_amount" 2089
# the same rate from SQL, as any host gets it
same sql "$(printf '.load %s\nSELECT won, lost, round(100 * win_rate, 2) FROM deal_summary(%s);\n' \
    "${MQLITE_EXT:-build/mqlite}" "'2017-12-31'" | sqlite3 -batch "$db")" "4238|2473|63.15"
echo "maven: win rate over closed deals $won / ($won + $lost) = $(pct "$rate") %" \
     "(95 % $(pct "$lo")-$(pct "$hi") %);" \
     "with the $open open deals counted $(pct "$with_open") %;" \
     "won revenue $revenue USD, average deal $(printf '%.2f' "$avg"); pipeline value $pipeline" \
     "($no_amount open deals have no close_value in the file)"
exit $fail
