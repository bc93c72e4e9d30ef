#!/usr/bin/env bash
# Renders MIDI files to WAV with FluidSynth and the General MIDI soundfont of Debian's
# fluid-soundfont-gm, so that what the examples write can be listened to anywhere.
#
#   scripts/render_wav.sh FILE.mid [FILE.mid ...]   writes FILE.wav beside each FILE.mid
#   scripts/render_wav.sh --out OUT.wav FILE.mid    writes OUT.wav
#
# Environment: BACHPROP_SOUNDFONT overrides the soundfont; BACHPROP_SAMPLE_RATE the rate
# (44100). Needs: apt-get install fluidsynth fluid-soundfont-gm. Exits 2 with a message saying
# what to install when FluidSynth or the soundfont is missing; a WAV appears under its name only
# once it is complete.
set -euo pipefail

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
}

out=""
files=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --out) [ $# -ge 2 ] || { echo "render_wav.sh: --out needs a file name" >&2; exit 2; }
           out="$2"; shift 2 ;;
    --*) echo "render_wav.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
if [ ${#files[@]} -eq 0 ]; then
  echo "render_wav.sh: no MIDI file given (see --help)" >&2
  exit 2
fi
if [ -n "$out" ] && [ ${#files[@]} -ne 1 ]; then
  echo "render_wav.sh: --out takes exactly one MIDI file" >&2
  exit 2
fi

if ! command -v fluidsynth >/dev/null 2>&1; then
  echo "render_wav.sh: FluidSynth is not installed. On Debian: sudo apt-get install fluidsynth" \
       "fluid-soundfont-gm" >&2
  exit 2
fi
font="${BACHPROP_SOUNDFONT:-/usr/share/sounds/sf2/FluidR3_GM.sf2}"
if [ ! -f "$font" ]; then
  echo "render_wav.sh: no soundfont at $font. On Debian: sudo apt-get install" \
       "fluid-soundfont-gm (or set BACHPROP_SOUNDFONT to a .sf2 file)" >&2
  exit 2
fi
rate="${BACHPROP_SAMPLE_RATE:-44100}"

for midi in "${files[@]}"; do
  if [ ! -f "$midi" ]; then
    echo "render_wav.sh: $midi: no such file" >&2
    exit 1
  fi
  if [ "$(head -c 4 "$midi")" != "MThd" ]; then
    echo "render_wav.sh: $midi: not a MIDI file (it does not start with MThd)" >&2
    exit 1
  fi
  wav="${out:-${midi%.*}.wav}"
  partial="$(dirname "$wav")/.$(basename "$wav").partial.wav"
  # -n: no MIDI input, -i: not interactive, -q: quiet, -F: render to a file, -g: gain.
  if ! fluidsynth -n -i -q -g 0.8 -r "$rate" -F "$partial" "$font" "$midi" >/dev/null 2>&1 ||
     [ ! -s "$partial" ]; then
    rm -f "$partial"
    echo "render_wav.sh: FluidSynth could not render $midi" >&2
    exit 1
  fi
  mv "$partial" "$wav"
  echo "wrote $wav"
done
