#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Measure the public ABI and write tests/abi/abi_pins.h.

Not run by the build: abi_pins.h is checked in, and test_abi_layout.c
compares what the compiler gives today with it. Run this ONLY after a
deliberate ABI change that came with a soversion bump (meson.build's
`soversion`) or, for include/open3a/algorithm.h, an
O3A_ALGORITHM_ABI_VERSION bump -- or to pin a struct, enum or constant that
is new (additions at the end of a struct with a size field are not breaks,
but the pins still have to be refreshed).

    cd /work/main && python3 tests/abi/gen_pins.py [--cc gcc] [--soversion N]

Parses include/open3a/*.h (comments stripped; no preprocessor run) for
struct and enum definitions and integer #defines, writes a throwaway C
program that prints sizeof/_Alignof/offsetof of every member and every
enumerator's value, compiles and runs it on this machine (x86_64 expected),
and writes the X-macro list abi_pins.h.
"""
import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INCLUDE = ROOT / 'include'
OUT = Path(__file__).resolve().parent / 'abi_pins.h'

# Macros that are not ABI: release numbers and tunable defaults.
SKIP_MACROS = {'O3A_VERSION_MAJOR', 'O3A_VERSION_MINOR', 'O3A_VERSION_MICRO',
               'O3A_STATS_SUBSAMPLE_DEFAULT'}


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', text)


def split_top(text, sep):
    """Split on @sep outside parentheses and brackets."""
    parts, depth, cur = [], 0, ''
    for ch in text:
        if ch in '([':
            depth += 1
        elif ch in ')]':
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ''
        else:
            cur += ch
    parts.append(cur)
    return parts


def member_names(body):
    names = []
    for decl in split_top(body, ';'):
        decl = ' '.join(decl.split())
        if not decl:
            continue
        if decl.startswith('struct') and '{' in decl:
            sys.exit('nested struct definitions are not handled: ' + decl)
        fn = re.search(r'\(\s*\*\s*(\w+)\s*\)\s*\(', decl)
        if fn:
            names.append(fn.group(1))
            continue
        declarators = split_top(decl, ',')
        for i, d in enumerate(declarators):
            d = re.sub(r'\[[^\]]*\]', '', d).strip()
            m = re.search(r'(\w+)\s*$', d)
            if not m or ':' in d:
                sys.exit('cannot parse member: ' + decl)
            names.append(m.group(1))
    return names


def parse(headers):
    structs, enums, macros = [], [], []
    for h in headers:
        raw = h.read_text()
        for m in re.finditer(r'^#define\s+(O3A_\w+)[ \t]+([^\n]+)$', raw, re.M):
            name, value = m.group(1), m.group(2).strip()
            if name in SKIP_MACROS:
                continue
            if re.fullmatch(r'[0-9A-Za-z_ ()*+u-]+', value) and \
                    not value.startswith('__attribute__') and \
                    re.search(r'\d|O3A_', value):
                macros.append((h.name, name))
        text = strip_comments(raw)
        text = re.sub(r'^\s*#[^\n]*$', '', text, flags=re.M)
        for m in re.finditer(r'\bstruct\s+(o3a_\w+)\s*\{(.*?)\}', text, re.S):
            structs.append((h.name, m.group(1), member_names(m.group(2))))
        for m in re.finditer(r'\benum\s+(o3a_\w+)\s*\{(.*?)\}', text, re.S):
            names = [re.match(r'\s*(\w+)', e).group(1)
                     for e in m.group(2).split(',') if e.strip()]
            enums.append((h.name, m.group(1), names))
    return structs, enums, macros


def measure(cc, headers, structs, enums, macros):
    src = ['#include <stddef.h>', '#include <stdio.h>']
    src += ['#include <open3a/%s>' % h.name for h in headers]
    src.append('int main(void)\n{')
    for hdr, s, members in structs:
        src.append('\tprintf("S %s %%zu %%zu\\n", sizeof(struct %s), '
                   '_Alignof(struct %s));' % (s, s, s))
        for mem in members:
            src.append('\tprintf("M %s %s %%zu %%zu\\n", offsetof(struct %s, '
                       '%s), sizeof(((struct %s *)0)->%s));'
                       % (s, mem, s, mem, s, mem))
    for hdr, e, names in enums:
        src.append('\tprintf("T %s %%zu\\n", sizeof(enum %s));' % (e, e))
        for n in names:
            src.append('\tprintf("E %s %%lld\\n", (long long)%s);' % (n, n))
    for hdr, n in macros:
        src.append('\tprintf("C %s %%lld\\n", (long long)(%s));' % (n, n))
    src.append('\treturn 0;\n}\n')
    with tempfile.TemporaryDirectory() as tmp:
        c = os.path.join(tmp, 'measure.c')
        exe = os.path.join(tmp, 'measure')
        Path(c).write_text('\n'.join(src))
        subprocess.run([cc, '-std=c11', '-Wall', '-Werror', '-I', str(INCLUDE),
                        c, '-o', exe], check=True)
        out = subprocess.run([exe], check=True, capture_output=True,
                             text=True).stdout
    return [line.split() for line in out.splitlines()]


def write(rows, structs, enums, macros, cc, soversion, abi):
    ccver = subprocess.run([cc, '--version'], capture_output=True,
                           text=True).stdout.splitlines()[0]
    values = {}
    for r in rows:
        values[tuple(r[:-2] if r[0] in 'SM' else r[:-1])] = r
    out = [
        '/* SPDX-License-Identifier: LGPL-2.1-or-later */',
        '/*',
        ' * ABI PINS of the public headers, measured on %s, %s,'
        % (platform.machine(), datetime.date.today().isoformat()),
        ' * with soversion %s and O3A_ALGORITHM_ABI_VERSION %s, by'
        % (soversion, abi),
        ' * %s.' % ccver,
        ' * Written by tests/abi/gen_pins.py; checked by test_abi_layout.c.',
        ' *',
        ' * A CHANGE OF ANY VALUE HERE IS AN ABI BREAK. Applications and',
        ' * modules built against the old headers would read and write the',
        ' * wrong bytes. Such a change needs, in the same commit:',
        ' *  - a bump of `soversion` in meson.build (libopen3a.so.N), and,',
        ' *    for anything algorithm modules see (algorithm.h and the',
        ' *    structs it embeds: o3a_sensor_mode, o3a_sensor_state,',
        ' *    o3a_isp_params, o3a_stats ...), of O3A_ALGORITHM_ABI_VERSION;',
        ' *  - then a re-run of tests/abi/gen_pins.py.',
        ' * Adding a member at the END of a struct that carries a size or',
        ' * version field is compatible, but its pins still change: re-run',
        ' * the generator and say so in the commit message.',
        ' *',
        ' * PIN_STRUCT(name, sizeof, _Alignof)',
        ' * PIN_MEMBER(struct, member, offsetof, sizeof)',
        ' * PIN_ENUM_TYPE(name, sizeof)',
        ' * PIN_ENUM(enumerator, value)',
        ' * PIN_CONST(macro, value)',
        ' */',
        '',
        '#define ABI_PINNED_SOVERSION %s' % soversion,
        '#define ABI_PINNED_ALGORITHM_ABI_VERSION %s' % abi,
        '',
        '#define ABI_STRUCT_PINS \\',
    ]
    last = None
    for hdr, s, members in structs:
        if hdr != last:
            out.append('\t/* %s */ \\' % hdr)
            last = hdr
        r = values[('S', s)]
        out.append('\tPIN_STRUCT(%s, %s, %s) \\' % (s, r[2], r[3]))
        for mem in members:
            r = values[('M', s, mem)]
            out.append('\tPIN_MEMBER(%s, %s, %s, %s) \\' % (s, mem, r[3], r[4]))
    out += ['\t/* end */', '', '#define ABI_ENUM_PINS \\']
    last = None
    for hdr, e, names in enums:
        if hdr != last:
            out.append('\t/* %s */ \\' % hdr)
            last = hdr
        out.append('\tPIN_ENUM_TYPE(%s, %s) \\' % (e, values[('T', e)][2]))
        for n in names:
            out.append('\tPIN_ENUM(%s, %s) \\' % (n, values[('E', n)][2]))
    out += ['\t/* end */', '', '#define ABI_CONST_PINS \\']
    for hdr, n in macros:
        out.append('\tPIN_CONST(%s, %s) /* %s */ \\' % (n, values[('C', n)][2],
                                                       hdr))
    out += ['\t/* end */', '']
    OUT.write_text('\n'.join(out))
    # Keep the checked-in file in the repository's format.
    try:
        subprocess.run(['clang-format', '-i', str(OUT)], check=True,
                       cwd=ROOT)
    except FileNotFoundError:
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--cc', default='cc')
    ap.add_argument('--soversion', default=None,
                    help='default: read from meson.build')
    args = ap.parse_args()
    if platform.machine() != 'x86_64':
        sys.exit('the pins are of x86_64; run this on an x86_64 machine')
    soversion = args.soversion
    if soversion is None:
        m = re.search(r'^soversion\s*=\s*(\d+)', (ROOT / 'meson.build').read_text(),
                      re.M)
        soversion = m.group(1)
    headers = sorted((INCLUDE / 'open3a').glob('*.h'))
    structs, enums, macros = parse(headers)
    rows = measure(args.cc, headers, structs, enums, macros)
    abi = [r[2] for r in rows if r[:2] == ['C', 'O3A_ALGORITHM_ABI_VERSION']][0]
    write(rows, structs, enums, macros, args.cc, soversion, abi)
    print('%s: %d structs, %d enums, %d constants' %
          (OUT.relative_to(ROOT), len(structs), len(enums), len(macros)))


if __name__ == '__main__':
    main()
