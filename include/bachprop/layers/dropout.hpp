#pragma once
/// @file
/// Inverted dropout (Srivastava et al. 2014, scaled at training time as torch.nn.Dropout does):
/// while training, each entry is kept with probability 1 − p and scaled by 1/(1 − p), or set to
/// zero; in evaluation it passes unchanged. Equations (40)-(41) (docs/derivation.md).
///
/// Training or evaluation: a Dropout starts in evaluation mode (it drops nothing), and
/// set_training(true) turns dropping on. Network::set_training tells every layer that has a
/// mode, and train() (train/trainer.hpp) turns it on for its training steps only: its callbacks
/// (a validation score) and whoever uses the network afterwards see it as it was before.
/// step(), the generation step Network::step calls, never drops.
///
/// Masks are drawn afresh for every forward while training, entry by entry, so between two
/// recurrent layers (features × (T·B), time-major) every step of every sequence has its own mask,
/// as the `dropout=` of torch.nn.LSTM gives. The generator of the k-th mask is seeded from the
/// layer's seed and k alone, so the masks are the same for the same seed on every platform, and
/// a saved model (and a checkpoint) keeps the seed and k to continue them exactly.
///
/// For tests a fixed keep-mask can be set (use_mask): training then applies that mask instead.

#include <bachprop/core/error.hpp>
#include <bachprop/core/layer.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bachprop {

/// Inverted dropout with rate p: entries dropped with probability p while training.
template <Scalar S = float>
class Dropout {
 public:
  /// The element type, float or double.
  using Scalar = S;

  /// Drops each entry with probability `rate` (p in [0, 1); 0 drops nothing), masks drawn from
  /// `seed`. Without a seed a Network seeds the layer from its position (has_seed() until then
  /// false; a Dropout used alone then draws from seed 0). Throws ArgumentError for a rate
  /// outside [0, 1).
  explicit Dropout(double rate, std::optional<std::uint64_t> seed = std::nullopt)
      : rate_(rate), seed_(seed.value_or(0)), has_seed_(seed.has_value()) {
    if (!(rate >= 0.0 && rate < 1.0)) {
      throw ArgumentError("Dropout: the rate must lie in [0, 1), got " + std::to_string(rate));
    }
  }

  /// The layer's name in messages and saved models.
  static constexpr std::string_view kind() { return "dropout"; }
  /// any_size: keeps whatever rows it is given.
  Index input_size() const { return any_size; }
  /// any_size: the rows of the input.
  Index output_size() const { return any_size; }
  /// p, the probability that an entry is dropped while training.
  double rate() const { return rate_; }

  /// Turns dropping on (training) or off (evaluation: the identity).
  void set_training(bool training) { training_ = training; }
  /// Whether forward drops (training) or passes the input unchanged (evaluation).
  bool training() const { return training_; }

  /// The seed the masks are drawn from.
  std::uint64_t seed() const { return seed_; }
  /// Whether the layer was given a seed (at construction, by set_seed or by a Network).
  bool has_seed() const { return has_seed_; }
  /// Masks drawn so far: the next is the generator seeded from (seed, masks_drawn()).
  std::uint64_t masks_drawn() const { return masks_drawn_; }
  /// Restarts the masks from `seed`, or continues them from mask `masks_drawn` on (a saved
  /// model's position).
  void set_seed(std::uint64_t seed, std::uint64_t masks_drawn = 0) {
    seed_ = seed;
    masks_drawn_ = masks_drawn;
    has_seed_ = true;
  }

  /// While training: applies `keep` (1 keeps an entry, 0 drops it; nothing else) to every
  /// forward instead of a random mask, scaled as a drawn one: for tests and comparisons with
  /// another library's draw. Throws ArgumentError for an entry other than 0 or 1.
  void use_mask(const Matrix<S>& keep) {
    for (Index i = 0; i < keep.size(); ++i) {
      if (keep.data()[i] != S(0) && keep.data()[i] != S(1)) {
        throw ArgumentError("Dropout::use_mask: entry " + std::to_string(i) +
                            " is neither 0 nor 1");
      }
    }
    mask_ = keep * scale();
    fixed_mask_ = true;
  }
  /// Back to random masks.
  void clear_mask() { fixed_mask_ = false; }

  /// While training, y = m ⊙ x / (1 − p) with a fresh (or the fixed) mask m; in evaluation,
  /// y = x. Keeps nothing of x but its shape (backward needs only the mask).
  const Matrix<S>& forward(const Matrix<S>& input) {
    dropping_ = training_ && rate_ > 0.0;
    if (!dropping_) {
      output_ = input;  // (40) in evaluation: the identity
      return output_;
    }
    if (fixed_mask_) {
      if (mask_.rows() != input.rows() || mask_.cols() != input.cols()) {
        throw ShapeError("Dropout: the fixed mask is " + shape_string(mask_) +
                         " but the input is " + shape_string(input));
      }
    } else {
      draw_mask(input.rows(), input.cols());
    }
    // doc:begin dropout-forward
    // (40) y = m ⊙ x / (1 − p): the mask holds 0 or 1/(1 − p), so E[y] = x
    output_.array() = mask_.array() * input.array();
    // doc:end dropout-forward
    return output_;
  }

  /// ∂C/∂x = m ⊙ ∂C/∂y / (1 − p) with the latest forward's mask (the identity in evaluation).
  /// Throws ShapeError unless the gradient has the latest output's shape.
  const Matrix<S>& backward(const Matrix<S>& output_gradient) {
    if (output_gradient.rows() != output_.rows() || output_gradient.cols() != output_.cols()) {
      throw ShapeError("Dropout: backward expects a gradient of shape " + shape_string(output_) +
                       " (the latest forward's output), got " + shape_string(output_gradient));
    }
    if (!dropping_) {
      input_gradient_ = output_gradient;
      return input_gradient_;
    }
    // doc:begin dropout-backward
    // (41) ∂C/∂x = m ⊙ ∂C/∂y / (1 − p): a dropped entry passes no gradient
    input_gradient_.array() = mask_.array() * output_gradient.array();
    // doc:end dropout-backward
    return input_gradient_;
  }

  /// One generation step (Network::step): the identity, whatever the mode.
  const Matrix<S>& step(const Matrix<S>& input) {
    step_output_ = input;
    return step_output_;
  }

 private:
  S scale() const { return static_cast<S>(1.0 / (1.0 - rate_)); }

  // Mask k (k = masks_drawn_) from a generator seeded by (seed, k) alone: each entry kept, as
  // 1/(1 − p), with probability 1 − p. Allocates nothing once mask_ has the shape.
  void draw_mask(Index rows, Index cols) {
    Rng rng(mix(seed_ + mix(masks_drawn_)));
    ++masks_drawn_;
    mask_.resize(rows, cols);
    const S kept = scale();
    for (Index i = 0; i < mask_.size(); ++i) {
      mask_.data()[i] = rng.uniform() >= rate_ ? kept : S(0);
    }
  }

  // SplitMix64's finaliser: neighbouring seeds and counts give unrelated generator seeds.
  static std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31U);
  }

  double rate_;
  std::uint64_t seed_;
  bool has_seed_;
  std::uint64_t masks_drawn_ = 0;
  bool training_ = false;
  bool dropping_ = false;    // whether the latest forward applied mask_
  bool fixed_mask_ = false;  // use_mask's mask instead of drawn ones
  Matrix<S> mask_;           // m / (1 − p): 0 or 1/(1 − p) per entry
  Matrix<S> output_;
  Matrix<S> input_gradient_;
  Matrix<S> step_output_;
};

}  // namespace bachprop
