#pragma once
/// @file
/// Markov chains of any order over integer tokens (pitches, vocabulary ids): the course's "style
/// imitation" model, trained by counting which token follows which context.
///
/// Counting. For every position t of a training sequence and every n = 0..order with n ≤ t, the
/// context of the n tokens before t is counted as followed by token t. Sequences are not
/// padded: the first tokens of a sequence are counted (and later predicted) with the shorter
/// contexts they have.
///
/// Probabilities P(w | h), where h is the last min(order, available) tokens, V the vocabulary
/// size, c(h, w) the counts, c(h) = Σ_w c(h, w), and k ≥ 0 the add-k constant:
///   - add_k: (c(h, w) + k) / (c(h) + kV) at the full context only; an unseen context (c(h) = 0)
///     gives the uniform distribution.
///   - backoff: the same add-k estimate, at the longest suffix of h seen in training (down to
///     the unigram counts). Each history uses one order; nothing is discounted (this is simple
///     longest-match back-off, not Katz's, which would discount and redistribute mass).
///   - interpolated (the default): Witten-Bell interpolation, recursively
///       P_n(w | h) = (c(h, w) + T(h) · P_{n−1}(w | h′)) / (c(h) + T(h)),
///     where h′ is h without its oldest token and T(h) the number of distinct tokens seen after
///     h (P_n = P_{n−1} when c(h) = 0), down to the add-k unigram P_0(w) = (c(w) + k) / (N + kV).
/// With k > 0 every token has a positive probability, so held-out log-likelihoods are finite.

#include <bachprop/core/error.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/generate/sampling.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace bachprop::music {

/// How a Markov chain turns counts into probabilities (definitions in the file comment).
enum class Smoothing { add_k, backoff, interpolated };

/// Settings of a Markov chain.
struct MarkovOptions {
  /// Tokens of context (order 1: the next token depends on the previous one; a bigram model).
  int order = 1;
  Smoothing smoothing = Smoothing::interpolated;  ///< how unseen continuations get probability
  /// The add-k constant (≥ 0): of every estimate for add_k and backoff, of the unigram base for
  /// interpolated.
  double k = 1.0;
};

/// Held-out figures: tokens predicted, their total negative log-likelihood in bits, bits per
/// token, and how often the most likely token was the right one.
struct MarkovEvaluation {
  std::size_t tokens = 0;        ///< tokens predicted
  double bits = 0.0;             ///< total negative log2-likelihood of those tokens
  double bits_per_token = 0.0;   ///< bits / tokens (0 without tokens)
  double accuracy = 0.0;         ///< share (0..1) where the most likely token was the right one
  /// Perplexity, 2^(bits per token).
  double perplexity() const { return std::exp2(bits_per_token); }
};

/// An order-n Markov chain over tokens 0..V−1.
class MarkovChain {
 public:
  /// An empty chain over tokens 0..vocabulary_size−1. Throws ArgumentError for a vocabulary
  /// outside 1..2^24, an order outside 0..16 (or too large to index), or a negative k.
  MarkovChain(std::size_t vocabulary_size, MarkovOptions options = {})
      : vocabulary_(vocabulary_size), options_(options) {
    if (vocabulary_size < 1 || vocabulary_size > (1U << 24)) {
      throw ArgumentError("MarkovChain: vocabulary size must be 1..2^24, got " +
                          std::to_string(vocabulary_size));
    }
    if (options.order < 0 || options.order > 16) {
      throw ArgumentError("MarkovChain: order must be 0..16, got " +
                          std::to_string(options.order));
    }
    if (!(options.k >= 0.0) || !std::isfinite(options.k)) {
      throw ArgumentError("MarkovChain: k must be finite and non-negative, got " +
                          std::to_string(options.k));
    }
    // A context of n tokens is one number in base V + 1 (0 = no token): it must fit 64 bits.
    const double bits = options.order * std::log2(static_cast<double>(vocabulary_size) + 1.0);
    if (bits >= 63.0) {
      throw ArgumentError("MarkovChain: order " + std::to_string(options.order) +
                          " over " + std::to_string(vocabulary_size) +
                          " tokens is too many contexts to index (order · log2(V + 1) < 63)");
    }
    unigram_.assign(vocabulary_size, 0.0);
    tables_.resize(static_cast<std::size_t>(options.order));
    scratch_.assign(vocabulary_size, 0.0);
  }

  /// V, the number of distinct tokens.
  std::size_t vocabulary_size() const { return vocabulary_; }
  /// Tokens of context, n.
  int order() const { return options_.order; }
  /// Order, smoothing and k as built.
  const MarkovOptions& options() const { return options_; }
  /// Tokens counted (the unigram total N).
  double tokens_seen() const { return total_; }

  /// Counts one sequence. Throws ArgumentError for a token outside 0..V−1 (nothing is counted).
  void add_sequence(std::span<const int> sequence) {
    for (std::size_t t = 0; t < sequence.size(); ++t) {
      check_token(sequence[t], "add_sequence");
    }
    for (std::size_t t = 0; t < sequence.size(); ++t) {
      const int w = sequence[t];
      unigram_[static_cast<std::size_t>(w)] += 1.0;
      total_ += 1.0;
      const std::size_t longest = std::min<std::size_t>(t, tables_.size());
      for (std::size_t n = 1; n <= longest; ++n) {
        Context& context = tables_[n - 1][key(sequence.subspan(t - n, n))];
        context.total += 1.0;
        auto it = std::lower_bound(context.followers.begin(), context.followers.end(), w,
                                   [](const Follower& f, int token) { return f.token < token; });
        if (it == context.followers.end() || it->token != w) {
          it = context.followers.insert(it, Follower{w, 0.0});
        }
        it->count += 1.0;
      }
    }
  }
  /// Counts every sequence.
  void fit(const std::vector<std::vector<int>>& sequences) {
    for (const auto& s : sequences) {
      add_sequence(s);
    }
  }

  /// The raw count c(h, w) of `next` after exactly `context` (0..order tokens).
  double count(std::span<const int> context, int next) const {
    check_token(next, "count");
    if (context.empty()) {
      return unigram_[static_cast<std::size_t>(next)];
    }
    const Context* c = find(context);
    if (c == nullptr) {
      return 0.0;
    }
    for (const auto& f : c->followers) {
      if (f.token == next) {
        return f.count;
      }
    }
    return 0.0;
  }
  /// c(h): how often `context` was followed by anything.
  double context_count(std::span<const int> context) const {
    if (context.empty()) {
      return total_;
    }
    const Context* c = find(context);
    return c == nullptr ? 0.0 : c->total;
  }

  /// P(· | history) into `out` (V entries), from the last min(order, size) tokens of `history`.
  /// Allocation-free.
  void distribution(std::span<const int> history, std::span<double> out) const {
    if (out.size() != vocabulary_) {
      throw ArgumentError("MarkovChain::distribution: room for " + std::to_string(out.size()) +
                          " probabilities, the vocabulary has " + std::to_string(vocabulary_));
    }
    for (const int token : history.last(std::min<std::size_t>(history.size(), tables_.size()))) {
      check_token(token, "distribution");
    }
    const std::size_t m = std::min<std::size_t>(history.size(), tables_.size());
    const double k = options_.k;
    const auto v = static_cast<double>(vocabulary_);
    auto add_k_at = [&](std::size_t n) {
      const double c_h = n == 0 ? total_ : find(history.last(n))->total;
      const double denominator = c_h + k * v;
      if (!(denominator > 0.0)) {
        std::fill(out.begin(), out.end(), 1.0 / v);
        return;
      }
      if (n == 0) {
        for (std::size_t w = 0; w < vocabulary_; ++w) {
          out[w] = (unigram_[w] + k) / denominator;
        }
        return;
      }
      std::fill(out.begin(), out.end(), k / denominator);
      for (const auto& f : find(history.last(n))->followers) {
        out[static_cast<std::size_t>(f.token)] += f.count / denominator;
      }
    };
    switch (options_.smoothing) {
      case Smoothing::add_k: {
        if (m == 0 || find(history.last(m)) != nullptr) {
          add_k_at(m);
        } else {
          std::fill(out.begin(), out.end(), 1.0 / v);
        }
        return;
      }
      case Smoothing::backoff: {
        std::size_t n = m;
        while (n > 0 && find(history.last(n)) == nullptr) {
          --n;
        }
        add_k_at(n);
        return;
      }
      case Smoothing::interpolated: {
        // doc:begin witten-bell
        add_k_at(0);  // P_0(w) = (c(w) + k) / (N + kV)
        for (std::size_t n = 1; n <= m; ++n) {
          const Context* c = find(history.last(n));
          if (c == nullptr) {
            break;  // a longer context containing an unseen one is unseen too
          }
          // P_n(w | h) = (c(h, w) + T(h) P_{n-1}(w | h')) / (c(h) + T(h))
          const auto distinct = static_cast<double>(c->followers.size());  // T(h)
          const double denominator = c->total + distinct;
          for (auto& p : out) {
            p *= distinct / denominator;
          }
          for (const auto& f : c->followers) {
            out[static_cast<std::size_t>(f.token)] += f.count / denominator;
          }
        }
        // doc:end witten-bell
        return;
      }
    }
  }

  /// P(next | history).
  double probability(std::span<const int> history, int next) const {
    check_token(next, "probability");
    distribution(history, scratch_);
    return scratch_[static_cast<std::size_t>(next)];
  }

  /// The V × V matrix of P(next | previous token): row = previous token, column = next token
  /// (each row sums to 1), with this chain's smoothing at order 1. Needs order ≥ 1.
  Matrix<double> transition_matrix() const {
    if (tables_.empty()) {
      throw ArgumentError("MarkovChain::transition_matrix: an order-0 chain has no transitions");
    }
    const auto v = static_cast<Index>(vocabulary_);
    Matrix<double> m(v, v);
    for (Index from = 0; from < v; ++from) {
      const int history[1] = {static_cast<int>(from)};
      distribution(history, scratch_);
      for (Index to = 0; to < v; ++to) {
        m(from, to) = scratch_[static_cast<std::size_t>(to)];
      }
    }
    return m;
  }

  /// Negative log-likelihood (bits) and next-token accuracy of held-out sequences: every token
  /// is predicted from the tokens before it in its sequence.
  MarkovEvaluation evaluate(const std::vector<std::vector<int>>& sequences) const {
    MarkovEvaluation e;
    std::size_t right = 0;
    for (const auto& s : sequences) {
      for (std::size_t t = 0; t < s.size(); ++t) {
        check_token(s[t], "evaluate");
        distribution(std::span<const int>(s).first(t), scratch_);
        e.bits -= std::log2(scratch_[static_cast<std::size_t>(s[t])]);
        right += argmax(std::span<const double>(scratch_)) == static_cast<std::size_t>(s[t]);
        ++e.tokens;
      }
    }
    if (e.tokens > 0) {
      e.bits_per_token = e.bits / static_cast<double>(e.tokens);
      e.accuracy = static_cast<double>(right) / static_cast<double>(e.tokens);
    }
    return e;
  }

  /// One token drawn after `history` with the sampler's options; `mask` (V entries, 0 = forbid)
  /// may be empty. Allocation-free after the first call (uses the chain's scratch buffer: one
  /// chain should not sample from two threads at once).
  int sample_next(std::span<const int> history, Rng& rng, Sampler& sampler,
                  const SamplingOptions& options = {},
                  std::span<const std::uint8_t> mask = {}) const {
    distribution(history, scratch_);
    return static_cast<int>(sampler.sample(std::span<const double>(scratch_), rng, options, mask));
  }

  /// Constraint hook for generate: fills the mask (V entries, preset to 1) given what exists so
  /// far (the prime followed by the generated tokens).
  using MaskFunction = std::function<void(std::span<const int> history,
                                          std::span<std::uint8_t> mask)>;

  /// `length` new tokens continuing `prime` (which may be empty), drawn one at a time.
  std::vector<int> generate(std::span<const int> prime, std::size_t length, Rng& rng,
                            const SamplingOptions& options = {},
                            const MaskFunction& constraint = {}) const {
    std::vector<int> history(prime.begin(), prime.end());
    history.reserve(prime.size() + length);
    Sampler sampler(vocabulary_);
    std::vector<std::uint8_t> mask(constraint ? vocabulary_ : 0, 1);
    for (std::size_t i = 0; i < length; ++i) {
      if (constraint) {
        std::fill(mask.begin(), mask.end(), 1);
        constraint(history, mask);
      }
      history.push_back(sample_next(history, rng, sampler, options, mask));
    }
    return {history.begin() + static_cast<std::ptrdiff_t>(prime.size()), history.end()};
  }

 private:
  struct Follower {
    int token = 0;
    double count = 0.0;
  };
  struct Context {
    double total = 0.0;
    std::vector<Follower> followers;  // sorted by token
  };

  void check_token(int token, const char* who) const {
    if (token < 0 || static_cast<std::size_t>(token) >= vocabulary_) {
      throw ArgumentError(std::string("MarkovChain::") + who + ": token " +
                          std::to_string(token) + " is outside the vocabulary 0.." +
                          std::to_string(vocabulary_ - 1));
    }
  }
  std::uint64_t key(std::span<const int> context) const {
    std::uint64_t k = 0;
    for (const int token : context) {
      k = k * (vocabulary_ + 1) + static_cast<std::uint64_t>(token) + 1;
    }
    return k;
  }
  const Context* find(std::span<const int> context) const {
    const auto& table = tables_[context.size() - 1];
    const auto it = table.find(key(context));
    return it == table.end() ? nullptr : &it->second;
  }

  std::size_t vocabulary_;
  MarkovOptions options_;
  std::vector<double> unigram_{};
  double total_ = 0.0;
  std::vector<std::unordered_map<std::uint64_t, Context>> tables_{};  // [n − 1]: contexts of n
  mutable std::vector<double> scratch_;
};

}  // namespace bachprop::music
