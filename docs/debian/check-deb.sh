#!/bin/sh
# check-deb.sh — what make check-deb runs (as root, for CI): installs the
# package with apt-get, then, in an empty directory, uses only what it
# installed: mqlite from the PATH (no MQLITE_EXT), its mqgen, the demo's
# queries, the extension loaded by name (.load mqlite, no path), the man page;
# then purges it and checks that none of its files is left.
#
#   sh docs/debian/check-deb.sh build/mqlite_VERSION-1_ARCH.deb
set -eu
deb=${1:?usage: check-deb.sh DEB}
die() { printf 'make check-deb: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run it as root: it installs and purges the package"
[ -f "$deb" ] || die "no $deb (make deb builds it)"
if dpkg-query -W -f='${Status}' mqlite 2>/dev/null | grep -q 'installed'; then
    echo "make check-deb: mqlite was installed; it is replaced by $deb and purged at the end"
fi
version=$(dpkg-deb -f "$deb" Version)
upstream=${version%-*}
tmp=$(mktemp -d)
# the package goes whatever happens, so a failed check leaves no mqlite behind
trap 'dpkg --purge mqlite >/dev/null 2>&1 || :; rm -rf "$tmp"' EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")" >"$tmp/apt.log" 2>&1 ||
    { cat "$tmp/apt.log"; die "apt-get install $deb failed"; }
dpkg -L mqlite >"$tmp/files"
fail=0
bad() { echo "FAIL check-deb: $*"; fail=1; }
# same NAME GOT WANT
same() { [ "$2" = "$3" ] || bad "$1: got [$2], expected [$3]"; }

mkdir "$tmp/w"
cd "$tmp/w"
unset MQLITE_EXT
same which "$(command -v mqlite)" /usr/bin/mqlite
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
same version "$(mqlite --version 2>&1 | sed -n '1p;2s/ (.*//p;3p' | tr '\n' '|')" \
    "mqlite $upstream|extension: /usr/lib/$ma/mqlite.so|schema:    /usr/share/mqlite/schema/mqlite.sql|"
# the extension by name alone, in the sqlite3 shell and in Python
same load "$(sqlite3 x.db '.load mqlite' 'SELECT mqlite_version()' 2>&1)" "$upstream"
if command -v python3 >/dev/null 2>&1 && python3 -c 'import sqlite3; sqlite3.connect(":memory:").enable_load_extension(True)' 2>/dev/null; then
    same python "$(python3 -c 'import sqlite3; c = sqlite3.connect(":memory:"); c.enable_load_extension(True); c.load_extension("mqlite"); print(c.execute("SELECT mqlite_version()").fetchone()[0])' 2>&1)" "$upstream"
fi
# what make demo does, from the installed files
/usr/lib/mqlite/mqgen --leads 2000 --seed 42 --db demo.db --schema /usr/share/mqlite/schema/mqlite.sql 2>/dev/null || bad "mqgen"
(cd /usr/share/mqlite && sqlite3 -bail "$tmp/w/demo.db" '.load mqlite' '.read samples/demo.sql') >demo.out 2>&1 || bad "demo.sql: $(tail -n 3 demo.out)"
grep -q '^Top 12 leads' demo.out || bad "demo.sql printed no top leads: $(head -n 5 demo.out)"
mqlite report demo.db --rule b2b --as-of 2026-06-01 --out report.html >/dev/null 2>&1 || bad "report"
grep -q '</html>' report.html 2>/dev/null || bad "report.html is not a whole page"
# and the command line on a database of its own
mqlite init crm.db --samples >out 2>&1 || bad "init: $(cat out)"
mkdir csv
/usr/lib/mqlite/mqgen --leads 300 --seed 7 --csv csv >/dev/null 2>&1 || bad "mqgen --csv"
for k in campaigns leads events stages; do
    mqlite import crm.db "$k" "csv/$k.csv" >out 2>&1 || bad "import $k: $(cat out)"
done
mqlite score crm.db --rule b2b --as-of 2026-01-01 >out 2>&1 || bad "score: $(cat out)"
same funnel "$(mqlite funnel crm.db --format csv 2>&1 | head -n 1 | cut -d, -f1)" stage
same man "$(man -w mqlite 2>&1)" /usr/share/man/man1/mqlite.1.gz
sh /usr/share/mqlite/samples/nightly-sync.sh --help >/dev/null || bad "nightly-sync.sh --help"

# purge: nothing of the package is left
cd /
dpkg --purge mqlite >"$tmp/purge.log" 2>&1 || { cat "$tmp/purge.log"; bad "dpkg --purge failed"; }
left=$(while IFS= read -r f; do [ -d "$f" ] || [ ! -e "$f" ] || echo "$f"; done <"$tmp/files")
same purge-left "$left" ""
same purge-dirs "$(ls -d /usr/lib/mqlite /usr/share/mqlite /usr/share/doc/mqlite 2>/dev/null || :)" ""
same status "$(dpkg-query -W -f='${Status}' mqlite 2>/dev/null || :)" ""
[ "$fail" = 0 ] && echo "check-deb: $deb installed, used from the PATH and by name, purged clean"
exit "$fail"
