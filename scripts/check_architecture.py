#!/usr/bin/env python3
"""Checks the rules of ARCHITECTURE.md on the library's headers:

- every #include <bachprop/...> of a header in include/bachprop/ goes to its own room or to a
  room above it in the order ARCHITECTURE.md lists (read from that file, so the two cannot
  drift apart); the umbrella headers at the top (bachprop.hpp, neural.hpp, io.hpp, draw.hpp,
  music.hpp) may include anything;
- every header is in a room that the list names;
- no header is longer than 450 lines unless its first 15 lines say why ("Longer than 450
  lines because ...");
- no line of the library, the examples, the tests, the benchmarks or the fuzzers is wider than
  100 columns (characters, not bytes).

Prints every finding and exits 1 if there is one. Usage: check_architecture.py [SOURCE_DIR]
"""
import pathlib
import re
import sys

MAX_HEADER_LINES = 450
MAX_COLUMNS = 100
TOP_UMBRELLAS = {'bachprop.hpp', 'neural.hpp', 'io.hpp', 'draw.hpp', 'music.hpp'}
INCLUDE = re.compile(r'^\s*#\s*include\s*<bachprop/([^>]+)>')


def room_order(root):
    text = (root / 'ARCHITECTURE.md').read_text(encoding='utf-8')
    block = re.search(r'<!-- rooms: begin.*?-->(.*?)<!-- rooms: end -->', text, re.S)
    if not block:
        sys.exit('ARCHITECTURE.md: no <!-- rooms: begin --> ... <!-- rooms: end --> list')
    rooms = re.findall(r'^([a-z_/]+)/\s', block.group(1), re.M)
    if not rooms:
        sys.exit('ARCHITECTURE.md: the room list is empty')
    return rooms


def room_of(relative, rooms):
    """The room of a header path relative to include/bachprop (None for a top umbrella)."""
    if relative in TOP_UMBRELLAS:
        return None
    # A room's umbrella (music/score.hpp) belongs to the room it gathers (music/score/).
    folder = relative[:-len('.hpp')] if relative[:-len('.hpp')] in rooms else \
        relative.rsplit('/', 1)[0]
    return folder if folder in rooms else ''


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else
                        pathlib.Path(__file__).resolve().parent.parent)
    rooms = room_order(root)
    rank = {room: i for i, room in enumerate(rooms)}
    library = root / 'include' / 'bachprop'
    findings = []
    for header in sorted(library.rglob('*.hpp')):
        relative = header.relative_to(library).as_posix()
        room = room_of(relative, rooms)
        lines = header.read_text(encoding='utf-8').split('\n')
        if room == '':
            findings.append(f'include/bachprop/{relative}: not in a room ARCHITECTURE.md lists')
            continue
        if room is not None:
            for number, line in enumerate(lines, 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                target = room_of(match.group(1), rooms)
                if target is None or target == '' or rank[target] > rank[room]:
                    findings.append(
                        f'include/bachprop/{relative}:{number}: includes <bachprop/'
                        f'{match.group(1)}>, which is in {target or "no room"}: below {room}/ '
                        'in ARCHITECTURE.md\'s order')
        if len(lines) - 1 > MAX_HEADER_LINES and \
                not any('Longer than 450 lines because' in l for l in lines[:15]):
            findings.append(f'include/bachprop/{relative}: {len(lines) - 1} lines, more than '
                            f'{MAX_HEADER_LINES}, and no reason at its top')
    for folder in ('include', 'examples', 'tests', 'benchmarks', 'fuzz'):
        for path in sorted((root / folder).rglob('*')):
            if path.suffix not in ('.hpp', '.cpp', '.h') or not path.is_file():
                continue
            for number, line in enumerate(path.read_text(encoding='utf-8').split('\n'), 1):
                if len(line) > MAX_COLUMNS:
                    findings.append(f'{path.relative_to(root).as_posix()}:{number}: '
                                    f'{len(line)} columns, more than {MAX_COLUMNS}')
    for finding in findings:
        print(finding)
    print(f'check_architecture: {len(rooms)} rooms, {len(findings)} findings')
    return 1 if findings else 0


if __name__ == '__main__':
    sys.exit(main())
