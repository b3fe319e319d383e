#!/bin/sh
# test_hostile_lua.sh — issue 11, item 11: Ctrl-C in the sqlite3 shell stops a
# rule that would otherwise run for hours (a budget of 10^12 instructions):
# the shell's SIGINT handler calls sqlite3_interrupt(), which the rule engine
# now hears while Lua runs. The shell must report SQLite's own "interrupted"
# (code 9, SQLITE_INTERRUPT) within seconds (then it stops reading its
# script, as it does on any Ctrl-C).
set -eu
ext=${MQLITE_EXT:-build/mqlite.so}
sqlite=${SQLITE3:-sqlite3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_hostile_lua: $*" >&2; exit 1; }

cat >"$tmp/spin.sql" <<SQL
.load ${ext%.so}
CREATE TABLE mqlite_rules(name TEXT PRIMARY KEY, source TEXT);
INSERT INTO mqlite_rules VALUES ('spin', 'fit("x", 1, function(l) while true do end end)');
SELECT mqlite_limit('instructions', 1000000000000);
SELECT 'started';
SELECT lead_score('spin', '{}');
SQL
"$sqlite" -batch :memory: <"$tmp/spin.sql" >"$tmp/out" 2>&1 &
pid=$!
# Wait until the rule is running, then press Ctrl-C once.
i=0
until grep -q started "$tmp/out" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -lt 100 ] || { kill -KILL "$pid" 2>/dev/null; fail "the shell never started"; }
    sleep 0.1
done
sleep 0.3
kill -INT "$pid"
i=0
while kill -0 "$pid" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -ge 100 ]; then
        kill -KILL "$pid" 2>/dev/null
        fail "Ctrl-C did not stop the rule within 10 s"
    fi
    sleep 0.1
done
wait "$pid" || true
grep -qx 'Runtime error near line 6: interrupted (9)' "$tmp/out" || { cat "$tmp/out" >&2; fail "no 'interrupted' error"; }

# Item 3 through the scripts: `mqlite rule add` compiles the rule with
# lead_score(NAME, '{}'); a message handler that loops used to hang it.
MQLITE_EXT=$ext scripts/mqlite init "$tmp/crm.db" >/dev/null
printf 'xpcall(error, function() while true do end end)\n' >"$tmp/x3.lua"
if MQLITE_EXT=$ext timeout 90 scripts/mqlite rule "$tmp/crm.db" add x3 "$tmp/x3.lua" >"$tmp/add.out" 2>&1; then
    cat "$tmp/add.out" >&2
    fail "rule add saved a rule that never ends"
fi
grep -q "rule 'x3' line 1: instruction budget of 1000000 exceeded" "$tmp/add.out" ||
    { cat "$tmp/add.out" >&2; fail "rule add: no budget error"; }
echo "test_hostile_lua: ok"
