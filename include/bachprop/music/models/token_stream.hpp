#pragma once
/// @file
/// Token generation one draw at a time, for playing while generating (music/live/): the same
/// draws as generate_tokens (token_generation.hpp) from the same seed — the primer heard, then
/// each token and duration drawn (temperature, top-k, top-p; never the unknown token) and heard
/// in turn — but a call gives the next pair, for as long as the caller asks. A template over
/// the model, so that any model with TokenLstm's step interface can stream. After the primer a
/// draw allocates nothing.

#include <bachprop/core/error.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/music/generate/sampling.hpp>
#include <bachprop/music/models/token_generation.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace bachprop::music {

/// A token and its duration class.
struct DrawnToken {
  int id = 0;        ///< the vocabulary id
  int duration = 0;  ///< the duration class
};

/// The tokens after a primer, drawn one call at a time.
template <class Model>
class TokenStream {
 public:
  /// Resets `model` (kept by reference; it must outlive the stream) and lets it hear the primer
  /// (at least one token, with as many durations). settings.length is not used: the stream goes
  /// on while asked. ArgumentError for an empty primer or streams of different lengths.
  TokenStream(Model& model, const std::vector<int>& primer_ids,
              const std::vector<int>& primer_durations, const TokenGenerationSettings& settings)
      : model_(model),
        tokens_(static_cast<std::size_t>(model.tokens())),
        durations_(static_cast<std::size_t>(model.duration_count())),
        mask_(tokens_, 1),
        rng_(settings.seed),
        sampler_(tokens_),
        token_options_(settings.tokens),
        duration_options_(settings.durations) {
    if (primer_ids.empty() || primer_ids.size() != primer_durations.size()) {
      throw ArgumentError("TokenStream: the primer needs at least one token and as many "
                          "durations as tokens (" + std::to_string(primer_ids.size()) + " and " +
                          std::to_string(primer_durations.size()) + ")");
    }
    if (model.vocabulary().has_unknown()) {
      mask_[0] = 0;
    }
    model_.reset();
    for (std::size_t i = 0; i < primer_ids.size(); ++i) {
      next_ = &model_.step(primer_ids[i], primer_durations[i]);
    }
  }

  /// The next token and duration, drawn from the model's two softmaxes; the model then hears
  /// them, so the following call continues from them.
  DrawnToken next() {
    const std::span<const float> column(next_->data(), tokens_ + durations_);
    DrawnToken drawn;
    drawn.id = static_cast<int>(
        sampler_.sample(column.first(tokens_), rng_, token_options_, mask_));
    drawn.duration =
        static_cast<int>(sampler_.sample(column.subspan(tokens_), rng_, duration_options_));
    next_ = &model_.step(drawn.id, drawn.duration);
    return drawn;
  }

 private:
  Model& model_;
  std::size_t tokens_;
  std::size_t durations_;
  std::vector<std::uint8_t> mask_;
  Rng rng_;
  Sampler sampler_;
  SamplingOptions token_options_;
  SamplingOptions duration_options_;
  // The model's last output (the two softmaxes), which the next draw reads.
  const std::remove_reference_t<decltype(std::declval<Model&>().step(0, 0))>* next_ = nullptr;
};

}  // namespace bachprop::music
