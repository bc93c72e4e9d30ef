#!/usr/bin/env bash
# The main demo: builds what it needs, then trains the melody RNN on the Bach chorales, prints
# how it compares with n-gram models on held-out chorales, and writes a continuation of a
# held-out chorale as MIDI, PNG and WAV into bachprop_output/. Finds the chorales in --data DIR,
# $BACHPROP_DATA or ../shared/data beside the checkout, else downloads them (checksummed) into
# ~/.cache/bachprop. Arguments go to the program (try --help).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh" --with-audio
"$root/scripts/build.sh" --target bach_melody
exec "$root/build/bin/bach_melody" --download "$@"
