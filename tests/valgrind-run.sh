#!/bin/sh
# valgrind-run.sh — runs a command under valgrind memcheck for check-valgrind,
# one log per process in $MQLITE_VG_LOGS (tests/valgrind-verdict.sh reads
# them), so that valgrind's own output never mixes with what a test compares.
# usage: tests/valgrind-run.sh COMMAND [ARG ...]
# exec keeps this pid, which is valgrind's %p: the command goes beside its log
printf '%s\n' "$*" >"${MQLITE_VG_LOGS:-/tmp}/vg.$$.cmd"
exec valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes \
    --log-file="${MQLITE_VG_LOGS:-/tmp}/vg.%p.log" "$@"
