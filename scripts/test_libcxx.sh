#!/usr/bin/env bash
# The test suites built with clang and LLVM's libc++ (the standard library emscripten uses, so
# the web pages' library is tested on it too) and run. Builds into build-libcxx/ (no sanitizers:
# ./scripts/test.sh runs those), without the example programs.
#
#   scripts/test_libcxx.sh                   # every suite, the headers alone, the README example
#   scripts/test_libcxx.sh core io music_score   # only these suites (tests/core, tests/io, ...)
#
# Needs clang and libc++ (./scripts/setup.sh --with-libcxx). CI runs a focused set of suites:
# the ones whose code reads and writes numbers, keeps random state and saves models.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BACHPROP_LIBCXX_BUILD:-build-libcxx}"
if ! command -v clang++ >/dev/null; then
  echo "$0: clang++ not found; run ./scripts/setup.sh --with-libcxx" >&2
  exit 1
fi
echo "=== the test suites with clang++ -stdlib=libc++ in $build/"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS="-stdlib=libc++" \
      -DCMAKE_EXE_LINKER_FLAGS="-stdlib=libc++" -DBACHPROP_BUILD_EXAMPLES=OFF \
      -DBACHPROP_SANITIZE_TESTS=OFF -DBACHPROP_INSTALL=OFF > /dev/null
if [ $# -eq 0 ]; then
  cmake --build "$build" -- -k 0  # every failure, not only the first
  ctest --test-dir "$build" --output-on-failure -j "$(nproc)" -LE package
else
  targets=()
  pattern=""
  for suite in "$@"; do
    targets+=("bachprop_${suite}_tests")
    pattern+="${pattern:+|}^${suite}[:.]"
  done
  cmake --build "$build" --target "${targets[@]}"
  ctest --test-dir "$build" --output-on-failure -j "$(nproc)" -R "$pattern"
fi
