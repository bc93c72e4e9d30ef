// Tests of bachprop/music/models/token_generation.hpp in a steady loop: generating tokens with
// the token LSTM run step by step allocates nothing per step — a run of 1,000 tokens allocates
// exactly as often as a run of 10 (the buffers made up front), for every depth of the network.

#include "allocation_counter.hpp"

#include <bachprop/music/models/token_generation.hpp>
#include <bachprop/music/models/token_lstm.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;
using alloc_test::AllocationCounter;

TEST_CASE("token generation: a step allocates nothing once the buffers exist",
          "[alloc][token_lstm]") {
  std::vector<std::string> tokens;
  for (int i = 0; i < 30; ++i) {
    tokens.push_back(pitch_name(50 + i));
  }
  const Vocabulary vocabulary = Vocabulary::build({tokens}, 1, true);
  for (const Index layers : {1, 2, 3}) {
    TokenLstm model(vocabulary, DurationClasses(),
                    {.embedding = 8, .hidden = 12, .layers = layers, .dropout = 0.2,
                     .input_dropout = 0.2, .hears_durations = layers == 2},
                    3);
    TokenGenerationSettings settings;
    settings.tokens = {0.9, 10, 0.95};
    const std::vector<int> primer_ids = {1, 2, 3};
    const std::vector<int> primer_durations = {3, 1, 1};
    auto allocations_for = [&](std::size_t length) {
      settings.length = length;
      AllocationCounter counter;
      const GeneratedTokens drawn = generate_tokens(model, primer_ids, primer_durations, settings);
      counter.stop();
      REQUIRE(drawn.ids.size() == length);
      return counter.count();
    };
    allocations_for(5);  // warm: the network's step buffers
    const long short_run = allocations_for(10);
    const long long_run = allocations_for(1000);
    INFO("layers " << layers << ": " << short_run << " allocations for 10 tokens, " << long_run
                   << " for 1000");
    CHECK(long_run == short_run);
  }
}
