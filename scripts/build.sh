#!/usr/bin/env bash
# Configures and builds bachprop in build/ (Release, -O3 -march=native, warnings as errors),
# installing missing Debian packages first. Extra arguments go to the build (e.g. a target).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$root/build" --parallel "$(nproc)" "$@"
