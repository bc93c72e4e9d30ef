#!/usr/bin/env bash
# Runs bachprop's benchmarks side by side with their PyTorch and numpy twins and the C++ peers
# (dlib, FANN), and writes the table of ratios (docs/benchmarks.md explains the method and shows
# the results).
#
#   benchmarks/run.sh                 # full run: 1 and 2 threads, 5 alternating rounds
#   benchmarks/run.sh --quick         # 1 round, fewer epochs: checks that everything runs
#   benchmarks/run.sh --threads 1     # one thread count only
#   benchmarks/run.sh --rounds 3 --out DIR
#   benchmarks/run.sh --workloads lstm,lstm_generate_argmax   # only these workloads
#   benchmarks/run.sh --workloads biaxial,biaxial_generate    # the biaxial model (ours only)
#   benchmarks/run.sh --no-cpp-peers  # without dlib and FANN
#
# Builds bachprop_bench in build-bench/ (Release, -O3 -march=native, OpenMP for the 2-thread
# runs), installs python3-numpy and python3-torch with apt-get when they are missing (and tries
# libdlib-dev and libfann-dev: the C++ peers dlib_peer and fann_peer are built where their
# library is found, and skipped with a note where not), and runs every workload once per round
# for each side, the order of the sides rotating between rounds so that a slow moment of the
# machine does not land on one side only (the biaxial workloads have no twin: bachprop alone;
# dlib and FANN run the book network and the autoencoder). Each round starts with the machine's
# limits: Eigen's 1024³ GEMM and the FMA peak (a register-only FMA loop, fma_peak.hpp). Writes
# DIR/results.jsonl (every run), DIR/benchmarks.md and DIR/benchmarks.json (the table).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-bench"
out=""
rounds=5
repeats=7
thread_counts="1 2"
only=""  # comma-separated workload names; empty: every workload
jobs="${JOBS:-2}"
python=/usr/bin/python3
cpp_peers=1

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) rounds=1; repeats=2; shift ;;
    --rounds) rounds="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --threads) thread_counts="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --workloads) only="$2"; shift 2 ;;
    --no-cpp-peers) cpp_peers=0; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
out="${out:-$build/results}"
mkdir -p "$out"

# --- the workloads --------------------------------------------------------------------------------
cases=()
for case in "book 10" "book 64" "book 256" "autoencoder 64" "autoencoder 256" "rnn 32" \
            "generate_argmax 1" "generate_sample 1" "lstm 32" "lstm_generate_argmax 1" \
            "lstm_generate_sample 1" "biaxial 1" "biaxial_generate 1"; do
  if [[ -z "$only" || ",$only," == *",${case% *},"* ]]; then
    cases+=("$case")
  fi
done
if [[ ${#cases[@]} -eq 0 ]]; then
  echo "run.sh: --workloads $only names no workload" >&2; exit 2
fi
ours_only=",biaxial,biaxial_generate,"  # workloads without a twin
cpp_workloads=",book,autoencoder,"      # what dlib and FANN can express
peers_needed=0
cpp_needed=0
for case in "${cases[@]}"; do
  [[ "$ours_only" == *",${case% *},"* ]] || peers_needed=1
  [[ $cpp_peers -eq 0 || "$cpp_workloads" != *",${case% *},"* ]] || cpp_needed=1
done

# --- what the peers need (nothing of it when only ours-only workloads run) -----------------------
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
missing=()
packages=(cmake g++ libeigen3-dev nlohmann-json3-dev zlib1g-dev)
if [[ $peers_needed -eq 1 ]]; then
  packages+=(python3-numpy python3-torch)
fi
for package in "${packages[@]}"; do
  dpkg -s "$package" > /dev/null 2>&1 || missing+=("$package")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "=== installing ${missing[*]}"
  as_root apt-get update
  as_root apt-get install -y --no-install-recommends "${missing[@]}"
fi
# The C++ peers' libraries: wanted, not required (a peer whose library is missing is skipped).
if [[ $cpp_needed -eq 1 ]]; then
  missing=()
  for package in libdlib-dev libfann-dev; do
    dpkg -s "$package" > /dev/null 2>&1 || missing+=("$package")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "=== installing ${missing[*]} (the C++ peers)"
    { as_root apt-get update > /dev/null &&
        as_root apt-get install -y --no-install-recommends "${missing[@]}"; } ||
      echo "run.sh: note: could not install ${missing[*]}: those peers are skipped" >&2
  fi
fi

# numpy and PyTorch run their products through the system's BLAS. Debian's libtorch recommends
# OpenBLAS, which a default install brings; the reference BLAS that a minimal install leaves is
# 30 times slower and would make the comparison meaningless. Without a system OpenBLAS, the
# peers use Debian's OpenBLAS package unpacked in the build folder (nothing on the system
# changes).
peer_env=()
if [[ $peers_needed -eq 1 ]] && ! $python -c 'import numpy, sys; sys.exit(0)' 2>/dev/null; then
  echo "run.sh: numpy does not import" >&2; exit 1
fi
system_blas="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)"
if [[ $peers_needed -eq 1 && "$system_blas" != *openblas* ]]; then  # numpy, PyTorch and dlib
  openblas="$build/peer-openblas"
  library="$openblas/usr/lib/x86_64-linux-gnu/openblas-pthread"
  if [[ ! -e "$library/libblas.so.3" ]]; then
    echo "=== the system BLAS is $system_blas: fetching Debian's OpenBLAS for the peers"
    mkdir -p "$openblas"
    (cd "$openblas" && apt-get download libopenblas0-pthread > /dev/null &&
       dpkg-deb -x libopenblas0-pthread_*.deb .)
  fi
  peer_env+=("LD_LIBRARY_PATH=$library${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
fi

# numpy and PyTorch allocate new arrays for every intermediate result. glibc serves those of more
# than 128 KiB with mmap and gives them back to the kernel when they are freed (and trims its heap
# above 128 KiB), so each product pays page faults for fresh memory. On a virtual machine where a
# page fault is dear, that alone made the numpy autoencoder six times slower (5,000 samples/s
# against 28,000, with 360,000 page faults against 6,600 in one run). The peers therefore keep
# their freed memory for reuse, as a tuned deployment would; bachprop allocates nothing in a
# steady training step, so the setting cannot help it.
peer_env+=(MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=134217728)

# --- bachprop's side ------------------------------------------------------------------------------
echo "=== building bachprop_bench in $build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBACHPROP_BUILD_BENCHMARKS=ON \
      -DBACHPROP_OPENMP=ON -DBACHPROP_BUILD_TESTS=OFF -DBACHPROP_BUILD_EXAMPLES=OFF > /dev/null
cmake --build "$build" --target bachprop_bench --parallel "$jobs" > /dev/null
bench="$build/bin/bachprop_bench"

# --- the C++ peers: those CMake found a library for (BACHPROP_BENCH_PEERS in the cache) ---------
built_peers="$(sed -n 's/^BACHPROP_BENCH_PEERS:INTERNAL=//p' "$build/CMakeCache.txt")"
cpp_sides=()
if [[ $cpp_needed -eq 1 ]]; then
  for peer in dlib fann; do
    if [[ ";$built_peers;" == *";$peer;"* ]]; then
      echo "=== building ${peer}_peer"
      cmake --build "$build" --target "${peer}_peer" --parallel "$jobs" > /dev/null
      cpp_sides+=("$peer")
    else
      echo "run.sh: note: ${peer}_peer is not built (its library was not found): no $peer column"
    fi
  done
fi
shapes="$out/shapes.json"
"$bench" --shapes "$shapes"

# --- the runs -------------------------------------------------------------------------------------
load="$(cut -d' ' -f1 /proc/loadavg)"
if awk -v load="$load" 'BEGIN { exit !(load > 0.5) }'; then
  echo "run.sh: warning: load average $load: other programs are running, and two-thread" \
       "figures (of every side) collapse when the other core is busy" >&2
fi
results="$out/results.jsonl"
: > "$results"

run_side() {  # side workload batch threads
  local side="$1" workload="$2" batch="$3" threads="$4"
  case "$side" in
    dlib)
      # dlib's products go through the BLAS it links (libblas.so.3: the peers' OpenBLAS), whose
      # threads are its only ones
      env "${peer_env[@]}" OPENBLAS_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads" \
        "$build/bin/dlib_peer" --shapes "$shapes" --workload "$workload" --batch "$batch" \
        --threads "$threads" --repeats "$repeats" ;;
    fann)
      env "${peer_env[@]}" "$build/bin/fann_peer" --shapes "$shapes" --workload "$workload" \
        --batch "$batch" --threads "$threads" --repeats "$repeats" ;;
    bachprop)
      OMP_NUM_THREADS="$threads" "$bench" --workload "$workload" --batch "$batch" \
        --threads "$threads" --repeats "$repeats" ;;
    numpy)
      env "${peer_env[@]}" OPENBLAS_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads" \
        $python "$root/benchmarks/numpy_twin.py" --shapes "$shapes" --workload "$workload" \
        --batch "$batch" --threads "$threads" --repeats "$repeats" ;;
    pytorch)
      # PyTorch's own OpenMP pool does the threading; its OpenBLAS pool stays at one thread
      # (two pools of two threads on two cores make Debian's PyTorch 2.5-3.5 times slower).
      env "${peer_env[@]}" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS="$threads" \
        $python "$root/benchmarks/torch_twin.py" --shapes "$shapes" --workload "$workload" \
        --batch "$batch" --threads "$threads" --repeats "$repeats" ;;
  esac
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for threads in $thread_counts; do
  for round in $(seq 1 "$rounds"); do
    echo "=== $threads thread(s), round $round of $rounds"
    OMP_NUM_THREADS="$threads" "$bench" --workload gemm --threads "$threads" \
      --repeats "$repeats" >> "$results"
    "$bench" --workload fma_peak --threads "$threads" --repeats "$repeats" >> "$results"
    for case in "${cases[@]}"; do
      read -r workload batch <<< "$case"
      if [[ "$ours_only" == *",$workload,"* ]]; then
        run_side bachprop "$workload" "$batch" "$threads" >> "$results"
        echo "    $workload, batch $batch"
        continue
      fi
      # the sides of this workload: FANN has no threads, so it runs at one thread only
      sides=(bachprop numpy pytorch)
      if [[ "$cpp_workloads" == *",$workload,"* ]]; then
        for peer in "${cpp_sides[@]}"; do
          [[ "$peer" == fann && "$threads" -gt 1 ]] || sides+=("$peer")
        done
      fi
      # rotate the order of the sides from round to round
      for (( i = 0; i < ${#sides[@]}; ++i )); do
        side="${sides[$(( (i + round) % ${#sides[@]} ))]}"
        run_side "$side" "$workload" "$batch" "$threads" >> "$results"
      done
      echo "    $workload, batch $batch"
    done
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

machine="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
cores="$(nproc)"
# report.py fails (after writing the table) when a figure exceeds the FMA peak or a C++ peer's
# loss did not fall
status=0
$python "$root/benchmarks/report.py" "$results" --out "$out" --machine "$machine" \
  --cores "$cores" --load "$load_before → $load_after" || status=$?
echo "=== wrote $out/benchmarks.md and $out/benchmarks.json"
cat "$out/benchmarks.md"
exit "$status"
