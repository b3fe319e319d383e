#!/bin/sh
# valgrind-verdict.sh — reads the logs that valgrind-run.sh left in DIR and
# fails on any memory error or leak, printing the logs that have one.
# usage: tests/valgrind-verdict.sh DIR
set -eu
dir=$1
n=$(find "$dir" -name 'vg.*.log' | wc -l)
bad=0
for log in "$dir"/vg.*.log; do
    [ -f "$log" ] || continue
    # -q leaves a log empty unless something went wrong
    if [ -s "$log" ]; then
        bad=$((bad + 1))
        echo "valgrind: $log: $(cat "${log%.log}.cmd" 2>/dev/null)"
        head -40 "$log"
    fi
done
echo "valgrind: $n processes checked, $bad with errors or leaks"
[ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
