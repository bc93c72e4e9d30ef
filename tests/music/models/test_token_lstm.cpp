// Tests of bachprop/music/models/token_lstm.hpp and token_generation.hpp: the model run one step
// at a time gives, at every step, what the windowed forward pass gives (so the generator plays
// what was trained); a saved model predicts the same after loading; it learns a repeating piece
// far better than chance; the Markov baseline is scored on the same positions with no infinite
// perplexity; generation is seeded and never draws the unknown token.

#include "music/models/token_test_data.hpp"

#include <bachprop/music/models/token_generation.hpp>
#include <bachprop/music/models/token_lstm.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

namespace {

// A piece cycling through ids 1..n with durations cycling 0, 1, 3.
void token_test_piece(int n, std::size_t length, std::vector<int>& ids, std::vector<int>& durs) {
  ids.clear();
  durs.clear();
  const int cycle[] = {0, 1, 3};
  for (std::size_t i = 0; i < length; ++i) {
    ids.push_back(1 + static_cast<int>(i % static_cast<std::size_t>(n)));
    durs.push_back(cycle[i % 3]);
  }
}

}  // namespace

TEST_CASE("Token LSTM: stepping with the state carried equals the windowed forward pass",
          "[token_lstm]") {
  for (const Index layers : {1, 2, 3}) {
    // One embedding column per token, or (with two layers) per token and duration.
    TokenLstm model(token_test::vocabulary(6), DurationClasses(),
                    {.embedding = 5, .hidden = 7, .layers = layers, .dropout = 0.3,
                     .hears_durations = layers == 2},
                    4);
    REQUIRE(model.inputs() == (layers == 2 ? 7 * 8 : 7));
    std::vector<int> ids;
    std::vector<int> durs;
    token_test_piece(6, 13, ids, durs);
    ids[4] = 0;  // the unknown token is heard like any other
    const Matrix<float> windowed = model.predict(ids, durs);
    REQUIRE(windowed.rows() == 7 + 8);
    REQUIRE(windowed.cols() == 12);
    model.reset();
    for (Index t = 0; t < windowed.cols(); ++t) {
      const auto i = static_cast<std::size_t>(t);
      const Matrix<float> stepped = model.step(ids[i], durs[i]);
      INFO("layers " << layers << ", step " << t);
      CHECK((stepped.col(0) - windowed.col(t)).cwiseAbs().maxCoeff() < 1e-5F);
      CHECK(std::abs(stepped.col(0).head(7).sum() - 1.0F) < 1e-5F);
      CHECK(std::abs(stepped.col(0).tail(8).sum() - 1.0F) < 1e-5F);
    }
  }
}

TEST_CASE("Token LSTM: learns a repeating piece, and saved and loaded predicts the same",
          "[token_lstm]") {
  // The network hears the durations: their cycle of 3 is not the tokens' cycle of 5.
  TokenLstm model(token_test::vocabulary(5), DurationClasses(),
                  {.embedding = 8, .hidden = 16, .layers = 2, .dropout = 0.1,
                   .hears_durations = true},
                  2);
  std::vector<std::vector<int>> ids(3);
  std::vector<std::vector<int>> durs(3);
  for (std::size_t p = 0; p < 3; ++p) {
    token_test_piece(5, 60, ids[p], durs[p]);
  }
  const double before = model.evaluate(ids, durs).perplexity();
  std::vector<TokenEpoch> seen;
  const auto epochs = model.train(ids, durs, ids, durs,
                                  {.window = 12, .stride = 3, .epochs = 25, .batch_size = 8,
                                   .learning_rate = 1e-2, .patience = 0, .seed = 3},
                                  [&](const TokenEpoch& e) { seen.push_back(e); });
  REQUIRE(epochs.size() == 25);
  CHECK(seen.size() == epochs.size());
  const TokenScores after = model.evaluate(ids, durs);
  INFO("perplexity " << before << " before training, " << after.perplexity() << " after");
  CHECK(before > 4.0);
  CHECK(after.perplexity() < 1.5);
  CHECK(after.accuracy() > 0.95);
  CHECK(after.duration_accuracy() > 0.95);
  CHECK(after.tokens == 3 * 59);

  const TokenLstm loaded = TokenLstm::from_json(model.to_json({{"note", "kept"}}), "memory");
  TokenLstm copy = loaded;
  CHECK(copy.vocabulary() == model.vocabulary());
  CHECK(copy.shape().layers == 2);
  CHECK(copy.shape().hears_durations);
  CHECK(model.to_json()["metadata"]["shape"]["hidden"] == 16);
  const Matrix<float> a = model.predict(ids[0], durs[0]);
  const Matrix<float> b = copy.predict(ids[0], durs[0]);
  CHECK((a - b).cwiseAbs().maxCoeff() == 0.0F);

  // Too short for a window: said, not trained.
  CHECK_THROWS_AS(model.train({{1, 2}}, {{0, 0}}, ids, durs, {.window = 12}), ArgumentError);
  nlohmann::json forged = model.to_json();
  forged["metadata"]["shape"]["hidden"] = 17;
  CHECK_THROWS_AS(TokenLstm::from_json(forged, "forged"), FormatError);
  forged["metadata"]["model"] = "melody_rnn";
  CHECK_THROWS_AS(TokenLstm::from_json(forged, "forged"), FormatError);
  CHECK_THROWS_AS(TokenLstm(token_test::vocabulary(3), DurationClasses(), {.layers = 4}),
                  ArgumentError);
}

TEST_CASE("Token LSTM: generation is seeded and never draws the unknown token", "[token_lstm]") {
  TokenLstm model(token_test::vocabulary(4), DurationClasses(),
                  {.embedding = 4, .hidden = 6, .layers = 1, .dropout = 0.0}, 5);
  // Make the unknown token the likeliest by far.
  std::get<0>(model.network()).layer<4>().biases().value(0, 0) = 20.0F;
  TokenGenerationSettings settings;
  settings.length = 200;
  settings.seed = 9;
  settings.tokens.temperature = 2.0;
  const GeneratedTokens a = generate_tokens(model, {1, 2}, {0, 1}, settings);
  const GeneratedTokens b = generate_tokens(model, {1, 2}, {0, 1}, settings);
  REQUIRE(a.ids.size() == 200);
  CHECK(a.ids == b.ids);
  CHECK(a.durations == b.durations);
  for (const int id : a.ids) {
    CHECK(id != 0);
  }
  settings.seed = 10;
  CHECK(generate_tokens(model, {1, 2}, {0, 1}, settings).ids != a.ids);
  CHECK_THROWS_AS(generate_tokens(model, {}, {}, settings), ArgumentError);
}

TEST_CASE("Markov baseline: scored on the positions the LSTM predicts, never infinite",
          "[token_lstm]") {
  const std::vector<std::vector<int>> train = {{1, 2, 3, 1, 2, 3, 1, 2, 3}, {1, 2, 3, 1, 2}};
  const std::vector<std::vector<int>> valid = {{1, 2, 3, 4, 1, 2}};
  const ChosenMarkov chosen = choose_markov(5, train, valid, 3);
  CHECK(chosen.perplexities.size() == 3);
  CHECK(chosen.validation.tokens == 5);
  CHECK(std::isfinite(chosen.validation.perplexity()));  // 4 never followed 3 in training
  CHECK(chosen.validation.token_right >= 3);
}
