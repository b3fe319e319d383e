#!/bin/sh
# test_house.sh — the shape of ext/ that a newcomer relies on, checked from the
# built objects so that it cannot drift: no two object files depend on each
# other (directly or round a longer loop), nothing calls into the entry file
# mqlite.o, no C file in ext/ is over 600 lines, and the built extension exports
# one symbol, its entry point (hidden visibility: nothing else leaks into a
# host that loads with RTLD_GLOBAL).
#
# A dependency A -> B is a symbol that A's object uses and B's defines (nm).
set -eu
so=${MQLITE_EXT:-build/mqlite.so}
objdir=$(dirname "$so")/ext
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL house: $*"; fail=1; }

for o in "$objdir"/*.o; do
    n=$(basename "$o" .o)
    nm "$o" | awk -v n="$n" '$1 == "U" { print "U", n, $2; next }
                             NF == 3 && $2 ~ /^[TDRBC]$/ { print "D", n, $3 }'
done >"$tmp/syms"
awk '$1 == "D" { def[$3] = $2 } $1 == "U" { use[NR] = $2 " " $3 }
     END { for (i in use) { split(use[i], u, " "); if ((u[2] in def) && def[u[2]] != u[1]) print u[1], def[u[2]] } }' \
    "$tmp/syms" | sort -u >"$tmp/edges"
[ -s "$tmp/edges" ] || bad "no dependencies found among $objdir/*.o (not built?)"
# tsort prints the loop it finds on stderr
if ! tsort "$tmp/edges" >/dev/null 2>"$tmp/loop" || [ -s "$tmp/loop" ]; then
    bad "object files depend on each other in a loop: $(tr '\n' ' ' <"$tmp/loop")"
fi
callers=$(awk '$2 == "mqlite" { print $1 }' "$tmp/edges" | tr '\n' ' ')
[ -z "$callers" ] || bad "the entry file is used by: $callers"

long=$(wc -l ext/*.c ext/*.h | awk '$2 != "total" && $1 > 600 { print $2 " (" $1 ")" }')
[ -z "$long" ] || bad "files over 600 lines: $long"

exported=$(nm -D --defined-only "$so" | awk '{ print $NF }' | tr '\n' ' ')
[ "$exported" = "sqlite3_mqlite_init " ] || bad "$so exports: $exported"

[ "$fail" = 0 ] && echo "house: $(wc -l <"$tmp/edges") dependencies among $(set -- "$objdir"/*.o; echo $#) objects, no loop; one export"
exit "$fail"
