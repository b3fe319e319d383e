#!/bin/sh
# run-python.sh — the Python tests (tests/python/test_*.py) with Debian's
# /usr/bin/python3, whose sqlite3 module can load extensions (the python3
# first on PATH may not). Skipped with a message where it cannot.
set -eu
py=/usr/bin/python3
pass=0 fail=0
if [ ! -x "$py" ] || ! "$py" -c 'import sqlite3; sqlite3.connect(":memory:").enable_load_extension(True)' 2>/dev/null; then
    echo "run-python: skipped: $py cannot load SQLite extensions"
else
    for t in tests/python/test_*.py; do
        start=$(date +%s)
        if "$py" "$t" 2>&1 | tail -n 3 | grep -q '^OK'; then pass=$((pass + 1)); else
            fail=$((fail + 1)); echo "FAIL $t"; "$py" "$t" 2>&1 | tail -n 30
        fi
        echo "time $t: $(($(date +%s) - start)) s"
    done
fi
echo "python: $pass passed, $fail failed"
[ -n "${MQLITE_COUNTS:-}" ] && echo "$pass $fail" >>"$MQLITE_COUNTS"
[ "$fail" -eq 0 ]
