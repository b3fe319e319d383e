#!/bin/sh
# run-scripts.sh — tests of the shell scripts: shellcheck on every script, then
# each tests/scripts/test_*.sh (run from the repository root).
set -eu
pass=0 fail=0
# every shell file, the sourced helpers (which have no #! line) included
shfiles=$(ls scripts/mqlite scripts/mqlite-* samples/*.sh docs/*.sh docs/*/*.sh tests/*.sh tests/*/*.sh .ci/run 2>/dev/null)
if command -v shellcheck >/dev/null 2>&1; then
    # shellcheck disable=SC2086 # word splitting of the file list is meant
    if shellcheck -s sh $shfiles; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL shellcheck"; fi
else
    echo "run-scripts: shellcheck is missing (apt-get install shellcheck)" >&2
    fail=$((fail + 1))
fi
for t in tests/scripts/test_*.sh; do
    [ -f "$t" ] || continue
    start=$(date +%s)
    if sh "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $t"; fi
    # (the time of each, so the slow ones under valgrind can be seen in CI's log)
    echo "time $t: $(($(date +%s) - start)) s"
done
echo "scripts: $pass passed, $fail failed"
[ -n "${MQLITE_COUNTS:-}" ] && echo "$pass $fail" >>"$MQLITE_COUNTS"
[ "$fail" -eq 0 ]
