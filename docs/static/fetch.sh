#!/bin/sh
# fetch.sh — for make static: fetches Debian's own source packages of Lua 5.4
# and Jansson, the same versions as the installed liblua5.4-dev and
# libjansson-dev that the shared build links, and unpacks them (with
# Debian's patches applied, by dpkg-source) into DIR/lua and DIR/jansson.
#
#   sh docs/static/fetch.sh DIR
#
# Why from source: Debian's liblua5.4.a and libjansson.a are not built with
# -fPIC, so they cannot go into a shared object. apt verifies the downloads
# against the signed Sources index of deb.debian.org, with a sources file and
# lists of its own under DIR: the system's apt configuration is not touched,
# and no deb-src line is needed in it.
set -eu
dir=${1:?usage: fetch.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)  # absolute: apt source runs in a directory below it
die() { printf 'make static: %s\n' "$*" >&2; exit 1; }
# the source package and version of an installed -dev package
srcver() {
    v=$(dpkg-query -W -f='${source:Version}' "$1" 2>/dev/null) || v=""
    [ -n "$v" ] || die "$1 is not installed (make deps installs it); its version picks the source to build"
    printf '%s' "$v"
}
lua_v=$(srcver liblua5.4-dev)
jansson_v=$(srcver libjansson-dev)
suite=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)
[ -n "$suite" ] || die "no VERSION_CODENAME in /etc/os-release: which Debian release is this?"

mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial"
cat >"$dir/apt/sources.sources" <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
# (APT::Sandbox::User=root: the files are in DIR, which _apt may not be able
# to write)
apt() {
    apt-get -q -o Dir::Etc::sourcelist="$dir/apt/sources.sources" -o Dir::Etc::sourceparts=/dev/null \
        -o Dir::State::Lists="$dir/apt/lists" -o Dir::Cache="$dir/apt/cache" \
        -o APT::Sandbox::User="$(id -un)" "$@"
}
apt update >"$dir/apt/update.log" 2>&1 || { cat "$dir/apt/update.log" >&2; die "apt-get update of the Debian source index failed"; }
rm -rf "$dir/unpack" "$dir/lua" "$dir/jansson"
mkdir -p "$dir/unpack"
(cd "$dir/unpack" && apt source "lua5.4=$lua_v" "jansson=$jansson_v") >"$dir/apt/source.log" 2>&1 ||
    { cat "$dir/apt/source.log" >&2; die "apt-get source lua5.4=$lua_v jansson=$jansson_v failed"; }
mv "$dir/unpack/lua5.4-"*/ "$dir/lua"
mv "$dir/unpack/jansson-"*/ "$dir/jansson"
# luaconf.h, as Debian patches it, includes this header, which Debian's
# build writes (the multiarch directory in Lua's C module search path)
printf '#define DEB_HOST_MULTIARCH "%s"\n' "$(dpkg-architecture -qDEB_HOST_MULTIARCH)" >"$dir/lua/src/lua5.4-deb-multiarch.h"
echo "make static: Debian sources lua5.4 $lua_v and jansson $jansson_v (as the installed -dev packages)"
printf 'lua5.4 %s\njansson %s\n' "$lua_v" "$jansson_v" >"$dir/versions"
