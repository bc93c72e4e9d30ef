#!/usr/bin/env bash
# Configures and builds bachprop in build/ (Release: the examples with -O3 -march=native, the
# test suites under AddressSanitizer and UBSan; warnings as errors), installing missing Debian
# packages first. Extra arguments go to the build (e.g. a target).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
# Ninja for a new build folder: it keeps both cores busy to the end better than make. A folder
# configured before keeps the generator it has.
generator=()
if [ ! -f "$root/build/CMakeCache.txt" ] && command -v ninja > /dev/null; then
  generator=(-G Ninja)
fi
cmake -S "$root" -B "$root/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$root/build" --parallel "$(nproc)" "$@"
