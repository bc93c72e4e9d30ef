// Tests of bachprop/music/models/token_stream.hpp in a steady loop: once the primer is heard, a
// draw allocates nothing — 1,000 draws allocate exactly as often as 10 — so a live performance
// can draw between its notes without touching the heap.

#include "allocation_counter.hpp"

#include <bachprop/music/models/token_lstm.hpp>
#include <bachprop/music/models/token_stream.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;
using alloc_test::AllocationCounter;

TEST_CASE("token stream: a draw allocates nothing once the primer is heard",
          "[alloc][token_lstm]") {
  std::vector<std::string> tokens;
  for (int i = 0; i < 30; ++i) {
    tokens.push_back(pitch_name(50 + i));
  }
  TokenLstm model(Vocabulary::build({tokens}, 1, true), DurationClasses(),
                  {.embedding = 8, .hidden = 12, .layers = 2}, 3);
  TokenGenerationSettings settings;
  settings.tokens = {0.9, 10, 0.95};
  auto allocations_for = [&](int draws) {
    TokenStream stream(model, {1, 2, 3}, {3, 1, 1}, settings);
    stream.next();  // the sampler's buffers
    AllocationCounter counter;
    for (int i = 0; i < draws; ++i) {
      REQUIRE(stream.next().id != 0);
    }
    counter.stop();
    return counter.count();
  };
  const long short_run = allocations_for(10);
  const long long_run = allocations_for(1000);
  INFO(short_run << " allocations for 10 draws, " << long_run << " for 1000");
  CHECK(long_run == short_run);
  CHECK(long_run == 0);
}
