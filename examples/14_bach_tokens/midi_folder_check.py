#!/usr/bin/env python3
"""bach_tokens on a MIDI folder that this script writes (used by the example's CMake tests, run by
/usr/bin/python3, with nothing but the standard library): twelve short pieces written byte by
byte as standard MIDI files, a truncated copy of one of them, a text file named like MIDI, and a
README.

usage: midi_folder_check.py BACH_TOKENS FOLDER

The program must train on the twelve good files (--quick), name both bad files as skipped (on its
output and in its summary), report the validation perplexity of the LSTM and of the Markov chain,
write a generated piece, and then generate again from the saved model alone (--model, no corpus).
"""
import json
import os
import random
import struct
import subprocess
import sys


def vlq(value):
    """A MIDI variable-length quantity."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.insert(0, 0x80 | (value & 0x7F))
        value >>= 7
    return bytes(out)


def piece(seed):
    """Bytes of a format-0 MIDI file: chords over a bass, with a melody in eighths and quarters."""
    rng = random.Random(seed)
    ticks = 480
    events = []  # (tick, order, message bytes): note-offs (0) before note-ons (1) at a tick
    root = 48 + rng.randrange(5)
    tick = 0
    for bar in range(10):
        chord = [root + (0, 5, 7, 0)[bar % 4] + step for step in (0, 4, 7)]
        for pitch in chord:
            events.append((tick, 1, bytes([0x90, pitch, 80])))
            events.append((tick + 2 * ticks, 0, bytes([0x80, pitch, 0])))
        beat = 0
        while beat < 8:
            length = rng.choice((1, 1, 2))
            pitch = chord[rng.randrange(3)] + 12 + rng.choice((0, 2))
            start = tick + beat * ticks // 2
            events.append((start, 1, bytes([0x90, pitch, 90])))
            events.append((start + length * ticks // 2 - 20, 0, bytes([0x80, pitch, 0])))
            beat += length
        tick += 4 * ticks
    events.sort(key=lambda e: (e[0], e[1]))
    track = b"\x00\xff\x51\x03\x07\xa1\x20"  # tempo: 120 bpm
    now = 0
    for when, _, message in events:
        track += vlq(when - now) + message
        now = when
    track += b"\x00\xff\x2f\x00"
    return (b"MThd" + struct.pack(">IHHH", 6, 0, 1, ticks) +
            b"MTrk" + struct.pack(">I", len(track)) + track)


def run(arguments):
    done = subprocess.run(arguments, capture_output=True, text=True, check=False)
    print(done.stdout)
    assert done.returncode == 0, done.stderr
    return done.stdout


def main():
    program, folder = sys.argv[1], sys.argv[2]
    songs = os.path.join(folder, "songs")
    out = os.path.join(folder, "out")
    os.makedirs(songs, exist_ok=True)
    for i in range(12):
        with open(os.path.join(songs, "piece%02d.mid" % i), "wb") as f:
            f.write(piece(i))
    with open(os.path.join(songs, "truncated.mid"), "wb") as bad:
        bad.write(piece(0)[:60])
    with open(os.path.join(songs, "notes.mid"), "w") as text:
        text.write("C4 D4 E4 F4 G4: not a MIDI file\n")
    with open(os.path.join(songs, "README.txt"), "w") as readme:
        readme.write("a folder of test pieces\n")
    summary_path = os.path.join(folder, "summary.json")
    model = os.path.join(folder, "model.json")
    stdout = run([program, "--midi-dir", songs, "--quick", "--out", out, "--summary",
                  summary_path, "--save", model, "--length", "24", "--force", "--no-wav"])
    for name in ("truncated.mid", "notes.mid"):
        assert "skipped " + name in stdout, name
    summary = json.load(open(summary_path))
    skipped = sorted(entry["file"] for entry in summary["data"]["skipped"])
    assert skipped == ["notes.mid", "truncated.mid"], skipped
    assert summary["data"]["ignored"] == 1, summary["data"]
    assert summary["data"]["train_pieces"] + summary["data"]["valid_pieces"] == 12
    assert summary["data"]["valid_pieces"] >= 1
    for model_name in ("lstm", "markov"):
        perplexity = summary["validation_perplexity"][model_name]
        assert 1 <= perplexity < summary["data"]["vocabulary_size"] * 2, (model_name, perplexity)
    assert len(summary["generation"]["tokens"]) == 24
    assert "<unk>" not in summary["generation"]["tokens"]
    assert os.path.getsize(summary["generation"]["midi"]) > 0
    # The saved model alone: no corpus read, a primer given as a note string.
    again = os.path.join(folder, "again.json")
    stdout = run([program, "--model", model, "--primer", "C3.E4.G4 D4/8 R", "--out", out,
                  "--summary", again, "--force", "--no-wav", "--length", "16", "--seed", "3"])
    assert "loaded (no training)" in stdout
    generated = json.load(open(again))["generation"]
    assert len(generated["tokens"]) == 16 and generated["primer_tokens"] == 3
    print("MIDI folder checked: skipped %s; validation perplexity LSTM %.2f, Markov %.2f"
          % (", ".join(skipped), summary["validation_perplexity"]["lstm"],
             summary["validation_perplexity"]["markov"]))


if __name__ == "__main__":
    main()
