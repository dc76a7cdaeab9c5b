#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The public API as the headers declare it, against what libopen3a.so
# exports. Usage:
#
#   api.sh names HEADER...          print "API name" for every function
#                                   declared with O3A_API, "BARE name" for
#                                   one declared without it, "UNDOC name"
#                                   for an O3A_API one with no comment
#                                   block before it (a run of declarations
#                                   may share one)
#   api.sh check LIBRARY.so HEADER...
#                                   fail unless every O3A_API function is a
#                                   defined function (T) in the library's
#                                   dynamic symbol table, every dynamic
#                                   symbol the library defines is declared
#                                   O3A_API in a header, and no header
#                                   declares a function without O3A_API
#                                   (it would be silently hidden: the
#                                   library is built -fvisibility=hidden)
#                                   or without a comment block
#   api.sh cxx OUTPUT.cpp HEADER... write a C++ program that takes the
#                                   address of every O3A_API function (a
#                                   link error unless extern "C" works)
#
# tests/core/check_exports.sh checks that every export is named o3a_*;
# this goes further: export set == declared set.
set -eu

# Top-level function declarations of C headers, without a preprocessor:
# comments, preprocessor lines and the extern "C" wrapper dropped; struct
# and enum bodies skipped (their function-pointer members are not
# functions); typedefs skipped. A declaration's name is the first
# identifier followed by "(".
names() {
	awk '
	function flush(stmt,   s, name) {
		s = stmt
		gsub(/[ \t\n]+/, " ", s)
		sub(/^ /, "", s)
		lastapi = 0
		if (s == "" || s !~ /\(/ || s ~ /^typedef /)
			return
		if (!match(s, /[A-Za-z_][A-Za-z0-9_]*[ ]?\(/)) {
			printf "UNPARSED %s\n", s
			return
		}
		name = substr(s, RSTART, RLENGTH)
		sub(/[ ]?\($/, "", name)
		if (name == "O3A_API")
			printf "UNPARSED %s\n", s
		else if (s ~ /(^| )O3A_API /) {
			printf "API %s\n", name
			if (!doc)
				printf "UNDOC %s\n", name
			lastapi = 1
		} else
			printf "BARE %s\n", name
	}
	FNR == 1 {
		incomment = 0; cxx = 0; cont = 0; depth = 0; stmt = ""; doc = 0
	}
	{
		line = $0
		# Preprocessor lines and their continuations.
		if (cont) {
			cont = (line ~ /\\$/)
			next
		}
		# The C++ wrapper: lines between #ifdef __cplusplus and #endif.
		if (line ~ /^[ \t]*#[ \t]*ifdef[ \t]+__cplusplus/) {
			cxx = 1
			next
		}
		if (cxx) {
			if (line ~ /^[ \t]*#[ \t]*endif/)
				cxx = 0
			next
		}
		# Comments.
		out = ""
		while (line != "") {
			if (incomment) {
				p = index(line, "*/")
				if (p == 0) {
					line = ""
					break
				}
				line = substr(line, p + 2)
				incomment = 0
				doc = 1
				continue
			}
			p = index(line, "/*")
			q = index(line, "//")
			if (q && (p == 0 || q < p)) {
				out = out substr(line, 1, q - 1)
				line = ""
				break
			}
			if (p == 0) {
				out = out line
				line = ""
				break
			}
			out = out substr(line, 1, p - 1) " "
			line = substr(line, p + 2)
			incomment = 1
		}
		if (out ~ /^[ \t]*#/) {
			cont = (out ~ /\\[ \t]*$/)
			next
		}
		# Statements, character by character.
		n = length(out)
		for (i = 1; i <= n; i++) {
			c = substr(out, i, 1)
			if (c == "{") {
				depth++
			} else if (c == "}") {
				depth--
			} else if (c == ";") {
				if (depth == 0) {
					flush(stmt)
					# A comment documents the declarations
					# that follow it, up to anything else.
					if (!lastapi)
						doc = 0
				}
				stmt = ""
			} else if (depth == 0) {
				stmt = stmt c
			}
		}
		stmt = stmt " "
	}
	' "$@"
}

check() {
	lib=$1
	shift
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	names "$@" >"$tmp/all"
	fail=0
	if grep '^UNPARSED ' "$tmp/all" >&2; then
		echo "api.sh: could not name the declarations above" >&2
		fail=1
	fi
	if grep '^BARE ' "$tmp/all" >"$tmp/bare"; then
		echo "declared in a public header without O3A_API (so not" \
			"exported; run scripts/mark-exports.py):" >&2
		sed 's/^BARE /  /' "$tmp/bare" >&2
		fail=1
	fi
	if grep '^UNDOC ' "$tmp/all" >"$tmp/undoc"; then
		echo "O3A_API functions without a comment block (what it" \
			"does, units, ownership, errors):" >&2
		sed 's/^UNDOC /  /' "$tmp/undoc" >&2
		fail=1
	fi
	sed -n 's/^API //p' "$tmp/all" | sort >"$tmp/declared"
	if [ "$(sort -u "$tmp/declared" | wc -l)" -ne \
		"$(wc -l <"$tmp/declared")" ]; then
		echo "declared twice:" >&2
		uniq -d "$tmp/declared" >&2
		fail=1
	fi
	sort -u -o "$tmp/declared" "$tmp/declared"
	nm -D --defined-only "$lib" >"$tmp/nm"
	# Functions only: T (text). The linker's own markers are not ours.
	awk '$2 == "T" { print $3 }' "$tmp/nm" | sort -u >"$tmp/functions"
	awk 'NF >= 3 { print $3 }' "$tmp/nm" | sed 's/@.*//' |
		grep -v -E '^(_init|_fini|_edata|_end|__bss_start)$' |
		sort -u >"$tmp/exported"

	comm -23 "$tmp/declared" "$tmp/functions" >"$tmp/missing"
	if [ -s "$tmp/missing" ]; then
		echo "declared O3A_API but not a function exported by $lib:" >&2
		sed 's/^/  /' "$tmp/missing" >&2
		fail=1
	fi
	comm -13 "$tmp/declared" "$tmp/exported" >"$tmp/extra"
	if [ -s "$tmp/extra" ]; then
		echo "exported by $lib but declared in no public header:" >&2
		sed 's/^/  /' "$tmp/extra" >&2
		fail=1
	fi
	ndecl=$(wc -l <"$tmp/declared")
	if [ "$ndecl" -lt 50 ]; then
		echo "only $ndecl O3A_API declarations found: parser broken?" >&2
		fail=1
	fi
	[ "$fail" -eq 0 ] || exit 1
	echo "$lib: $ndecl O3A_API functions declared, all exported;" \
		"$(wc -l <"$tmp/exported") exported symbols, all declared"
}

cxx() {
	out=$1
	shift
	{
		echo "// Generated by tests/abi/api.sh cxx: the address of every"
		echo "// O3A_API function, taken from C++. A header whose"
		echo "// extern \"C\" guard is missing or wrong gives an undefined"
		echo "// (mangled) symbol at link time."
		for h in "$@"; do
			echo "#include <open3a/$(basename "$h")>"
		done
		echo "#include <cstdio>"
		echo
		echo "typedef void (*abi_fn)(void);"
		echo "static const abi_fn abi_functions[] = {"
		names "$@" | sed -n 's/^API \(.*\)/\treinterpret_cast<abi_fn>(\&\1),/p'
		echo "};"
		echo
		cat <<'EOF'
int main()
{
	size_t n = sizeof(abi_functions) / sizeof(abi_functions[0]);
	for (size_t i = 0; i < n; i++)
		if (!abi_functions[i])
			return 1;
	std::printf("%zu functions with C linkage\n", n);
	return n > 0 ? 0 : 1;
}
EOF
	} >"$out"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
names) names "$@" ;;
check) check "$@" ;;
cxx) cxx "$@" ;;
*)
	echo "usage: api.sh names|check|cxx ..." >&2
	exit 2
	;;
esac
