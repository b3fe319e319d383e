#!/bin/sh
# valgrind-sqlite3.sh — the sqlite3 shell under valgrind (see valgrind-run.sh),
# given to the tests as $SQLITE3 by make check-valgrind.
exec sh "$(dirname "$0")/valgrind-run.sh" sqlite3 "$@"
