#!/bin/sh
# run.sh — `make fuzz`: runs each libFuzzer target for SECONDS, two at a time
# (the machines have two cores; FUZZ_JOBS=1 for one at a time), growing build/fuzz/corpus-TARGET from the
# seeds in tests/fuzz/corpus/TARGET. A crash stops its target and leaves
# build/fuzz/crash-TARGET-*; keep it in tests/fuzz/regress/TARGET/ once fixed.
# Prints one line per target: seconds, executions, corpus size, crashes.
#
# usage: tests/fuzz/run.sh SECONDS TARGET...
set -eu
secs=$1
shift
B=build/fuzz
# Seeds kept elsewhere in the tree: the sample rules for the rule target.
seeds() { [ "$1" = rule ] && echo samples/rules; return 0; }
run_one() {
    t=$1
    mkdir -p "$B/corpus-$t"
    # shellcheck disable=SC2046 # seeds gives one directory or none
    "$B/fuzz_$t" -max_total_time="$secs" -max_len=4096 -timeout=20 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$B/crash-$t-" \
        "$B/corpus-$t" "tests/fuzz/corpus/$t" $(seeds "$t") >"$B/log-$t.txt" 2>&1 || true
}
# FUZZ_JOBS=1 leaves a core free for other work
while [ $# -gt 0 ]; do
    run_one "$1" &
    if [ $# -gt 1 ] && [ "${FUZZ_JOBS:-2}" -gt 1 ]; then run_one "$2" & shift; fi
    shift
    wait
done
status=0
for log in "$B"/log-*.txt; do
    t=${log#"$B"/log-}
    t=${t%.txt}
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    crashes=$(find "$B" -maxdepth 1 -name "crash-$t-*" | wc -l)
    printf '%-10s %6s s %12s executions %6s corpus files %3s crashes\n' "$t" "${took:-?}" "${execs:-?}" \
        "$(find "$B/corpus-$t" -type f | wc -l)" "$crashes"
    [ "$crashes" -eq 0 ] || status=1
done
exit $status
