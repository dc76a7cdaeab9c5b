#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run the README example on a tuning file and check what it prints.
# Usage: run_example.sh EXAMPLE TUNING [EXPECTED-LINE-REGEX]
set -eu
out=$("$1" "$2")
echo "$out"
pattern=${3:-'^ExposureTime [0-9]+ us, AnalogueGain [0-9.]+, ColourGains [0-9.]+ [0-9.]+$'}
echo "$out" | grep -E -q "$pattern" || {
	echo "the example's output does not match: $pattern" >&2
	exit 1
}
