#!/bin/sh
# test_browser.sh — opens the report of the demo data in headless Chromium:
# the rendered page must have every chart and table, and a screenshot of it
# is kept in build/demo-report.png (make screenshot copies it to docs/ for
# the README). Skipped, with a message, where Chromium is missing: `make
# test-browser` installs it.
set -eu
browser=""
for b in chromium chromium-browser; do command -v "$b" >/dev/null 2>&1 && { browser=$b; break; }; done
if [ -n "${MQLITE_UNDER:-}" ]; then
    # under valgrind (check-valgrind) the report's SQL is test_report.sh's job
    echo "test_browser: skipped under $MQLITE_UNDER"
    exit 0
fi
if [ -z "$browser" ]; then
    echo "test_browser: skipped: chromium is missing (make test-browser installs it)"
    exit 0
fi
mqgen=${MQGEN:-build/mqgen}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL browser: $*"; fail=1; }

"$mqgen" --leads 2000 --seed 42 --db "$tmp/demo.db" 2>/dev/null
# the database of make demo: generated, scored by samples/demo.sql, with the
# deals of samples/deals-demo.sql
sqlite3 "$tmp/demo.db" ".load ${MQLITE_EXT:-build/mqlite.so}" ".read samples/demo.sql" ".read samples/deals-demo.sql" >/dev/null
scripts/mqlite report "$tmp/demo.db" --rule b2b --as-of 2026-06-01 --out "$tmp/report.html"

# A fresh profile, no network, no first-run pages: nothing but the file.
# Without the sanitizer runtime check-asan preloads: Chromium is not ours to check.
chrome() {
    env -u LD_PRELOAD -u ASAN_OPTIONS -u UBSAN_OPTIONS timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --user-data-dir="$tmp/profile" --hide-scrollbars "$@" 2>"$tmp/chrome.err"
}
chrome --dump-dom "file://$tmp/report.html" >"$tmp/dom.html" || bad "chromium could not render the page: $(tail -2 "$tmp/chrome.err")"
for id in funnel-chart trend-chart trend-table campaign-table speed-chart score-chart mql-threshold lift-chart base-rate criteria pipeline-chart pipeline-table attribution-table; do
    grep -q "id=\"$id\"" "$tmp/dom.html" || bad "the rendered page has no #$id"
done
n=$(grep -o '<svg' "$tmp/dom.html" | wc -l)
[ "$n" -eq 6 ] || bad "expected 6 charts, found $n"
grep -q '>802 · 40.1 %</text>' "$tmp/dom.html" || bad "the MQL bar of the demo funnel (802, 40.1 %) is missing"

shot=${SHOT:-build/demo-report.png}
mkdir -p "$(dirname "$shot")"
rm -rf "$tmp/profile"
chrome --window-size=1000,4900 --screenshot="$shot" "file://$tmp/report.html" >/dev/null || bad "no screenshot"
# a PNG, and not a blank one: a white page of that size compresses to a few KiB
if [ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ]; then bad "$shot is not a PNG"; fi
size=$(wc -c <"$shot")
[ "$size" -gt 60000 ] || bad "$shot is only $size bytes: is the page blank?"
[ "$fail" = 0 ] && echo "test_browser: the report renders in $browser; screenshot in $shot ($size bytes)"
exit $fail
