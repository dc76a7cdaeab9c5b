#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The shared library exports only o3a_* names (besides the linker's own
# _init/_fini and section markers). Usage: check_exports.sh LIBRARY.so
set -eu
lib=$1
bad=$(nm -D --defined-only "$lib" | awk '{ print $NF }' |
	grep -v -E '^(o3a_.*|_init|_fini|_edata|_end|__bss_start)$' || true)
count=$(nm -D --defined-only "$lib" | awk '{ print $NF }' | grep -c '^o3a_' || true)
if [ -n "$bad" ]; then
	echo "$lib exports names outside o3a_*:" >&2
	echo "$bad" >&2
	exit 1
fi
if [ "$count" -lt 10 ]; then
	echo "$lib exports only $count o3a_ names: is it the right file?" >&2
	exit 1
fi
echo "$lib: $count exported names, all o3a_*"
