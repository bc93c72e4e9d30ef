// Tests of bachprop/music/models/token_stream.hpp: drawn one call at a time, the stream gives
// the tokens and durations generate_tokens gives from the same seed and primer (so a live
// performance plays what a file would hold), never the unknown token, and refuses a bad primer.

#include <bachprop/music/models/token_generation.hpp>
#include <bachprop/music/models/token_lstm.hpp>
#include <bachprop/music/models/token_stream.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

namespace {

// A small untrained model over <unk> and twenty notes.
TokenLstm token_stream_model(Index layers) {
  std::vector<std::string> tokens;
  for (int i = 0; i < 20; ++i) {
    tokens.push_back(pitch_name(55 + i));
  }
  return TokenLstm(Vocabulary::build({tokens}, 1, true), DurationClasses(),
                   {.embedding = 8, .hidden = 16, .layers = layers}, 7);
}

}  // namespace

TEST_CASE("token stream: one draw at a time, the same tokens as generate_tokens",
          "[token_lstm]") {
  for (const Index layers : {1, 2}) {
    TokenLstm model = token_stream_model(layers);
    TokenGenerationSettings settings;
    settings.length = 200;
    settings.seed = 11;
    settings.tokens = {0.9, 8, 0.95};
    settings.durations = {1.0, 0, 1.0};
    const std::vector<int> primer = {3, 4, 5};
    const std::vector<int> primer_durations = {1, 1, 3};
    const GeneratedTokens whole = generate_tokens(model, primer, primer_durations, settings);
    TokenStream stream(model, primer, primer_durations, settings);
    for (std::size_t i = 0; i < settings.length; ++i) {
      const DrawnToken drawn = stream.next();
      INFO("layers " << layers << ", token " << i);
      REQUIRE(drawn.id == whole.ids[i]);
      REQUIRE(drawn.duration == whole.durations[i]);
      REQUIRE(drawn.id != 0);
    }
  }
}

TEST_CASE("token stream: an empty primer or streams of different lengths are refused",
          "[token_lstm]") {
  TokenLstm model = token_stream_model(1);
  CHECK_THROWS_WITH(TokenStream(model, {}, {}, {}), Catch::Contains("at least one token"));
  CHECK_THROWS_AS(TokenStream(model, {1, 2}, {1}, {}), ArgumentError);
}
