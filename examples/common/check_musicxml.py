#!/usr/bin/env python3
"""Checks a music program's sheet music with an independent reader (used by the examples' CMake
tests, run by /usr/bin/python3).

usage: check_musicxml.py NAME.musicxml NAME.mid

MuseScore 3 (`mscore3`, Debian's musescore3, run headless) checks NAME.musicxml against its
MusicXML schema and converts it to MIDI; mido reads that MIDI and the program's own NAME.mid, and
every part with notes must hold the same notes in both: the same pitches and starts, and the same
lengths, except that MuseScore ends each note one tick (of its 480 a quarter) early. Prints
"skipped: ..." and succeeds when mscore3 is not installed or the files are missing (the run that
writes them was skipped for want of data).
"""
import os
import shutil
import subprocess
import sys
import tempfile

import mido


def parts(path):
    """Per track with notes: its notes as (start, pitch, length) in quarter notes, sorted."""
    midi = mido.MidiFile(path)
    tpq = midi.ticks_per_beat
    result = []
    for track in midi.tracks:
        now = 0
        sounding = {}
        notes = []
        for message in track:
            now += message.time
            if message.type == "note_on" and message.velocity > 0:
                sounding.setdefault((message.channel, message.note), []).append(now)
            elif message.type in ("note_on", "note_off"):
                starts = sounding.get((message.channel, message.note))
                if starts:
                    start = starts.pop(0)
                    notes.append((start / tpq, message.note, (now - start) / tpq))
        if notes:
            result.append(sorted(notes))
    return result


def main(musicxml, midi):
    missing = [p for p in (musicxml, midi) if not os.path.exists(p)]
    if missing:
        print("skipped: missing", ", ".join(missing), "(the run that writes them was skipped)")
        return 0
    if shutil.which("mscore3") is None:
        print("skipped: mscore3 (Debian's musescore3) is not installed")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        back = os.path.join(folder, "back.mid")
        run = subprocess.run(["mscore3", "-o", back, musicxml], capture_output=True, text=True,
                             env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), timeout=300)
        said = run.stdout + run.stderr
        assert run.returncode == 0 and os.path.exists(back), said
        assert "not a valid MusicXML file" not in said, said
        read, written = parts(back), parts(midi)
    assert len(read) == len(written), (len(read), len(written))
    tick = 1 / 480
    for number, (got, want) in enumerate(zip(read, written)):
        assert len(got) == len(want), (number, len(got), len(want))
        for (start, pitch, length), (w_start, w_pitch, w_length) in zip(got, want):
            assert pitch == w_pitch and abs(start - w_start) < 1e-6, (number, start, w_start)
            assert w_length - 1.5 * tick <= length <= w_length + 1e-6, (number, length, w_length)
    print("MuseScore read", os.path.basename(musicxml), "as the notes of", os.path.basename(midi)
          + ":", ", ".join(f"{len(p)} notes" for p in written))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
