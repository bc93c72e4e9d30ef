// Tests of bachprop/music/live/live_player.hpp in a steady loop: playing allocates nothing per
// step — 1,000 steps allocate exactly as often as 10, on the manual clock into a recording
// whose room was reserved up front.

#include "allocation_counter.hpp"

#include <bachprop/music/live/live_player.hpp>

#include <catch2/catch.hpp>

using namespace bachprop;
using namespace bachprop::music;
using alloc_test::AllocationCounter;

TEST_CASE("live player: a step allocates nothing", "[alloc][live]") {
  RecordingSink sink(20000);
  auto allocations_for = [&](std::size_t steps) {
    ManualClock clock;
    std::size_t given = 0;
    auto chords = [&](LiveStep& step) {
      step.count = 1 + given % 3;
      for (std::size_t i = 0; i < step.count; ++i) {
        step.pitches[i] = static_cast<std::uint8_t>(48 + (given + 4 * i) % 24);
      }
      step.quarters = given % 2 == 0 ? 0.25 : 0.5;
      return ++given <= steps;
    };
    AllocationCounter counter;
    const LiveStats stats = play_live(chords, sink, clock, {.tempo_bpm = 240, .ahead = 6});
    counter.stop();
    REQUIRE(stats.steps_played == steps);
    return counter.count();
  };
  const long short_run = allocations_for(10);
  const long long_run = allocations_for(1000);
  INFO(short_run << " allocations for 10 steps, " << long_run << " for 1000");
  CHECK(long_run == short_run);
  CHECK(sink.dropped() == 0);
}
