// Tests of music/models/melody_continuation.hpp and music/evaluate/style_statistics.hpp.

#include "helpers.hpp"

#include <bachprop/music/models/melody_continuation.hpp>
#include <bachprop/music/evaluate/style_statistics.hpp>

using namespace bachprop;
using namespace bachprop::music;

namespace {

MelodyRnn untrained_model() { return MelodyRnn({48, 84, {0.5, 1.0, 2.0}}, 16, 3); }

const NoteSequence c_major_primer{{60, 62, 64, 65, 67, 65, 64, 62, 60},
                                  {1, 1, 1, 1, 2, 1, 1, 1, 2}};

}  // namespace

TEST_CASE("a continuation is the same for the same seed and differs for another",
          "[generation]") {
  MelodyRnn model = untrained_model();
  ContinuationSettings settings;
  settings.notes = 20;
  settings.seed = 7;
  const NoteSequence a = continue_melody(model, c_major_primer, settings);
  const NoteSequence b = continue_melody(model, c_major_primer, settings);
  settings.seed = 8;
  const NoteSequence c = continue_melody(model, c_major_primer, settings);
  CHECK(a.size() == 20);
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("continuations respect the constraints", "[generation]") {
  MelodyRnn model = untrained_model();  // untrained: left alone it wanders everywhere
  ContinuationSettings settings;
  settings.notes = 200;
  settings.pitch_sampling.temperature = 2.0;  // flatten it further
  settings.constraints.lowest_pitch = 60;
  settings.constraints.highest_pitch = 72;
  settings.constraints.max_repeats = 1;
  const NoteSequence notes = continue_melody(model, c_major_primer, settings);
  CHECK(melody_key(c_major_primer).tonic == 0);
  std::vector<int> history = c_major_primer.pitches;
  for (std::size_t i = 0; i < notes.size(); ++i) {
    const int p = notes.pitches[i];
    CHECK(p >= 60);
    CHECK(p <= 72);
    CHECK(in_scale(p, Key{0, Mode::major}, true));
    CHECK(p != history.back());  // no pitch twice in a row
    history.push_back(p);
  }
  // Without the key constraint the untrained model leaves the scale.
  settings.stay_in_primer_key = false;
  const NoteSequence free = continue_melody(model, c_major_primer, settings);
  CHECK(std::any_of(free.pitches.begin(), free.pitches.end(),
                    [](int p) { return !in_scale(p, Key{0, Mode::major}, true); }));

  settings.constraints.lowest_pitch = 61;
  settings.constraints.highest_pitch = 61;  // C# only: not in C major
  settings.stay_in_primer_key = true;
  CHECK_THROWS_WITH(continue_melody(model, c_major_primer, settings),
                    Catch::Contains("constraints leave nothing"));
  CHECK_THROWS_AS(continue_melody(model, NoteSequence{}, settings), ArgumentError);
}

TEST_CASE("temperature 0 follows the most likely note", "[generation]") {
  MelodyRnn model = untrained_model();
  ContinuationSettings settings;
  settings.notes = 5;
  settings.pitch_sampling.temperature = 0;
  settings.duration_sampling.temperature = 0;
  settings.stay_in_primer_key = false;
  const NoteSequence notes = continue_melody(model, c_major_primer, settings);
  model.reset();
  const Matrix<float>* p = nullptr;
  for (std::size_t i = 0; i < c_major_primer.size(); ++i) {
    p = &model.feed(c_major_primer.pitches[i], c_major_primer.durations[i]);
  }
  Index best = 0;
  p->col(0).head(model.vocabulary().pitch_count()).maxCoeff(&best);
  CHECK(notes.pitches[0] == model.vocabulary().pitch_at(best));
}

TEST_CASE("style statistics of melodies", "[style]") {
  // C D E C | G G G F: in C major, pitch classes relative to C.
  const std::vector<NoteSequence> melodies{{{60, 62, 64, 60}, {1, 1, 1, 1}},
                                           {{67, 67, 67, 65}, {1, 1, 1, 1}}};
  const std::vector<Key> keys{{0, Mode::major}, {0, Mode::major}};
  const StyleStatistics s = style_statistics(melodies, keys);
  CHECK(s.melodies == 2);
  CHECK(s.notes == 8);
  CHECK(s.pitch_classes[0] == Approx(2.0 / 8));
  CHECK(s.pitch_classes[7] == Approx(3.0 / 8));
  CHECK(s.in_key == 1.0);
  CHECK(s.longest_repeat == 3);
  CHECK(s.intervals.at(0) == Approx(2.0 / 6));
  CHECK(s.intervals.at(2) == Approx(2.0 / 6));
  CHECK(s.mean_range == Approx((4 + 2) / 2.0));
  CHECK(s.mean_abs_interval == Approx((2 + 2 + 4 + 0 + 0 + 2) / 6.0));
  CHECK(histogram_distance(s.pitch_classes, s.pitch_classes) == 0.0);
  std::array<double, 12> all_tonic{};
  all_tonic[0] = 1.0;
  CHECK(histogram_distance(s.pitch_classes, all_tonic) == Approx(1.0 - 2.0 / 8));
  CHECK(histogram_distance(std::map<int, double>{{1, 1.0}}, std::map<int, double>{{2, 1.0}}) ==
        Approx(1.0));
  CHECK_THROWS_AS(style_statistics(melodies, {{0, Mode::major}}), ArgumentError);
}
