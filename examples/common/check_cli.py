#!/usr/bin/env python3
"""The one command-line vocabulary of docs/cli.md, checked on every example program.

usage: check_cli.py VERSION PROGRAM...

For each program: --help exits 0 and fits 80 columns; --version prints "NAME (bachprop
VERSION)"; an unknown option and a bad value exit with status 2; every option that docs/cli.md
lists as shared is spelled with the same value name wherever it appears; the old spellings
(--eta, --fast, --notes, --midi, --load, --frames, ...) appear nowhere; every program that writes
files takes --out DIR and --force, and every one that writes music also --wav, --no-wav and
--score. Prints one line per program and "command line checked" at the end.
"""

import os
import re
import subprocess
import sys

# The shared options and their value names (docs/cli.md); "" for a flag.
SHARED = {
    "seed": "N", "summary": "FILE", "data": "DIR", "download": "", "out": "DIR", "force": "",
    "wav": "", "no-wav": "", "score": "", "quick": "", "epochs": "N", "learning-rate": "ETA",
    "hidden": "N", "model": "FILE", "save": "FILE", "checkpoint": "FILE", "resume": "",
    "primer": "TEXT", "primer-midi": "FILE", "primer-abc": "FILE", "melody": "TEXT",
    "melody-midi": "FILE", "melody-abc": "FILE", "track": "N", "chorale": "N", "length": "N",
    "primer-length": "N", "temperature": "T", "top-k": "K", "top-p": "P", "tempo": "BPM",
    "key": "NAME", "lowest": "PITCH", "highest": "PITCH", "name": "NAME", "num-outputs": "N",
    "batch-size": "M", "midi-dir": "DIR", "version": "", "help": "",
}
# Spellings the vocabulary replaced: none may come back.
RETIRED = {"eta", "paper-eta", "fast", "notes", "midi", "load", "frames", "primer-frames",
           "path-notes", "out-dir"}
# Programs that write music files, and programs that write files at all.
MUSIC = {"notes_canvas", "music_basics", "algorithmic_composition", "markov_bach", "bach_melody",
         "bach_polyphony", "bach_generate", "bach_harmonise", "bach_biaxial", "bach_tokens"}
WRITERS = MUSIC | {"mnist_autoencoder"}

OPTION = re.compile(r"^  --([a-z0-9-]+)(?: ([A-Z]+))?(?:\s|$)")


def run(program, *arguments):
    env = dict(os.environ, COLUMNS="80")
    return subprocess.run([program, *arguments], capture_output=True, text=True, env=env,
                          check=False, timeout=120)


def options_of(help_text):
    found = {}
    for line in help_text.splitlines():
        match = OPTION.match(line)
        if match:
            found[match.group(1)] = match.group(2) or ""
    return found


def check(program, version):
    name = os.path.basename(program)
    problems = []
    shown = run(program, "--help")
    if shown.returncode != 0:
        problems.append(f"--help exits {shown.returncode}")
    for line in shown.stdout.splitlines():
        if len(line) > 80:
            problems.append(f"help line of {len(line)} columns: {line[:50]}...")
    options = options_of(shown.stdout)
    if not options:
        problems.append("no options found in --help")
    for option, value in options.items():
        if option in RETIRED:
            problems.append(f"retired spelling --{option}")
        if option in SHARED and SHARED[option] != value:
            problems.append(f"--{option} {value}: docs/cli.md spells it --{option} "
                            f"{SHARED[option]}".rstrip())
    wanted = {"seed", "summary", "help", "version"}
    if name in WRITERS:
        wanted |= {"out", "force"}
    if name in MUSIC:
        wanted |= {"wav", "no-wav", "score"}
    for option in sorted(wanted - options.keys()):
        problems.append(f"no --{option}")
    said = run(program, "--version")
    if said.returncode != 0 or said.stdout.strip() != f"{name} (bachprop {version})":
        problems.append(f"--version printed {said.stdout.strip()!r} (exit {said.returncode})")
    for arguments in (["--no-such-option"], ["--seed", "banana"], ["--seed"]):
        refused = run(program, *arguments)
        if refused.returncode != 2 or f"{name}: error: " not in refused.stderr:
            problems.append(f"{' '.join(arguments)}: exit {refused.returncode}, "
                            f"stderr {refused.stderr.strip()[:80]!r}")
    return name, len(options), problems


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    version = sys.argv[1]
    failed = False
    for program in sys.argv[2:]:
        name, count, problems = check(program, version)
        print(f"{name}: {count} options" + ("" if not problems else ", " + "; ".join(problems)))
        failed = failed or bool(problems)
    if failed:
        return 1
    print("command line checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
