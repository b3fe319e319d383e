#!/bin/sh
# run-unit.sh — runs each cmocka test binary given and counts binaries that fail.
# usage: tests/run-unit.sh build/tests/test_*
set -eu
pass=0 fail=0
for t in "$@"; do
    # MQLITE_UNDER: a wrapper such as tests/valgrind-run.sh (make check-valgrind)
    if ${MQLITE_UNDER:+sh "$MQLITE_UNDER"} "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $t"; fi
done
echo "unit: $pass passed, $fail failed"
[ -n "${MQLITE_COUNTS:-}" ] && echo "$pass $fail" >>"$MQLITE_COUNTS"
[ "$fail" -eq 0 ]
