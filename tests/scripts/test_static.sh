#!/bin/sh
# test_static.sh — the self-contained extension (make static,
# build/static/mqlite.so) is one file that works alone: copied by itself into
# an empty directory and loaded with no LD_LIBRARY_PATH, it scores the
# README's lead with samples/rules/b2b.lua (70.0) and reports its versions;
# it needs only libc and libm (ldd), exports only its entry point, and passes
# the SQL tests (tests/run-sql.sh) as the shared build does.
# Skipped, saying so, when make static has not been run; under CI=true a
# missing build is a failure (CI runs make static first).
set -eu
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh
# (the same C as the shared build, which the SQL tests run under valgrind)
skip_under_valgrind static
T=static
fail=0
so=build/static/mqlite.so
if [ ! -f "$so" ]; then
    missing "$so is not built (make static builds it)"
    exit "$fail"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/alone"
cp "$so" "$tmp/alone/mqlite.so"

# what it needs: libc and libm, and the loader's own entries (as the loader
# sees it with nothing preloaded: check-asan preloads libasan)
env -u LD_PRELOAD -u LD_LIBRARY_PATH ldd "$tmp/alone/mqlite.so" | awk '{ print $1 }' | sed 's|.*/||' | sort >"$tmp/ldd"
printf '%s\n' ld-linux-x86-64.so.2 libc.so.6 libm.so.6 linux-vdso.so.1 | sort >"$tmp/want"
case $(uname -m) in
    x86_64) cmp -s "$tmp/want" "$tmp/ldd" || bad "ldd: $(tr '\n' ' ' <"$tmp/ldd")" ;;
    *) grep -v -e '^libc\.so' -e '^libm\.so' -e '^ld-linux' -e '^linux-vdso' -e '^linux-gate' "$tmp/ldd" >"$tmp/other" &&
        bad "ldd: also needs $(tr '\n' ' ' <"$tmp/other")" ;;
esac
same exports "$(nm -D --defined-only "$tmp/alone/mqlite.so" | awk '{ print $NF }' | tr '\n' ' ')" "sqlite3_mqlite_init "

# the README's first score, in a fresh directory, the rule as an SQL literal
rule=$(sed "s/'/''/g" samples/rules/b2b.lua)
cat >"$tmp/score.sql" <<EOF
CREATE TABLE mqlite_rules(name TEXT PRIMARY KEY, source TEXT NOT NULL);
INSERT INTO mqlite_rules(name, source) VALUES ('b2b', '$rule');
SELECT lead_score('b2b', '{"annual_revenue": 2500000, "employees": 120, "title": "VP Marketing",
                           "attrs": {"web_visits": 40000, "cms": "WordPress"}}');
SELECT mqlite_version(), mqlite_lua_version();
EOF
rc=0
(cd "$tmp" && env -u LD_LIBRARY_PATH -u LD_PRELOAD sqlite3 -bail -batch :memory: ".load $tmp/alone/mqlite" ".read score.sql") \
    >"$tmp/out" 2>&1 || rc=$?
lua=$(sed -n "s/^lua5.4 \([^-]*\)-.*/Lua \1/p" build/static/src/versions)
printf '70.0\n%s|%s\n[exit 0]\n' "$(sed -n 's/^#define MQLITE_VERSION "\(.*\)"$/\1/p' ext/mqlite.c)" "$lua" >"$tmp/want"
echo "[exit $rc]" >>"$tmp/out"
diff -u "$tmp/want" "$tmp/out" || bad "score"
# and every SQL test (tests/sql, and the README's SQL) gives the same output
# with it as with the shared build
env -u LD_LIBRARY_PATH sh tests/run-sql.sh "$tmp/alone/mqlite.so" >"$tmp/sql" 2>&1 ||
    { cat "$tmp/sql"; bad "sql: the SQL tests fail with the static build"; }

[ "$fail" = 0 ] && echo "static: $so alone: libc and libm only, one export, scores 70.0"
exit "$fail"
