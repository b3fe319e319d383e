#!/bin/sh
# test_hosts.sh — the README's examples ("A first score" and the SQL reference,
# taken by tests/readme-sql.awk) run the same in every host mqlite claims, and
# each host's output must equal ONE expected file: the README's own outputs.
#
#   host           how it loads mqlite                how the examples run
#   sqlite3        .load (Debian's shell, 3.40)       the awk's script, as is
#   python         conn.load_extension (Debian's      host_python.py sqlite3
#                  /usr/bin/python3)
#   sqlite-utils   Database(...).conn (Debian's 3.30) host_python.py sqlite-utils
#   node           db.loadExtension (better-sqlite3   host_node.js (its own
#                  @12, npm, kept in build/node)      SQLite, 3.53)
#   datasette      --load-extension (PyPI, in         host_datasette.py: SELECTs
#                  build/venv, made by make)          through its JSON API on
#                                                     127.0.0.1, writes through
#                                                     a side connection
#   chromium       a datasette page of an mqlite      a screenshot, and the page's
#                  query, headless                    text checked
#
# Each host gets its own copy of one database made by `scripts/mqlite init DB
# --samples` (the rules enter through the command line: no example reads a
# file). Rendering, the same for every host (hostlib.py writes it, canon.awk
# evens it): each field of a row joined by "|"; NULL empty; INTEGER digits;
# REAL %.15g with a trailing ".0" dropped (the shell prints 70.0, Python
# 70.0, JSON and Node may say 70: all become 70); TEXT as it is; an error
# "error: MESSAGE". The README's outputs go through the same canon.awk.
#
# Under valgrind (MQLITE_UNDER set) or ASan (LD_PRELOAD has libasan) Node,
# datasette and Chromium are skipped, saying why (their own code is not ours
# to check, and too slow there). Otherwise a missing host is skipped with the
# reason, except with CI=true, where it is a failure. Every process has a
# time limit; datasette listens on 127.0.0.1, on a free port.
set -eu
ext=${MQLITE_EXT:-build/mqlite.so}
case $ext in /*) ;; *) ext=$PWD/$ext ;; esac
[ -f "$ext" ] || { echo "test_hosts: $ext not built" >&2; exit 2; }
sqlite=${SQLITE3:-sqlite3}
py=/usr/bin/python3
nodedir=${MQLITE_NODE_DIR:-build/node}
venv=${MQLITE_VENV:-build/venv}
shot=${MQLITE_HOSTS_SHOT:-build/hosts-datasette.png}
tmp=$(mktemp -d)
ds_pid=""
cleanup() {
    if [ -n "$ds_pid" ]; then kill "$ds_pid" 2>/dev/null || :; wait "$ds_pid" 2>/dev/null || :; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
pass=0 fail=0 skipped=""

under=""
[ -n "${MQLITE_UNDER:-}" ] && under="valgrind"
case ${LD_PRELOAD:-} in *libasan*) under="ASan" ;; esac

ok() { pass=$((pass + 1)); echo "test_hosts: $1: pass ($2)"; }
bad() { fail=$((fail + 1)); echo "FAIL hosts: $1: $2"; }
# skip HOST REASON: a skip, or under CI=true a failure (a host CI must have)
skip() {
    if [ "${CI:-}" = true ]; then bad "$1" "missing under CI=true: $2"; else
        skipped="$skipped $1"; echo "test_hosts: $1: skipped: $2"; fi
}
# the tools' own programs, without the sanitizer runtime of check-asan
plain() { env -u LD_PRELOAD -u ASAN_OPTIONS -u UBSAN_OPTIONS "$@"; }

awk -v want=sql -f tests/readme-sql.awk README.md >"$tmp/readme.sql"
awk -v want=expected -f tests/readme-sql.awk README.md | awk -f tests/hosts/canon.awk >"$tmp/expected"
MQLITE_EXT=$ext scripts/mqlite init "$tmp/base.db" --samples >/dev/null
cases=$(grep -c '^\[' "$tmp/expected")
[ "$cases" -ge 30 ] || bad readme "only $cases examples found in the README"

# fresh NAME: a copy of the base database for one host, its path printed
fresh() { cp "$tmp/base.db" "$tmp/$1.db"; printf '%s' "$tmp/$1.db"; }
# compare HOST OUT: OUT, made canonical, against the README's outputs
compare() {
    awk -f tests/hosts/canon.awk "$2" >"$2.canon"
    if diff -u "$tmp/expected" "$2.canon" >"$2.diff"; then
        ok "$1" "$cases examples, the README's output"
    else
        bad "$1" "differs from the README:"
        head -n 40 "$2.diff"
    fi
}

# ---- the sqlite3 shell ----------------------------------------------------------
db=$(fresh shell)
{ printf '.load %s\n' "${ext%.so}"; cat "$tmp/readme.sql"; } |
    timeout 120 "$sqlite" -batch "$db" 2>&1 |
    sed -E 's/^(Runtime error|Parse error|Error) near line [0-9]+:/\1:/' >"$tmp/shell.out" || :
compare sqlite3 "$tmp/shell.out"

# ---- Python's sqlite3, and sqlite-utils -------------------------------------------
if [ -x "$py" ] && "$py" -c 'import sqlite3; sqlite3.connect(":memory:").enable_load_extension(True)' 2>/dev/null; then
    db=$(fresh python)
    timeout 120 "$py" tests/hosts/host_python.py sqlite3 "$db" "$ext" "$tmp/readme.sql" >"$tmp/python.out" 2>&1 || :
    compare python "$tmp/python.out"
    if "$py" -c 'import sqlite_utils' 2>/dev/null; then
        db=$(fresh sqlite-utils)
        timeout 120 "$py" tests/hosts/host_python.py sqlite-utils "$db" "$ext" "$tmp/readme.sql" >"$tmp/sqlite-utils.out" 2>&1 || :
        compare sqlite-utils "$tmp/sqlite-utils.out"
        # and its command line, as the README shows it, on the examples' data
        timeout 60 sqlite-utils query "$db" "SELECT stage, reached FROM funnel()" \
            --load-extension "$ext" >"$tmp/su-cli.out" 2>&1 || :
        if grep -q '{"stage": "MQL/PQL", "reached": 3}' "$tmp/su-cli.out"; then
            ok sqlite-utils-cli "query --load-extension: funnel() has MQL/PQL 3"
        else
            bad sqlite-utils-cli "query --load-extension: $(tail -n 2 "$tmp/su-cli.out")"
        fi
    else
        skip sqlite-utils "Debian's sqlite-utils is not installed (make test-hosts installs it)"
    fi
else
    skip python "$py cannot load SQLite extensions"
    skip sqlite-utils "$py cannot load SQLite extensions"
fi

if [ -n "$under" ]; then
    for h in node datasette chromium; do
        echo "test_hosts: $h: skipped under $under (not our code, and too slow there)"
    done
else
    # ---- Node, better-sqlite3@12 ---------------------------------------------------
    # Installed once into build/node (npm's own cache makes a second install
    # offline); better-sqlite3 13 does not build on Node 20, so 12 is pinned.
    if [ ! -d "$nodedir/node_modules/better-sqlite3" ] && command -v npm >/dev/null 2>&1; then
        mkdir -p "$nodedir"
        plain timeout 180 npm install --prefix "$nodedir" --prefer-offline --no-audit --no-fund --silent \
            better-sqlite3@12 >"$tmp/npm.out" 2>&1 || echo "test_hosts: npm install better-sqlite3@12 failed: $(tail -n 1 "$tmp/npm.out")"
    fi
    if ! command -v node >/dev/null 2>&1; then
        skip node "node is not installed"
    elif [ ! -d "$nodedir/node_modules/better-sqlite3" ]; then
        skip node "better-sqlite3@12 is not in $nodedir (npm missing or the registry unreachable)"
    else
        db=$(fresh node)
        "$py" tests/hosts/hostlib.py steps "$tmp/readme.sql" >"$tmp/steps.json"
        plain timeout 120 node tests/hosts/host_node.js "$nodedir/node_modules" "$db" "$ext" "$tmp/steps.json" >"$tmp/node.out" 2>&1 || :
        compare node "$tmp/node.out"
    fi

    # ---- datasette, and Chromium on one of its pages -------------------------------
    if [ ! -x "$venv/bin/datasette" ]; then
        skip datasette "no datasette in $venv (make test-hosts makes the venv)"
        skip chromium "it shows a datasette page, and there is no datasette"
    else
        db=$(fresh datasette)
        port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        # (env, not the function plain: $! must be timeout's own pid, which
        # passes a TERM on to datasette; a subshell's would leave it running)
        env -u LD_PRELOAD -u ASAN_OPTIONS -u UBSAN_OPTIONS timeout 300 "$venv/bin/datasette" serve "$db" --host 127.0.0.1 --port "$port" \
            --load-extension "$ext" --plugins-dir tests/hosts/datasette_plugins \
            --setting sql_time_limit_ms 30000 >"$tmp/datasette.log" 2>&1 &
        ds_pid=$!
        base=http://127.0.0.1:$port
        up=0
        for _ in $(seq 1 60); do
            if "$py" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$base/-/versions.json" 2>/dev/null; then
                up=1; break
            fi
            kill -0 "$ds_pid" 2>/dev/null || break
            sleep 0.5
        done
        if [ "$up" = 0 ]; then
            bad datasette "did not answer on $base: $(tail -n 3 "$tmp/datasette.log")"
        else
            timeout 120 "$py" tests/hosts/host_datasette.py "$base" datasette "$db" "$ext" "$tmp/readme.sql" >"$tmp/datasette.out" 2>&1 || :
            compare datasette "$tmp/datasette.out"

            browser=""
            for b in chromium chromium-browser; do command -v "$b" >/dev/null 2>&1 && { browser=$b; break; }; done
            if [ -z "$browser" ]; then
                skip chromium "chromium is not installed (make test-hosts installs it)"
            else
                # the funnel of the README's examples, with the version of the mqlite that made it
                q="SELECT stage, reached, round(from_top, 3) AS from_top, mqlite_version() AS mqlite FROM funnel()"
                url="$base/datasette?$("$py" -c 'import sys, urllib.parse; print(urllib.parse.urlencode({"sql": sys.argv[1]}))' "$q")"
                chrome() {
                    plain timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
                        --disable-background-networking --disable-component-update --disable-sync \
                        --user-data-dir="$tmp/profile" --hide-scrollbars "$@" 2>"$tmp/chrome.err"
                }
                chrome --dump-dom "$url" >"$tmp/dom.html" || :
                rows=$(grep -c '<td class="col-stage' "$tmp/dom.html" || :)
                if ! grep -q 'MQL/PQL' "$tmp/dom.html" || ! grep -q '>0.1.0<' "$tmp/dom.html" || [ "$rows" != 7 ]; then
                    bad chromium "the datasette page lacks the funnel (7 stages, MQL/PQL, mqlite 0.1.0): $rows rows; $(tail -n 2 "$tmp/chrome.err")"
                else
                    mkdir -p "$(dirname "$shot")"
                    rm -rf "$tmp/profile"
                    chrome --window-size=1000,900 --screenshot="$shot" "$url" >/dev/null || :
                    size=$(wc -c <"$shot" 2>/dev/null || echo 0)
                    if [ "$(head -c 8 "$shot" 2>/dev/null | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ]; then
                        bad chromium "no PNG screenshot in $shot"
                    elif [ "$size" -lt 20000 ]; then
                        bad chromium "$shot is only $size bytes: is the page blank?"
                    else
                        ok chromium "the datasette page of funnel() rendered, 7 stages; screenshot $shot, $size bytes"
                    fi
                fi
            fi
        fi
        kill "$ds_pid" 2>/dev/null || :
        wait "$ds_pid" 2>/dev/null || :
        ds_pid=""
    fi
fi

echo "hosts: $pass passed, $fail failed${skipped:+ (skipped:$skipped)}"
[ -n "${MQLITE_COUNTS:-}" ] && echo "$pass $fail" >>"$MQLITE_COUNTS"
[ "$fail" -eq 0 ]
