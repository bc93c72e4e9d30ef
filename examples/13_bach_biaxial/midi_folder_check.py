#!/usr/bin/env python3
"""bach_biaxial on a MIDI folder that this script writes (used by the example's CMake tests, run
by /usr/bin/python3): ten short piano pieces written with mido (an independent MIDI writer),
one of them also cut in half (a truncated file), a text file named like MIDI, and a README.

usage: midi_folder_check.py BACH_BIAXIAL FOLDER

The program must train on the ten good files (--quick), name both bad files as skipped (on its
output and in its summary), and write a generated piece that mido reads back with notes in it.
"""
import json
import os
import random
import subprocess
import sys

import mido


def piece(path, seed):
    """A few bars of broken chords over a bass, with repeated notes (struck again, not held)."""
    rng = random.Random(seed)
    midi = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    midi.tracks.append(track)
    track.append(mido.MetaMessage("time_signature", numerator=4, denominator=4))
    track.append(mido.MetaMessage("set_tempo", tempo=500000))
    root = 48 + rng.randrange(12)
    events = []  # (tick, on, pitch)
    for bar in range(8):
        chord = [root + (bar % 4) * 5 % 12, root + 4 + (bar % 4) * 5 % 12,
                 root + 7 + (bar % 4) * 5 % 12]
        start = bar * 4 * 480
        events.append((start, True, chord[0] - 12))
        events.append((start + 4 * 480 - 10, False, chord[0] - 12))
        for beat in range(8):
            pitch = chord[beat % 3] + 12
            tick = start + beat * 240
            events.append((tick, True, pitch))
            events.append((tick + 200, False, pitch))  # a gap: the repeat is a new note
    events.sort(key=lambda e: (e[0], e[1]))
    now = 0
    for tick, on, pitch in events:
        track.append(mido.Message("note_on" if on else "note_off", note=pitch,
                                  velocity=80 if on else 0, time=tick - now))
        now = tick
    midi.save(path)


def main():
    program, folder = sys.argv[1], sys.argv[2]
    songs = os.path.join(folder, "songs")
    out = os.path.join(folder, "out")
    os.makedirs(songs, exist_ok=True)
    for i in range(10):
        piece(os.path.join(songs, "piece%02d.mid" % i), i)
    with open(os.path.join(songs, "piece00.mid"), "rb") as good:
        data = good.read()
    with open(os.path.join(songs, "truncated.mid"), "wb") as bad:
        bad.write(data[: len(data) // 2])
    with open(os.path.join(songs, "notes.mid"), "w") as text:
        text.write("C4 D4 E4 F4 G4: not a MIDI file\n")
    with open(os.path.join(songs, "README.txt"), "w") as readme:
        readme.write("a folder of test pieces\n")
    summary = os.path.join(folder, "summary.json")
    run = subprocess.run([program, "--midi-dir", songs, "--quick", "--out", out, "--summary",
                          summary, "--primer-length", "0", "--length", "32", "--force"],
                         capture_output=True, text=True, check=False)
    print(run.stdout)
    assert run.returncode == 0, run.stderr
    for name in ("truncated.mid", "notes.mid"):
        assert "skipped " + name in run.stdout, name
    report = json.load(open(summary))
    skipped = sorted(entry["file"] for entry in report["data"]["skipped"])
    assert skipped == ["notes.mid", "truncated.mid"], skipped
    assert report["data"]["ignored"] == 1, report["data"]
    counts = [report["data"][split] for split in ("train", "valid", "test")]
    assert counts == [8, 1, 1], counts
    generated = mido.MidiFile(os.path.join(out, "bach_biaxial.mid"))
    notes = sum(1 for track in generated.tracks for m in track
                if m.type == "note_on" and m.velocity > 0)
    assert notes > 0, "the generated piece has no notes"
    print("mido read the generated piece: %d notes; skipped %s" % (notes, ", ".join(skipped)))


if __name__ == "__main__":
    main()
