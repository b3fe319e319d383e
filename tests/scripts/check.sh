# check.sh — the checks the import tests share, sourced after they set tmp
# (their scratch directory), T (the test's name in FAIL lines) and fail=0.
#   run NAME COMMAND...  COMMAND's stdout, a line "--", its stderr and
#                        "[exit N]" into $tmp/NAME.got, with $tmp shown as TMP
#   runc NAME COMMAND... run, with the CRs of CSV's CR LF line ends (RFC 4180)
#                        taken out of NAME.got and of $tmp/o (the stdout)
#   run_err NAME COMMAND...  the same as run without stdout and the "--"
#   expect NAME          $tmp/NAME.got against the text on stdin
#   same NAME GOT WANT   one value
#   bad MESSAGE          a FAIL line naming the test, "FAIL $T: MESSAGE"; fail=1
# shellcheck shell=sh disable=SC2154,SC2034 # tmp, T and fail are the test's
run() {
    name=$1
    shift
    rc=0
    "$@" >"$tmp/o" 2>"$tmp/e" || rc=$?
    { sed "s|$tmp|TMP|g" "$tmp/o"; echo "--"; sed "s|$tmp|TMP|g" "$tmp/e"; echo "[exit $rc]"; } >"$tmp/$name.got"
}
runc() {
    run "$@"
    tr -d '\r' <"$tmp/$1.got" >"$tmp/$1.lf" && mv "$tmp/$1.lf" "$tmp/$1.got"
    tr -d '\r' <"$tmp/o" >"$tmp/o.lf" && mv "$tmp/o.lf" "$tmp/o"
}
run_err() {
    name=$1
    shift
    rc=0
    "$@" >"$tmp/o" 2>"$tmp/e" || rc=$?
    { sed "s|$tmp|TMP|g" "$tmp/e"; echo "[exit $rc]"; } >"$tmp/$name.got"
}
expect() {
    cat >"$tmp/$1.want"
    if ! diff -u "$tmp/$1.want" "$tmp/$1.got"; then echo "FAIL $T/$1"; fail=1; fi
}
same() {
    [ "$2" = "$3" ] || { printf 'FAIL %s/%s: got [%s], expected [%s]\n' "$T" "$1" "$2" "$3"; fail=1; }
}
bad() {
    echo "FAIL $T: $*"
    fail=1
}
#   skip_under_valgrind NAME   exits 0 under valgrind (check-valgrind), for the
#                        tests of shell and SQL logic (the import's CSV reader
#                        is awk and its checks SQL; the option parser is shell),
#                        which memcheck does not look at: the C they reach
#                        (mqlite_date, stage_lookup, the schema's functions,
#                        group_by) runs under it in the SQL tests,
#                        test_import_sync.sh and test_cli.sh. (Each of them
#                        took two to three minutes there.)
skip_under_valgrind() {
    [ -z "${MQLITE_UNDER:-}" ] && return 0
    echo "$1: skipped under $MQLITE_UNDER"
    exit 0
}
#   missing WHAT         what the test needs (a tool, a build) is not there:
#                        under CI=true, where all of it must be, a FAIL line
#                        (bad); elsewhere "$T: skipped: WHAT". The test then
#                        exits "$fail", or goes on without the part that needs it
missing() {
    if [ "${CI:-}" = true ]; then bad "$*"; else echo "$T: skipped: $*"; fi
}
#   need_dataset NAME FILE   exits 0, saying so, when FILE (a public dataset
#                        beside the project, which is not copied into it) is
#                        not there: the real-data checks run where it is
need_dataset() {
    [ -f "$2" ] && return 0
    echo "$1: skipped: $2 is not there (the dataset is not part of the project)"
    exit 0
}
#   hold DB SQL          another process takes DB's write lock (BEGIN
#                        IMMEDIATE), runs SQL in it and keeps the lock until
#                        release; it reads its commands from a FIFO, so the
#                        lock is held for as long as the case needs however
#                        slow the machine (ASan, valgrind); its COMMIT waits
#                        (.timeout) for a reader. Its stderr: $tmp/hold.err
#   release VERB         ends it with VERB (COMMIT or ROLLBACK)
hold() {
    rm -f "$tmp/lockctl" "$tmp/held"
    mkfifo "$tmp/lockctl"
    sqlite3 -batch -bail "$1" <"$tmp/lockctl" >"$tmp/held" 2>"$tmp/hold.err" &
    holder=$!
    exec 3>"$tmp/lockctl"
    printf ".timeout 60000\nBEGIN IMMEDIATE;\n%s\nSELECT 'held';\n" "$2" >&3
    n=0
    until [ -s "$tmp/held" ] || [ "$n" -ge 300 ]; do sleep 0.1; n=$((n + 1)); done
    [ -s "$tmp/held" ] || { echo "FAIL $T/hold: the lock holder did not start"; fail=1; }
}
release() {
    printf '%s;\n' "$1" >&3
    exec 3>&-
    wait "$holder" || :
}
#   pairwise_auc FILE    the AUC of the "score|outcome" lines of FILE, to four
#                        places, counted pair by pair (every lead that reached
#                        the outcome against every one that did not, a tie
#                        half): an independent check of roc_auc's sort
pairwise_auc() {
    awk -F'|' '{ s[NR] = $1; y[NR] = $2 }
        END { for (i = 1; i <= NR; i++) if (y[i] == 1) for (j = 1; j <= NR; j++) if (y[j] == 0) {
                  n++; w += (s[i] + 0 > s[j] + 0) + 0.5 * (s[i] + 0 == s[j] + 0) }
              printf "%.4f", w / n }' "$1"
}
