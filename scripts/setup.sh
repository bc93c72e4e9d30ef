#!/usr/bin/env bash
# Installs the Debian packages bachprop's build, tests and examples need, if any are missing.
# With --with-audio also FluidSynth and a General MIDI soundfont, so that the music examples
# write WAV files beside their MIDI. With --with-fuzz also Clang and its libFuzzer runtime, for
# scripts/fuzz.sh. With --with-notation also MuseScore 3 and LilyPond, the independent readers
# the tests run on the MusicXML and LilyPond files the library writes (without them those tests
# skip with a warning; CI installs them: 88 MB without their recommended packages, which this
# script leaves out). The flags combine.
# Uses sudo when not run as root. Safe to run again: it installs nothing that is present.
set -euo pipefail

packages=(
  cmake g++ make ninja-build # the build
  pkg-config git             # the package tests: bachprop.pc, a FetchContent clone
  libeigen3-dev              # linear algebra (Eigen 3.4)
  nlohmann-json3-dev         # JSON: saved models, summaries
  zlib1g-dev                 # gzip data files, PNG pictures
  catch2                     # the tests (Catch2 v2)
  python3-mido               # the tests' independent MIDI reader
  libstb-dev                 # the tests' independent PNG reader (stb_image)
  python3-numpy              # the tests' independent reader of the book's network2.py models
  abcmidi                    # the tests' independent ABC reader (abc2midi; 1 MB)
  curl                       # the examples' offer to download data sets (checksums verified)
  doxygen                    # the API reference (a test checks it builds with no warnings)
)

for option in "$@"; do
  case "$option" in
    --with-audio) packages+=(fluidsynth fluid-soundfont-gm) ;;
    --with-fuzz) packages+=(clang libclang-rt-14-dev) ;;  # libFuzzer: scripts/fuzz.sh
    --with-notation) packages+=(musescore3 lilypond) ;;   # read back MusicXML and LilyPond
    *) echo "usage: $0 [--with-audio] [--with-fuzz] [--with-notation]" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "bachprop: installing missing Debian packages: ${missing[*]}"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "bachprop: run as root or install: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update
"${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
