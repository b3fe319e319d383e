#!/bin/sh
# run-fuzz-replay.sh — replays every fuzz seed and every input that once made
# a target crash (tests/fuzz/corpus/T, tests/fuzz/regress/T) through the
# targets built with the ordinary compiler and driver.c; part of make test.
# usage: tests/run-fuzz-replay.sh BINARY...
set -eu
pass=0 fail=0
for bin in "$@"; do
    t=${bin##*/fuzz_}
    extra=""
    [ "$t" = rule ] && extra=samples/rules      # the sample rules are seeds too
    # shellcheck disable=SC2086 # extra is one word or none
    if ${MQLITE_UNDER:+sh "$MQLITE_UNDER"} "$bin" "tests/fuzz/corpus/$t" "tests/fuzz/regress/$t" $extra >/dev/null; then pass=$((pass + 1))
    else fail=$((fail + 1)); echo "FAIL fuzz replay $t"; fi
done
echo "fuzz replay: $pass passed, $fail failed"
[ -n "${MQLITE_COUNTS:-}" ] && echo "$pass $fail" >>"$MQLITE_COUNTS"
[ "$fail" -eq 0 ]
