#!/bin/sh
# nightly-sync.sh — the nightly CRM sync, for cron: import the night's export
# files (campaigns.csv, leads.csv, events.csv, stages.csv in DIR) into DB,
# score every lead, and print the funnel. Each import is a sync (leads and
# campaigns by their CRM id; events and stages skip what is already stored),
# so an overlapping or repeated night adds nothing twice.
#
#   samples/nightly-sync.sh [--rule NAME] [--as-of DATE] [--report FILE] DB DIR
#
# Stops at the first step that fails, with its exit status and the step named
# on stderr (cron mails it); a bad row makes its import write nothing. Two
# runs on one DB do not overlap: the second waits up to --lock-wait seconds
# (default 600) for the lock (flock, from util-linux), then gives up with 75.
set -eu

usage() {
    cat <<'USAGE'
usage: nightly-sync.sh [--rule NAME] [--as-of DATE] [--report FILE] [--lock-wait S] DB DIR

Imports DIR/campaigns.csv (if there is one), DIR/leads.csv, DIR/events.csv,
DIR/stages.csv and DIR/deals.csv (if there is one; its status column says
open, won or lost, as mqlite export DB deals writes it) into DB in that order, scores the leads with rule NAME
(default b2b) as of DATE (default now), prints the funnel, and with --report
writes the HTML report to FILE. Exit status: that of the first step that
failed (75: another sync of DB holds the lock).
USAGE
}

# mqlite: $MQLITE, else the source tree's scripts/mqlite beside samples/, else
# (installed in PREFIX/share/mqlite/samples) the mqlite on the PATH
here=$(cd "$(dirname -- "$0")" && pwd)
if [ -n "${MQLITE:-}" ]; then
    mqlite=$MQLITE
elif [ -f "$here/../scripts/mqlite" ]; then
    mqlite=$here/../scripts/mqlite
else
    mqlite=$(command -v mqlite) || { echo "nightly-sync: cannot find mqlite: put it on the PATH or set MQLITE" >&2; exit 1; }
fi
rule=b2b asof="" report="" lockwait=600 db="" dir=""
while [ $# -gt 0 ]; do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --rule | --as-of | --report | --lock-wait)
            [ $# -ge 2 ] || { echo "nightly-sync: $1 needs a value" >&2; exit 2; }
            case $1 in
                --rule) rule=$2 ;; --as-of) asof=$2 ;; --report) report=$2 ;; --lock-wait) lockwait=$2 ;;
            esac
            shift 2 ;;
        --) shift; break ;;
        -*) echo "nightly-sync: unknown option $1" >&2; usage >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -eq 2 ] || { usage >&2; exit 2; }
db=$1 dir=$2
case $lockwait in '' | *[!0-9]*) echo "nightly-sync: --lock-wait expects whole seconds, found '$lockwait'" >&2; exit 2 ;; esac
[ -f "$db" ] || { echo "nightly-sync: no database $db (create it with: mqlite init DB --samples)" >&2; exit 1; }
[ -d "$dir" ] || { echo "nightly-sync: no directory $dir" >&2; exit 1; }
command -v flock >/dev/null 2>&1 || { echo "nightly-sync: flock is missing (apt-get install util-linux)" >&2; exit 1; }

# The lock: a file beside DB, held on fd 9 for as long as this shell runs.
exec 9>>"$db.sync-lock"
flock -w "$lockwait" 9 || { echo "nightly-sync: another sync of $db still runs after $lockwait s; this one did nothing" >&2; exit 75; }

# step NAME COMMAND...: runs COMMAND; on failure names the step and exits
# with its status
step() {
    name=$1
    shift
    rc=0
    "$@" || rc=$?
    [ "$rc" = 0 ] || { echo "nightly-sync: $name failed (exit $rc); the steps after it did not run" >&2; exit "$rc"; }
}

echo "nightly-sync: $db from $dir, $(date -u '+%Y-%m-%d %H:%M:%S') UTC"
[ ! -f "$dir/campaigns.csv" ] || step "import campaigns" "$mqlite" import "$db" campaigns "$dir/campaigns.csv"
for kind in leads events stages; do
    step "import $kind" "$mqlite" import "$db" "$kind" "$dir/$kind.csv"
done
# (deals after the leads they name)
[ ! -f "$dir/deals.csv" ] || step "import deals" "$mqlite" import "$db" deals "$dir/deals.csv"
step "score" "$mqlite" score "$db" --rule "$rule" ${asof:+--as-of "$asof"}
step "funnel" "$mqlite" funnel "$db"
if [ -n "$report" ]; then
    step "report" "$mqlite" report "$db" --rule "$rule" ${asof:+--as-of "$asof"} --out "$report"
fi
