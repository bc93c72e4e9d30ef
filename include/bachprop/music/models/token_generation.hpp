#pragma once
/// @file
/// What the token LSTM (token_lstm.hpp) is measured against and how it plays: the Markov chain
/// on the same tokens, scored on the same positions (every token after a piece's first), its
/// order chosen on the validation pieces; and generation, one step at a time with the state
/// carried: the primer heard, then each next token and duration drawn (temperature, top-k,
/// top-p), the unknown token never drawn.

#include <bachprop/core/random.hpp>
#include <bachprop/music/generate/markov.hpp>
#include <bachprop/music/generate/sampling.hpp>
#include <bachprop/music/models/token_lstm.hpp>

#include <cmath>
#include <concepts>
#include <cstdint>
#include <span>
#include <vector>

namespace bachprop::music {

/// The chain's scores on held-out pieces, on the positions TokenLstm::evaluate scores (every
/// token after a piece's first, each from the tokens before it). The chain has no durations.
inline TokenScores markov_token_scores(const MarkovChain& chain,
                                       const std::vector<std::vector<int>>& ids) {
  TokenScores scores;
  std::vector<double> p(chain.vocabulary_size());
  for (const auto& piece : ids) {
    for (std::size_t t = 1; t < piece.size(); ++t) {
      chain.distribution(std::span<const int>(piece).first(t), p);
      scores.token_nats -= std::log(std::max(p[static_cast<std::size_t>(piece[t])], 1e-300));
      scores.token_right +=
          argmax(std::span<const double>(p)) == static_cast<std::size_t>(piece[t]) ? 1 : 0;
      ++scores.tokens;
    }
  }
  return scores;
}

/// A Markov chain of the order (min_order..max_order) with the lowest validation perplexity,
/// and its scores.
struct ChosenMarkov {
  int order = 1;                       ///< the order chosen
  TokenScores validation{};            ///< its validation scores
  std::vector<int> orders{};           ///< the orders tried
  std::vector<double> perplexities{};  ///< the validation perplexity of each
};

/// Fits chains of order min_order..max_order (Witten-Bell interpolation down to an add-k
/// unigram, so no token has probability zero) to the training ids and keeps the best on the
/// validation ids.
inline ChosenMarkov choose_markov(std::size_t vocabulary_size,
                                  const std::vector<std::vector<int>>& train,
                                  const std::vector<std::vector<int>>& valid, int max_order = 4,
                                  double k = 0.5, int min_order = 1) {
  ChosenMarkov chosen;
  for (int order = min_order; order <= max_order; ++order) {
    MarkovChain chain(vocabulary_size, {.order = order, .smoothing = Smoothing::interpolated,
                                        .k = k});
    chain.fit(train);
    const TokenScores scores = markov_token_scores(chain, valid);
    chosen.orders.push_back(order);
    chosen.perplexities.push_back(scores.perplexity());
    if (order == min_order || scores.perplexity() < chosen.validation.perplexity()) {
      chosen.order = order;
      chosen.validation = scores;
    }
  }
  return chosen;
}

/// How a TokenLstm continues a primer.
struct TokenGenerationSettings {
  std::size_t length = 64;       ///< tokens to draw
  SamplingOptions tokens{};      ///< temperature, top-k, top-p of the tokens
  SamplingOptions durations{};   ///< and of the durations
  std::uint64_t seed = 1;        ///< every draw
};

/// Tokens drawn after a primer: ids and duration classes.
struct GeneratedTokens {
  std::vector<int> ids{};        ///< the vocabulary ids drawn
  std::vector<int> durations{};  ///< their duration classes
};

/// A model that plays one token at a time: TokenLstm, or its 8-bit twin QuantisedTokenLstm
/// (token_quantised.hpp). step() returns the next token's probabilities then the next
/// duration's, one column.
template <class Model>
concept TokenStepper = requires(Model& model, int token) {
  model.reset();
  { model.step(token, token) } -> std::convertible_to<const Matrix<float>&>;
  { model.tokens() } -> std::convertible_to<Index>;
  { model.duration_count() } -> std::convertible_to<Index>;
  { model.vocabulary() } -> std::convertible_to<const Vocabulary&>;
};

/// Continues `primer_ids` (with `primer_durations`; at least one token) by settings.length
/// tokens: the model hears the primer one step at a time, then each drawn token in turn. The
/// unknown token (id 0 when the vocabulary has one) is never drawn. After the primer a step
/// allocates nothing. ArgumentError for an empty primer or streams of different lengths.
template <TokenStepper Model>
GeneratedTokens generate_tokens(Model& model, const std::vector<int>& primer_ids,
                                const std::vector<int>& primer_durations,
                                const TokenGenerationSettings& settings) {
  if (primer_ids.empty() || primer_ids.size() != primer_durations.size()) {
    throw ArgumentError("generate_tokens: the primer needs at least one token and as many "
                        "durations as tokens (" + std::to_string(primer_ids.size()) + " and " +
                        std::to_string(primer_durations.size()) + ")");
  }
  const auto tokens = static_cast<std::size_t>(model.tokens());
  const auto durations = static_cast<std::size_t>(model.duration_count());
  std::vector<std::uint8_t> mask(tokens, 1);
  if (model.vocabulary().has_unknown()) {
    mask[0] = 0;
  }
  Rng rng(settings.seed);
  Sampler sampler(tokens);
  GeneratedTokens out;
  out.ids.reserve(settings.length);
  out.durations.reserve(settings.length);
  model.reset();
  const Matrix<float>* next = nullptr;
  for (std::size_t i = 0; i < primer_ids.size(); ++i) {
    next = &model.step(primer_ids[i], primer_durations[i]);
  }
  for (std::size_t n = 0; n < settings.length; ++n) {
    const std::span<const float> column(next->data(), tokens + durations);
    const auto token = static_cast<int>(
        sampler.sample(column.first(tokens), rng, settings.tokens, mask));
    const auto duration =
        static_cast<int>(sampler.sample(column.subspan(tokens), rng, settings.durations));
    out.ids.push_back(token);
    out.durations.push_back(duration);
    next = &model.step(token, duration);
  }
  return out;
}

}  // namespace bachprop::music
