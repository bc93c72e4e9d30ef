#!/usr/bin/env bash
# Installs the Debian packages bachprop's build, tests and examples need, if any are missing.
# With --with-audio also FluidSynth and a General MIDI soundfont, so that the music examples
# write WAV files beside their MIDI. With --with-fuzz also Clang and its libFuzzer runtime, for
# scripts/fuzz.sh. With --with-notation also MuseScore 3 and LilyPond, the independent readers
# the tests run on the MusicXML and LilyPond files the library writes (without them those tests
# skip with a warning; CI installs them: 88 MB without their recommended packages, which this
# script leaves out). With --with-web also emscripten and chromium, for the web pages and their
# browser tests (web/build.sh, web/test.sh), and the test's node package (playwright-core, from
# web/test/package-lock.json, with npm). With --with-libcxx also Clang and LLVM's libc++, to
# build the test suites against the standard library emscripten uses (scripts/test_libcxx.sh).
# With --with-arm also Debian's cross compilers for 64- and 32-bit ARM, qemu-user-static and
# zlib for both (Debian's multiarch: arm64 and armhf are added to dpkg's architectures), for
# scripts/test_arm.sh. With --with-live also the ALSA and FluidSynth libraries and a General
# MIDI soundfont, for bach_tokens --live's ALSA and FluidSynth sinks (its file driver renders
# without a sound card).
# With --with-mpi also Open MPI, for training across processes (scripts/test_mpi.sh).
# The flags combine.
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

with_web=0
with_arm=0
for option in "$@"; do
  case "$option" in
    --with-audio) packages+=(fluidsynth fluid-soundfont-gm) ;;
    --with-fuzz) packages+=(clang libclang-rt-14-dev) ;;  # libFuzzer: scripts/fuzz.sh
    --with-notation) packages+=(musescore3 lilypond) ;;   # read back MusicXML and LilyPond
    --with-web) packages+=(emscripten chromium); with_web=1 ;;  # web/: em++, headless browser
    --with-libcxx) packages+=(clang libc++-14-dev libc++abi-14-dev) ;;
    --with-arm) packages+=(g++-aarch64-linux-gnu g++-arm-linux-gnueabihf qemu-user-static
                           zlib1g-dev:arm64 zlib1g-dev:armhf); with_arm=1 ;;
    --with-live) packages+=(libasound2-dev libfluidsynth-dev fluid-soundfont-gm) ;;
    --with-mpi) packages+=(libopenmpi-dev openmpi-bin) ;;  # scripts/test_mpi.sh
    *) echo "usage: $0 [--with-audio] [--with-fuzz] [--with-notation] [--with-web]" \
            "[--with-libcxx] [--with-arm] [--with-live] [--with-mpi]" >&2
       exit 2 ;;
  esac
done

if [ "$with_web" -eq 1 ] && ! command -v npm >/dev/null; then
  packages+=(npm)  # Debian's; a Node.js that brings its own npm is used as it is
fi

# The browser test's node package, from its lock file, once the packages are in.
web_test="$(cd "$(dirname "$0")/.." && pwd)/web/test"
install_web_test() {
  if [ "$with_web" -eq 1 ] && [ ! -d "$web_test/node_modules/playwright-core" ]; then
    (cd "$web_test" && npm ci --no-audit --no-fund)
  fi
}

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  install_web_test
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
if [ "$with_arm" -eq 1 ]; then
  for architecture in arm64 armhf; do
    dpkg --print-foreign-architectures | grep -qx "$architecture" ||
      "${as_root[@]}" dpkg --add-architecture "$architecture"
  done
fi
"${as_root[@]}" apt-get update
"${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
install_web_test
