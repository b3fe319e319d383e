#!/bin/sh
# test_score_runs.sh — what an incremental mqlite score run trusts, tried:
# beside another writer (while another process holds the write lock, adding
# an event, a run that may not wait fails whole and writes nothing; a run
# that waits sees the event, dates the move at it, and the next run finds
# nothing left to do); a run record that claims rows the database does not
# have, and the triggers that note changed leads dropped (each makes a full
# run); a database from before runs were kept (a plain message). Run from
# the repository root.
set -eu
T=score_runs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh
M=scripts/mqlite
db=$tmp/crm.db
"$M" init "$db" >/dev/null
printf 'thresholds { MQL = 50 }\nevent("demo_request", 60, { once = true })\n' >"$tmp/r.lua"
"$M" rule "$db" add r "$tmp/r.lua" >/dev/null
sqlite3 "$db" "INSERT INTO leads(id, external_id, created_at) VALUES (1, 'L1', '2025-01-01'), (2, 'L2', '2025-01-01')"
"$M" score "$db" --rule r --as-of 2025-02-01 >/dev/null
# another process takes the write lock and adds L1's demo request (hold, in check.sh)
hold_demo() { hold "$db" "INSERT INTO events(lead_id, type, occurred_at) VALUES (1, 'demo_request', '2025-02-10 09:30:00');"; }
state() { sqlite3 "$db" "SELECT (SELECT count(*) FROM scores), (SELECT count(*) FROM stage_history), (SELECT count(*) FROM score_current),
                                (SELECT events_max FROM mqlite_score_runs)"; }
before=$(state)
hold_demo
run nowait "$M" score "$db" --rule r --as-of 2025-03-01 --wait 0
release ROLLBACK
expect nowait <<'OUT'
--
mqlite score: database is locked
[exit 1]
OUT
same nowait-wrote "$(state)" "$before"
# started while the lock is held, the run waits for it, then sees the event
hold_demo
"$M" score "$db" --rule r --as-of 2025-03-01 --wait 60 >"$tmp/wait.out" 2>&1 &
waiter=$!
sleep 1
release COMMIT
rc=0
wait "$waiter" || rc=$?
same waited "$(cat "$tmp/wait.out"; echo "[exit $rc]")" "scored 1 lead with rule r version 1 (incremental run); 1 score changed
1 lead moved to MQL
[exit 0]"
same moved-at "$(sqlite3 "$db" "SELECT stage, entered_at, source FROM stage_history WHERE lead_id = 1 AND stage = 'MQL'")" \
    "MQL|2025-02-10 09:30:00|rule:r@1"
run again "$M" score "$db" --rule r --as-of 2025-03-01
expect again <<'OUT'
scored 0 leads with rule r version 1 (incremental run); 0 scores changed
no lead changed stage
--
[exit 0]
OUT
same holder "$(cat "$tmp/hold.err")" ""
# a run record that claims more events than there are (made by hand, or sent
# by someone to make the nightly run skip every lead) stands for nothing
sqlite3 "$db" "INSERT INTO events(lead_id, type, occurred_at) VALUES (2, 'demo_request', '2025-02-20'); UPDATE mqlite_score_runs SET events_max = 1e15"
run lies "$M" score "$db" --rule r --as-of 2025-03-01
expect lies <<'OUT'
scored 2 leads with rule r version 1 (full run); 1 score changed
1 lead moved to MQL
--
[exit 0]
OUT
same lies-fixed "$(sqlite3 "$db" "SELECT events_max = (SELECT max(id) FROM events) FROM mqlite_score_runs")" 1
# without the trigger that notes changed leads, a run cannot know which changed
sqlite3 "$db" "DROP TRIGGER leads_changed; UPDATE leads SET title = 'CEO' WHERE id = 2"
same no-trigger "$("$M" score "$db" --rule r --as-of 2025-03-01 | head -n 1)" \
    "scored 2 leads with rule r version 1 (full run); 0 scores changed"
"$M" init "$db" >/dev/null
same trigger-back "$("$M" score "$db" --rule r --as-of 2025-03-01 | head -n 1)" \
    "scored 0 leads with rule r version 1 (incremental run); 0 scores changed"
# a database from before runs were kept: said plainly, nothing written
old=$tmp/old.db
sqlite3 "$old" "CREATE TABLE leads(id INTEGER PRIMARY KEY, created_at TEXT); CREATE TABLE mqlite_rules(name TEXT PRIMARY KEY, source TEXT);
  CREATE TABLE scores(id INTEGER PRIMARY KEY, lead_id INTEGER, rule TEXT); INSERT INTO mqlite_rules VALUES ('r', 'thresholds { MQL = 1 }')"
run_err old "$M" score "$old" --rule r
expect old <<OUT
mqlite score: TMP/old.db was made by an older mqlite: run mqlite init on it first (it adds the tables for rule versions, nightly runs and routing)
[exit 1]
OUT
exit "$fail"
