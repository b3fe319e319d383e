#!/bin/sh
# test_rule_versions.sh — every saved source of a rule is kept: rule add,
# revert and a plain SQL UPDATE each add a version (with who, when the script
# knows it), an unchanged save adds none; history, diff (the source diff and
# the leads that gain or lose MQL) and revert, and the stranger's version
# numbers; entries the rule writes name the version; mqlite init gives an old
# database's scores a version column. Run from the repository root.
set -eu
T=versions
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh
M=scripts/mqlite
db=$tmp/crm.db
"$M" init "$db" >/dev/null
sqlite3 "$db" "INSERT INTO leads(id, external_id, created_at, title) VALUES (1, 'L1', '2025-01-01', 'VP'), (2, 'L2', '2025-01-01', NULL)"
printf 'thresholds { MQL = 10 }\nfit("any title", 10, { title = present() })\n' >"$tmp/v1.lua"
printf 'thresholds { MQL = 10 }\nfit("any title", 5, { title = present() })\n' >"$tmp/v2.lua"
run add1 "$M" rule "$db" add r "$tmp/v1.lua" --by ana
run add2 "$M" rule "$db" add r "$tmp/v2.lua" --by bo
run same "$M" rule "$db" add r "$tmp/v2.lua" --by cy
expect add1 <<'OUT'
mqlite rule: saved rule r as version 1 (3 lines)
--
[exit 0]
OUT
expect add2 <<'OUT'
mqlite rule: saved rule r as version 2 (3 lines)
--
[exit 0]
OUT
expect same <<'OUT'
mqlite rule: saved rule r unchanged (version 2) (3 lines)
--
[exit 0]
OUT
# an UPDATE in SQL is a version too (the triggers), without a name
sqlite3 "$db" "UPDATE mqlite_rules SET source = source || '-- note' WHERE name = 'r'"
sqlite3 "$db" "UPDATE mqlite_rule_versions SET saved_at = '2025-0' || version || '-01 00:00:00'"
run hist "$M" rule "$db" history r --format markdown
expect hist <<'OUT'
| version |      saved_at       | saved_by | lines | current |
|---------|---------------------|----------|-------|---------|
| 1       | 2025-01-01 00:00:00 | ana      | 3     |         |
| 2       | 2025-02-01 00:00:00 | bo       | 3     |         |
| 3       | 2025-03-01 00:00:00 |          | 3     | current |
--
[exit 0]
OUT
# diff of 1 and 2: the source, then L1 no longer MQL (5 points under 10)
run diff12 "$M" rule "$db" diff r 1 2 --as-of 2025-06-01
expect diff12 <<'OUT'
--- r version 1
+++ r version 2
@@ -1,2 +1,2 @@
 thresholds { MQL = 10 }
-fit("any title", 10, { title = present() })
+fit("any title", 5, { title = present() })
leads at MQL or beyond: 1 with version 1, 0 with version 2; 0 would gain MQL, 1 would lose it
  lose: L1
--
[exit 0]
OUT
# revert to 1: a new version 4 with version 1's source; entries name it
run revert "$M" rule "$db" revert r 1 --by dee
expect revert <<'OUT'
mqlite rule: reverted to version 1: rule r as version 4 (3 lines)
--
[exit 0]
OUT
same revert-source "$(sqlite3 "$db" "SELECT (SELECT source FROM mqlite_rules WHERE name = 'r') = source FROM mqlite_rule_versions WHERE rule = 'r' AND version = 1")" 1
same revert-by "$(sqlite3 "$db" "SELECT saved_by FROM mqlite_rule_versions WHERE rule = 'r' AND version = 4")" dee
"$M" score "$db" --rule r --as-of 2025-06-01 >/dev/null
same entry-version "$(sqlite3 "$db" "SELECT DISTINCT source FROM stage_history")" "rule:r@4"
same score-version "$(sqlite3 "$db" "SELECT DISTINCT version FROM scores")" 4
# a new version makes the next run a full one
"$M" rule "$db" add r "$tmp/v2.lua" >/dev/null
same full-after-change "$("$M" score "$db" --rule r --as-of 2025-06-01 | head -n 1)" \
    "scored 2 leads with rule r version 5 (full run); 1 score changed"
# the stranger's version numbers and names
for v in 0 9 -1 "1; DROP TABLE leads" 1e3 99999999999; do
    run_err "bad-$v" "$M" rule "$db" revert r "$v"
done
expect bad-0 <<'OUT'
mqlite rule: revert expects a version number (1, 2, ...), found '0'
(see mqlite rule --help)
[exit 2]
OUT
expect bad-9 <<'OUT'
mqlite rule: rule 'r' has no version 9 (mqlite rule DB history r lists them)
[exit 1]
OUT
expect "bad-1; DROP TABLE leads" <<'OUT'
mqlite rule: revert expects a version number (1, 2, ...), found '1; DROP TABLE leads'
(see mqlite rule --help)
[exit 2]
OUT
expect bad--1 <<'OUT'
mqlite rule: unknown option -1
(see mqlite rule --help)
[exit 2]
OUT
expect bad-1e3 <<'OUT'
mqlite rule: revert expects a version number (1, 2, ...), found '1e3'
(see mqlite rule --help)
[exit 2]
OUT
expect bad-99999999999 <<'OUT'
mqlite rule: revert expects a version number (1, 2, ...), found '99999999999'
(see mqlite rule --help)
[exit 2]
OUT
same leads-intact "$(sqlite3 "$db" 'SELECT count(*) FROM leads')" 2
run_err nover "$M" rule "$db" history nope
expect nover <<'OUT'
mqlite rule: no rule named 'nope' (mqlite rule DB list shows the rules)
[exit 1]
OUT
"$M" rule "$db" add one "$tmp/v1.lua" >/dev/null
run_err onlyone "$M" rule "$db" diff one
expect onlyone <<'OUT'
mqlite rule: rule one has one version only: nothing to compare
[exit 1]
OUT
run_err diffone "$M" rule "$db" diff r 2
expect diffone <<'OUT'
mqlite rule: diff takes two versions, or none
(see mqlite rule --help)
[exit 2]
OUT
# a database from before versions were kept: each subcommand that reads or
# writes versions says so plainly, and writes nothing
o=$tmp/o.db
sqlite3 "$o" "CREATE TABLE mqlite_rules(name TEXT PRIMARY KEY, source TEXT, updated_at TEXT);
  INSERT INTO mqlite_rules VALUES ('r', 'thresholds { MQL = 1 }', '2024-01-01'); CREATE TABLE leads(id INTEGER PRIMARY KEY, created_at TEXT)"
k=0
for a in "history r" "diff r" "diff r 1 2" "revert r 1" "add r $tmp/v2.lua"; do
    k=$((k + 1))
    # shellcheck disable=SC2086 # the words of the subcommand are meant to split
    run_err "old-$k" "$M" rule "$o" $a
    same "old ($a)" "$(cat "$tmp/old-$k.got")" "mqlite rule: TMP/o.db was made by an older mqlite: run mqlite init on it first (it adds the table of rule versions)
[exit 1]"
done
same old-untouched "$(sqlite3 "$o" "SELECT source FROM mqlite_rules")" "thresholds { MQL = 1 }"
# a database from before versions: init keeps its rules as version 1 and gives
# its scores a version column
old=$tmp/old.db
sed -e '/^CREATE TABLE IF NOT EXISTS mqlite_rule_versions/,$d' schema/mqlite.sql >"$tmp/old.sql"
sqlite3 "$old" <"$tmp/old.sql"
sqlite3 "$old" "CREATE TABLE scores (id INTEGER PRIMARY KEY, lead_id INTEGER NOT NULL, rule TEXT NOT NULL,
    scored_at TEXT NOT NULL, score REAL NOT NULL, fit REAL NOT NULL, engagement REAL NOT NULL, grade TEXT, stage TEXT,
    explanation TEXT CHECK (explanation IS NULL OR explanation GLOB '[[]*]'));
  INSERT INTO mqlite_rules(name, source, updated_at) VALUES ('r', 'thresholds { MQL = 10 }', '2024-05-05 00:00:00')"
run init-old "$M" init "$old"
expect init-old <<OUT
mqlite init: added the column scores.version to TMP/old.db (the rule version of each score)
mqlite init: TMP/old.db is ready: 0 leads, 1 rules
--
[exit 0]
OUT
same old-v1 "$(sqlite3 "$old" "SELECT rule, version, saved_at FROM mqlite_rule_versions")" "r|1|2024-05-05 00:00:00"
exit "$fail"
