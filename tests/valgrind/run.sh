#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# One case of the 'valgrind' suite: runs an open3a command under memcheck,
# failing on any error and on any definitely or indirectly lost block.
#
#   run.sh CASE OPEN3A SOURCE_ROOT
#
# The inputs a case needs (a raw frame, a DNG, a recording) are made first
# with the CLI itself, outside valgrind.
set -euo pipefail

case_name=$1
open3a=$2
root=$3
tmp=$(mktemp -d /tmp/open3a-valgrind.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

vg() {
	echo "+ valgrind open3a $*"
	valgrind --quiet --error-exitcode=1 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect \
		--show-leak-kinds=definite,indirect \
		"$open3a" "$@"
}

# A short capture on the virtual camera: 64x48, 6 frames.
capture() {
	"$open3a" capture -c sim -n 6 --mode 64x48 -q "$@" >/dev/null
}

scene=$root/tests/scenes/lux-steps.json
case "$case_name" in
tuning-check)
	vg tuning check "$root"/tuning/*.json
	;;
sim)
	vg sim --scene "$scene" --frames 30 --size 64x48 --metadata "$tmp/m"
	;;
sim-default)
	vg sim --frames 10 --size 64x48 --metadata /dev/null
	;;
process-raw)
	capture -o "$tmp/f#.raw"
	vg process --input "$tmp/f000005.raw" --format SRGGB10 --size 64x48 \
		--output "$tmp/out.jpg" --metadata /dev/null
	test -s "$tmp/out.jpg"
	;;
process-dng)
	capture -o "$tmp/f#.dng"
	vg process --input "$tmp/f000005.dng" --output "$tmp/out.dng" \
		--metadata /dev/null
	test -s "$tmp/out.dng"
	;;
capture-jpeg)
	vg capture -c sim -n 6 --mode 64x48 -q -o "$tmp/f#.jpg" \
		--output-every 3 --metadata "$tmp/m"
	test -s "$tmp/f000003.jpg"
	;;
capture-record)
	vg capture -c "sim:$scene" -n 20 --mode 64x48 -q \
		--record "$tmp/r.o3arec" -o "$tmp/f#.dng" --output-every 10
	test -s "$tmp/r.o3arec"
	;;
replay)
	capture -c "sim:$scene" --record "$tmp/r.o3arec"
	vg replay "$tmp/r.o3arec" --compare --metadata /dev/null
	;;
replay-closed-loop)
	capture -c "sim:$scene" --record "$tmp/r.o3arec"
	vg replay "$tmp/r.o3arec" --closed-loop --metadata /dev/null
	;;
*)
	echo "run.sh: unknown case $case_name" >&2
	exit 2
	;;
esac
