// Tests of bachprop/music/live/live_clock.hpp: the steady clock's sleep and spin reach their
// time (and the spin never ends before it); the manual clock moves by exactly what it is told.

#include <bachprop/music/live/live_clock.hpp>

#include <catch2/catch.hpp>

using namespace bachprop::music;
using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST_CASE("steady clock: a sleep then a spin end on the deadline, never before", "[live]") {
  static_assert(LiveClock<SteadyClock>);
  const SteadyClock clock;
  for (int i = 0; i < 5; ++i) {
    const LiveTime deadline = clock.now() + milliseconds(3);
    clock.sleep_until(deadline - microseconds(1500));
    clock.spin_until(deadline);
    CHECK(clock.now() >= deadline);
  }
  CHECK(clock.now() >= milliseconds(15));
}

TEST_CASE("manual clock: waits end on their time plus the lag; work advances it", "[live]") {
  static_assert(LiveClock<ManualClock>);
  ManualClock clock;
  clock.sleep_until(milliseconds(10));
  CHECK(clock.now() == milliseconds(10));
  clock.advance(milliseconds(5));
  clock.spin_until(milliseconds(12));  // already past: no change
  CHECK(clock.now() == milliseconds(15));
  clock.set_lag(milliseconds(2));
  clock.spin_until(milliseconds(20));
  CHECK(clock.now() == milliseconds(22));
}
