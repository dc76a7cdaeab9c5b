#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install the build into a temporary root, then build and run outside.c
# against it with pkg-config, as an application would.
# Usage: install_test.sh MESON BUILDDIR OUTSIDE.C VERSION
set -eu
meson=$1
builddir=$2
src=$3
version=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

$meson install --destdir "$tmp/root" --no-rebuild --quiet -C "$builddir" >"$tmp/install.log" 2>&1 || {
	cat "$tmp/install.log" >&2
	exit 1
}

fail() {
	echo "install test: $*" >&2
	exit 1
}
pc=$(find "$tmp/root" -name open3a.pc | head -n 1)
[ -n "$pc" ] || fail "no open3a.pc installed"
for h in open3a.h controls.h stats.h algorithm.h sensor.h; do
	find "$tmp/root" -path "*/include/open3a/$h" | grep -q . ||
		fail "include/open3a/$h not installed"
done
so=$(find "$tmp/root" -name libopen3a.so.0 | head -n 1)
[ -n "$so" ] || fail "libopen3a.so.0 not installed"
find "$tmp/root" -name libopen3a.a | grep -q . || fail "libopen3a.a not installed"

# pkg-config prints the prefix's paths; the sysroot variable puts them
# under the temporary root.
export PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$tmp/root"
flags=$(pkg-config --cflags --libs open3a) || fail "pkg-config failed"
libdir=$(dirname "$so")
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -Wall -Wextra -Werror -o "$tmp/outside" "$src" $flags \
	-Wl,-rpath,"$libdir" || fail "outside.c does not build with: $flags"
LD_LIBRARY_PATH="$libdir" "$tmp/outside" "$version"
# It must have used the installed library, not the build tree's.
LD_LIBRARY_PATH="$libdir" ldd "$tmp/outside" | grep -q "$libdir/libopen3a.so.0" ||
	fail "outside did not link the installed libopen3a.so.0"
