#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Write the C example of README.md (between <!-- example:begin --> and
# <!-- example:end -->, without its ``` fence) to OUT.
# Usage: extract_example.sh README.md OUT.c
set -eu
awk '
	/<!-- example:end -->/ { inside = 0 }
	inside && !/^```/ { print }
	/<!-- example:begin -->/ { inside = 1; found = 1 }
	END { if (!found) exit 1 }
' "$1" >"$2.tmp"
if [ ! -s "$2.tmp" ]; then
	echo "$1: no example between the example markers" >&2
	rm -f "$2.tmp"
	exit 1
fi
mv "$2.tmp" "$2"
