#!/bin/sh
# test_install.sh — make install and make uninstall (docs/install.sh, which
# they run; called here directly with the extension under test, so that the
# test rebuilds nothing): the files and modes a DESTDIR install writes, the
# paths file naming the final places; an installed mqlite run from the PATH
# (MQLITE_EXT unset) and through a symlink does what the tree's does; a
# missing extension is named; uninstall leaves no file, and keeps a file it
# did not write; a PREFIX with a space and a quote works, a relative one or
# one with a line break is refused, and one with shell syntax in it is a name.
# Then the man page: no groff warning, and every subcommand and option of
# every --help in it. Run from the repository root.
set -eu
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh
# (shell and files; the C it reaches runs under valgrind in the other tests)
skip_under_valgrind install
T=install
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
root=$(pwd)
ext=${MQLITE_EXT:-$root/build/mqlite.so}
mqgen=${MQGEN:-$root/build/mqgen}
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || cc -print-multiarch)
version=$(sed -n 's/^#define MQLITE_VERSION "\(.*\)"$/\1/p' ext/mqlite.c)
sh docs/mkman.sh >"$tmp/mqlite.1"
# inst ACTION PREFIX [DESTDIR]: make install / uninstall, as the Makefile runs it
# shellcheck disable=SC2317 # (inst, mq and tree are called through run and $m)
inst() {
    MQ_EXT_SO=$ext MQ_MQGEN=$mqgen MQ_MAN=$tmp/mqlite.1 MQ_MULTIARCH=$ma MQ_PREFIX=$2 MQ_DESTDIR=${3:-} \
        sh docs/install.sh "$1"
}
# files DIR: every file and link under DIR, relative, sorted
files() { (cd "$1" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort); }

# ---- 1. DESTDIR with PREFIX=/usr: what goes where ------------------------------------
d="$tmp/dest dir's"
run destdir inst install /usr "$d"
expect destdir <<EOF
mqlite $version: installed in TMP/dest dir's/usr (the extension: /usr/lib/$ma/mqlite.so)
--
[exit 0]
EOF
{
    echo usr/bin/mqlite
    for f in scripts/mqlite scripts/mqlite-*; do echo "usr/lib/mqlite/${f#scripts/}"; done
    echo usr/lib/mqlite/mqlite-paths.sh
    echo usr/lib/mqlite/mqgen
    echo "usr/lib/$ma/mqlite.so"
    echo usr/share/man/man1/mqlite.1.gz
    echo usr/share/mqlite/samples/demo.sql
    echo usr/share/mqlite/samples/nightly-sync.sh
    for f in samples/rules/*.lua; do echo "usr/share/mqlite/$f"; done
    echo usr/share/mqlite/schema/mqlite.sql
    echo usr/share/mqlite/schema/views.sql
} | LC_ALL=C sort >"$tmp/want-files"
files "$d" >"$tmp/got-files"
diff -u "$tmp/want-files" "$tmp/got-files" || bad "files"
same link "$(readlink "$d/usr/bin/mqlite")" ../lib/mqlite/mqlite
same modes "$(cd "$d/usr" && stat -c '%a %n' lib/mqlite/mqlite lib/mqlite/mqlite-score lib/mqlite/mqlite-common.sh \
    lib/mqlite/mqlite-paths.sh lib/mqlite/mqgen "lib/$ma/mqlite.so" share/mqlite/schema/mqlite.sql | tr '\n' ' ')" \
    "755 lib/mqlite/mqlite 755 lib/mqlite/mqlite-score 644 lib/mqlite/mqlite-common.sh 644 lib/mqlite/mqlite-paths.sh 755 lib/mqlite/mqgen 644 lib/$ma/mqlite.so 644 share/mqlite/schema/mqlite.sql "
cmp -s "$ext" "$d/usr/lib/$ma/mqlite.so" || bad "so: not the built extension"
gzip -dc "$d/usr/share/man/man1/mqlite.1.gz" | cmp -s - "$tmp/mqlite.1" || bad "man: not the generated page"
# the paths file names the final places, not the DESTDIR
sed 1,3d "$d/usr/lib/mqlite/mqlite-paths.sh" >"$tmp/paths"
cat >"$tmp/want-paths" <<EOF
MQ_VERSION='$version'
MQ_EXT_DEFAULT='/usr/lib/$ma/mqlite.so'
MQ_ROOT='/usr/share/mqlite'
EOF
diff -u "$tmp/want-paths" "$tmp/paths" || bad "paths"
run destdir-un inst uninstall /usr "$d"
expect destdir-un <<EOF
mqlite: removed from TMP/dest dir's/usr
--
[exit 0]
EOF
same destdir-empty "$(files "$d")" ""
same destdir-own-dirs "$(ls -d "$d/usr/lib/mqlite" "$d/usr/share/mqlite" 2>/dev/null || :)" ""

# ---- 2. installed in a PREFIX with a space and a quote, run from the PATH -----------
p="$tmp/pre fix's"
run prefix inst install "$p"
expect prefix <<EOF
mqlite $version: installed in TMP/pre fix's (the extension: TMP/pre fix's/lib/$ma/mqlite.so)
mqlite: .load mqlite without a path works only with PREFIX=/usr (or the .deb); here load TMP/pre fix's/lib/$ma/mqlite
--
[exit 0]
EOF
mkdir "$tmp/w" "$tmp/t" "$tmp/bin"
# mq DIR COMMAND...: the installed mqlite (first on the PATH, no MQLITE_EXT)
# run in DIR; tree DIR COMMAND...: the tree's scripts/mqlite, the same way
# shellcheck disable=SC2317
mq() {
    (cd "$1" && shift && env -u MQLITE_EXT PATH="$p/bin:$PATH" mqlite "$@")
}
# shellcheck disable=SC2317
tree() { (cd "$1" && shift && MQLITE_EXT=$ext "$root/scripts/mqlite" "$@"); }
run version mq "$tmp/w" --version
expect version <<EOF
mqlite $version
extension: TMP/pre fix's/lib/$ma/mqlite.so (mqlite $version, SQLite $(sqlite3 :memory: 'SELECT sqlite_version()'), $(sqlite3 :memory: ".load $ext" 'SELECT mqlite_lua_version()'))
schema:    TMP/pre fix's/share/mqlite/schema/mqlite.sql
--
[exit 0]
EOF
# the same work through the installed mqlite and the tree's gives the same output
for who in w t; do
    if [ "$who" = w ]; then m=mq; else m=tree; fi
    {
        $m "$tmp/$who" init crm.db --samples
        $m "$tmp/$who" import crm.db campaigns "$root/tests/fixtures/campaigns.csv"
        $m "$tmp/$who" import crm.db leads "$root/tests/fixtures/leads.csv" --date-format dmy --map external_id="Lead Id"
        $m "$tmp/$who" import crm.db events "$root/tests/fixtures/events.csv"
        $m "$tmp/$who" import crm.db stages "$root/tests/fixtures/stages.csv"
        $m "$tmp/$who" rule crm.db add small "$root/tests/fixtures/rule-small.lua"
        $m "$tmp/$who" score crm.db --rule b2b --as-of 2025-03-01
        $m "$tmp/$who" funnel crm.db --format csv
        # (these two read the TEMP views of schema/views.sql)
        $m "$tmp/$who" campaigns crm.db --format csv
        $m "$tmp/$who" report crm.db --rule b2b --as-of 2025-03-01 --out report.html && grep -c '<svg' report.html
    } >"$tmp/$who.out" 2>&1 || echo "[failed]" >>"$tmp/$who.out"
done
diff -u "$tmp/t.out" "$tmp/w.out" || bad "work: the installed mqlite differs from the tree's"
grep -q '^mqlite init: crm.db is ready: 0 leads, 2 rules$' "$tmp/w.out" || bad "init: $(head -n 1 "$tmp/w.out")"
# through a symlink in another directory
ln -s "$p/bin/mqlite" "$tmp/bin/mq"
env -u MQLITE_EXT "$tmp/bin/mq" --version >"$tmp/link.out" 2>&1 || :
(cd "$tmp/w" && env -u MQLITE_EXT PATH="$p/bin:$PATH" mqlite --version) >"$tmp/path.out" 2>&1 || :
cmp -s "$tmp/link.out" "$tmp/path.out" || bad "symlink: $(cat "$tmp/link.out")"
# a symlink to the tree's scripts/mqlite finds the tree's files
ln -s "$root/scripts/mqlite" "$tmp/bin/mqt"
# (its build/mqlite.so: named as the extension, or as missing where a
# sanitizer build is tested)
same tree-link "$(env -u MQLITE_EXT "$tmp/bin/mqt" --version 2>&1 | grep -c "$root/build/mqlite.so[ ;]" || :)" 1
# the installed mqgen and demo queries work where they are
"$p/lib/mqlite/mqgen" --leads 50 --seed 1 --db "$tmp/w/demo.db" --schema "$p/share/mqlite/schema/mqlite.sql" >/dev/null 2>&1 ||
    bad "mqgen"
(cd "$p/share/mqlite" && sqlite3 -bail "$tmp/w/demo.db" ".load \"$p/lib/$ma/mqlite\"" ".read samples/demo.sql") >"$tmp/demo.out" 2>&1 ||
    bad "demo: $(tail -n 3 "$tmp/demo.out")"
# MQLITE_EXT still wins, and a missing extension is named with its fix
run ext-env sh -c "cd '$tmp/w' && MQLITE_EXT='$tmp/none.so' PATH=\"\$1/bin:\$PATH\" mqlite funnel crm.db" sh "$p"
expect ext-env <<EOF
--
mqlite funnel: cannot find the mqlite extension at TMP/none.so, which MQLITE_EXT names; set MQLITE_EXT to the path of mqlite.so, or unset it
[exit 1]
EOF
mv "$p/lib/$ma/mqlite.so" "$tmp/moved.so"
run ext-gone mq "$tmp/w" funnel crm.db
expect ext-gone <<EOF
--
mqlite funnel: cannot find the mqlite extension at TMP/pre fix's/lib/$ma/mqlite.so, where make install put it; install mqlite again (or set MQLITE_EXT to the path of mqlite.so)
[exit 1]
EOF
mv "$p/share/mqlite/schema/mqlite.sql" "$tmp/moved.sql"
run schema-gone mq "$tmp/w" init new.db
expect schema-gone <<EOF
--
mqlite init: cannot find the schema at TMP/pre fix's/share/mqlite/schema/mqlite.sql; install mqlite again
[exit 1]
EOF
# uninstall: every file it wrote goes (those moved away too), a file it did
# not write stays, with its directory, and is named
echo mine >"$p/share/mqlite/notes.txt"
run prefix-un inst uninstall "$p"
expect prefix-un <<EOF
mqlite: removed from TMP/pre fix's
--
make uninstall: left TMP/pre fix's/share/mqlite: it holds files mqlite did not install
[exit 0]
EOF
same prefix-left "$(files "$p")" "share/mqlite/notes.txt"

# ---- 3. hostile names ---------------------------------------------------------------
run relative inst install usr/local
expect relative <<EOF
--
make install: PREFIX must be an absolute directory, found 'usr/local'
[exit 1]
EOF
run newline inst install "$tmp/a
b"
expect newline <<EOF
--
make install: PREFIX must not contain a line break or a control character
[exit 1]
EOF
run destdir-rel inst install /usr rel
expect destdir-rel <<EOF
--
make install: DESTDIR must be empty or an absolute directory, found 'rel'
[exit 1]
EOF
same refused-wrote "$(ls -d "$root/usr" "$root/rel" "$tmp/a
b" 2>/dev/null || :)" ""
# shell syntax in a PREFIX given to make is a name (make uninstall: it builds
# nothing first)
evil="$tmp/x\`touch $tmp/pwned\`\$(touch $tmp/pwned2);touch $tmp/pwned3 \"'"
make --no-print-directory -s uninstall PREFIX="$evil" >"$tmp/evil.out" 2>&1 || bad "evil: $(cat "$tmp/evil.out")"
for f in "$tmp"/pwned*; do [ ! -e "$f" ] || bad "evil: a name was run as a command ($f)"; done

# ---- 4. the man page -------------------------------------------------------------------
# (groff and man as they run for a user: check-asan preloads libasan)
same groff "$(env -u LD_PRELOAD groff -man -ww -z "$tmp/mqlite.1" 2>&1)" ""
if command -v man >/dev/null 2>&1; then
    same man-warnings "$(env -u LD_PRELOAD LC_ALL=C MANWIDTH=80 man --warnings -l "$tmp/mqlite.1" 2>&1 >"$tmp/man.txt")" ""
    subs=$(scripts/mqlite --help | sed -n '/^Subcommands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p')
    same subcommands "$(echo "$subs" | wc -w)" 18
    for s in $subs; do
        grep -q "^   mqlite $s\$" "$tmp/man.txt" || bad "man: no section for $s"
        for o in $(scripts/mqlite "$s" --help | grep -o -- '--[a-z][-a-z]*' | sort -u); do
            grep -q -- "$o" "$tmp/man.txt" || bad "man: $s $o is not in the page"
        done
        # the subcommand's whole help, line by line, in the page
        scripts/mqlite "$s" --help | sed 's/^ *//; /^$/d' | while IFS= read -r l; do
            grep -qF -- "$l" "$tmp/man.txt" || { bad "man: $s: [$l] is not in the page"; exit 1; }
        done || fail=1
    done
    for o in --version --help; do grep -q -- "$o" "$tmp/man.txt" || bad "man: mqlite $o"; done
fi

[ "$fail" = 0 ] && echo "install: DESTDIR and PREFIX installs, PATH and symlink runs, uninstall, man page"
exit "$fail"
