#!/bin/sh
# test_surface.sh — mqlite's whole SQL surface pinned in one expected file
# (tests/scripts/expected/surface.out), as sqlite-vec's test-loadable.py does:
#   1. every function mqlite adds, with its arity, kind and flags, from
#      pragma_function_list (what a connection has with mqlite loaded and not
#      without it);
#   2. every table-valued function, from pragma_module_list;
#   3. the range every time argument accepts (one parser, sqlarg.c).
# A new, renamed or re-flagged function is a visible diff here. When the
# change is meant, run with MQLITE_BLESS=1 and read the diff before committing.
set -eu
ext=${MQLITE_EXT:-build/mqlite.so}
sqlite=${SQLITE3:-sqlite3}
expected=tests/scripts/expected/surface.out
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The flags column of pragma_function_list, in SQLite's own words.
fq="SELECT 'function ' || name || '/' || narg || ' '
        || CASE type WHEN 's' THEN 'scalar' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window' ELSE type END
        || CASE WHEN flags & 2048 THEN ' deterministic' ELSE '' END
        || CASE WHEN flags & 524288 THEN ' directonly' ELSE '' END
        || CASE WHEN flags & 2097152 THEN ' innocuous' ELSE '' END
        || CASE WHEN flags & 1048576 THEN ' subtype' ELSE '' END
    FROM pragma_function_list ORDER BY 1;"
mq="SELECT 'module ' || name FROM pragma_module_list ORDER BY 1;"

"$sqlite" -batch :memory: "$fq" "$mq" | sort >"$tmp/without"
"$sqlite" -batch :memory: ".load ${ext%.so}" "$fq" "$mq" | sort >"$tmp/with"

{
    comm -13 "$tmp/without" "$tmp/with" >"$tmp/added"
    echo "## 1 functions that loading mqlite adds (name/arguments, kind, flags)"
    grep '^function ' "$tmp/added" || true
    echo "## 2 table-valued functions (modules) that loading mqlite adds"
    grep '^module ' "$tmp/added" || true
    echo "## 3 time arguments: ISO-8601 or unix seconds, years 0 to 9999, the same for every function"
    for q in "days_between('0000-01-01', '9999-12-31 23:59:59')" \
             "days_between(-62167219200, 253402300799)" \
             "days_between(-62167219201, 0)" \
             "days_between(0, 253402300800)" \
             "days_between(0, 9e999)" \
             "days_between('10000-01-01', 0)" \
             "(SELECT count(*) FROM funnel(-62167219201))" \
             "(SELECT count(*) FROM funnel(NULL, 253402300800))" \
             "engagement_score('r', 'x', 1, NULL, 253402300800)"; do
        printf '%s -> ' "$q"
        # on stdin, not as an argument: the shell exits at once on an error in
        # an argument, without closing the database (a leak under valgrind)
        printf 'SELECT %s;\n' "$q" | "$sqlite" -batch -cmd ".load ${ext%.so}" :memory: 2>&1 |
            sed -e 's/^Error: [a-z ]*, //' -e 's/^[A-Za-z]* error near line [0-9]*: //'
    done
} >"$tmp/out"

if [ "${MQLITE_BLESS:-0}" = 1 ]; then cp "$tmp/out" "$expected"; fi
if diff -u "$expected" "$tmp/out"; then
    echo "ok surface: $(grep -c '^function' "$tmp/out") functions, $(grep -c '^module' "$tmp/out") modules"
else
    echo "FAIL surface: mqlite's SQL surface changed (MQLITE_BLESS=1 to accept it)" >&2
    exit 1
fi
