#!/usr/bin/env bash
# The main demo: builds what it needs, then runs the first lesson, the perceptron against XOR.
# Arguments go to the program (try --help).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/build.sh" --target perceptron_xor
exec "$root/build/bin/perceptron_xor" "$@"
