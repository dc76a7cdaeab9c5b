#!/bin/bash
# The KMS display under qemu, in one boot (see tests/vm/README.md):
#
#   tests/vm/display-test.sh BUILD_DIR
#
# In the VM, with the bochs DRM driver loaded: vm-display (display_check.c)
# shows a known pattern through o3a_display_show() and has the rig dump
# qemu's screen while it is up, then checks the busy error and the CRTC
# restore; then `open3a capture --display` runs 5 frames of the sim. On the
# host, vm-ppm-check (ppm_check.c) compares the screendump with the
# pattern: the mean colour of each quadrant and of the black bars.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:?usage: display-test.sh BUILD_DIR}" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/open3a-display.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

"$HERE/run" --build-dir "$BUILD" --timeout 200 --module bochs \
	--screendump "$TMP/screen.ppm" -- sh -c '
i=0
while [ ! -e /dev/dri/card0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
vm-display o3a-screendump
s=$?
open3a capture -c sim --display -q -n 5 --mode 640x480
c=$?
echo "# open3a capture --display -n 5: exit $c"
[ $s = 0 ] && [ $c = 0 ]' | tee "$TMP/out.txt"
vm=${PIPESTATUS[0]}

check=1
if [ -s "$TMP/screen.ppm" ]; then
	mode=$(sed -n 's/^# display [^ ]* [^ ]* \([0-9]*x[0-9]*\) .*/\1/p' \
		"$TMP/out.txt")
	"$BUILD/tests/vm/vm-ppm-check" "$TMP/screen.ppm" $mode
	check=$?
	if [ "$check" != 0 ] && [ -n "${OPEN3A_KEEP_SCREENDUMP:-}" ]; then
		cp "$TMP/screen.ppm" "$OPEN3A_KEEP_SCREENDUMP"
		echo "# screendump kept in $OPEN3A_KEEP_SCREENDUMP"
	fi
else
	echo "not ok - no screendump was written"
fi
[ "$vm" = 0 ] || exit "$vm"
exit "$check"
