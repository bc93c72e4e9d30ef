// Tests of bachprop/music/models/melody_rnn.hpp: windows, learning a melody, evaluation, the step
// API, saving.

#include "helpers.hpp"

#include <bachprop/music/models/melody_rnn.hpp>

#include <filesystem>

using namespace bachprop;
using namespace bachprop::music;

namespace {

// A melody that needs memory: up a scale and down again, rhythm long-short-short.
NoteSequence scale_melody(int start, std::size_t notes) {
  static const std::vector<int> steps{0, 2, 4, 5, 7, 9, 11, 12, 11, 9, 7, 5, 4, 2};
  NoteSequence m;
  for (std::size_t i = 0; i < notes; ++i) {
    m.pitches.push_back(start + steps[i % steps.size()]);
    m.durations.push_back(i % 3 == 0 ? 1.0 : 0.5);
  }
  return m;
}

MelodyVocabulary small_vocabulary() { return {55, 84, {0.5, 1.0, 2.0}}; }

}  // namespace

TEST_CASE("training windows pair each note with the next", "[melody_rnn]") {
  MelodyRnn model(small_vocabulary(), 8);
  const std::vector<NoteSequence> melodies{scale_melody(60, 10), scale_melody(62, 3)};
  Matrix<float> inputs;
  Matrix<float> targets;
  model.make_windows(melodies, 4, 3, inputs, targets);
  // Melody 0 (10 notes): windows start at 0 and 3, plus one ending at its last note (start 5);
  // melody 1 is too short for a window of 5 notes.
  REQUIRE(inputs.cols() == 3 * 4);
  const auto v = small_vocabulary();
  auto pitch_of = [&](const Matrix<float>& m, Index column) {
    Index row = 0;
    m.col(column).head(v.pitch_count()).maxCoeff(&row);
    return v.pitch_at(row);
  };
  CHECK(pitch_of(inputs, 0) == 60);
  CHECK(pitch_of(targets, 0) == 62);
  CHECK(pitch_of(inputs, 4) == melodies[0].pitches[3]);
  CHECK(pitch_of(targets, 11) == melodies[0].pitches[9]);  // the last window ends at the end
  for (Index c = 0; c < inputs.cols(); ++c) {
    CHECK(inputs.col(c).sum() == 2.0F);
  }
}

TEST_CASE("the melody RNN learns a melody and scores it", "[melody_rnn][training]") {
  std::vector<NoteSequence> melodies;
  for (int start : {60, 62, 65, 67}) {
    melodies.push_back(scale_melody(start, 40));
  }
  MelodyRnn model(small_vocabulary(), 32, 3);
  const MelodyScores before = model.evaluate({scale_melody(64, 40)});
  MelodyRnnSettings settings;
  settings.hidden = 32;
  settings.steps = 16;
  settings.epochs = 40;
  settings.learning_rate = 1e-2;
  settings.transpose_down = 2;
  settings.transpose_up = 2;
  const auto epochs = model.train(melodies, settings, {scale_melody(64, 40)});
  REQUIRE(epochs.size() == 40);
  const MelodyScores after = model.evaluate({scale_melody(64, 40)});
  INFO("before: " << before.bits_per_pitch << " bits/pitch; after: " << after.bits_per_pitch);
  CHECK(before.bits_per_pitch > 4.0);  // about log2(30) for an untrained model
  CHECK(after.bits_per_pitch < 0.5);
  CHECK(after.pitch_accuracy > 0.9);
  CHECK(after.duration_accuracy > 0.9);
  CHECK(after.notes == 39);
  CHECK(after.bits_per_note() == Approx(after.bits_per_pitch + after.bits_per_duration));
  // Early stopping kept the best validation epoch.
  double best = 1e9;
  for (const auto& e : epochs) {
    best = std::min(best, e.validation);
  }
  CHECK(after.bits_per_note() == Approx(best).epsilon(1e-4));
}

TEST_CASE("feeding notes one at a time gives the same predictions as a whole melody",
          "[melody_rnn]") {
  MelodyRnn model(small_vocabulary(), 12, 5);
  const NoteSequence melody = scale_melody(60, 9);
  const Matrix<float> all = model.predict(melody);
  REQUIRE(all.cols() == 8);
  model.reset();
  for (Index t = 0; t < 8; ++t) {
    const Matrix<float> next = model.feed(melody.pitches[static_cast<std::size_t>(t)],
                                          melody.durations[static_cast<std::size_t>(t)]);
    CHECK(next.isApprox(all.col(t), 1e-5F));
  }
  CHECK(all.col(0).head(small_vocabulary().pitch_count()).sum() == Approx(1.0F));
  CHECK_THROWS_AS(model.feed(20, 1.0), ArgumentError);
  CHECK_THROWS_WITH(model.evaluate({NoteSequence{{60, 99}, {1.0, 1.0}}}),
                    Catch::Contains("melody 0 has pitch 99"));
}

TEST_CASE("a saved melody model loads with its vocabulary and predicts the same",
          "[melody_rnn][json]") {
  MelodyRnn model(small_vocabulary(), 10, 7);
  const auto path = std::filesystem::temp_directory_path() / "bachprop_melody_rnn.json";
  model.save(path, {{"note", "test"}});
  MelodyRnn loaded = MelodyRnn::load(path);
  CHECK(loaded.vocabulary().lowest_pitch == 55);
  CHECK(loaded.vocabulary().durations == small_vocabulary().durations);
  CHECK(loaded.hidden_size() == 10);
  const NoteSequence melody = scale_melody(62, 6);
  CHECK(loaded.predict(melody) == model.predict(melody));
  std::filesystem::remove(path);

  nlohmann::json document = model.to_json();
  document["metadata"]["model"] = "something_else";
  CHECK_THROWS_WITH(MelodyRnn::from_json(document, "m.json"),
                    Catch::Contains("m.json: not a melody RNN model"));
  document = model.to_json();
  document["metadata"]["hidden"] = 11;
  CHECK_THROWS_AS(MelodyRnn::from_json(document, "m.json"), FormatError);
}
