#!/bin/sh
# test_mqgen.sh — the sample generator: the same seed gives the same bytes, a
# different seed different data, its --help is true, and bad arguments are refused.
set -eu
mqgen=${MQGEN:-build/mqgen}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "mqgen: $*" >&2; exit 1; }

"$mqgen" --leads 500 --seed 3 --csv "$tmp/a" 2>/dev/null
"$mqgen" --leads 500 --seed 3 --csv "$tmp/b" 2>/dev/null
"$mqgen" --leads 500 --seed 4 --csv "$tmp/c" 2>/dev/null
diff -r "$tmp/a" "$tmp/b" >/dev/null || fail "same seed, different CSV"
cmp -s "$tmp/a/leads.csv" "$tmp/c/leads.csv" && fail "different seeds, same leads"
[ "$(wc -l <"$tmp/a/leads.csv")" -eq 501 ] || fail "expected 500 leads and a header"
head -1 "$tmp/a/events.csv" | grep -qx 'lead,type,occurred_at,campaign,props' || fail "events.csv header"

# Without the new options the data is what it was before them (benchmarks and
# README figures depend on it): the checksum of the CSV of --leads 500 --seed 3.
sum=$(cat "$tmp/a/leads.csv" "$tmp/a/events.csv" "$tmp/a/stages.csv" "$tmp/a/campaigns.csv" | sha256sum | cut -d' ' -f1)
[ "$sum" = 14557421bf75749e5122004e7d17b647722689db8bf2ca42ca7fcafc2ca21298 ] || fail "the data of --seed 3 changed ($sum)"

# --as-of: the CRM as it stood then. A later as-of holds every lead, event and
# stage entry of an earlier one; a lead's fields are the same but for those
# that change (title, owner, annual_revenue, attrs); --since keeps the rows
# after it and every lead.
"$mqgen" --leads 500 --seed 3 --csv "$tmp/t1" --as-of 2025-06-01 2>/dev/null
"$mqgen" --leads 500 --seed 3 --csv "$tmp/t2" --as-of 2025-08-01 2>/dev/null
"$mqgen" --leads 500 --seed 3 --csv "$tmp/s2" --as-of 2025-08-01 --since 2025-07-25 2>/dev/null
for k in 1 2; do
    printf '.import --csv "%s/t%s/leads.csv" l%s\n.import --csv "%s/t%s/events.csv" e%s\n.import --csv "%s/t%s/stages.csv" s%s\n' \
        "$tmp" "$k" "$k" "$tmp" "$k" "$k" "$tmp" "$k" "$k"
done >"$tmp/load.sql"
printf '.import --csv "%s/s2/leads.csv" ls\n.import --csv "%s/s2/events.csv" es\n.import --csv "%s/s2/stages.csv" ss\n' "$tmp" "$tmp" "$tmp" >>"$tmp/load.sql"
sqlite3 "$tmp/t.db" <"$tmp/load.sql"
checks=$(sqlite3 "$tmp/t.db" <<'SQL'
SELECT (SELECT count(*) FROM l1) > 100, (SELECT count(*) FROM l2) > (SELECT count(*) FROM l1),
       (SELECT max(created_at) FROM l1) < '2025-06-01', (SELECT max(occurred_at) FROM e2) < '2025-08-01';
SELECT count(*) FROM (SELECT external_id, created_at, email, company, industry, employees, country, source, campaign FROM l1
                      EXCEPT SELECT external_id, created_at, email, company, industry, employees, country, source, campaign FROM l2);
SELECT count(*) FROM (SELECT * FROM e1 EXCEPT SELECT * FROM e2);
SELECT count(*) FROM (SELECT * FROM s1 EXCEPT SELECT * FROM s2);
SELECT count(*) > 0 FROM (SELECT * FROM l1 EXCEPT SELECT * FROM l2);
SELECT count(*) > 0 FROM l1 JOIN l2 USING (external_id) WHERE l1.title IS NOT l2.title OR l1.owner IS NOT l2.owner;
SELECT count(*) > 0 FROM l1 JOIN l2 USING (external_id) WHERE l1.annual_revenue IS NOT l2.annual_revenue;
SELECT count(*) = 0 FROM l1 JOIN l2 USING (external_id) WHERE l1.attrs ->> 'web_visits' > l2.attrs ->> 'web_visits';
SELECT (SELECT count(*) FROM (SELECT * FROM ls EXCEPT SELECT * FROM l2)) + (SELECT count(*) FROM (SELECT * FROM l2 EXCEPT SELECT * FROM ls));
SELECT (SELECT count(*) FROM es) = (SELECT count(*) FROM e2 WHERE occurred_at > '2025-07-25'),
       (SELECT count(*) FROM (SELECT * FROM es EXCEPT SELECT * FROM e2)),
       (SELECT count(*) FROM ss) = (SELECT count(*) FROM s2 WHERE entered_at > '2025-07-25'), (SELECT count(*) FROM es) > 0;
SQL
)
[ "$checks" = "1|1|1|1
0
0
0
1
1
1
1
0
1|0|1|1" ] || fail "--as-of / --since: $checks"

msg=$("$mqgen" --leads 300 --seed 3 --db "$tmp/x.db" 2>&1)
echo "$msg" | grep -q '^mqgen: 300 leads, [0-9]* events, 12 campaigns, [0-9]* stage entries (seed 3)$' ||
    fail "summary line: $msg"
checks=$(sqlite3 "$tmp/x.db" "PRAGMA foreign_key_check" "PRAGMA integrity_check" \
    "SELECT count(*) = (SELECT count(DISTINCT lead_id) FROM stage_history WHERE stage = 'IQL') FROM leads" \
    "SELECT count(*) FROM stage_history h JOIN leads l ON l.id = h.lead_id WHERE h.entered_at < l.created_at")
[ "$checks" = "ok
1
0" ] || fail "database checks: $checks"
# a second run into the same database is refused, not doubled
"$mqgen" --leads 300 --db "$tmp/x.db" 2>"$tmp/err" && fail "wrote twice into one database"
grep -q 'already holds leads' "$tmp/err" || fail "no reason given for refusing"

"$mqgen" --help | grep -q '^usage: mqgen --leads N' || fail "--help"
for bad in "--leads 0 --db $tmp/y.db" "--leads x --db $tmp/y.db" "--leads 5" "--leads 5 --db a --csv b" \
           "--leads 5 --db $tmp/y.db --start 2025-02-30" "--leads 5 --db $tmp/y.db --as-of 2025-13-01" \
           "--leads 5 --db $tmp/y.db --since x" "--bogus 1"; do
    rc=0
    # shellcheck disable=SC2086 # the arguments are meant to split
    "$mqgen" $bad >/dev/null 2>&1 || rc=$?
    [ "$rc" -eq 2 ] || fail "exit $rc, not 2, for: $bad"
done
