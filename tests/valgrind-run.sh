#!/bin/sh
# valgrind-run.sh — runs a command under valgrind memcheck for check-valgrind,
# one log per process in $MQLITE_VG_LOGS (tests/valgrind-verdict.sh reads
# them), so that valgrind's own output never mixes with what a test compares.
# usage: tests/valgrind-run.sh COMMAND [ARG ...]
# --track-origins (where an uninitialised value came from) doubles memcheck's
# time; it finds no error the run without it misses, so it is asked for with
# MQLITE_VG_ORIGINS=1 when an error needs explaining.
# exec keeps this pid, which is valgrind's %p: the command goes beside its log
printf '%s\n' "$*" >"${MQLITE_VG_LOGS:-/tmp}/vg.$$.cmd"
origins=""
[ "${MQLITE_VG_ORIGINS:-0}" = 0 ] || origins=--track-origins=yes
# shellcheck disable=SC2086 # origins is one option or none
exec valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible $origins \
    --log-file="${MQLITE_VG_LOGS:-/tmp}/vg.%p.log" "$@"
