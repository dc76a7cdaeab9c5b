# vm-libcamera, run INSIDE the VM (busybox sh): a capture through
# libcamera's vimc pipeline with `--camera libcamera:0`. The rig passes it
# as `sh -c` (tests/vm/meson.build); by hand:
#
#   tests/vm/run --need-vimc --libcamera -- sh -c "$(cat tests/vm/libcamera-check.sh)"
#
# What libcamera 0.0.3 gives for vimc (tests/vm/README.md): a camera
# "Sensor B" whose streams are processed RGB only (BGR888/RGB888, no raw
# Bayer), and no ExposureTime/AnalogueGain controls or metadata. So the
# statistics come from the processed stream, and the metadata must not
# claim an exposure or gain that nothing reported.
fail=0
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; fail=1; }

# 1. The listing.
open3a list >/tmp/list.txt 2>&1
if grep -q '^[0-9]*: libcamera:0$' /tmp/list.txt; then
	ok "open3a list shows libcamera:0:" \
		"$(grep -A4 ': libcamera:0$' /tmp/list.txt | tr -s ' \n' ' ')"
else
	bad "open3a list shows no libcamera:0"
	cat /tmp/list.txt
fi

# 2. Ten frames, metadata, a raw picture of frames 0 and 5 (JPEG needs
# the software ISP, which renders raw Bayer only: see the README).
open3a capture --camera libcamera:0 -n 10 -q --metadata /tmp/md.jsonl \
	-o '/tmp/f#.raw' --output-every 5 2>/tmp/err.txt
c=$?
sed 's/^/# /' /tmp/err.txt
if [ $c = 0 ]; then ok "capture --camera libcamera:0 -n 10: exit 0"
else bad "capture --camera libcamera:0 -n 10: exit $c"; fi
if grep -q 'statistics come from the PROCESSED' /tmp/err.txt; then
	ok "the log says the statistics come from the processed stream"
else
	bad "no warning that the statistics come from the processed stream"
fi

# 3. The metadata: 10 lines, frame numbers increasing.
n=$(wc -l </tmp/md.jsonl 2>/dev/null || echo 0)
frames=$(sed -n 's/^{"frame":\([0-9]*\)[,}].*/\1/p' /tmp/md.jsonl | tr '\n' ' ')
if [ "$n" = 10 ] && echo "$frames" | awk '{
	if (NF != 10) exit 1
	for (i = 2; i <= NF; i++) if ($i + 0 <= $(i - 1) + 0) exit 1
}'; then
	ok "metadata: 10 lines, frames increasing: $frames"
else
	bad "metadata: $n lines, frames: $frames"
	cat /tmp/md.jsonl
fi

# 4. ExposureTime / AnalogueGain: vimc has neither control and its request
# metadata carries neither, so ours must not invent them.
if grep -q 'does not offer ExposureTime and AnalogueGain' /tmp/err.txt; then
	ok "the backend says the pipeline offers no ExposureTime/AnalogueGain"
else
	bad "no warning about the missing ExposureTime/AnalogueGain controls"
fi
if grep -q '"ExposureTime"\|"AnalogueGain"' /tmp/md.jsonl; then
	bad "metadata reports ExposureTime/AnalogueGain nothing reported:"
	head -2 /tmp/md.jsonl
else
	ok "metadata: no ExposureTime/AnalogueGain (none reported, none invented)"
fi
if grep -q '"ColourGains"' /tmp/md.jsonl && grep -q '"AeState"' /tmp/md.jsonl; then
	ok "metadata: the 3A ran on the processed statistics (AeState, ColourGains)"
else
	bad "metadata without AeState/ColourGains"
fi

# 5. The pictures: two .raw files (frames at index 0 and 5) whose size is
# stride x height of their sidecar, in a processed RGB format.
set -- /tmp/f*.raw
if [ $# = 2 ] && [ -e "$1" ]; then
	ok "2 pictures written: $*"
else
	bad "expected 2 pictures, found: $*"
fi
last=$(ls /tmp/f*.raw 2>/dev/null | tail -1)
side=$(cat "$last.json" 2>/dev/null)
num() { echo "$side" | sed -n "s/.*\"$1\":\\([0-9]*\\).*/\\1/p"; }
fmt=$(echo "$side" | sed -n 's/.*"format":"\([A-Z0-9]*\)".*/\1/p')
w=$(num width) h=$(num height) s=$(num stride)
size=$(wc -c <"$last" 2>/dev/null || echo 0)
case "$fmt" in RGB24|BGR24) ;; *) fmt= ;; esac
if [ -n "$fmt" ] && [ -n "$w" ] && [ "$size" = $((s * h)) ]; then
	ok "$last: $fmt ${w}x$h stride $s, $size bytes"
else
	bad "$last: format '$fmt' ${w}x$h stride $s, $size bytes: $side"
fi

# 6. Colours end to end (kernel -> libcamera -> our format mapping -> the
# statistics engine): vimc's sensor shows the test pattern "75% Colorbar"
# (white, yellow, cyan, green, magenta, red, blue, black), debayered and
# scaled. A window inside bar k of the picture: the yellow bar (1) has red
# and no blue, the blue bar (6) blue and no red. Swapped R and B (BGR888
# read as BGR24) fail here.
bar() { # k -> "r g b": mean per quad inside bar k
	open3a stats --input "$last" --format "$fmt" --size "${w}x$h" \
		--stride "$s" --grid 1x1 --json \
		--window "$(($1 * w / 8 + w / 48)),$((h / 8)),$((w / 12))x$((h / 2))" |
		sed -n 's/.*"r": \([0-9]*\), "g": \([0-9]*\), "b": \([0-9]*\), "count": \([0-9]*\).*/\1 \2 \3 \4/p' |
		awk '{ printf "%d %d %d", $1 / $4, $2 / $4 / 2, $3 / $4 }'
}
if [ -n "$fmt" ]; then
	yellow=$(bar 1) blue=$(bar 6)
	echo "# bar 1 (yellow) r g b: $yellow; bar 6 (blue): $blue"
	set -- $yellow
	y_ok=$([ "${1:-0}" -gt 120 ] && [ "${2:-0}" -gt 120 ] && [ "${3:-255}" -lt 40 ] && echo 1)
	set -- $blue
	b_ok=$([ "${1:-255}" -lt 40 ] && [ "${2:-255}" -lt 40 ] && [ "${3:-0}" -gt 120 ] && echo 1)
	if [ "$y_ok" = 1 ] && [ "$b_ok" = 1 ]; then
		ok "colours: the yellow bar is yellow, the blue bar blue"
	else
		bad "colours wrong (R and B swapped?)"
	fi
fi
exit $fail
