// Tests of bachprop/music/live/live_player.hpp on a manual clock (time moves only when the
// player waits or a step costs time, so every figure is exact): steps play in order at their
// times, note offs before the next note ons, every note released at the end; lateness is
// measured; the steps are generated ahead, in the gaps, and a slow source is seen as late
// messages; the performance ends at its time limit or on a stop request.

#include <bachprop/music/live/live_player.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <initializer_list>
#include <map>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;
using std::chrono::milliseconds;

namespace {

LiveStep step_of(std::initializer_list<int> pitches, double quarters) {
  LiveStep step;
  for (const int p : pitches) {
    step.pitches[step.count++] = static_cast<std::uint8_t>(p);
  }
  step.quarters = quarters;
  return step;
}

// A source that gives `steps` and then ends.
struct ListSource {
  std::vector<LiveStep> steps;
  std::size_t next = 0;
  bool operator()(LiveStep& step) {
    if (next == steps.size()) {
      return false;
    }
    step = steps[next++];
    return true;
  }
};

// Every note on is followed by a note off of its pitch before it sounds again, and none is left.
void require_balanced(const RecordingSink& sink) {
  std::map<int, int> sounding;
  for (const auto& r : sink.messages()) {
    if (r.message.starts_note()) {
      REQUIRE(sounding[r.message.pitch()]++ == 0);
    } else if (r.message.ends_note()) {
      REQUIRE(sounding[r.message.pitch()]-- == 1);
    }
  }
  for (const auto& [pitch, count] : sounding) {
    INFO("pitch " << pitch);
    CHECK(count == 0);
  }
  REQUIRE_FALSE(sink.messages().empty());
  CHECK(sink.messages().back().message == all_notes_off(0));
}

}  // namespace

TEST_CASE("live player: steps sound at their times, offs before ons, all released at the end",
          "[live]") {
  ListSource source{{step_of({60}, 1.0), step_of({}, 0.5), step_of({64, 67}, 1.0),
                     step_of({64}, 0.25)}};
  RecordingSink sink;
  ManualClock clock;
  const LiveStats stats = play_live(source, sink, clock, {.tempo_bpm = 120});
  // At 120 a minute a quarter lasts 500 ms: onsets at 0, 500 (the rest), 750 and 1250 ms.
  const std::vector<RecordedMessage> expected = {
      {note_on(0, 60, 80), milliseconds(0), milliseconds(0)},
      {note_off(0, 60), milliseconds(500), milliseconds(500)},
      {note_on(0, 64, 80), milliseconds(750), milliseconds(750)},
      {note_on(0, 67, 80), milliseconds(750), milliseconds(750)},
      {note_off(0, 64), milliseconds(1250), milliseconds(1250)},
      {note_off(0, 67), milliseconds(1250), milliseconds(1250)},
      {note_on(0, 64, 80), milliseconds(1250), milliseconds(1250)},
      {note_off(0, 64), milliseconds(1375), milliseconds(1375)},
      {all_notes_off(0), milliseconds(1375), milliseconds(1375)}};
  REQUIRE(sink.messages().size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("message " << i);
    CHECK(sink.messages()[i].message == expected[i].message);
    CHECK(sink.messages()[i].due == expected[i].due);
    CHECK(sink.messages()[i].sent == expected[i].sent);
  }
  require_balanced(sink);
  CHECK(stats.events == expected.size());
  CHECK(stats.steps_played == 4);
  CHECK(stats.steps_generated == 4);
  CHECK(stats.source_ended);
  CHECK_FALSE(stats.stopped);
  CHECK(stats.max_lateness_ms == 0.0);
  CHECK(stats.seconds == Approx(1.375));
  CHECK(stats.sixteenth_ms == Approx(125.0));
}

TEST_CASE("live player: the lateness of every message is measured", "[live]") {
  ListSource source{{step_of({60}, 1.0), step_of({62}, 1.0), step_of({64}, 1.0)}};
  RecordingSink sink;
  ManualClock clock(milliseconds(3));  // every wait ends 3 ms late
  const LiveStats stats = play_live(source, sink, clock, {.tempo_bpm = 60});
  for (const auto& r : sink.messages()) {
    CHECK(r.sent - r.due >= milliseconds(3));
  }
  CHECK(stats.max_lateness_ms >= 3.0);
  CHECK(stats.mean_lateness_ms >= 3.0);
  // The lag accumulates nowhere: each step is due on the schedule, not after the last late one.
  CHECK(stats.max_lateness_ms == Approx(3.0));
  CHECK(sink.messages()[2].due == milliseconds(1000));
}

TEST_CASE("live player: steps are generated ahead, in the gaps, without making notes late",
          "[live]") {
  ManualClock clock;
  RecordingSink sink;
  std::size_t generated = 0;
  std::size_t most_ahead = 0;
  std::size_t before_first_note = 0;
  // A slow model: every step costs 10 ms of the clock; steps are a quarter (500 ms) apart.
  auto slow_source = [&](LiveStep& step) {
    std::size_t played = 0;
    for (const auto& r : sink.messages()) {
      played += r.message.starts_note() ? 1 : 0;
    }
    most_ahead = std::max(most_ahead, generated - played);
    before_first_note += played == 0 ? 1 : 0;
    clock.advance(milliseconds(10));
    step = step_of({60 + static_cast<int>(generated % 12)}, 1.0);
    return ++generated < 40;
  };
  const LiveStats stats = play_live(slow_source, sink, clock, {.tempo_bpm = 120, .ahead = 4});
  CHECK(before_first_note == 4);  // the buffer, filled before the first note
  CHECK(most_ahead < 4);          // a call is made only with room in the buffer
  CHECK(stats.max_lateness_ms == 0.0);
  CHECK(stats.step_mean_ms == Approx(10.0));
  CHECK(stats.step_max_ms == Approx(10.0));
  CHECK(stats.step_time_fraction() == Approx(10.0 / 125.0));
  CHECK(stats.steps_played == 39);
  require_balanced(sink);
}

TEST_CASE("live player: a source slower than the music makes messages late, and says so",
          "[live]") {
  ManualClock clock;
  RecordingSink sink;
  int calls = 0;
  auto too_slow = [&](LiveStep& step) {
    clock.advance(milliseconds(600));  // each step takes longer than the 500 ms it lasts
    step = step_of({60}, 1.0);
    return ++calls < 12;
  };
  const LiveStats stats = play_live(too_slow, sink, clock, {.tempo_bpm = 120, .ahead = 2});
  CHECK(stats.max_lateness_ms > 100.0);
  CHECK(stats.step_time_fraction() == Approx(600.0 / 125.0));
  require_balanced(sink);
}

TEST_CASE("live player: a time limit ends the performance at that time", "[live]") {
  ManualClock clock;
  RecordingSink sink;
  auto endless = [](LiveStep& step) {
    step = step_of({67}, 1.0);
    return true;
  };
  const LiveStats stats =
      play_live(endless, sink, clock, {.tempo_bpm = 120, .ahead = 3, .seconds = 2.2});
  CHECK(stats.steps_played == 5);  // at 0, 0.5, 1, 1.5 and 2 s; the next would be at 2.5
  CHECK(stats.seconds == Approx(2.2));
  CHECK(sink.messages().back().due == milliseconds(2200));
  CHECK_FALSE(stats.stopped);
  CHECK_FALSE(stats.source_ended);
  require_balanced(sink);
}

TEST_CASE("live player: a stop request (as from a signal handler) ends it with notes off",
          "[live]") {
  ManualClock clock;
  RecordingSink sink;
  std::atomic<bool> stop{false};
  int calls = 0;
  auto source = [&](LiveStep& step) {
    step = step_of({60, 64}, 0.5);
    if (++calls == 6) {
      stop = true;
    }
    return true;
  };
  const LiveStats stats = play_live(source, sink, clock, {.ahead = 1}, &stop);
  CHECK(stats.stopped);
  CHECK(stats.steps_played == 5);
  require_balanced(sink);
}

TEST_CASE("live player: settings out of range and bad steps are refused by name", "[live]") {
  ManualClock clock;
  RecordingSink sink;
  ListSource source{{step_of({60}, 1.0)}};
  CHECK_THROWS_WITH(play_live(source, sink, clock, {.ahead = 0}),
                    Catch::Contains("steps ahead"));
  CHECK_THROWS_WITH(play_live(source, sink, clock, {.tempo_bpm = 0}),
                    Catch::Contains("positive tempo"));
  ListSource no_length{{step_of({60}, 0.0)}};
  CHECK_THROWS_WITH(play_live(no_length, sink, clock, {}), Catch::Contains("positive length"));
}
