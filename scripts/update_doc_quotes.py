#!/usr/bin/env python3
"""Rewrites every quoted code block in README.md and docs/**/*.md from its source.

A quote is a line `<!-- quote: PATH#NAME -->` followed by a fenced code block; its content is the
lines between `// doc:begin NAME` and `// doc:end NAME` in PATH (relative to the repository),
with their common indentation removed. tests/test_doc_quotes.cpp fails when they differ, so run
this after changing quoted code, then reread the prose around each quote.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
MARKER = re.compile(r"^<!-- quote: ([^#\s]+)#([A-Za-z0-9_.-]+) -->\s*$")


def region(path, name):
    lines, inside, found = [], False, False
    for line in (ROOT / path).read_text().splitlines():
        stripped = line.strip()
        if stripped == f"// doc:begin {name}":
            inside, found = True, True
            continue
        if stripped == f"// doc:end {name}":
            inside = False
            continue
        if inside:
            lines.append(line)
    if not found:
        sys.exit(f"{path}: no marker 'doc:begin {name}'")
    indent = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
    return [l[indent:] if l.strip() else "" for l in lines]


def update(document):
    lines = document.read_text().splitlines()
    out, i, changed = [], 0, False
    while i < len(lines):
        out.append(lines[i])
        match = MARKER.match(lines[i])
        if match and i + 1 < len(lines) and lines[i + 1].startswith("```"):
            fence = lines[i + 1]
            end = i + 2
            while end < len(lines) and not lines[end].startswith("```"):
                end += 1
            new = region(match.group(1), match.group(2))
            changed |= lines[i + 2:end] != new
            out += [fence] + new + ["```"]
            i = end + 1
            continue
        i += 1
    if changed:
        document.write_text("\n".join(out) + "\n")
        print("updated", document.relative_to(ROOT))


for doc in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
    if doc.exists():
        update(doc)
