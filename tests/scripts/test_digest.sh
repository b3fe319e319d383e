#!/bin/sh
# test_digest.sh — mqlite digest on a small database whose every row is known:
# each section's rows, the as-of cut, the empty sections, every format (json
# parsed, html escaped), and the stranger's options. Run from the repository root.
set -eu
T=digest
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh
M=scripts/mqlite
db=$tmp/crm.db
"$M" init "$db" >/dev/null
"$M" rule "$db" add small tests/fixtures/rule-small.lua --by ana >/dev/null
sqlite3 "$db" <<'SQL'
INSERT INTO leads(id, external_id, created_at, company, owner, title) VALUES
  (1, 'L1', '2025-01-01', 'Acme <b>&</b>', 'ana', 'VP'),
  (2, 'L2', '2025-03-09', 'Globex', 'bo', NULL),
  (3, 'L3', '2025-03-09', 'Initech', 'bo', 'CTO'),
  (4, 'L4', '2025-03-01', 'Hooli', NULL, NULL);
INSERT INTO stage_history(lead_id, stage, entered_at, source, reason) VALUES
  (1, 'MQL', '2025-01-02', 'crm', NULL),                 -- stuck since January
  (2, 'MQL', '2025-03-09 10:00:00', 'rule:small@1', 'score 10 (MQL at 10): any title'),
  (3, 'SQL', '2025-03-09 12:00:00', 'manual', NULL),
  (3, 'MQL', '2025-03-09 11:00:00', 'crm', NULL),
  (4, 'MQL', '2025-03-08 23:00:00', 'crm', NULL),         -- before the window
  (4, 'SQL', '2025-03-10 09:00:00', 'crm', NULL);         -- after the as-of time
INSERT INTO events(lead_id, type, occurred_at) VALUES
  (3, 'sales_contact', '2025-03-09 13:00:00'),           -- within the SLA
  (1, 'sales_contact', '2025-03-01');                    -- ana's January MQL: late
INSERT INTO score_current(rule, lead_id, version, scored_at, score, fit, engagement, grade, stage, explanation) VALUES
  ('small', 3, 1, '2025-03-09', 25, 25, 0, 'A', 'MQL',
   '[{"points":5,"reason":"e","kind":"fit"},{"points":10,"reason":"b","kind":"fit"},{"points":-3,"reason":"x","kind":"fit"},{"points":7,"reason":"c","kind":"fit"},{"points":3,"reason":"d","kind":"fit"}]');
UPDATE mqlite_rule_versions SET saved_at = '2025-03-09 08:00:00';
SQL
run md "$M" digest "$db" --as-of '2025-03-10' --format markdown
expect md <<'OUT'
# mqlite digest as of 2025-03-10 00:00:00 (since 2025-03-09 00:00:00)

## New MQLs and SQLs

| lead | company | owner | stage |     entered_at      |   made_by    |               why               |
|------|---------|-------|-------|---------------------|--------------|---------------------------------|
| L3   | Initech | bo    | SQL   | 2025-03-09 12:00:00 | manual       | b; c; e                         |
| L2   | Globex  | bo    | MQL   | 2025-03-09 10:00:00 | rule:small@1 | score 10 (MQL at 10): any title |
| L3   | Initech | bo    | MQL   | 2025-03-09 11:00:00 | crm          | b; c; e                         |

## SLA by owner (MQLs of the last 30 days, 24 hours)

| owner  | mqls | within_sla | late | breached | pending | share_contacted |
|--------|------|------------|------|----------|---------|-----------------|
| (none) | 1    | 0          | 0    | 1        | 0       | 0.0 %           |
| bo     | 2    | 1          | 0    | 0        | 1       | 100.0 %         |

## Stuck more than 30 days

| stage | owner | leads | longest_days |
|-------|-------|-------|--------------|
| MQL   | ana   | 1     | 67           |

## Rules changed

| rule  | version |      saved_at       | saved_by | lines |
|-------|---------|---------------------|----------|-------|
| small | 1       | 2025-03-09 08:00:00 | ana      | 3     |
--
[exit 0]
OUT
# a day later: nothing new, the pending MQLs breached, the rule change out of the window
run later "$M" digest "$db" --as-of '2025-03-11' --format markdown
expect later <<'OUT'
# mqlite digest as of 2025-03-11 00:00:00 (since 2025-03-10 00:00:00)

## New MQLs and SQLs

| lead | company | owner | stage |     entered_at      | made_by | why |
|------|---------|-------|-------|---------------------|---------|-----|
| L4   | Hooli   |       | SQL   | 2025-03-10 09:00:00 | crm     |     |

## SLA by owner (MQLs of the last 30 days, 24 hours)

| owner  | mqls | within_sla | late | breached | pending | share_contacted |
|--------|------|------------|------|----------|---------|-----------------|
| (none) | 1    | 0          | 0    | 1        | 0       | 0.0 %           |
| bo     | 2    | 1          | 0    | 1        | 0       | 50.0 %          |

## Stuck more than 30 days

| stage | owner | leads | longest_days |
|-------|-------|-------|--------------|
| MQL   | ana   | 1     | 68           |

## Rules changed

No rule changed.
--
[exit 0]
OUT
# json: one object, its lists as in markdown
"$M" digest "$db" --as-of '2025-03-10' --format json >"$tmp/d.json"
same json "$(/usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1]));
print(sorted(d), [r["lead"] for r in d["new_mqls_and_sqls"]], [(r["owner"], r["pending"]) for r in d["sla_by_owner"]],
      d["stuck"][0]["longest_days"], d["rules_changed"][0]["saved_by"])' "$tmp/d.json")" \
    "['as_of', 'new_mqls_and_sqls', 'rules_changed', 'since', 'sla_by_owner', 'stuck'] ['L3', 'L2', 'L3'] [('(none)', 0), ('bo', 1)] 67 ana"
# html: the company's markup is text, each section a heading
"$M" digest "$db" --as-of '2025-03-10' --since 2024-12-31 --format html >"$tmp/d.html"
same html-escaped "$(grep -c 'Acme &lt;b&gt;&amp;&lt;/b&gt;' "$tmp/d.html")" 1
same html-raw "$(grep -c '<b>&</b>' "$tmp/d.html" || :)" 0
same html-headings "$(grep -c '^<h2>' "$tmp/d.html")" 4
# csv: the sections after "# title" lines
"$M" digest "$db" --as-of '2025-03-10' --format csv >"$tmp/d.csv"
same csv-titles "$(grep '^# ' "$tmp/d.csv" | tr '\n' '|')" \
    "# mqlite digest as of 2025-03-10 00:00:00 (since 2025-03-09 00:00:00)|# New MQLs and SQLs|# SLA by owner (MQLs of the last 30 days, 24 hours)|# Stuck more than 30 days|# Rules changed|"
# no contact events at all: a warning on stderr
sqlite3 "$db" "DELETE FROM events"
run_err notouch "$M" digest "$db" --as-of '2025-03-10' --format csv
same notouch "$(head -n 1 "$tmp/notouch.got")" \
    "mqlite digest: warning: no event has the type 'sales_contact' (--touch), so no MQL counts as contacted"
# the stranger's options
run_err since "$M" digest "$db" --since 'yesterday; DROP TABLE leads'
expect since <<'OUT'
mqlite digest: --since expects a date (YYYY-MM-DD, an ISO-8601 date and time, or unix seconds; years 0 to 9999), found 'yesterday; DROP TABLE leads'
[exit 1]
OUT
run_err limit "$M" digest "$db" --limit 0
expect limit <<'OUT'
mqlite digest: --limit expects a whole number above 0, found '0'
(see mqlite digest --help)
[exit 2]
OUT
run_err days "$M" digest "$db" --stuck-days '1e9'
expect days <<'OUT'
mqlite digest: --stuck-days expects a whole number above 0, found '1e9'
(see mqlite digest --help)
[exit 2]
OUT
run_err touch "$M" digest "$db" --as-of 2025-03-10 --touch "x' OR 1=1 --" --format csv
same touch "$(head -n 1 "$tmp/touch.got")" \
    "mqlite digest: warning: no event has the type 'x' OR 1=1 --' (--touch), so no MQL counts as contacted"
same leads-intact "$(sqlite3 "$db" 'SELECT count(*) FROM leads')" 4
# a database someone else may not write: the digest only reads
chmod 444 "$db"
run_err ro "$M" digest "$db" --as-of 2025-03-10 --format csv
same ro "$(tail -n 1 "$tmp/ro.got")" "[exit 0]"
exit "$fail"
