// Tests of bachprop/music/models/melody_continuation.hpp: continuations are seeded, keep their
// constraints, at temperature 0 follow the most likely note, and a primer out of range is moved
// by whole octaves.

#include "helpers.hpp"

#include <bachprop/music/models/melody_continuation.hpp>

#include <algorithm>

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

TEST_CASE("a primer outside the model's range is heard whole octaves away", "[generation]") {
  MelodyVocabulary vocabulary;  // C4..A5
  vocabulary.lowest_pitch = 60;
  vocabulary.highest_pitch = 81;
  const auto notes = [](std::vector<int> pitches) {
    NoteSequence sequence;
    sequence.durations.assign(pitches.size(), 1.0);
    sequence.pitches = std::move(pitches);
    return sequence;
  };
  CHECK(octave_shift_into(notes({60, 81}), vocabulary) == 0);
  CHECK(octave_shift_into(notes({48, 55}), vocabulary) == 12);   // up first
  CHECK(octave_shift_into(notes({84, 93}), vocabulary) == -12);
  CHECK(octave_shift_into(notes({40, 50}), vocabulary) == 24);
  CHECK_THROWS_WITH(octave_shift_into(notes({50, 80}), vocabulary),
                    "the primer spans D3..G#5, wider than the model's range C4..A5");
  CHECK_THROWS_AS(octave_shift_into(NoteSequence{}, vocabulary), ArgumentError);
}
