// Tests of bachprop/music/models/token_quantised.hpp and token_quantised_file.hpp: (55) keeps
// every weight within half a step of its row's scale and the products equal the dequantised
// matrix's; the 8-bit model steps to what the float model gives within the rounding of (55),
// chooses the same likeliest token on a trained model, generates seeded and never <unk>, and
// allocates nothing once warm; its file reads back to the same bytes and the same steps, at a
// quarter of the float weights' bytes; bad files are refused naming what was expected.

#include "music/models/token_test_data.hpp"

#include <bachprop/music/models/token_generation.hpp>
#include <bachprop/music/models/token_lstm.hpp>
#include <bachprop/music/models/token_quantised.hpp>
#include <bachprop/music/models/token_quantised_file.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

namespace {

// Pieces cycling through ids 1..n, durations cycling 0, 1, 3.
void quantised_test_pieces(int n, std::size_t length, std::vector<std::vector<int>>& ids,
                           std::vector<std::vector<int>>& durs) {
  const int cycle[] = {0, 1, 3};
  for (std::size_t p = 0; p < ids.size(); ++p) {
    for (std::size_t i = 0; i < length; ++i) {
      ids[p].push_back(1 + static_cast<int>((i + p) % static_cast<std::size_t>(n)));
      durs[p].push_back(cycle[i % 3]);
    }
  }
}

// A two-layer model that hears durations, trained on the cycles (25 short epochs).
TokenLstm trained_quantised_test_model(std::vector<std::vector<int>>& ids,
                                       std::vector<std::vector<int>>& durs) {
  TokenLstm model(token_test::vocabulary(5), DurationClasses(),
                  {.embedding = 8, .hidden = 16, .layers = 2, .dropout = 0.1,
                   .hears_durations = true},
                  2);
  quantised_test_pieces(5, 60, ids, durs);
  model.train(ids, durs, ids, durs,
              {.window = 12, .stride = 3, .epochs = 25, .batch_size = 8, .learning_rate = 1e-2,
               .patience = 0, .seed = 3});
  return model;
}

}  // namespace

TEST_CASE("Quantised matrix: (55) keeps each weight within half its row's step", "[quantised]") {
  Matrix<float> w(3, 5);
  w << 0.5F, -1.27F, 0.01F, 0.3F, -0.2F,  //
      0, 0, 0, 0, 0,                      // a row of zeros keeps scale 0
      100.0F, 3.0F, -50.0F, 0.2F, 99.9F;
  const QuantisedMatrix q = QuantisedMatrix::of(w);
  REQUIRE(q.scales.size() == 3);
  CHECK(q.scales[0] == Approx(1.27F / 127.0F));
  CHECK(q.scales[1] == 0.0F);
  CHECK(q.bytes() == 15 + 12);
  for (Index r = 0; r < 3; ++r) {
    for (Index j = 0; j < 5; ++j) {
      INFO("row " << r << ", column " << j);
      CHECK(std::abs(q.at(r, j) - w(r, j)) <= 0.5F * q.scales[static_cast<std::size_t>(r)] +
                                                  1e-6F * std::abs(w(r, j)));
    }
  }
  // The largest entry of a row is exactly ±127 steps.
  CHECK(q.values[static_cast<std::size_t>(1 * 3 + 0)] == -127);
  CHECK(q.values[static_cast<std::size_t>(0 * 3 + 2)] == 127);

  // y = diag(s) Q x + b, against the dequantised matrix in double.
  const std::vector<float> x{0.3F, -2.0F, 1.5F, 0.0F, 4.0F};
  const std::vector<float> b{1.0F, -1.0F, 0.5F};
  std::vector<float> y(3);
  std::vector<float> sums(3);
  q.multiply(x, y, sums, b);
  for (Index r = 0; r < 3; ++r) {
    double expected = b[static_cast<std::size_t>(r)];
    for (Index j = 0; j < 5; ++j) {
      expected += static_cast<double>(q.at(r, j)) * x[static_cast<std::size_t>(j)];
    }
    CHECK(y[static_cast<std::size_t>(r)] == Approx(expected).epsilon(1e-5));
  }
  CHECK(y[1] == -1.0F);
}

TEST_CASE("Quantised token LSTM: steps as the float model within (55)'s rounding",
          "[quantised]") {
  std::vector<std::vector<int>> ids(3);
  std::vector<std::vector<int>> durs(3);
  TokenLstm model = trained_quantised_test_model(ids, durs);
  QuantisedTokenLstm quantised(model);
  REQUIRE(quantised.layers().size() == 2);
  CHECK(quantised.inputs() == model.inputs());

  model.reset();
  quantised.reset();
  double largest = 0;
  for (std::size_t t = 0; t + 1 < ids[0].size(); ++t) {
    const Matrix<float> a = model.step(ids[0][t], durs[0][t]);
    const Matrix<float>& b = quantised.step(ids[0][t], durs[0][t]);
    REQUIRE(b.rows() == a.rows());
    largest = std::max<double>(largest, (a - b).cwiseAbs().maxCoeff());
    CHECK(std::abs(b.col(0).head(model.tokens()).sum() - 1.0F) < 1e-5F);
    CHECK(std::abs(b.col(0).tail(model.duration_count()).sum() - 1.0F) < 1e-5F);
  }
  INFO("largest difference of a probability " << largest);
  CHECK(largest > 0);     // the weights did change
  CHECK(largest < 0.05);  // but not the predictions

  const QuantisedAgreement agreement = argmax_agreement(model, quantised, ids, durs);
  CHECK(agreement.steps == 3 * 59);
  CHECK(agreement.share() >= 0.95);

  // A byte per weight, four per scale and per bias, counted by hand: 6 tokens × 8 durations
  // embedded in 8, two LSTMs of 16, 6 + 8 outputs.
  const std::size_t embedding = 48 * (4 + 8);
  const std::size_t lstms = 64 * (4 + 8) + 64 * (4 + 16) + 4 * 64 + 2 * (64 * (4 + 16)) + 4 * 64;
  const std::size_t dense = 14 * (4 + 16) + 4 * 14;
  CHECK(quantised.bytes() == embedding + lstms + dense);
  // At a size worth quantising (bach_tokens' default), under a third of the float weights'.
  const TokenLstm large(token_test::vocabulary(60), DurationClasses(), TokenLstmShape{}, 1);
  const auto float_bytes = 4 * static_cast<std::size_t>(large.parameter_count());
  const std::size_t large_bytes = QuantisedTokenLstm(large).bytes();
  INFO(large_bytes << " bytes against " << float_bytes);
  CHECK(large_bytes * 3 <= float_bytes);

  CHECK_THROWS_AS(quantised.step(99, 0), ArgumentError);
}

TEST_CASE("Quantised token LSTM: generates seeded, never <unk>, allocation-free steps",
          "[quantised]") {
  TokenLstm model(token_test::vocabulary(4), DurationClasses(),
                  {.embedding = 4, .hidden = 6, .layers = 1, .dropout = 0.0}, 5);
  std::get<0>(model.network()).layer<4>().biases().value(0, 0) = 20.0F;  // <unk> likeliest
  QuantisedTokenLstm quantised(model);
  TokenGenerationSettings settings;
  settings.length = 100;
  settings.seed = 9;
  settings.tokens.temperature = 2.0;
  const GeneratedTokens a = generate_tokens(quantised, {1, 2}, {0, 1}, settings);
  const GeneratedTokens b = generate_tokens(quantised, {1, 2}, {0, 1}, settings);
  REQUIRE(a.ids.size() == 100);
  CHECK(a.ids == b.ids);
  for (const int id : a.ids) {
    CHECK(id != 0);
  }
}

TEST_CASE("Quantised token LSTM file: the same bytes and steps after reading, bad files refused",
          "[quantised]") {
  std::vector<std::vector<int>> ids(3);
  std::vector<std::vector<int>> durs(3);
  TokenLstm model = trained_quantised_test_model(ids, durs);
  QuantisedTokenLstm quantised(model);
  const std::string bytes = quantised_bytes(quantised, {{"trained_by", "a test"}});
  QuantisedTokenLstm read = quantised_from_bytes(bytes, "memory");
  CHECK(quantised_bytes(read, {{"trained_by", "a test"}}) == bytes);
  quantised.reset();
  read.reset();
  for (std::size_t t = 0; t < 20; ++t) {
    const Matrix<float> a = quantised.step(ids[1][t], durs[1][t]);
    CHECK((a - read.step(ids[1][t], durs[1][t])).cwiseAbs().maxCoeff() == 0.0F);
  }
  // The file against the float model's: its weights a quarter, the whole about a seventh of
  // the JSON.
  const std::string float_json = model.to_json().dump();
  INFO(bytes.size() << " bytes against " << float_json.size() << " of JSON");
  CHECK(bytes.size() * 3 < float_json.size());

  const auto refused = [](const std::string& forged, const std::string& expected) {
    INFO("expected an error with: " << expected);
    try {
      quantised_from_bytes(forged, "forged.bpq");
      FAIL("accepted");
    } catch (const FormatError& error) {
      CHECK_THAT(error.what(), Catch::Contains("forged.bpq") && Catch::Contains(expected));
    }
  };
  refused("{\"model\": 1}", "bachprop-q8 1");
  refused("bachprop-q8 1\n{\"vocabulary\": ", "line of JSON");
  refused("bachprop-q8 1\n[1, 2]\n", "JSON object");
  refused(bytes.substr(0, bytes.size() - 1), "bytes of weights");
  refused(bytes + "x", "bytes of weights");
  const std::size_t payload = bytes.find('\n', 14) + 1;
  std::string negative = bytes;
  negative[payload + 3] = static_cast<char>(0xBF);  // the first scale: about −0.5
  refused(negative, "scale");
  std::string infinite = bytes;
  infinite[payload + 2] = static_cast<char>(0x80);  // exponent all ones: ±∞ or NaN
  infinite[payload + 3] = static_cast<char>(0x7F);
  refused(infinite, "byte " + std::to_string(payload));
  std::string huge = bytes;  // finite, but 10^38: a step's sums would overflow
  huge.replace(payload, 4, std::string("\xff\xff\x7f\x7f", 4));
  refused(huge, "within ±10⁶");
  std::string resized = bytes;
  const std::size_t hidden = resized.find("\"hidden\":16");
  REQUIRE(hidden != std::string::npos);
  resized.replace(hidden, 11, "\"hidden\":17");
  refused(resized, "bytes of weights");
}
