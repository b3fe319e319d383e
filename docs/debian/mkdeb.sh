#!/bin/sh
# mkdeb.sh — what make deb runs: builds build/mqlite_VERSION-1_ARCH.deb with
# Debian's own tools from a build made with Debian's build flags (make deb
# builds it in BUILD/deb/build), then runs lintian on it.
#
#   sh docs/debian/mkdeb.sh BUILD DEBBUILD
#
# with MQ_VERSION, MQ_DEB_VERSION, MQ_DEB (the .deb to write), MQ_DEB_ARCH and
# MQ_MULTIARCH in the environment: make deb names them once, and lintian then
# reads the very file named, so nothing here works them out again. It is
# make deb's step, not a command of its own (it needs make deb's build).
# The tree is staged by docs/install.sh (make install DESTDIR=... PREFIX=/usr),
# so the package holds exactly what make install writes, plus the copyright
# file, a changelog and the control files. The package links Debian's shared
# liblua5.4-0 and libjansson4 (not the static build): Debian's security
# updates of Lua and Jansson then reach it, and it embeds no copy of them.
# Depends is computed by dpkg-shlibdeps from the binaries, plus sqlite3 (the
# shell the scripts run).
set -eu
out=${1:?usage: mkdeb.sh BUILD DEBBUILD}
bin=${2:?usage: mkdeb.sh BUILD DEBBUILD}
die() { printf 'make deb: %s\n' "$*" >&2; exit 1; }
for v in MQ_VERSION MQ_DEB_VERSION MQ_DEB MQ_DEB_ARCH MQ_MULTIARCH; do
    eval "[ -n \"\${$v:-}\" ]" || die "$v is not set: run make deb, which sets it"
done
version=$MQ_VERSION debver=$MQ_DEB_VERSION deb=$MQ_DEB arch=$MQ_DEB_ARCH ma=$MQ_MULTIARCH
# the maintainer and the date: DEBFULLNAME/DEBEMAIL and SOURCE_DATE_EPOCH
# when set (as Debian's tools take them), else the last commit's, so the
# same commit gives the same package
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
maint="${DEBFULLNAME:-$(git log -1 --format=%an 2>/dev/null || echo mqlite)} <${DEBEMAIL:-$(git log -1 --format=%ae 2>/dev/null || echo mqlite@localhost)}>"

work=$out/deb
pkg=$work/debian/mqlite
rm -rf "$work/debian"
mkdir -p "$pkg/DEBIAN"
MQ_VERSION=$version MQ_PREFIX=/usr MQ_DESTDIR=$(cd "$pkg" && pwd) MQ_MULTIARCH=$ma \
    MQ_EXT_SO=$bin/mqlite.so MQ_MQGEN=$bin/mqgen MQ_MAN=$bin/mqlite.1 sh docs/install.sh install >/dev/null
# Debian ships binaries stripped (the symbols belong in a -dbgsym package)
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$pkg/usr/lib/$ma/mqlite.so"
strip --remove-section=.comment --remove-section=.note "$pkg/usr/lib/mqlite/mqgen"
doc=$pkg/usr/share/doc/mqlite
mkdir -p "$doc"
cp docs/debian/copyright "$doc/copyright"
{
    printf 'mqlite (%s) unstable; urgency=medium\n\n' "$debver"
    printf '  * mqlite %s: the SQLite extension, the mqlite command line and its\n' "$version"
    printf '    man page, the schema, the sample rules and the demo queries.\n\n'
    printf ' -- %s  %s\n' "$maint" "$(LC_ALL=C date -u -R -d "@$epoch")"
} | gzip -9n >"$doc/changelog.Debian.gz"
chmod 0644 "$doc/copyright" "$doc/changelog.Debian.gz"

# Depends from the binaries (dpkg-shlibdeps wants a debian/control to read)
printf 'Source: mqlite\n\nPackage: mqlite\nArchitecture: any\n' >"$work/debian/control"
deps=$(cd "$work" && dpkg-shlibdeps -O "-edebian/mqlite/usr/lib/$ma/mqlite.so" -edebian/mqlite/usr/lib/mqlite/mqgen) ||
    die "dpkg-shlibdeps failed"
deps=${deps#shlibs:Depends=}
size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat >"$pkg/DEBIAN/control" <<CONTROL
Package: mqlite
Version: $debver
Architecture: $arch
Maintainer: $maint
Installed-Size: $size
Depends: $deps, sqlite3
Section: database
Priority: optional
Description: lead scoring and funnel reports in SQLite
 mqlite is a SQLite loadable extension and a command line. It scores leads
 with rules written in a small Lua language, run in a sandbox, says why each
 lead got its points, and reports the funnel: stages, conversion rates with
 their bounds, lag-aware cohorts, speed to lead and campaign results.
 .
 The extension is installed where the dynamic loader finds it by name, so
 ".load mqlite" in the sqlite3 shell, or load_extension('mqlite') from any
 host, needs no path. The mqlite command (init, import, score, funnel,
 report and more) works on any SQLite database file.
CONTROL
# a shared object in a public library directory: ldconfig runs after install
# and removal (it caches lib*.so names only, so this is form more than need:
# the loader finds mqlite.so by the directory alone)
echo "activate-noawait ldconfig" >"$pkg/DEBIAN/triggers"
(cd "$pkg" && find . -type f ! -path './DEBIAN/*' | sed 's|^\./||' | LC_ALL=C sort | xargs md5sum) >"$pkg/DEBIAN/md5sums"
chmod 0644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/md5sums" "$pkg/DEBIAN/triggers"
find "$pkg" -type d -exec chmod 0755 {} +
# (SOURCE_DATE_EPOCH: dpkg-deb clamps the files' times to it, so the same
# commit gives the same bytes)
SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "make deb: $deb ($(wc -c <"$deb") bytes), Depends: $deps, sqlite3"
