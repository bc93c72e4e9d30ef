#pragma once
/// @file
/// Choosing the next token from a probability vector — argmax, temperature, top-k and nucleus
/// (top-p) sampling — and constraints expressed as masks on that vector (stay in a key, stay in
/// a pitch range, no more than n repeated notes), the "control" challenge of the lecture slides.
/// Any model's output can go through them: a Markov chain's row, or a network's softmax column.
///
/// The order of operations in Sampler::sample: the mask zeroes forbidden options, the temperature
/// reshapes what remains (p_i^(1/T), renormalised; T = 0 is argmax), top-k keeps the k most
/// likely, top-p keeps the smallest set of most likely options whose probability reaches p, and
/// one option is drawn from what is left. Ties are broken towards the lower index everywhere.
/// A Sampler keeps its scratch buffers, so after its first call at a given size it samples
/// without allocating.

#include <bachprop/core/error.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/music/theory/key.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bachprop::music {

/// Index of the largest value (the first on ties). Throws ArgumentError when `values` is empty.
template <class S>
std::size_t argmax(std::span<const S> values) {
  if (values.empty()) {
    throw ArgumentError("argmax: no values");
  }
  std::size_t best = 0;
  for (std::size_t i = 1; i < values.size(); ++i) {
    if (values[i] > values[best]) {
      best = i;
    }
  }
  return best;
}

namespace detail {

template <class S>
double checked_total(std::span<const S> p, const char* who) {
  double total = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double v = static_cast<double>(p[i]);
    if (!(v >= 0.0) || !std::isfinite(v)) {
      throw ArgumentError(std::string(who) + ": probability " + std::to_string(i) + " is " +
                          std::to_string(v) + "; expected a finite, non-negative number");
    }
    total += v;
  }
  return total;
}

}  // namespace detail

/// Draws an index with probability proportional to `weights` (which need not sum to 1) by the
/// inverse of the cumulative sum. Allocation-free. Throws ArgumentError for an empty vector, a
/// negative or non-finite weight, or weights that are all zero.
template <class S>
std::size_t sample_index(std::span<const S> weights, Rng& rng) {
  const double total = detail::checked_total(weights, "sample_index");
  if (!(total > 0.0)) {
    throw ArgumentError("sample_index: every weight is zero (nothing can be chosen)");
  }
  const double target = rng.uniform() * total;
  double cumulative = 0.0;
  std::size_t last_positive = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const auto w = static_cast<double>(weights[i]);
    if (w > 0.0) {
      cumulative += w;
      last_positive = i;
      if (target < cumulative) {
        return i;
      }
    }
  }
  return last_positive;  // rounding left the target at the very top
}

/// A numerically stable softmax of logits divided by `temperature` (> 0), written into `out`
/// (same size). For networks whose last layer gives logits rather than probabilities.
template <class S>
void softmax_with_temperature(std::span<const S> logits, std::span<S> out, double temperature) {
  if (logits.size() != out.size() || logits.empty()) {
    throw ArgumentError("softmax_with_temperature: " + std::to_string(logits.size()) +
                        " logits but room for " + std::to_string(out.size()));
  }
  if (!(temperature > 0.0) || !std::isfinite(temperature)) {
    throw ArgumentError("softmax_with_temperature: temperature must be positive, got " +
                        std::to_string(temperature));
  }
  const double top = static_cast<double>(logits[argmax(logits)]);
  double total = 0.0;
  for (std::size_t i = 0; i < logits.size(); ++i) {
    const double e = std::exp((static_cast<double>(logits[i]) - top) / temperature);
    out[i] = static_cast<S>(e);
    total += e;
  }
  for (auto& v : out) {
    v = static_cast<S>(static_cast<double>(v) / total);
  }
}

/// Sampling settings: temperature (0 = argmax, 1 = the distribution as it is, above 1 flatter),
/// top_k (0 = off) and top_p (1 = off).
struct SamplingOptions {
  double temperature = 1.0;  ///< ≥ 0; probabilities are raised to 1/temperature
  std::size_t top_k = 0;     ///< keep only the k most probable options; 0: all
  double top_p = 1.0;        ///< keep the fewest options whose mass reaches p (nucleus); 1: all
};

/// Samples from probability vectors with a mask, temperature, top-k and top-p (order in the file
/// comment), reusing its buffers.
class Sampler {
 public:
  /// `capacity`: the largest vector expected (buffers grow on demand if a larger one comes).
  explicit Sampler(std::size_t capacity = 0) {
    work_.reserve(capacity);
    order_.reserve(capacity);
  }

  /// One index drawn from `probabilities` (need not be normalised). `mask`, when not empty,
  /// has one entry per option: 0 forbids it. Throws ArgumentError for bad settings or values,
  /// and when the mask leaves no option with positive probability.
  template <class S>
  std::size_t sample(std::span<const S> probabilities, Rng& rng,
                     const SamplingOptions& options = {},
                     std::span<const std::uint8_t> mask = {}) {
    const std::size_t n = probabilities.size();
    if (n == 0) {
      throw ArgumentError("Sampler: no options to choose from");
    }
    if (!mask.empty() && mask.size() != n) {
      throw ArgumentError("Sampler: mask has " + std::to_string(mask.size()) +
                          " entries for " + std::to_string(n) + " options");
    }
    if (!(options.temperature >= 0.0) || !std::isfinite(options.temperature)) {
      throw ArgumentError("Sampler: temperature must be 0 (argmax) or positive, got " +
                          std::to_string(options.temperature));
    }
    if (!(options.top_p > 0.0 && options.top_p <= 1.0)) {
      throw ArgumentError("Sampler: top_p must be in (0, 1], got " +
                          std::to_string(options.top_p));
    }
    detail::checked_total(probabilities, "Sampler");
    work_.resize(n);
    double top = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const bool allowed = mask.empty() || mask[i] != 0;
      work_[i] = allowed ? static_cast<double>(probabilities[i]) : 0.0;
      top = std::max(top, work_[i]);
    }
    if (!(top > 0.0)) {
      throw ArgumentError(
          "Sampler: every option is masked or has probability zero (the constraints leave "
          "nothing to choose: loosen them)");
    }
    if (options.temperature == 0.0) {
      return argmax(std::span<const double>(work_));
    }
    if (options.temperature != 1.0) {
      // p^(1/T) relative to the largest p, in logs so that small p and small T cannot
      // underflow to a vector of zeros.
      const double inverse = 1.0 / options.temperature;
      for (auto& w : work_) {
        w = w > 0.0 ? std::exp(inverse * (std::log(w) - std::log(top))) : 0.0;
      }
    }
    if (options.top_k > 0 || options.top_p < 1.0) {
      order_.resize(n);
      std::iota(order_.begin(), order_.end(), std::size_t{0});
      const auto by_weight = [this](std::size_t a, std::size_t b) {
        return work_[a] != work_[b] ? work_[a] > work_[b] : a < b;
      };
      std::sort(order_.begin(), order_.end(), by_weight);
      std::size_t keep = n;
      if (options.top_k > 0) {
        keep = std::min(keep, options.top_k);
      }
      if (options.top_p < 1.0) {
        double total = 0.0;
        for (const auto w : work_) {
          total += w;
        }
        double cumulative = 0.0;
        for (std::size_t r = 0; r < keep; ++r) {
          cumulative += work_[order_[r]];
          if (cumulative >= options.top_p * total) {
            keep = r + 1;
            break;
          }
        }
      }
      for (std::size_t r = keep; r < n; ++r) {
        work_[order_[r]] = 0.0;
      }
    }
    return sample_index(std::span<const double>(work_), rng);
  }

  /// The filtered weights of the last call (after mask, temperature, top-k and top-p; not
  /// normalised): what the draw was made from, for tests and for showing the distribution.
  std::span<const double> last_weights() const { return work_; }

 private:
  std::vector<double> work_{};
  std::vector<std::size_t> order_{};
};

/// Sets probabilities where `mask` is 0 to zero and rescales the rest to sum to 1, in place.
/// Throws ArgumentError when nothing is left.
template <class S>
void apply_mask(std::span<S> probabilities, std::span<const std::uint8_t> mask) {
  if (mask.size() != probabilities.size()) {
    throw ArgumentError("apply_mask: " + std::to_string(mask.size()) + " mask entries for " +
                        std::to_string(probabilities.size()) + " probabilities");
  }
  double total = 0.0;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    if (mask[i] == 0) {
      probabilities[i] = S(0);
    }
    total += static_cast<double>(probabilities[i]);
  }
  if (!(total > 0.0) || !std::isfinite(total)) {
    throw ArgumentError("apply_mask: every option is masked or has probability zero");
  }
  for (auto& p : probabilities) {
    p = static_cast<S>(static_cast<double>(p) / total);
  }
}

/// Musical constraints on the next note, as a mask over a model's options. Each option is
/// described by the pitch it would play (`option_pitches[i]`): a MIDI pitch, -1 for a rest, or
/// any other negative number for a token that is not a note (end of piece, unknown), which these
/// constraints never forbid.
struct MelodyConstraints {
  /// Stay in this key's scale (rests allowed).
  std::optional<Key> key = std::nullopt;
  /// In a minor key, also allow the raised seventh (the leading tone).
  bool harmonic_minor = true;
  /// Lowest allowed MIDI pitch.
  int lowest_pitch = 0;
  /// Highest allowed MIDI pitch, inclusive.
  int highest_pitch = 127;
  /// At most this many equal values (pitches, or rests) in a row; 0 = no limit.
  std::size_t max_repeats = 0;
  /// Whether a rest may come next.
  bool allow_rest = true;

  /// ANDs the constraints into `mask` (1 = allowed; start from all ones). `history` is what was
  /// generated so far (pitches and -1 for rests), latest last. Allocation-free.
  void apply(std::span<const int> option_pitches, std::span<const int> history,
             std::span<std::uint8_t> mask) const {
    if (mask.size() != option_pitches.size()) {
      throw ArgumentError("MelodyConstraints: " + std::to_string(mask.size()) +
                          " mask entries for " + std::to_string(option_pitches.size()) +
                          " options");
    }
    const PitchClassSet scale = key ? scale_set(*key, harmonic_minor) : PitchClassSet{};
    int repeated = std::numeric_limits<int>::min();
    if (max_repeats > 0 && history.size() >= max_repeats) {
      const int last = history.back();
      const bool run = std::all_of(history.end() - static_cast<std::ptrdiff_t>(max_repeats),
                                   history.end(), [last](int h) { return h == last; });
      if (run) {
        repeated = last;
      }
    }
    for (std::size_t i = 0; i < option_pitches.size(); ++i) {
      const int p = option_pitches[i];
      bool ok = true;
      if (p == -1) {
        ok = allow_rest;
      } else if (p >= 0) {
        ok = p >= lowest_pitch && p <= highest_pitch &&
             (!key || scale[static_cast<std::size_t>(pitch_class(p))]);
      }
      if (p == repeated && p >= -1) {
        ok = false;
      }
      if (!ok) {
        mask[i] = 0;
      }
    }
  }
};

}  // namespace bachprop::music
