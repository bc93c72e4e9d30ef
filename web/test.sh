#!/usr/bin/env bash
# The web pages' tests in a real browser: builds the pages (web/build.sh), then drives Debian's
# chromium headless through them (web/test/browser_test.mjs) and compares what they compute
# with the native notes_canvas and bach_generate of the build folder. Screenshots of both pages
# are written to BUILD/web-test/.
#
#   web/test.sh            # after ./scripts/test.sh (or any build of the examples in build/)
#
# Needs emscripten, chromium and node (./scripts/setup.sh --with-web installs them and the
# test's node package, playwright-core, from web/test/package-lock.json).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
native="${BACHPROP_BUILD:-$root/build}"
for program in notes_canvas bach_generate; do
  if [ ! -x "$native/bin/$program" ]; then
    echo "$0: $native/bin/$program not found: build the examples first (./scripts/test.sh)" >&2
    exit 1
  fi
done
if [ ! -d "$root/web/test/node_modules/playwright-core" ]; then
  (cd "$root/web/test" && npm ci --no-audit --no-fund)
fi
"$root/web/build.sh" "$native/web"
echo "=== the pages in headless chromium"
node "$root/web/test/browser_test.mjs" "$native/web" "$native/bin" "$native/web-test"
