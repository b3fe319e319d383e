#!/bin/sh
# test_hostile_scripts.sh — the scripts against a stranger's database, file
# names and a hostile environment (issue 11, items 1, 2, 7, 12, 13, 17, 19):
# nothing a database, a file name or ~/.sqliterc says runs a command; a hung
# query stops at the time limit; a lock is waited for and reported on stderr
# only; success is printed after COMMIT; SIGTERM stops sqlite3 too; a full
# disk keeps the last good report. Every PWNED case first proves that the
# same payload does run a command in a plain sqlite3, so the case cannot pass
# because the payload was wrong. Run from the repository root; MQ_SCRIPTS
# points it at another copy of scripts/ (to see the cases fail before a fix).
set -eu
. tests/scripts/fixture.sh
S=${MQ_SCRIPTS:-$(pwd)/scripts}
M=$S/mqlite
SQ=${SQLITE3:-sqlite3}
tmp=$(mktemp -d)
mnt=""
cleanup() {
    if [ -n "$mnt" ]; then umount "$mnt" 2>/dev/null || :; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
bad() { echo "FAIL hostile-scripts: $*"; fail=1; }
# same FILE TEXT: FILE holds exactly TEXT
same() { [ "$(cat "$1")" = "$2" ] || bad "$(basename "$1"): expected [$2], found [$(cat "$1")]"; }
# ran CMD...: its exit status in $rc, stdout in $tmp/out, stderr in $tmp/err
ran() { rc=0; "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?; }
want_rc() { [ "$rc" = "$1" ] || bad "$2: exit $rc, expected $1 (stderr: $(cat "$tmp/err"))"; }
# forget_vg TEXT: under check-valgrind, drop the logs of the sqlite3 runs whose
# command line holds TEXT when they show only leaks: a case that stops sqlite3
# on purpose (a signal, the time limit, a closed pipe) stops it with its
# memory in use, which valgrind's leak check then reports. Any other error
# (an invalid read, an uninitialised value) keeps the log.
forget_vg() {
    [ -n "${MQLITE_VG_LOGS:-}" ] || return 0
    for c in "$MQLITE_VG_LOGS"/vg.*.cmd; do
        [ -f "$c" ] || continue
        grep -qF -- "$1" "$c" || continue
        if ! grep -qE 'Invalid|uninitialised|Mismatched|overlap|Syscall param|Jump' "${c%.cmd}.log" 2>/dev/null; then
            rm -f "$c" "${c%.cmd}.log"
        fi
    done
}
# inw CMD...: CMD run in the directory $tmp/w (where a PWNED would appear)
inw() { (cd "$tmp/w" && "$@"); }

db=$tmp/crm.db
mq_fixture "$db"
mkdir "$tmp/w"

# ---- 1. one sqlite3 invocation, one preamble ---------------------------------
# Any other line that starts sqlite3 (or names it outside a comment or a
# message) is a way around trusted_schema=OFF.
# shellcheck disable=SC2016 # the $ in these patterns are the scripts' own
others=$(grep -nE 'sqlite3|SQLITE3|MQ_SQLITE' "$S"/mqlite "$S"/mqlite-* |
    grep -vE '^[^:]+:[0-9]+:[[:space:]]*#' |
    grep -vE ':[[:space:]]*MQ_SQLITE=\$\{SQLITE3:-sqlite3\}$' |
    grep -vE ':[[:space:]]*"\$MQ_SQLITE" -init /dev/null -batch -bail "\$mq_db" >' |
    grep -vE "(mq_die|printf|echo) .*(the sqlite3 shell|passed to sqlite3)" |
    grep -vE "sqlite3's own .import" || true)
[ -z "$others" ] || bad "sqlite3 run outside mq_run's preamble: $others"
# shellcheck disable=SC2016 # as above
n=$(grep -c '"\$MQ_SQLITE" -init /dev/null -batch -bail' "$S/mqlite-common.sh" || true)
[ "$n" = 1 ] || bad "mq_run starts sqlite3 $n times, expected once"
grep -q "PRAGMA trusted_schema = OFF" "$S/mqlite-common.sh" || bad "no trusted_schema=OFF in the preamble"

# ---- 1. init on a stranger's database: a view named leads calls edit() -------
# The control: a plain sqlite3 reading that view runs the command.
mkpwn() {
    rm -f "$1"
    "$SQ" "$1" "CREATE TABLE events(props TEXT CHECK (props IS NULL OR json_valid(props)));
        CREATE TABLE scores(explanation TEXT);
        CREATE VIEW leads AS SELECT edit('x', 'touch PWNED') AS attrs;"
}
mkdir "$tmp/ctl" && mkpwn "$tmp/ctl/p.db"
(cd "$tmp/ctl" && { "$SQ" p.db 'SELECT count(*) FROM leads' >/dev/null 2>&1 || :; })
[ -f "$tmp/ctl/PWNED" ] || bad "control: edit() in a view did not run a command in plain sqlite3"
mkpwn "$tmp/w/p.db"
ran inw "$M" init p.db
want_rc 1 "init on a view calling edit()"
same "$tmp/err" "mqlite init: unsafe use of edit()"
[ ! -f "$tmp/w/PWNED" ] || bad "init ran the command of a view calling edit()"

# triggers: writefile() and edit() in a trigger on a table score writes
cp "$db" "$tmp/trig.db"
"$SQ" "$tmp/trig.db" "CREATE TRIGGER t AFTER INSERT ON scores BEGIN SELECT edit('x', 'touch PWNED'); END;"
cp "$tmp/trig.db" "$tmp/ctl/trig.db"
(cd "$tmp/ctl" && rm -f PWNED && { "$SQ" trig.db "INSERT INTO scores(lead_id, rule, scored_at, score, fit, engagement) SELECT id, 'x', '2025-01-01', 1, 1, 1 FROM leads LIMIT 1" >/dev/null 2>&1 || :; })
[ -f "$tmp/ctl/PWNED" ] || bad "control: edit() in a trigger did not run a command in plain sqlite3"
rm -f "$tmp/w/PWNED"
ran inw "$M" score ../trig.db --rule b2b
want_rc 1 "score with a trigger calling edit()"
same "$tmp/err" "mqlite score: unsafe use of edit()"
same "$tmp/out" ""
[ ! -f "$tmp/w/PWNED" ] || bad "score ran the command of a trigger calling edit()"
[ "$("$SQ" "$tmp/trig.db" 'SELECT count(*) FROM scores')" = 0 ] || bad "score wrote scores past a failed trigger"
cp "$db" "$tmp/wf.db"
"$SQ" "$tmp/wf.db" "CREATE TRIGGER t AFTER INSERT ON scores BEGIN SELECT writefile('$tmp/w/WROTE', 'x'); END;"
ran "$M" score "$tmp/wf.db" --rule b2b
want_rc 1 "score with a trigger calling writefile()"
same "$tmp/err" "mqlite score: unsafe use of writefile()"
[ ! -f "$tmp/w/WROTE" ] || bad "a trigger wrote a file through writefile()"
# a table the report reads, made a view that reads a file
cp "$db" "$tmp/rf.db"
"$SQ" "$tmp/rf.db" "ALTER TABLE campaigns RENAME TO campaigns_real; CREATE VIEW campaigns AS
    SELECT readfile('/etc/passwd') AS id, name, channel, started_at, cost, sent, delivered, opens, clicks FROM campaigns_real;"
ran "$M" campaigns "$tmp/rf.db"
want_rc 1 "campaigns on a view calling readfile()"
grep -q '^mqlite campaigns: unsafe use of readfile()$' "$tmp/err" || bad "campaigns with readfile() in a view: $(cat "$tmp/err")"
# a stored view with the name of a TEMP view of schema/views.sql is never read:
# the scripts name temp.campaign_report
cp "$db" "$tmp/rv.db"
"$SQ" "$tmp/rv.db" "CREATE VIEW campaign_report AS SELECT readfile('/etc/passwd') AS campaign, 1 AS mqls;"
ran "$M" campaigns "$tmp/rv.db" --format csv
want_rc 0 "campaigns beside a stored view named campaign_report"
grep -q '^campaign,channel,' "$tmp/out" || bad "campaigns beside a stored campaign_report printed no table: $(head -2 "$tmp/out")"
! grep -q 'root:' "$tmp/out" || bad "campaigns read a stored view named campaign_report"

# a table declared as the shell's zipfile virtual table reads and writes files
# even with trusted_schema=OFF (the control writes one): refused
"$SQ" "$tmp/zip.db" "CREATE VIRTUAL TABLE mqlite_rules USING zipfile('$tmp/w/rules.zip')"
"$SQ" "$tmp/zip.db" "PRAGMA trusted_schema = OFF; INSERT INTO mqlite_rules(name, data) VALUES ('x', 'y')"
[ -f "$tmp/w/rules.zip" ] || bad "control: a zipfile table did not write its file"
rm -f "$tmp/w/rules.zip"
ran "$M" rule "$tmp/zip.db" list
want_rc 1 "rule list on a zipfile table"
same "$tmp/err" "mqlite rule: the database declares a zipfile virtual table, which reads and writes files on disk; mqlite does not open it"
[ ! -f "$tmp/w/rules.zip" ] || bad "rule list wrote through a zipfile table"

# ~/.sqliterc (which could hold a .shell) is not read: sqlite3 finds the home
# directory through getpwuid(), not $HOME, so a test cannot plant one without
# writing the real home; the grep above holds mq_run to -init /dev/null.

# ---- 2. file names that would be pipes, options or URIs -----------------------
# The control: .import of a '|' name runs it.
(cd "$tmp/ctl" && rm -f PWNED && { printf '.import --csv "|touch PWNED;x.csv" t\n' | "$SQ" -batch :memory: >/dev/null 2>&1 || :; })
[ -f "$tmp/ctl/PWNED" ] || bad "control: .import '|cmd' did not run it"
cp tests/fixtures/leads.csv "$tmp/w/|touch PWNED;x.csv"
rm -f "$tmp/w/PWNED"
"$M" init "$tmp/imp.db" >/dev/null
ran inw "$M" import ../imp.db leads '|touch PWNED;x.csv' --date-format dmy --map external_id="Lead Id"
[ ! -f "$tmp/w/PWNED" ] || bad "import ran a file name as a command"
same "$tmp/out" "imported leads from |touch PWNED;x.csv: 4 new, 0 updated, 0 unchanged, 0 bad"
# a name with a line break cannot start a .shell: the importer reads the file
# through a redirection and names it in no dot-command, so it is just a name
nl_name=$(printf 'y\n.shell touch PWNED\n.csv')
cp tests/fixtures/leads.csv "$tmp/w/$nl_name"
rm -f "$tmp/w/PWNED"
"$M" init "$tmp/imp2.db" >/dev/null
ran inw "$M" import ../imp2.db leads "$nl_name" --date-format dmy --map external_id="Lead Id"
[ ! -f "$tmp/w/PWNED" ] || bad "import ran a .shell from a file name with a line break"
want_rc 0 "import of a file name with a line break"
[ "$(sed -n '$p' "$tmp/out")" = ".csv: 4 new, 0 updated, 0 unchanged, 0 bad" ] || bad "import of a file name with a line break: $(cat "$tmp/out")"
[ "$(printf '.mode list\nSELECT count(*) FROM leads;\n' | "$SQ" "$tmp/imp2.db")" = 4 ] || bad "a file name with a line break: not 4 leads"
# report --out '|cmd' is a file of that name
rm -f "$tmp/w/PWNED"
ran inw "$M" report ../crm.db --out '|touch PWNED'
want_rc 0 "report --out '|cmd'"
[ ! -f "$tmp/w/PWNED" ] || bad "report --out ran a command"
[ "$(tail -n 1 "$tmp/w/|touch PWNED")" = '</main></body></html>' ] || bad "report --out '|touch PWNED' did not write that file"
# a database named file:crm.db is that file, not crm.db through a URI
inw "$M" init 'file:u.db' >/dev/null
[ -f "$tmp/w/file:u.db" ] || bad "init file:u.db did not create the file file:u.db"
[ ! -f "$tmp/w/u.db" ] || bad "init file:u.db created u.db (a URI)"
# beside a crm.db with rules, file:crm.db (a new database) has none
cp "$db" "$tmp/w/crm.db"
inw "$M" init file:crm.db >/dev/null
ran inw "$M" rule file:crm.db list --format csv
want_rc 0 "rule file:crm.db list"
same "$tmp/out" ""

# ---- 12. a time limit: a view over an endless recursive CTE ------------------
# (the campaigns table the report reads, made such a view: the columns it has)
no_cols="NULL AS name, NULL AS channel, NULL AS started_at, NULL AS cost, NULL AS sent, NULL AS delivered, NULL AS opens, NULL AS clicks"
cp "$db" "$tmp/loop.db"
"$SQ" "$tmp/loop.db" "ALTER TABLE campaigns RENAME TO campaigns_real; CREATE VIEW campaigns AS
    WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r)
    SELECT 'c' AS id, $no_cols FROM r WHERE x < 0;"
t0=$(date +%s)
ran timeout -s KILL 30 "$M" report "$tmp/loop.db" --timeout 1 --out "$tmp/loop.html"
want_rc 124 "report --timeout 1 on an endless view"
same "$tmp/err" "mqlite report: stopped after 1 s, the time limit (--timeout or MQLITE_TIMEOUT)"
[ $(($(date +%s) - t0)) -le 10 ] || bad "report --timeout 1 took $(($(date +%s) - t0)) s"
[ ! -e "$tmp/loop.html" ] || bad "a timed-out report wrote its file"
[ -z "$(find "$tmp" -name 'loop.html.tmp.*')" ] || bad "a timed-out report left a temporary file"
ran env MQLITE_TIMEOUT=1 timeout -s KILL 30 "$M" report "$tmp/loop.db"
want_rc 124 "MQLITE_TIMEOUT=1 report on an endless view"
same "$tmp/out" ""
forget_vg "$tmp/loop.db"
"$M" report --help | grep -q -- '--timeout SECONDS  stop after this long, exit 124 (default 600; 0: none)' || bad "report --help lacks --timeout"
ran "$M" funnel "$db" --timeout soon
want_rc 2 "--timeout soon"
grep -q "^mqlite funnel: --timeout (or MQLITE_TIMEOUT) expects whole seconds, found 'soon'$" "$tmp/err" || bad "--timeout soon: $(cat "$tmp/err")"

# ---- 13. a lock held by another process ---------------------------------------
# hold LOCK DB: another connection takes LOCK (BEGIN LOCK; a read) and keeps
# it until release; it reads its commands from a FIFO, so the lock is held
# for as long as the case needs however slow the machine (ASan, valgrind).
hold() {
    rm -f "$tmp/lockctl" "$tmp/held"
    mkfifo "$tmp/lockctl"
    "$SQ" -batch "$2" <"$tmp/lockctl" >"$tmp/held" 2>&1 &
    holder=$!
    exec 3>"$tmp/lockctl"
    printf 'BEGIN %s;\nSELECT count(*) FROM leads;\n' "$1" >&3
    n=0
    until [ -s "$tmp/held" ] || [ "$n" -ge 100 ]; do sleep 0.1; n=$((n + 1)); done
    [ -s "$tmp/held" ] || bad "the lock holder did not start"
}
release() {
    printf 'COMMIT;\n' >&3
    exec 3>&-
    wait "$holder" || :
}
hold EXCLUSIVE "$db"
ran "$M" funnel "$db" --format csv --wait 0
want_rc 1 "funnel --wait 0 on a locked database"
same "$tmp/err" "mqlite funnel: database is locked"
same "$tmp/out" ""
# started while the lock is held, it succeeds only by waiting for the release
"$M" funnel "$db" --format csv >"$tmp/out" 2>"$tmp/err" &
waiter=$!
sleep 1
release
rc=0
wait "$waiter" || rc=$?
want_rc 0 "funnel waiting for a lock (default --wait)"
grep -q '^MQL/PQL,3,0.75,' "$tmp/out" || bad "funnel after the wait: $(cat "$tmp/out")"
# score: a reader keeps COMMIT from getting its lock; no success line is printed
hold DEFERRED "$db"
ran "$M" score "$db" --rule b2b --wait 1
want_rc 1 "score whose COMMIT cannot get the lock"
same "$tmp/out" ""
same "$tmp/err" "mqlite score: database is locked"
release
[ "$("$SQ" "$db" 'SELECT count(*) FROM scores')" = 0 ] || bad "score wrote scores though its COMMIT failed"
ran "$M" score "$db" --rule b2b --wait soon
want_rc 2 "--wait soon"

# ---- 17. SIGTERM stops sqlite3 too --------------------------------------------
# a trigger that keeps the run busy after it wrote (bounded: ~a minute at most)
cp "$db" "$tmp/slow.db"
"$SQ" "$tmp/slow.db" "CREATE TABLE t(n); CREATE TRIGGER slow AFTER INSERT ON scores
    BEGIN INSERT INTO t WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < 300000000) SELECT count(*) FROM r; END;"
before=$("$SQ" "$tmp/slow.db" 'SELECT count(*) FROM scores')
"$M" score "$tmp/slow.db" --rule b2b >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 0.7
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
want_rc 143 "score stopped by SIGTERM"
same "$tmp/err" "mqlite score: stopped by SIGTERM"
same "$tmp/out" ""
# nothing holds the database any more, and nothing was committed
"$SQ" "$tmp/slow.db" 'BEGIN EXCLUSIVE; COMMIT;' 2>"$tmp/lock" || bad "sqlite3 still holds the database after SIGTERM: $(cat "$tmp/lock")"
[ "$("$SQ" "$tmp/slow.db" 'SELECT count(*) FROM scores')" = "$before" ] || bad "scores were committed after SIGTERM"
# a report stopped mid-run leaves its last page and no FILE.tmp.PID
printf 'old page\n' >"$tmp/slow.html"
"$SQ" "$tmp/slow.db" "ALTER TABLE campaigns RENAME TO campaigns_real; CREATE VIEW campaigns AS
    WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < 300000000)
    SELECT 'c' AS id, $no_cols FROM r WHERE x < 0;"
"$M" report "$tmp/slow.db" --out "$tmp/slow.html" 2>"$tmp/err" &
pid=$!
sleep 0.7
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
want_rc 143 "report stopped by SIGTERM"
same "$tmp/slow.html" "old page"
[ -z "$(find "$tmp" -name 'slow.html.tmp.*')" ] || bad "a stopped report left FILE.tmp.PID"
forget_vg "$tmp/slow.db"

# ---- 19. --out DIR, --dry-run on a read-only database --------------------------
mkdir "$tmp/outdir"
ran "$M" report "$db" --out "$tmp/outdir"
want_rc 2 "report --out DIR"
same "$tmp/err" "mqlite report: --out expects a file, found the directory $tmp/outdir
(see mqlite report --help)"
[ -z "$(ls -A "$tmp/outdir")" ] || bad "report --out DIR wrote into it: $(ls -A "$tmp/outdir")"
# --out naming the database itself, even through a link, would put the page in
# its place; --out -x.html is a file of that name (it used to reach dirname
# and mv as an option)
ln -s "$db" "$tmp/link.db"
ran "$M" report "$db" --out "$tmp/link.db"
want_rc 2 "report --out the database (by a link)"
same "$tmp/err" "mqlite report: --out $tmp/link.db is the database itself
(see mqlite report --help)"
[ "$(printf '.mode list\nSELECT count(*) > 0 FROM leads;\n' | "$SQ" "$db")" = 1 ] || bad "report --out the database: the database is gone"
ran inw "$M" report ../crm.db --out -x.html
want_rc 0 "report --out -x.html"
[ "$(tail -n 1 "$tmp/w/-x.html")" = '</main></body></html>' ] || bad "report --out -x.html did not write that file"

# ---- 7 and 19 on real filesystems: a full disk, a read-only one (root only) --
if mkdir "$tmp/mnt" && mount -t tmpfs -o size=256k tmpfs "$tmp/mnt" 2>/dev/null; then
    mnt=$tmp/mnt
    "$M" report "$db" --out "$mnt/r.html"
    cp "$mnt/r.html" "$tmp/good.html"
    # fill the disk, leaving less room than a page needs
    cat /dev/zero >"$mnt/fill" 2>/dev/null || :
    cp "$db" "$tmp/disk.db"
    ran "$M" report "$tmp/disk.db" --out "$mnt/r.html"
    forget_vg "$tmp/disk.db"
    want_rc 1 "report --out on a full disk"
    same "$tmp/err" "mqlite report: cannot write $mnt/r.html (left unchanged): No space left on device"
    cmp -s "$mnt/r.html" "$tmp/good.html" || bad "a full disk replaced the last good report"
    [ -z "$(find "$mnt" -name 'r.html.tmp.*')" ] || bad "a full disk left FILE.tmp.PID"
    # --dry-run on a read-only database
    rm -f "$mnt/fill" "$mnt/r.html"
    cp "$db" "$mnt/ro.db"
    mount -o remount,ro "$mnt"
    ran "$M" score "$mnt/ro.db" --rule b2b --dry-run
    want_rc 0 "score --dry-run on a read-only database"
    grep -q '^(dry run: nothing was written)$' "$tmp/out" || bad "dry run on a read-only database: $(cat "$tmp/out")"
    ran "$M" score "$mnt/ro.db" --rule b2b
    want_rc 1 "score on a read-only database"
    same "$tmp/err" "mqlite score: attempt to write a readonly database"
    umount "$mnt"
    mnt=""
else
    echo "test_hostile_scripts: full-disk and read-only cases skipped (mounting a tmpfs needs root)"
fi
# the output stream on a full device (sqlite3 then dies of SIGPIPE)
cp "$db" "$tmp/full.db"
rc=0
"$M" funnel "$tmp/full.db" --format csv >/dev/full 2>"$tmp/err" || rc=$?
want_rc 1 "funnel >/dev/full"
same "$tmp/err" "mqlite funnel: cannot write the output: No space left on device"
forget_vg "$tmp/full.db"


# a run that fails leaves no temporary file behind: cron repeats it nightly,
# and each failed import or rule diff left its captured output in $TMPDIR
mkdir "$tmp/scratch"
cp "$db" "$tmp/fails.db"
printf 'external_id,email,created_at\nL1,a@b.c,not a date\n' >"$tmp/bad.csv"
for cmd in "import $tmp/fails.db leads $tmp/bad.csv" "rule $tmp/fails.db diff nope 1 2" \
           "rule $tmp/fails.db show nope" "export $tmp/fails.db nope" "digest $tmp/fails.db --as-of never" \
           "--version"; do
    # (--version with an extension that does not load: its scratch database)
    case $cmd in --version) ext=$tmp/bad.csv ;; *) ext=${MQLITE_EXT:-$(pwd)/build/mqlite.so} ;; esac
    # shellcheck disable=SC2086 # the words of the case
    ran env TMPDIR="$tmp/scratch" MQLITE_EXT="$ext" "$M" $cmd
    [ "$rc" != 0 ] || bad "mqlite $cmd: exit 0, expected a failure"
    left=$(ls -A "$tmp/scratch")
    [ -z "$left" ] || bad "mqlite ${cmd%% *} left in TMPDIR: $left"
    rm -rf "$tmp/scratch" && mkdir "$tmp/scratch"
done
forget_vg "$tmp/fails.db"

[ "$fail" = 0 ]
