#!/usr/bin/env python3
"""Prefix every top-level function declaration of the public headers with
O3A_API (and make sure the header includes <open3a/export.h>). Idempotent:
run it after adding functions to include/open3a/*.h; a test checks that
every declared function is exported."""
import re
import sys
from pathlib import Path

START = re.compile(r'^(const |unsigned |struct |enum |void|int|uint|size_t|'
                   r'double|bool|float|o3a_|char|long|int64_t|uint64_t)')


def mark(text):
    lines = text.split('\n')
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        # A return type alone on the line before ("O3A_API struct x *")
        # means this line continues an already marked declaration.
        continuing = out and out[-1].startswith('O3A_API') and \
            not re.search(r'[;{}]\s*$', out[-1])
        if START.match(line) and not line.startswith('O3A_API') and \
                not continuing:
            # Gather the statement up to its ';' or '{'.
            j = i
            stmt = line
            while not re.search(r'[;{]\s*$', lines[j]) and j + 1 < len(lines):
                j += 1
                stmt += '\n' + lines[j]
            if '(' in stmt and stmt.rstrip().endswith(';') and \
                    '{' not in stmt and not stmt.startswith('typedef'):
                out.append('O3A_API ' + line)
                out.extend(lines[i + 1:j + 1])
                i = j + 1
                continue
        out.append(line)
        i += 1
    text = '\n'.join(out)
    if 'O3A_API' in text and '<open3a/export.h>' not in text:
        text = re.sub(r'(#include <stdint.h>\n)', r'\1\n#include <open3a/export.h>\n',
                      text, count=1)
        if '<open3a/export.h>' not in text:
            raise SystemExit('cannot place #include <open3a/export.h>')
    return text


for path in sys.argv[1:] or sorted(Path('include/open3a').glob('*.h')):
    p = Path(path)
    if p.name == 'export.h':
        continue
    old = p.read_text()
    new = mark(old)
    if new != old:
        p.write_text(new)
        print('marked', p)
