#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with Clang (ASan + UBSan) and runs each for a bounded
# time on a seed corpus of valid files; exits non-zero on any finding (a crash, a sanitizer
# report, a leak, a timeout, memory above the limit), printing the reproducer's path.
#
#   ./scripts/fuzz.sh [SECONDS] [TARGET...]    SECONDS per target (default 60); TARGETs from
#                                              idx midi midi_folder model_json book_json
#                                              torch_state_dict chorales_json chorales_lisp notes
#                                              canvas_csv abc quantised_model (default: all)
#
# Needs clang and libclang-rt-14-dev (./scripts/setup.sh --with-fuzz installs them). Builds into
# build-fuzz/ (BACHPROP_FUZZ_BUILD to change); runs BACHPROP_FUZZ_JOBS targets at a time (default:
# the number of cores). The corpus each run grows is kept in build-fuzz/corpus/, findings go to
# build-fuzz/findings/TARGET/, each target's log to build-fuzz/logs/TARGET.log.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [SECONDS] [TARGET...]   (SECONDS a positive whole number, got '$seconds')" >&2
  exit 2
fi
shift || true
all_targets=(idx midi midi_folder model_json book_json torch_state_dict chorales_json chorales_lisp
             notes canvas_csv abc quantised_model)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=("${all_targets[@]}")
fi
for target in "${targets[@]}"; do
  if [[ " ${all_targets[*]} " != *" $target "* ]]; then
    echo "$0: unknown target '$target' (targets: ${all_targets[*]})" >&2
    exit 2
  fi
done

build="${BACHPROP_FUZZ_BUILD:-build-fuzz}"
jobs="${BACHPROP_FUZZ_JOBS:-$(nproc)}"

if ! command -v clang++ >/dev/null; then
  echo "$0: clang++ not found; run ./scripts/setup.sh --with-fuzz" >&2
  exit 1
fi

echo "=== building the fuzzers (clang, ASan + UBSan + libFuzzer) in $build/"
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DBACHPROP_BUILD_TESTS=OFF -DBACHPROP_BUILD_EXAMPLES=OFF -DBACHPROP_BUILD_FUZZERS=ON \
      > /dev/null
cmake --build "$build" --target fuzzers --parallel "$jobs"

# Seeds: small valid inputs written by the library (fuzz_seeds), and the test fixtures.
seeds="$build/seeds"
rm -rf "$seeds"
"$build/fuzz/fuzz_seeds" "$seeds"
cp tests/fixtures/midi_*.mid "$seeds/midi/"
cp "$seeds/midi"/*.mid "$seeds/midi_folder/"  # the midi target's seeds too
cp tests/fixtures/music_mini_data/jsb-chorales/*.json "$seeds/chorales_json/"
cp tests/fixtures/music_mini_data/bach-chorales-uci/chorales.lisp "$seeds/chorales_lisp/"
cp tests/fixtures/torch_state_dict_{gru,rnn}.json "$seeds/torch_state_dict/"
cp tests/fixtures/abc/*.abc "$seeds/abc/"

max_len() {
  case "$1" in
    idx|midi|midi_folder|book_json|chorales_lisp|abc) echo 4096 ;;
    model_json|torch_state_dict|quantised_model) echo 8192 ;;
    chorales_json) echo 16384 ;;
    notes|canvas_csv) echo 1024 ;;
  esac
}

dictionary() {
  case "$1" in
    midi|midi_folder) echo fuzz/midi.dict ;;
    model_json|book_json|torch_state_dict|chorales_json|quantised_model) echo fuzz/json.dict ;;
    chorales_lisp) echo fuzz/lisp.dict ;;
    notes) echo fuzz/notes.dict ;;
    canvas_csv) echo fuzz/csv.dict ;;
    abc) echo fuzz/abc.dict ;;
    *) echo "" ;;
  esac
}

run_one() {
  local target="$1"
  local corpus="$build/corpus/$target" findings="$build/findings/$target"
  local log="$build/logs/$target.log"
  mkdir -p "$corpus" "$findings" "$build/logs"
  rm -f "$findings"/* "$build/logs/$target.status"
  local options=(-max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=10
                 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/")
  local dict
  dict="$(dictionary "$target")"
  if [ -n "$dict" ]; then
    options+=(-dict="$dict")
  fi
  local status=0
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/fuzz/fuzz_$target" "${options[@]}" "$corpus" "$seeds/$target" > "$log" 2>&1 ||
    status=$?
  echo "$status" > "$build/logs/$target.status"
}

echo "=== fuzzing ${#targets[@]} targets for ${seconds}s each, $jobs at a time"
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
    wait -n || true
  done
  run_one "$target" &
done
wait

failed=()
for target in "${targets[@]}"; do
  status="$(cat "$build/logs/$target.status" 2>/dev/null || echo "no status")"
  log="$build/logs/$target.log"
  runs="$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 |
          grep -o '[0-9]*$' || true)"
  corpus_size="$(find "$build/corpus/$target" -type f | wc -l)"
  artifacts=("$build/findings/$target"/*)
  if [ "$status" != 0 ] || [ -e "${artifacts[0]}" ]; then
    failed+=("$target")
    echo "--- fuzz_$target: FINDING (exit $status) after ${runs:-?} runs; log: $log"
    grep -E 'ERROR: |runtime error:|SUMMARY:|==[0-9]+== ' "$log" | head -20 || true
    for artifact in "${artifacts[@]}"; do
      if [ -e "$artifact" ]; then
        echo "    reproducer: $artifact"
        echo "    reproduce:  $build/fuzz/fuzz_$target $artifact"
      fi
    done
  else
    echo "--- fuzz_$target: ok, ${runs:-?} runs in ${seconds}s, corpus of $corpus_size inputs"
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "=== fuzzing found problems in: ${failed[*]}" >&2
  exit 1
fi
echo "=== fuzzing: no findings"
