#!/usr/bin/env bash
# The library on ARM, as on a Raspberry Pi: the neural core's test suites and bach_tokens built
# with Debian's cross compilers for 64-bit ARM (aarch64) and 32-bit ARM (armhf), the suites run
# under qemu-user-static, and one generation from the same model with argmax decoding on x86 and
# on ARM, in float and in 8 bits, which must give the same tokens and durations.
#
#   scripts/test_arm.sh                  # aarch64 and armhf, the suite core
#   scripts/test_arm.sh aarch64          # one architecture
#   BACHPROP_ARM_SUITES="core layers loss optim" scripts/test_arm.sh
#
# Builds into build-<arch>/ (cmake/toolchains/<triple>.cmake: RelWithDebInfo, no -march=native,
# no sanitizers), and the x86 program into build/ (as ./scripts/test.sh leaves it). The model is
# trained on x86 for three epochs on the JSB chorales (a few seconds), so the tokens are not the
# near-constant run of an untrained network. Needs ./scripts/setup.sh --with-arm (the cross
# compilers, qemu-user-static and zlib for both architectures).
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a suites <<< "${BACHPROP_ARM_SUITES:-core}"
architectures=("$@")
[ ${#architectures[@]} -gt 0 ] || architectures=(aarch64 armhf)

work=build/arm-check
rm -rf "$work"
mkdir -p "$work"

echo "=== x86: a token model (three epochs) and its argmax generations, float and 8-bit"
[ -f build/CMakeCache.txt ] || cmake -S . -B build -G Ninja > /dev/null
cmake --build build --target bach_tokens
build/bin/bach_tokens --epochs 3 --length 4 --no-wav --out "$work/train" --force \
  --save "$work/model.json" --save-quantised "$work/model.bpq" | grep -E "LSTM |In 8 bits"
generate() {  # generate LABEL MODEL [FLAGS]: one argmax generation by the program in runner
  local label=$1 model=$2
  shift 2
  "${runner[@]}" --model "$model" --primer "C4.E4.G4 D4/8 E4/8 F4 G4/2" --temperature 0 \
    --length 48 --no-wav --out "$work/$label" --force --summary "$work/$label.json" "$@" \
    > "$work/$label.log"
}
runner=(build/bin/bach_tokens)
generate x86_float "$work/model.json"
generate x86_8bit "$work/model.bpq"

triple_of() { [ "$1" = aarch64 ] && echo aarch64-linux-gnu || echo arm-linux-gnueabihf; }
qemu_of() { [ "$1" = aarch64 ] && echo qemu-aarch64-static || echo qemu-arm-static; }

for arch in "${architectures[@]}"; do
  case "$arch" in aarch64|armhf) ;; *) echo "$0: unknown architecture $arch" >&2; exit 2 ;; esac
  triple=$(triple_of "$arch")
  build="build-$arch"
  echo "=== $arch: the suites ${suites[*]} and bach_tokens, cross-compiled into $build/"
  cmake -S . -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="cmake/toolchains/$triple.cmake" \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBACHPROP_NATIVE=OFF -DBACHPROP_SANITIZE_TESTS=OFF \
        -DBACHPROP_INSTALL=OFF > /dev/null
  targets=(bach_tokens)
  pattern=""
  for suite in "${suites[@]}"; do
    targets+=("bachprop_${suite}_tests")
    pattern+="${pattern:+|}^${suite}[:.]"
  done
  cmake --build "$build" --target "${targets[@]}"
  echo "=== $arch: the suites under $(qemu_of "$arch")"
  ctest --test-dir "$build" --output-on-failure -j "$(nproc)" -R "$pattern"

  echo "=== $arch: the same generations"
  runner=("$(qemu_of "$arch")" -L "/usr/$triple" "$build/bin/bach_tokens")
  generate "${arch}_float" "$work/model.json"
  generate "${arch}_8bit" "$work/model.bpq"
  python3 - "$work" "$arch" <<'EOF'
import json, sys
work, arch = sys.argv[1], sys.argv[2]
for kind in ("float", "8bit"):
    x86 = json.load(open(f"{work}/x86_{kind}.json"))["generation"]
    arm = json.load(open(f"{work}/{arch}_{kind}.json"))["generation"]
    same = x86["tokens"] == arm["tokens"] and x86["durations"] == arm["durations"]
    first = " ".join(x86["tokens"][:6])
    print(f"{arch} {kind}: {len(arm['tokens'])} tokens {'equal to' if same else 'DIFFERENT from'}"
          f" x86's ({first} ...)")
    if not same or len(arm["tokens"]) != 48:
        for i, (a, b) in enumerate(zip(x86["tokens"], arm["tokens"])):
            if a != b:
                print(f"  first difference at token {i}: x86 {a}, {arch} {b}")
                break
        sys.exit(1)
EOF
done
echo "=== ARM checked: ${architectures[*]}"
