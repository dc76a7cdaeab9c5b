#!/bin/bash
# open3a developer entry point: installs what is missing (Debian 12), builds,
# and either runs the main job or the whole test suite.
#
#   scripts/dev.sh run [CAPTURE ARGS...]  build, then capture on the virtual
#                                          camera (or the camera given with -c)
#   scripts/dev.sh test                    build with --werror and run every
#                                          meson suite, then again under
#                                          ASan+UBSan, build and test with
#                                          clang, and run each fuzz target
#                                          for 60 s
#   scripts/dev.sh deps                    only install the dependencies
#
# Build directories: build/ (gcc), build-asan/ (sanitizers), build-clang/
# and build-fuzz/ (clang, libFuzzer).
set -euo pipefail

cd "$(dirname "$0")/.."

# Debian packages the build and the tests need. Keep this list the one place
# that names them.
PACKAGES=(
	meson ninja-build pkg-config gcc clang clang-format
	libjansson-dev libcmocka-dev
	libturbojpeg0-dev libjpeg62-turbo-dev libexif-dev libtiff-dev
	libdrm-dev libcairo2-dev libcamera-dev libcamera-ipa
	qemu-system-x86 busybox-static kmod cpio
	dcraw colord-data valgrind zlib1g-dev
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
)

as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		echo "dev.sh: need root (or sudo) to run: $*" >&2
		exit 1
	fi
}

install_deps() {
	local missing=()
	local p
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed" || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "dev.sh: installing ${missing[*]}"
		as_root apt-get update -qq
		as_root env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends "${missing[@]}"
	fi
}

build() {
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" --werror "$@"
	else
		meson configure "$dir" --werror "$@" >/dev/null
	fi
	ninja -C "$dir"
}

check_format() {
	local bad
	bad=$(git ls-files '*.c' '*.h' '*.cpp' |
		xargs clang-format --dry-run 2>&1 | grep -c 'warning:' || true)
	if [ "$bad" != 0 ]; then
		git ls-files '*.c' '*.h' '*.cpp' |
			xargs clang-format --dry-run 2>&1 |
			grep 'warning:' | cut -d: -f1 | sort -u >&2
		echo "dev.sh: the files above are not clang-formatted" \
			"(run clang-format -i on them)" >&2
		return 1
	fi
	echo "dev.sh: clang-format: all files formatted"
}

case "${1:-}" in
deps)
	install_deps
	;;
run)
	shift
	install_deps
	build build
	if ./build/src/cli/open3a help capture >/dev/null 2>&1; then
		./build/src/cli/open3a capture -n 60 "$@"
	else
		./build/src/cli/open3a tuning check tuning/*.json
	fi
	;;
test)
	install_deps
	check_format
	build build
	meson test -C build --print-errorlogs --num-processes 2
	build build-asan -Db_sanitize=address,undefined -Db_lundef=false
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		meson test -C build-asan --print-errorlogs --num-processes 2 \
		--no-suite vm --no-suite valgrind --no-suite arm64
	# The same tree with clang: its warnings differ from gcc's.
	CC=clang CXX=clang++ build build-clang
	meson test -C build-clang --print-errorlogs --num-processes 2 \
		--no-suite vm --no-suite valgrind --no-suite quality \
		--no-suite soak --no-suite arm64
	# libFuzzer targets (clang, ASan+UBSan), each 60 s from its corpus
	tests/fuzz/run --build-dir build-fuzz --seconds 60
	;;
*)
	sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
