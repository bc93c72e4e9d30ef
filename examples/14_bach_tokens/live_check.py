#!/usr/bin/env python3
"""bach_tokens --live, checked from outside (usage: live_check.py PROGRAM MODEL FOLDER
RECORD_SUMMARY):

- stdout: five seconds at 240 bpm as MIDI bytes on standard output, read by mido's parser:
  every byte belongs to a note on, note off or control change; every note on is followed by
  its note off before it sounds again, none is left sounding, and the last message is "all
  notes off"; the program's text went to standard error; the tokens drawn are those the
  recording sink's run drew from the same seed (RECORD_SUMMARY), whatever the sink.
- Ctrl-C: a run without a time limit, sent SIGINT after two seconds, exits 0 with every note
  released and its summary written, ended "stopped (Ctrl-C)".

Prints "live checked" at the end; exits 1 with the reason otherwise.
"""
import json
import os
import signal
import subprocess
import sys
import time

import mido


def fail(reason):
    print(f"live check failed: {reason}")
    sys.exit(1)


def balanced(data, what):
    parser = mido.Parser()
    parser.feed(data)
    messages = list(parser)
    if len(messages) * 3 != len(data):
        fail(f"{what}: {len(data)} bytes are not {len(messages)} three-byte messages")
    sounding = {}
    for m in messages:
        if m.type == "note_on" and m.velocity > 0:
            if sounding.get(m.note, 0) != 0:
                fail(f"{what}: note {m.note} struck while sounding")
            sounding[m.note] = 1
        elif m.type in ("note_off", "note_on"):
            if sounding.get(m.note, 0) != 1:
                fail(f"{what}: note {m.note} released while silent")
            sounding[m.note] = 0
        elif not (m.type == "control_change" and m.control == 123):
            fail(f"{what}: unexpected message {m}")
    if any(sounding.values()):
        fail(f"{what}: notes left sounding: {[n for n, s in sounding.items() if s]}")
    if not messages or messages[-1].type != "control_change":
        fail(f"{what}: the last message is not 'all notes off'")
    return messages


def main():
    program, model, folder, record_summary = sys.argv[1:5]
    os.makedirs(folder, exist_ok=True)
    common = [program, "--model", model, "--live", "--tempo", "240", "--seed", "1"]

    summary_path = os.path.join(folder, "stdout_summary.json")
    run = subprocess.run(common + ["--seconds", "5", "--sink", "stdout",
                                   "--summary", summary_path],
                         capture_output=True, timeout=120, check=False)
    if run.returncode != 0:
        fail(f"--sink stdout exited {run.returncode}: {run.stderr.decode()[-400:]}")
    if b"Playing live" not in run.stderr:
        fail("--sink stdout: the program's text did not go to standard error")
    messages = balanced(run.stdout, "--sink stdout")
    with open(summary_path, encoding="utf-8") as f:
        streamed = json.load(f)["live"]
    if streamed["events"] != len(messages):
        fail(f"the summary counts {streamed['events']} messages, stdout had {len(messages)}")
    if os.path.exists(record_summary):
        with open(record_summary, encoding="utf-8") as f:
            recorded = json.load(f)["live"]
        common_length = min(len(streamed["tokens"]), len(recorded["tokens"]))
        if common_length < 10 or streamed["tokens"][:common_length] != \
                recorded["tokens"][:common_length]:
            fail("the tokens drawn into stdout differ from those drawn into the recording")

    summary_path = os.path.join(folder, "sigint_summary.json")
    process = subprocess.Popen(common + ["--sink", "stdout", "--summary", summary_path],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(2)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    if process.returncode != 0:
        fail(f"after SIGINT the program exited {process.returncode}: {err.decode()[-400:]}")
    balanced(out, "after SIGINT")
    with open(summary_path, encoding="utf-8") as f:
        stopped = json.load(f)["live"]
    if stopped["ended"] != "stopped (Ctrl-C)" or stopped["seconds"] > 10:
        fail(f"after SIGINT the summary says {stopped['ended']} after {stopped['seconds']} s")
    print(f"live checked: {len(messages)} messages on stdout, balanced; the same tokens as the "
          f"recording; Ctrl-C after {stopped['seconds']:.1f} s released every note")
    return 0


if __name__ == "__main__":
    sys.exit(main())
