#pragma once
/// @file
/// Seeded random numbers that give the same bits on every platform.
///
/// The standard distributions (std::normal_distribution, std::uniform_int_distribution,
/// std::shuffle) are implementation-defined: the same seed gives different numbers under
/// libstdc++ and libc++. Only the engine, std::mt19937_64, is fully specified, so every
/// distribution the library needs is written here on top of it.

#include <bachprop/core/bit_cast.hpp>
#include <bachprop/core/error.hpp>

#include <cmath>
#include <cstdint>
#include <istream>
#include <numbers>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

namespace bachprop {

/// A seeded generator: std::mt19937_64 plus portable uniform, normal and integer draws.
class Rng {
 public:
  /// The underlying engine, whose output sequence the C++ standard fixes.
  using Engine = std::mt19937_64;

  /// Seeds the engine: the same seed gives the same draws on every platform.
  explicit Rng(std::uint64_t seed = 0) : engine_(seed) {}

  /// The next 64 raw bits.
  std::uint64_t bits() { return engine_(); }

  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(bits() >> 11U) * 0x1.0p-53; }

  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  /// Standard normal N(0, 1) by the Box–Muller transform (the spare value is kept).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = 0.0;
    do {
      u1 = uniform();
    } while (u1 <= 0.0);  // log(0) is not a number
    const double u2 = uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * std::numbers::pi * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

  /// N(mean, stddev²).
  double normal(double mean, double stddev) { return mean + stddev * normal(); }

  /// Uniform integer in [0, n), without modulo bias: draws under a power-of-two mask and rejects
  /// values >= n (fewer than half of the draws, on average).
  std::uint64_t below(std::uint64_t n) {
    if (n <= 1) {
      return 0;
    }
    std::uint64_t mask = n - 1;
    mask |= mask >> 1U;
    mask |= mask >> 2U;
    mask |= mask >> 4U;
    mask |= mask >> 8U;
    mask |= mask >> 16U;
    mask |= mask >> 32U;
    std::uint64_t value = 0;
    do {
      value = bits() & mask;
    } while (value >= n);
    return value;
  }

  /// Fisher–Yates shuffle, the same order on every platform for the same seed.
  template <class T>
  void shuffle(std::span<T> items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(below(i));
      std::swap(items[i - 1], items[j]);
    }
  }

  /// The engine, for saving and restoring its state (operator<< / operator>>).
  Engine& engine() { return engine_; }
  /// The engine, read-only (to save its state).
  const Engine& engine() const { return engine_; }

  /// The whole state as text: the engine's (the standard's operator<< format) and the spare
  /// normal draw, bit for bit. A generator given it by set_state() continues the same sequence,
  /// which is what resuming a training run from a checkpoint needs.
  std::string state() const {
    std::ostringstream out;
    out << engine_ << ' ' << (has_spare_ ? 1 : 0) << ' ' << bit_cast<std::uint64_t>(spare_);
    return std::move(out).str();
  }

  /// Restores a state() text; throws ArgumentError, leaving the generator unchanged, when
  /// `text` is not one.
  void set_state(std::string_view text) {
    std::istringstream in{std::string(text)};
    Engine engine;
    int has_spare = 0;
    std::uint64_t spare_bits = 0;
    in >> engine >> has_spare >> spare_bits;
    if (in.fail() || (has_spare != 0 && has_spare != 1) || !(in >> std::ws).eof()) {
      throw ArgumentError("Rng::set_state: not a generator state (expected the text Rng::state() "
                          "writes: the engine's numbers, then 0 or 1, then the spare's bits)");
    }
    engine_ = engine;
    has_spare_ = has_spare == 1;
    spare_ = bit_cast<double>(spare_bits);
  }

 private:
  Engine engine_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace bachprop
