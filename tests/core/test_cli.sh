#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The open3a command's skeleton: --version, --help, help COMMAND, unknown
# commands, and "tuning check" (ok, warnings, errors, exit statuses).
# Usage: test_cli.sh OPEN3A VERSION PLUGIN_DIR EXAMPLE_JSON
set -u
open3a=$1
version=$2
plugins=$3
example=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

check() { # check NAME EXPECTED_STATUS COMMAND...; output in $tmp/out, $tmp/err
	name=$1
	want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: exit status $got, expected $want" >&2
		cat "$tmp/out" "$tmp/err" >&2
		failed=1
	fi
}
has() { # has NAME FILE FIXED-STRING
	if ! grep -q -F -- "$3" "$tmp/$2"; then
		echo "FAIL $1: no '$3' in $2:" >&2
		cat "$tmp/$2" >&2
		failed=1
	fi
}

check version 0 "$open3a" --version
[ "$(cat "$tmp/out")" = "open3a $version" ] || {
	echo "FAIL version: got '$(cat "$tmp/out")'" >&2
	failed=1
}
check help 0 "$open3a" --help
has help out "usage: open3a COMMAND"
has help out "  tuning     check and convert tuning files"
check h 0 "$open3a" -h
check noargs 2 "$open3a"
has noargs err "usage: open3a COMMAND"
check unknown 2 "$open3a" nosuch
has unknown err "open3a: unknown command 'nosuch'"
check help-tuning 0 "$open3a" help tuning
has help-tuning out "usage: open3a tuning check FILE..."
check help-unknown 2 "$open3a" help nosuch
check tuning-nofile 2 "$open3a" tuning check
has tuning-nofile err "open3a tuning: check: no tuning file given"
check tuning-nosub 2 "$open3a" tuning
check tuning-badsub 2 "$open3a" tuning frobnicate

# A file that loads, with the stand-in plugin.
check ok 0 env OPEN3A_MODULE_PATH="$plugins" "$open3a" tuning check "$example"
has ok out "$example: ok: t_good"
# A file with an unknown key: loads, with a compiler-style warning.
printf '{"version": 1,\n "algorithms": [{"t_good": {"bogus": 1}}]}\n' >"$tmp/warn.json"
check warn 0 env OPEN3A_MODULE_PATH="$plugins" "$open3a" tuning check "$tmp/warn.json"
# (the refusals of the test plugin directory are warnings too)
has warn out "$tmp/warn.json: ok: t_good ("
has warn err "$tmp/warn.json:2:"
has warn err ": warning: algorithms[0].t_good: unknown key 'bogus'"
# A file naming an unknown module fails with its position; the others
# still get checked, and the exit status is 1.
printf '{"version": 1,\n "algorithms": [{"nosuch": {}}]}\n' >"$tmp/bad.json"
check bad 1 env OPEN3A_MODULE_PATH="$plugins" "$open3a" tuning check "$tmp/bad.json" "$example"
has bad err "$tmp/bad.json:2:"
has bad err "algorithms[0]: unknown algorithm 'nosuch' (available: "
has bad out "$example: ok: t_good"
check missing 1 "$open3a" tuning check "$tmp/none.json"
has missing err "$tmp/none.json"

exit $failed
