#!/usr/bin/env python3
"""Checks bach_harmonise's files with mido, an independent MIDI reader (used by the example's
CMake tests, run by /usr/bin/python3).

usage: check_outputs.py FIRST.mid SECOND.mid [SAME_AS_SECOND.mid ...]

Every file must hold one named track per voice (Soprano, Alto, Tenor, Bass), each with notes
and a program change; every file after the second must be byte for byte the second (a saved and
reloaded model, or a second run with the same seed, gives the same harmonisation). When the
files are missing because the runs that write them were skipped for want of the JSB chorales,
the check says so and is skipped too.
"""
import os
import sys

import mido

VOICES = ["Soprano", "Alto", "Tenor", "Bass"]


def check(path):
    midi = mido.MidiFile(path)
    names = [track.name for track in midi.tracks]
    notes = {}
    for track in midi.tracks:
        if track.name in VOICES:
            notes[track.name] = sum(1 for m in track if m.type == "note_on" and m.velocity > 0)
            programs = [m.program for m in track if m.type == "program_change"]
            assert len(programs) == 1, (path, track.name, programs)
    assert all(v in notes for v in VOICES), (path, names)
    assert all(notes[v] > 0 for v in VOICES), (path, notes)
    return notes


def main(paths):
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        print("skipped: no JSB chorales data found (the runs that write", ", ".join(missing),
              "were skipped)")
        return 0
    for path in paths:
        notes = check(path)
        print("mido read", os.path.basename(path) + ":",
              ", ".join(f"{v} {notes[v]} notes" for v in VOICES))
    reference = open(paths[1], "rb").read()
    for path in paths[2:]:
        assert open(path, "rb").read() == reference, (path, "differs from", paths[1])
        print(os.path.basename(path), "is identical to", os.path.basename(paths[1]))
    print("all files checked")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
