#!/bin/sh
# install.sh — what `make install` and `make uninstall` run: copies the built
# mqlite into PREFIX (under DESTDIR), or removes exactly those files again.
# One list (files, below) drives both, so uninstall cannot miss what install
# wrote. Run from the repository root:
#
#   MQ_PREFIX=/usr/local [MQ_DESTDIR=DIR] MQ_MULTIARCH=x86_64-linux-gnu \
#   MQ_EXT_SO=build/mqlite.so MQ_MQGEN=build/mqgen MQ_MAN=build/mqlite.1 \
#   [MQ_VERSION=X.Y.Z] sh docs/install.sh install|uninstall
#
# (make passes MQ_VERSION; run by hand without it, the version is read from
# ext/mqlite.c, its source)
# The values come through the environment, never through a shell command
# line the Makefile writes, so a PREFIX with a space or a quote in it is a
# name and nothing else. The mqlite-paths.sh it writes beside the scripts
# names the final places (PREFIX, without DESTDIR): that is where the files
# will be once a package or a copy puts the DESTDIR tree in place.
set -eu
prog="make install"
die() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }

action=${1:-}
case $action in
    install) ;;
    uninstall) prog="make uninstall" ;;
    *) die "usage: sh docs/install.sh install|uninstall" ;;
esac
prefix=${MQ_PREFIX:-/usr/local}
destdir=${MQ_DESTDIR:-}
multiarch=${MQ_MULTIARCH:-}
nl='
'
# A PREFIX or DESTDIR is a plain absolute directory name: refused when it is
# relative (the paths file would point nowhere) or holds a line break or a
# control character (the paths file, man and dpkg take names line by line).
# Spaces and quotes are fine: every use below is quoted.
for v in "PREFIX=$prefix" "DESTDIR=$destdir" "MULTIARCH=$multiarch"; do
    val=${v#*=}
    case $val in
        *"$nl"* | *[[:cntrl:]]*) die "${v%%=*} must not contain a line break or a control character" ;;
    esac
done
case $prefix in /*) ;; *) die "PREFIX must be an absolute directory, found '$prefix'" ;; esac
case $destdir in '' | /*) ;; *) die "DESTDIR must be empty or an absolute directory, found '$destdir'" ;; esac
case $multiarch in '' | */* | .*) die "MULTIARCH must be a plain directory name such as x86_64-linux-gnu (from gcc -print-multiarch), found '$multiarch'" ;; esac
version=${MQ_VERSION:-$(sed -n 's/^#define MQLITE_VERSION "\(.*\)"$/\1/p' ext/mqlite.c)}
[ -n "$version" ] || die "no MQLITE_VERSION in ext/mqlite.c (run from the repository root)"

root=$destdir$prefix
share=$prefix/share/mqlite
libdir=$prefix/lib/$multiarch

# files: every file install writes, one a line: MODE SOURCE DEST (DEST under
# PREFIX; SOURCE a file of the tree, or @NAME for a built or generated one,
# whose path may hold spaces). The scripts that start with #! are
# executable, the sourced helpers are not.
files() {
    echo "link ../lib/mqlite/mqlite bin/mqlite"
    for f in scripts/mqlite scripts/mqlite-*; do
        if [ "$(head -c 2 "$f")" = '#!' ]; then m=0755; else m=0644; fi
        echo "$m $f lib/mqlite/${f#scripts/}"
    done
    echo "0644 @paths lib/mqlite/mqlite-paths.sh"
    echo "0755 @mqgen lib/mqlite/mqgen"
    echo "0644 @ext lib/$multiarch/mqlite.so"
    echo "0644 schema/mqlite.sql share/mqlite/schema/mqlite.sql"
    echo "0644 schema/views.sql share/mqlite/schema/views.sql"
    for f in samples/rules/*.lua; do echo "0644 $f share/mqlite/$f"; done
    echo "0644 samples/demo.sql share/mqlite/samples/demo.sql"
    echo "0755 samples/nightly-sync.sh share/mqlite/samples/nightly-sync.sh"
    echo "0644 @man share/man/man1/mqlite.1.gz"
}
# the directories that are mqlite's own, removed by uninstall when empty
own_dirs="lib/mqlite share/mqlite/samples/rules share/mqlite/samples share/mqlite/schema share/mqlite"

# q VALUE: VALUE as a single-quoted shell word
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

paths_file() {
    cat <<EOF
# mqlite-paths.sh — written by make install: where this
# installed mqlite's files are. Sourced by mqlite-common.sh; make uninstall
# removes it. (PREFIX $(q "$prefix"))
MQ_VERSION=$(q "$version")
MQ_EXT_DEFAULT=$(q "$libdir/mqlite.so")
MQ_ROOT=$(q "$share")
EOF
}

if [ "$action" = uninstall ]; then
    files | while read -r mode src dest; do
        rm -f -- "$root/$dest"
    done
    for d in $own_dirs; do
        [ ! -d "$root/$d" ] || rmdir -- "$root/$d" 2>/dev/null ||
            printf '%s: left %s: it holds files mqlite did not install\n' "$prog" "$root/$d" >&2
    done
    echo "mqlite: removed from $root"
    exit 0
fi

[ -n "$multiarch" ] || die "MULTIARCH is empty (gcc -print-multiarch printed nothing); set MULTIARCH=..."
for f in "${MQ_EXT_SO:-build/mqlite.so}" "${MQ_MQGEN:-build/mqgen}" "${MQ_MAN:-build/mqlite.1}"; do
    [ -f "$f" ] || die "$f is missing; run make first"
done
files | while read -r mode src dest; do
    mkdir -p -- "$(dirname -- "$root/$dest")"
    rm -f -- "$root/$dest"
    case $mode:$src in
        link:*) ln -s -- "$src" "$root/$dest" ;;
        *:@paths) paths_file >"$root/$dest" ;;
        *:@man) gzip -9n <"${MQ_MAN:-build/mqlite.1}" >"$root/$dest" ;;
        *:@ext) cp -- "${MQ_EXT_SO:-build/mqlite.so}" "$root/$dest" ;;
        *:@mqgen) cp -- "${MQ_MQGEN:-build/mqgen}" "$root/$dest" ;;
        *) cp -- "$src" "$root/$dest" ;;
    esac
    [ "$mode" = link ] || chmod -- "$mode" "$root/$dest"
done
echo "mqlite $version: installed in $root (the extension: $libdir/mqlite.so)"
# dlopen("mqlite.so") without a slash searches LD_LIBRARY_PATH, ld.so.cache
# (lib*.so names only) and the system directories: /usr/lib/MULTIARCH is one,
# /usr/local/lib/MULTIARCH is not
case $libdir in
    /usr/lib/"$multiarch" | /lib/"$multiarch" | /usr/lib | /lib) ;;
    *) echo "mqlite: .load mqlite without a path works only with PREFIX=/usr (or the .deb); here load $libdir/mqlite" ;;
esac
