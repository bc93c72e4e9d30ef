#pragma once
/// @file
/// The next-token model of the Play-Bach series, with durations: each step reads one chord token
/// (an embedding column per token, or per token and duration class when it hears durations),
/// runs it through stacked LSTMs (1 to 3; dropout after the embedding and after each LSTM while
/// training) and predicts the next token and the next duration, a softmax each (GroupedSoftmax:
/// the two cross-entropies are summed). Trained on windows of 40
/// tokens; run one step at a time, its state carried, to generate. Saved with its vocabulary,
/// duration classes and sizes, so that generation needs no corpus.

#include <bachprop/core/network.hpp>
#include <bachprop/io/model_json.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/layers/dropout.hpp>
#include <bachprop/layers/embedding.hpp>
#include <bachprop/layers/grouped_softmax.hpp>
#include <bachprop/layers/lstm.hpp>
#include <bachprop/loss/cross_entropy.hpp>
#include <bachprop/music/encoding/chord_tokens.hpp>
#include <bachprop/music/encoding/vocabulary.hpp>
#include <bachprop/music/models/model_file.hpp>
#include <bachprop/optim/adam.hpp>
#include <bachprop/train/early_stopping.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace bachprop::music {

/// The sizes of a TokenLstm.
struct TokenLstmShape {
  Index embedding = 32;  ///< entries of each (token, duration) pair's vector
  Index hidden = 128;    ///< units of each LSTM
  Index layers = 2;      ///< stacked LSTMs, 1 to 3
  double dropout = 0.2;  ///< rate after each LSTM while training
  double input_dropout = 0.2;  ///< rate after the embedding while training
  /// Whether the network hears each token's duration too: one embedding column per (token,
  /// duration) pair (V·D columns) rather than per token (V).
  bool hears_durations = false;
  /// The sizes as JSON.
  nlohmann::json to_json() const {
    return {{"embedding", embedding},
            {"hidden", hidden},
            {"layers", layers},
            {"dropout", dropout},
            {"input_dropout", input_dropout},
            {"hears_durations", hears_durations}};
  }
};

/// How a TokenLstm is trained.
struct TokenTrainingSettings {
  Index window = 40;            ///< tokens per training window (the article's 40)
  Index stride = 10;            ///< tokens between the starts of a piece's windows
  Index epochs = 20;            ///< most passes over the windows
  Index batch_size = 32;        ///< windows per Adam step
  double learning_rate = 3e-3;  ///< Adam
  double weight_decay = 0;      ///< Adam's L2 penalty λ on the weights (not the biases)
  double clip_norm = 5.0;       ///< gradient-norm clipping
  Index patience = 3;           ///< stop after this many epochs without a better validation
  double max_seconds = 0;       ///< > 0: no epoch starts after this much training time
  std::uint64_t seed = 1;       ///< batch shuffling
  /// The settings as JSON.
  nlohmann::json to_json() const {
    return {{"window", window},         {"stride", stride},       {"epochs", epochs},
            {"batch_size", batch_size}, {"learning_rate", learning_rate},
            {"weight_decay", weight_decay}, {"clip_norm", clip_norm},
            {"patience", patience},     {"max_seconds", max_seconds}, {"seed", seed}};
  }
};

/// Next-token figures on held-out pieces: every token after a piece's first predicted from
/// those before it.
struct TokenScores {
  std::size_t tokens = 0;          ///< tokens predicted
  double token_nats = 0;           ///< their total negative log-likelihood
  std::size_t token_right = 0;     ///< how often the likeliest token was the right one
  double duration_nats = 0;        ///< the same for the durations (0 for a model without)
  std::size_t duration_right = 0;  ///< the likeliest duration right
  /// max(tokens, 1) as a number, the divisor of the means.
  double count() const { return static_cast<double>(std::max<std::size_t>(tokens, 1)); }
  /// e^(nats per token): the number of equally likely tokens the model hesitates between.
  double perplexity() const { return std::exp(token_nats / count()); }
  /// Share of tokens whose likeliest prediction was right.
  double accuracy() const { return static_cast<double>(token_right) / count(); }
  /// The durations' perplexity.
  double duration_perplexity() const {
    return std::exp(duration_nats / count());
  }
  /// Share of durations whose likeliest prediction was right.
  double duration_accuracy() const {
    return static_cast<double>(duration_right) / count();
  }
};

/// One epoch of TokenLstm::train.
struct TokenEpoch {
  Index epoch = 0;                   ///< 1-based
  double train_loss = 0;             ///< mean summed cross-entropy over the epoch
  double validation_perplexity = 0;  ///< of the tokens, after the epoch
  double seconds = 0;                ///< training time so far
  bool best = false;                 ///< the best validation so far
};

/// The sizes of a saved model's metadata.shape (embedding, hidden, layers, hears_durations),
/// each checked against its range; the dropout rates are left at 0 (read by whoever trains).
/// FormatError, naming `source` and the field, for anything else.
inline TokenLstmShape token_sizes_from_json(const nlohmann::json& shape_json,
                                            const std::string& source) {
  if (!shape_json.is_object()) {
    throw FormatError(source + ": metadata.shape must be an object");
  }
  TokenLstmShape shape;
  shape.embedding = metadata_size(shape_json, "embedding", 1, 4096, source);
  shape.hidden = metadata_size(shape_json, "hidden", 1, 8192, source);
  shape.layers = metadata_size(shape_json, "layers", 1, 3, source);
  const auto hears = shape_json.find("hears_durations");
  if (hears == shape_json.end() || !hears->is_boolean()) {
    throw FormatError(source + ": metadata.shape.hears_durations must be true or false");
  }
  shape.hears_durations = hears->get<bool>();
  shape.dropout = 0;
  shape.input_dropout = 0;
  return shape;
}

namespace detail::token_lstm {
template <Scalar S, int Layers>
struct Net;
template <Scalar S>
struct Net<S, 1> {
  using type = Network<Embedding<S>, Dropout<S>, Lstm<S>, Dropout<S>, Dense<S>,
                       GroupedSoftmax<S>>;
};
template <Scalar S>
struct Net<S, 2> {
  using type = Network<Embedding<S>, Dropout<S>, Lstm<S>, Dropout<S>, Lstm<S>, Dropout<S>,
                       Dense<S>, GroupedSoftmax<S>>;
};
template <Scalar S>
struct Net<S, 3> {
  using type = Network<Embedding<S>, Dropout<S>, Lstm<S>, Dropout<S>, Lstm<S>, Dropout<S>,
                       Lstm<S>, Dropout<S>, Dense<S>, GroupedSoftmax<S>>;
};
}  // namespace detail::token_lstm

/// Embedding → dropout → LSTM (× layers, dropout after each) → Dense → softmax over tokens ⊕
/// softmax over durations.
class TokenLstm : public ModelFile<TokenLstm> {
 public:
  using S = float;  ///< the element type
  /// The network for each depth.
  using Networks = std::variant<typename detail::token_lstm::Net<S, 1>::type,
                                typename detail::token_lstm::Net<S, 2>::type,
                                typename detail::token_lstm::Net<S, 3>::type>;

  /// A fresh model over `vocabulary` and `durations`, weights drawn from `seed`. ArgumentError
  /// for a shape out of range.
  TokenLstm(Vocabulary vocabulary, DurationClasses durations, TokenLstmShape shape,
            std::uint64_t seed = 1)
      : vocabulary_(std::move(vocabulary)),
        durations_(std::move(durations)),
        shape_(shape),
        network_(make(shape, inputs(), tokens(), duration_count())) {
    std::visit([seed](auto& net) { net.initialise(seed); }, network_);
  }

  const Vocabulary& vocabulary() const { return vocabulary_; }  ///< the tokens
  const DurationClasses& durations() const { return durations_; }  ///< the duration classes
  const TokenLstmShape& shape() const { return shape_; }  ///< the sizes
  Index tokens() const { return static_cast<Index>(vocabulary_.size()); }  ///< V
  Index duration_count() const { return static_cast<Index>(durations_.size()); }  ///< D
  /// Embedding columns: V·D when the network hears durations, else V.
  Index inputs() const { return shape_.hears_durations ? tokens() * duration_count() : tokens(); }
  /// Parameters of the network.
  Index parameter_count() const {
    return std::visit([](const auto& net) { return net.parameter_count(); }, network_);
  }
  /// The network (one of three depths).
  Networks& network() { return network_; }
  /// The network, read-only.
  const Networks& network() const { return network_; }

  /// The embedding column of token `token` lasting duration class `duration`.
  Index input_id(int token, int duration) const {
    return shape_.hears_durations ? static_cast<Index>(token) * duration_count() + duration
                                  : static_cast<Index>(token);
  }

  /// Windows of window + 1 tokens of each piece (ids and duration classes), every `stride`
  /// tokens: inputs 1 × (windows · window) of embedding ids, targets the next token's one-hot
  /// stacked on the next duration's, stored window after window as the trainer expects.
  void make_windows(const std::vector<std::vector<int>>& ids,
                    const std::vector<std::vector<int>>& durations, Index window, Index stride,
                    Matrix<S>& x, Matrix<S>& y) const {
    std::vector<std::pair<std::size_t, Index>> starts;
    for (std::size_t p = 0; p < ids.size(); ++p) {
      const auto n = static_cast<Index>(ids[p].size());
      for (Index s = 0; s + window + 1 <= n; s += std::max<Index>(stride, 1)) {
        starts.emplace_back(p, s);
      }
    }
    const auto count = static_cast<Index>(starts.size());
    x.setZero(1, count * window);
    y.setZero(tokens() + duration_count(), count * window);
    for (Index w = 0; w < count; ++w) {
      const auto& [p, s] = starts[static_cast<std::size_t>(w)];
      for (Index t = 0; t < window; ++t) {
        const auto i = static_cast<std::size_t>(s + t);
        x(0, w * window + t) = static_cast<S>(input_id(ids[p][i], durations[p][i]));
        y(ids[p][i + 1], w * window + t) = 1;
        y(tokens() + durations[p][i + 1], w * window + t) = 1;
      }
    }
  }

  /// Trains on the training pieces (Adam, clipped gradients, the summed cross-entropies) and
  /// keeps the weights of the epoch whose validation perplexity was lowest; `on_epoch` sees
  /// each epoch. ArgumentError when no piece has the window + 1 tokens a window needs.
  std::vector<TokenEpoch> train(const std::vector<std::vector<int>>& ids,
                                const std::vector<std::vector<int>>& durations,
                                const std::vector<std::vector<int>>& valid_ids,
                                const std::vector<std::vector<int>>& valid_durations,
                                const TokenTrainingSettings& settings,
                                const std::function<void(const TokenEpoch&)>& on_epoch = {}) {
    Matrix<S> x;
    Matrix<S> y;
    make_windows(ids, durations, settings.window, settings.stride, x, y);
    if (x.cols() == 0) {
      throw ArgumentError("TokenLstm::train: no training piece has the " +
                          std::to_string(settings.window + 1) + " tokens a window needs");
    }
    return std::visit(
        [&](auto& net) {
          Adam<S> adam(AdamOptions{.learning_rate = settings.learning_rate,
                                   .weight_decay = settings.weight_decay});
          const TrainOptions options{.epochs = settings.epochs,
                                     .batch_size = settings.batch_size,
                                     .seed = settings.seed,
                                     .sequence_steps = settings.window,
                                     .clip_norm = settings.clip_norm};
          const auto began = std::chrono::steady_clock::now();
          std::vector<TokenEpoch> epochs;
          BestEpoch best(net);
          bachprop::train(
              net, CrossEntropy<S>(), adam, x, y, options,
              {.on_epoch = [&](const EpochReport& report) {
                const double perplexity = evaluate(valid_ids, valid_durations).perplexity();
                const ValidatedEpoch v = best.record(net, report, perplexity);
                const std::chrono::duration<double> spent =
                    std::chrono::steady_clock::now() - began;
                epochs.push_back({report.epoch, report.mean_loss, perplexity, spent.count(),
                                  v.best});
                if (on_epoch) {
                  on_epoch(epochs.back());
                }
                const bool out_of_time =
                    settings.max_seconds > 0 &&
                    spent.count() * (1.0 + 1.0 / static_cast<double>(report.epoch)) >
                        settings.max_seconds;
                return !best.out_of_patience(settings.patience) && !out_of_time;
              }});
          best.restore(net);
          return epochs;
        },
        network_);
  }

  /// The predicted distributions after each token of a piece but its last: column t holds the
  /// next token's probabilities (V rows) then the next duration's (D rows), having heard
  /// tokens 0..t. The windowed forward pass over the whole piece.
  const Matrix<S>& predict(const std::vector<int>& ids, const std::vector<int>& durations) {
    const auto n = static_cast<Index>(ids.size()) - 1;
    if (n < 1) {
      empty_.resize(tokens() + duration_count(), 0);
      return empty_;
    }
    sequence_.resize(1, n);
    for (Index t = 0; t < n; ++t) {
      const auto i = static_cast<std::size_t>(t);
      sequence_(0, t) = static_cast<S>(input_id(ids[i], durations[i]));
    }
    return std::visit(
        [&](auto& net) -> const Matrix<S>& {
          net.set_steps(n);
          return net.forward(sequence_);
        },
        network_);
  }

  /// Scores on held-out pieces (ids from this model's vocabulary).
  TokenScores evaluate(const std::vector<std::vector<int>>& ids,
                       const std::vector<std::vector<int>>& durations) {
    TokenScores scores;
    for (std::size_t p = 0; p < ids.size(); ++p) {
      const Matrix<S>& out = predict(ids[p], durations[p]);
      for (Index t = 0; t < out.cols(); ++t) {
        const auto next = static_cast<std::size_t>(t) + 1;
        const auto token_column = out.col(t).head(tokens());
        const auto duration_column = out.col(t).tail(duration_count());
        Index best = 0;
        token_column.maxCoeff(&best);
        scores.token_right += best == ids[p][next] ? 1 : 0;
        scores.token_nats -= std::log(std::max<double>(token_column(ids[p][next]), 1e-30));
        duration_column.maxCoeff(&best);
        scores.duration_right += best == durations[p][next] ? 1 : 0;
        scores.duration_nats -=
            std::log(std::max<double>(duration_column(durations[p][next]), 1e-30));
        ++scores.tokens;
      }
    }
    return scores;
  }

  /// Starts a new piece for step().
  void reset() {
    std::visit([](auto& net) { net.reset_state(1); }, network_);
  }
  /// Hears one token lasting duration class `duration` and returns the next token's
  /// probabilities (V rows) then the next duration's (D rows), one column. Allocates nothing
  /// once warm.
  const Matrix<S>& step(int token, int duration) {
    step_input_.resize(1, 1);
    step_input_(0, 0) = static_cast<S>(input_id(token, duration));
    return std::visit([&](auto& net) -> const Matrix<S>& { return net.step(step_input_); },
                      network_);
  }

  /// The model as JSON: the network, and in its metadata the vocabulary, the duration classes,
  /// the shape and whatever `extra` holds.
  nlohmann::json to_json(const nlohmann::json& extra = nlohmann::json::object()) const {
    nlohmann::json metadata = extra;
    metadata["vocabulary"] = vocabulary_.to_json();
    metadata["durations"] = durations_.to_json();
    metadata["shape"] = shape_.to_json();
    return std::visit(
        [&](const auto& net) { return model_document(net, "token_lstm", std::move(metadata)); },
        network_);
  }

  /// A model from a document written by to_json; `source` names it in errors.
  static TokenLstm from_json(const nlohmann::json& document, const std::string& source) {
    const nlohmann::json& metadata = model_metadata(document, "token_lstm", "token LSTM", source);
    Vocabulary vocabulary =
        Vocabulary::from_json(metadata.value("vocabulary", nlohmann::json()), source);
    DurationClasses durations =
        DurationClasses::from_json(metadata.value("durations", nlohmann::json()), source);
    const nlohmann::json shape_json = metadata.value("shape", nlohmann::json::object());
    TokenLstmShape shape = token_sizes_from_json(shape_json, source);
    const auto rate = shape_json.find("dropout");
    if (rate == shape_json.end() || !rate->is_number() || !(rate->get<double>() >= 0.0) ||
        !(rate->get<double>() < 1.0)) {
      throw FormatError(source + ": metadata.shape.dropout must be a number in [0, 1)");
    }
    shape.dropout = rate->get<double>();
    const auto input_rate = shape_json.find("input_dropout");
    if (input_rate == shape_json.end() || !input_rate->is_number() ||
        !(input_rate->get<double>() >= 0.0) || !(input_rate->get<double>() < 1.0)) {
      throw FormatError(source + ": metadata.shape.input_dropout must be a number in [0, 1)");
    }
    shape.input_dropout = input_rate->get<double>();
    const auto columns = static_cast<Index>(
        shape.hears_durations ? vocabulary.size() * durations.size() : vocabulary.size());
    require_stored_matrix(document, 0, "weights", shape.embedding, columns, source);
    require_stored_matrix(document, 2, "recurrent_weights", 4 * shape.hidden, shape.hidden, source);
    TokenLstm model(std::move(vocabulary), std::move(durations), shape, 1);
    std::visit([&](auto& net) { model_from_json(net, document, source); }, model.network_);
    return model;
  }

 private:
  static Networks make(const TokenLstmShape& s, Index inputs, Index tokens, Index durations) {
    if (s.layers < 1 || s.layers > 3 || s.embedding < 1 || s.hidden < 1 ||
        !(s.dropout >= 0.0 && s.dropout < 1.0) ||
        !(s.input_dropout >= 0.0 && s.input_dropout < 1.0)) {
      throw ArgumentError("TokenLstm: expected 1 to 3 layers, positive sizes and a dropout rate "
                          "in [0, 1), got " + s.to_json().dump());
    }
    using E = Embedding<S>;
    using L = Lstm<S>;
    using P = Dropout<S>;
    const E embedding(inputs, s.embedding);
    const P input_dropout(s.input_dropout);
    const Dense<S> dense(s.hidden, tokens + durations, Init::xavier);
    const GroupedSoftmax<S> softmax({tokens, durations});
    if (s.layers == 1) {
      return typename detail::token_lstm::Net<S, 1>::type(
          embedding, input_dropout, L(s.embedding, s.hidden), P(s.dropout), dense, softmax);
    }
    if (s.layers == 2) {
      return typename detail::token_lstm::Net<S, 2>::type(
          embedding, input_dropout, L(s.embedding, s.hidden), P(s.dropout),
          L(s.hidden, s.hidden), P(s.dropout), dense, softmax);
    }
    return typename detail::token_lstm::Net<S, 3>::type(
        embedding, input_dropout, L(s.embedding, s.hidden), P(s.dropout),
        L(s.hidden, s.hidden), P(s.dropout), L(s.hidden, s.hidden), P(s.dropout), dense, softmax);
  }

  Vocabulary vocabulary_;
  DurationClasses durations_;
  TokenLstmShape shape_;
  Networks network_;
  Matrix<S> sequence_;
  Matrix<S> step_input_;
  Matrix<S> empty_;
};

}  // namespace bachprop::music
