#!/bin/sh
# test_hostile_load.sh — issue 11, item 6: mqlite loaded through SQL,
# `SELECT load_extension(...)`, into a host whose SQLite has median and
# percentile of its own (3.47+ built with SQLITE_ENABLE_PERCENTILE). It used
# to fail half-way ("registering percentile failed: database is locked"),
# after which SQLite unloaded the library and the next call crashed the host.
#
# The host is tests/load/host.c compiled with the SQLite amalgamation that
# better-sqlite3 12 ships in its npm package (deps/sqlite3/). The package is
# fetched with `npm pack` once and the build kept in build/newsqlite (the same
# for the plain, ASan and valgrind runs), so that `make test` compiles
# sqlite3.c only the first time. Without npm or the registry the test says
# SKIP, loudly; MQLITE_REQUIRE_NEWSQLITE=1 (CI) makes that a failure.
set -eu
ext=${MQLITE_EXT:-build/mqlite.so}
ext=$(cd "$(dirname "$ext")" && pwd)/$(basename "$ext" .so)
cache=${MQLITE_NEWSQLITE:-build/newsqlite}
mkdir -p "$cache"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0

skip() {
    echo "SKIP hostile_load: $* -- the load test against SQLite 3.47+ did NOT run" | tee /dev/stderr
    [ "${MQLITE_REQUIRE_NEWSQLITE:-0}" = 1 ] && exit 1
    exit 0
}

# The tools run without the sanitizer preload of make check-asan (node and
# cc are not built for it); only the host, which loads mqlite, keeps it.
plain() { env -u LD_PRELOAD "$@"; }

if [ ! -f "$cache/sqlite3.o" ]; then
    command -v npm >/dev/null 2>&1 || skip "npm is not installed"
    (cd "$tmp" && plain timeout 120 npm pack --silent better-sqlite3@12 >npm.out 2>&1) ||
        skip "npm pack better-sqlite3@12 failed: $(tail -n 1 "$tmp/npm.out")"
    tar -xzf "$tmp"/better-sqlite3-*.tgz -C "$tmp" package/deps/sqlite3 ||
        skip "the better-sqlite3 package has no deps/sqlite3"
    cp "$tmp"/package/deps/sqlite3/sqlite3.h "$tmp"/package/deps/sqlite3/sqlite3ext.h "$cache/"
    # SQLite's own defaults, and its median and percentile; -O1 keeps it quick
    plain cc -O1 -w -DSQLITE_ENABLE_PERCENTILE -I"$cache" -c "$tmp/package/deps/sqlite3/sqlite3.c" -o "$tmp/sqlite3.o"
    mv "$tmp/sqlite3.o" "$cache/sqlite3.o"
fi
host=$cache/host
if [ ! -x "$host" ] || [ -n "$(find tests/load/host.c -newer "$host")" ]; then
    plain cc -std=c11 -O1 -Wall -Wextra -Werror -I"$cache" -o "$tmp/host" tests/load/host.c "$cache/sqlite3.o" -lm -lpthread -ldl
    mv "$tmp/host" "$host"
fi
version=$("$host" "SELECT sqlite_version()")

# run ID EXPECTED HOST-ARGS...: the host's output must be EXPECTED, exit 0
run() {
    id=$1 want=$2
    shift 2
    n=$((n + 1))
    rc=0
    timeout 60 ${MQLITE_UNDER:+sh "$MQLITE_UNDER"} "$host" "$@" >"$tmp/out" 2>&1 || rc=$?
    got=$(cat "$tmp/out")
    if [ "$rc" != 0 ] || [ "$got" != "$want" ]; then
        fail=1
        echo "FAIL hostile_load $id: exit $rc (want 0)"
        printf '  want: %s\n  got:  %s\n' "$want" "$got"
    fi
}
load="SELECT load_extension('$ext')"

# 6.1 the host's median and percentile stay the host's (its own error text);
# mqlite's are there as mqlite_median and mqlite_percentile; all else loads
run 6.1 "
host median|2.0|2.8
mqlite|2.0|2.8
0.1.0|3
error: input to median() is not numeric
error: mqlite_median: argument 1 expected a number, found TEXT 'a'" \
    "$load" \
    "SELECT 'host median', median(x), percentile(x, 90) FROM (SELECT 1 x UNION SELECT 3)" \
    "SELECT 'mqlite', mqlite_median(x), mqlite_percentile(x, 90) FROM (SELECT 1 x UNION SELECT 3)" \
    "SELECT mqlite_version(), stage_rank('MQL')" \
    "SELECT median('a')" "SELECT mqlite_median('a')"
# 6.2 loading twice in one connection is harmless
run 6.2 "

0.1.0|3" "$load" "$load" "SELECT mqlite_version(), stage_rank('MQL')"
# 6.3 a name the host has that mqlite does not give way on: nothing is
# registered (and SQLite's unloading of the library then harms nothing)
run 6.3 "error: error during initialization: mqlite: this SQLite already has a function or table named stage_rank; mqlite registered nothing rather than replace it
error: no such function: mqlite_version
error: no such function: lead_score
the host's own" \
    --define stage_rank "$load" "SELECT mqlite_version()" "SELECT lead_score('b2b', '{}')" "SELECT stage_rank('MQL')"
# 6.4 the same for a table-valued function the host has
run 6.4 "error: error during initialization: mqlite: this SQLite already has a function or table named funnel; mqlite registered nothing rather than replace it
error: no such function: stage_rank
0" \
    --module funnel "$load" "SELECT stage_rank('MQL')" "SELECT count(*) FROM funnel"
# 6.5 every allocation of the load failing in turn: refused cleanly, or
# half-way with the library pinned so what was registered still works
rc=0
timeout 120 ${MQLITE_UNDER:+sh "$MQLITE_UNDER"} "$host" --oom-sweep "$ext" 1 >"$tmp/sweep" 2>&1 || rc=$?
[ "$rc" = 0 ] || { fail=1; echo "FAIL hostile_load 6.5: exit $rc"; }
n=$((n + 1))
grep -q '^oom sweep: [0-9]* failure points' "$tmp/sweep" || { fail=1; echo "FAIL hostile_load 6.5:"; cat "$tmp/sweep"; }

echo "hostile_load: $n cases against SQLite $version: $(cat "$tmp/sweep")"
[ "$fail" = 0 ]
