#pragma once
/// @file
/// The physical limit: the machine's single-precision FMA peak, measured by a loop that does
/// nothing but fused multiply-adds on registers (no load, no store), at the widest vector the
/// compiler targets (AVX-512 with -march=native on a processor that has it, else AVX2 + FMA,
/// else plain float arithmetic). Each thread runs its own loop on `accumulators` independent
/// vectors, enough to cover the adder's latency on both FMA ports of current x86 cores (4
/// cycles × 2 ports needs 8 chains in flight; 16 leave room for a longer latency). An empty asm
/// statement that "modifies" every accumulator ends each block of iterations, so the compiler can
/// neither fold the loop nor drop it, and emits no instruction for it. GFLOP/s = 2 × FMAs / s
/// (a multiply and an add per lane), summed over the threads.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

namespace bench::fma {

#if defined(__AVX512F__)
using Vector = __m512;
inline constexpr int lanes = 16;
inline constexpr int accumulators = 16;  // of the 32 zmm registers
inline constexpr const char* instruction_set = "AVX-512";
inline Vector broadcast(float x) { return _mm512_set1_ps(x); }
inline Vector multiply_add(Vector a, Vector b, Vector c) { return _mm512_fmadd_ps(a, b, c); }
inline float first_lane(Vector a) { return _mm512_cvtss_f32(a); }
#elif defined(__AVX2__) && defined(__FMA__)
using Vector = __m256;
inline constexpr int lanes = 8;
inline constexpr int accumulators = 12;  // of the 16 ymm registers
inline constexpr const char* instruction_set = "AVX2 + FMA";
inline Vector broadcast(float x) { return _mm256_set1_ps(x); }
inline Vector multiply_add(Vector a, Vector b, Vector c) { return _mm256_fmadd_ps(a, b, c); }
inline float first_lane(Vector a) { return _mm256_cvtss_f32(a); }
#else
using Vector = float;  // portable fallback: a multiply and an add, fused or not
inline constexpr int lanes = 1;
inline constexpr int accumulators = 8;
inline constexpr const char* instruction_set = "scalar";
inline Vector broadcast(float x) { return x; }
inline Vector multiply_add(Vector a, Vector b, Vector c) { return a * b + c; }
inline float first_lane(Vector a) { return a; }
#endif

/// Makes `value` opaque to the optimiser: it must assume the register was read and changed.
inline void opaque(Vector& value) {
#if defined(__AVX512F__)
  asm volatile("" : "+v"(value));
#elif defined(__x86_64__) || defined(__i386__)
  asm volatile("" : "+x"(value));
#else
  asm volatile("" : "+m"(value));  // elsewhere through memory, once per block: negligible
#endif
}

inline constexpr std::int64_t block = 256;  // iterations between two barriers

/// Runs `blocks` × block iterations of `accumulators` independent FMAs; returns a value that
/// depends on all of them (so that the work is used).
inline float run(std::int64_t blocks) {
  Vector scale = broadcast(0.5F);
  Vector shift = broadcast(0.5F);  // a ← a/2 + 1/2: every chain tends to 1, never denormal
  opaque(scale);
  opaque(shift);
  Vector acc[accumulators];
  for (int i = 0; i < accumulators; ++i) {
    acc[i] = broadcast(static_cast<float>(i));
    opaque(acc[i]);
  }
  for (std::int64_t b = 0; b < blocks; ++b) {
    for (std::int64_t k = 0; k < block; ++k) {
#pragma GCC unroll 16
      for (int i = 0; i < accumulators; ++i) {
        acc[i] = multiply_add(acc[i], scale, shift);
      }
    }
#pragma GCC unroll 16
    for (int i = 0; i < accumulators; ++i) {
      opaque(acc[i]);
    }
  }
  float sum = 0;
  for (int i = 0; i < accumulators; ++i) {
    sum += first_lane(acc[i]);
  }
  return sum;
}

/// FLOPs of `blocks` blocks on one thread.
inline double flops(std::int64_t blocks) {
  return 2.0 * lanes * accumulators * static_cast<double>(block) * static_cast<double>(blocks);
}

inline double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

/// One measurement at `threads` threads: every thread waits for the others, then runs its own
/// loop of `blocks` blocks. Returns the sum over the threads of each thread's GFLOP/s from its
/// wall time (first) and from its processor time (second).
inline std::pair<double, double> measure(int threads, std::int64_t blocks) {
  std::vector<double> wall(static_cast<std::size_t>(threads));
  std::vector<double> cpu(static_cast<std::size_t>(threads));
  std::vector<float> sinks(static_cast<std::size_t>(threads));
  std::atomic<int> ready{0};
  auto work = [&](int t) {
    const auto i = static_cast<std::size_t>(t);
    ready.fetch_add(1);
    while (ready.load() < threads) {
      std::this_thread::yield();
    }
    const double cpu_start = thread_cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    sinks[i] = run(blocks);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    wall[i] = flops(blocks) / elapsed.count() * 1e-9;
    cpu[i] = flops(blocks) / (thread_cpu_seconds() - cpu_start) * 1e-9;
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) {
    pool.emplace_back(work, t);
  }
  work(0);
  for (auto& thread : pool) {
    thread.join();
  }
  double total = 0;
  double cpu_total = 0;
  for (int t = 0; t < threads; ++t) {
    const auto i = static_cast<std::size_t>(t);
    if (!(sinks[i] > 0)) {  // every chain tends to 1: a sum of `accumulators` ones
      throw std::runtime_error("the FMA loop computed " + std::to_string(sinks[i]));
    }
    total += wall[i];
    cpu_total += cpu[i];
  }
  return {total, cpu_total};
}

/// How many blocks take about `seconds` on one thread (measured after a warm-up that also
/// brings the core to its vector clock).
inline std::int64_t blocks_for(double seconds) {
  run(20000);
  const std::int64_t probe = 20000;
  const auto start = std::chrono::steady_clock::now();
  volatile float sink = run(probe);
  static_cast<void>(sink);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  return std::max<std::int64_t>(probe, static_cast<std::int64_t>(
                                           static_cast<double>(probe) * seconds /
                                           std::max(elapsed.count(), 1e-6)));
}

}  // namespace bench::fma
