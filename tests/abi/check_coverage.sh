#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Nothing public escapes the ABI tests. Usage:
#   check_coverage.sh SOURCE_ROOT HEADER...
# with the headers tests/abi/meson.build compiles on their own. Fails when
#  - include/open3a/ holds a header that list (or include/meson.build's
#    install_headers) lacks, or the other way round;
#  - a struct, enum or enumerator defined in a public header has no pin in
#    tests/abi/abi_pins.h (re-run tests/abi/gen_pins.py, see there).
set -eu
root=$1
shift
pins=$root/tests/abi/abi_pins.h
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

for h in "$@"; do basename "$h"; done | sort >"$tmp/listed"
(cd "$root/include/open3a" && ls -- *.h) | sort >"$tmp/present"
sed -n "s/.*'open3a\/\([A-Za-z0-9_]*\.h\)'.*/\1/p" \
	"$root/include/meson.build" | sort >"$tmp/installed"
if ! cmp -s "$tmp/listed" "$tmp/present"; then
	echo "tests/abi/meson.build's header list differs from include/open3a/:" >&2
	diff "$tmp/listed" "$tmp/present" >&2 || true
	fail=1
fi
if ! cmp -s "$tmp/installed" "$tmp/present"; then
	echo "include/meson.build installs other headers than include/open3a/ has:" >&2
	diff "$tmp/installed" "$tmp/present" >&2 || true
	fail=1
fi

# Struct and enum definitions, and enumerators (first word of a line inside
# an enum body), from the headers in the directory.
for h in "$root"/include/open3a/*.h; do
	sed -n 's/^\(typedef \)\{0,1\}struct \(o3a_[a-z0-9_]*\) {.*/S \2/p' "$h"
	awk '
	/^enum o3a_[a-z0-9_]* {/ { inenum = 1; print "T " $2; next }
	inenum && /^}/ { inenum = 0 }
	inenum && $1 ~ /^O3A_[A-Z0-9_]+,?$/ { sub(/,$/, "", $1); print "E " $1 }
	' "$h"
done >"$tmp/defined"

while read -r kind name; do
	case $kind in
	S) pin="PIN_STRUCT($name," ;;
	T) pin="PIN_ENUM_TYPE($name," ;;
	E) pin="PIN_ENUM($name," ;;
	esac
	if ! grep -q -F "$pin" "$pins"; then
		echo "not pinned in tests/abi/abi_pins.h: $pin ...)" >&2
		fail=1
	fi
done <"$tmp/defined"

n=$(wc -l <"$tmp/defined")
if [ "$n" -lt 100 ]; then
	echo "only $n definitions found: parser broken?" >&2
	fail=1
fi
[ "$fail" -eq 0 ] || exit 1
echo "$(wc -l <"$tmp/present") headers listed and installed;" \
	"$n structs, enums and enumerators pinned"
