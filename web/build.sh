#!/usr/bin/env bash
# Builds the web pages: the canvas lesson and the melody continuation compiled to WebAssembly by
# emscripten (Debian's `emscripten` package), beside the static pages of web/site/ and the
# shipped melody model. Open the result with any static server:
#
#   web/build.sh [OUT]                  # default OUT: build/web
#   cd build/web && python3 -m http.server 8000   # then http://localhost:8000/
#
# Also run by `cmake --build build --target web`. Needs a configured native build folder for the
# generated <bachprop/version.hpp> (BACHPROP_BUILD, default build/; configured here if missing).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/build/web}"
native="${BACHPROP_BUILD:-$root/build}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

if ! command -v em++ >/dev/null; then
  echo "$0: em++ not found; run ./scripts/setup.sh --with-web (Debian's emscripten)" >&2
  exit 1
fi
if [ ! -f "$native/include/bachprop/version.hpp" ]; then
  cmake -S "$root" -B "$native" > /dev/null
fi
# Debian's emscripten runs its JavaScript optimiser with the system's node; its modules
# (acorn) are Debian's, found through NODE_PATH when node is not Debian's own.
export NODE_PATH="${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs"
# nlohmann/json and Eigen are header-only and read from their Debian folders; the rest of
# /usr/include (glibc's headers) must stay out of a wasm build, so nlohmann gets its own folder.
mkdir -p "$out/.include"
ln -sfn /usr/include/nlohmann "$out/.include/nlohmann"

flags=(-std=c++20 -O2 -fexceptions -Wall -Wextra -Werror
       -I"$root/include" -I"$native/include" -I"$root/examples" -I"$root/web/src"
       -isystem /usr/include/eigen3 -isystem "$out/.include"
       -sALLOW_MEMORY_GROWTH=1 -sENVIRONMENT=web,worker
       -sEXPORTED_RUNTIME_METHODS=ccall,UTF8ToString)

echo "=== compiling the pages' WebAssembly (em++ $(em++ --version | head -1 | sed 's/.*) //'))"
em++ "${flags[@]}" "$root/web/src/canvas_api.cpp" -o "$out/canvas.js" &
canvas=$!
em++ "${flags[@]}" "$root/web/src/melody_api.cpp" -o "$out/melody.js"
wait "$canvas"

cp "$root"/web/site/* "$out/"
cp "$root/models/bach_melody_rnn.json" "$out/"
for f in canvas melody; do
  printf '%s.wasm: %s KB (%s KB gzipped)\n' "$f" "$(( $(stat -c %s "$out/$f.wasm") / 1024 ))" \
         "$(( $(gzip -9c "$out/$f.wasm" | wc -c) / 1024 ))"
done
echo "=== pages in $out (serve the folder: cd $out && python3 -m http.server)"
