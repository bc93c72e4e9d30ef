// Tests of bachprop/music/models/melody_rnn.hpp: windows, learning a melody, evaluation, the step
// API, saving.

#include "helpers.hpp"

#include <bachprop/music/models/melody_rnn.hpp>

#include <cmath>
#include <filesystem>
#include <variant>

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

// Training that learns scale_melody: 32 units, windows of 16 notes, 40 epochs, Adam 10⁻², two
// semitones of transposition each way.
MelodyRnnSettings scale_training() {
  MelodyRnnSettings settings;
  settings.hidden = 32;
  settings.steps = 16;
  settings.epochs = 40;
  settings.learning_rate = 1e-2;
  settings.transpose_down = 2;
  settings.transpose_up = 2;
  return settings;
}

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
  const MelodyRnnSettings settings = scale_training();
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

TEMPLATE_TEST_CASE("the gated melody models learn a melody, with dropout while training",
                   "[melody_rnn][training]", MelodyLstm, MelodyGru) {
  std::vector<NoteSequence> melodies;
  for (int start : {60, 62, 65, 67}) {
    melodies.push_back(scale_melody(start, 40));
  }
  TestType model(small_vocabulary(), 32, 3, 0.2);
  CHECK(model.dropout() == 0.2);
  const MelodyScores before = model.evaluate({scale_melody(64, 40)});
  const MelodyRnnSettings settings = scale_training();
  model.train(melodies, settings, {scale_melody(64, 40)});
  const MelodyScores after = model.evaluate({scale_melody(64, 40)});
  INFO(TestType::cell() << " before: " << before.bits_per_pitch << " bits/pitch; after: "
                        << after.bits_per_pitch);
  CHECK(before.bits_per_pitch > 4.0);
  CHECK(after.bits_per_pitch < 0.5);
  CHECK(after.pitch_accuracy > 0.9);
  // Evaluation never drops: scoring twice gives the same figures.
  CHECK(model.evaluate({scale_melody(64, 40)}).bits_per_pitch == after.bits_per_pitch);
}

TEMPLATE_TEST_CASE("a gated melody model fed note by note predicts as over the whole melody",
                   "[melody_rnn]", MelodyLstm, MelodyGru) {
  TestType model(small_vocabulary(), 12, 5, 0.5);
  const NoteSequence melody = scale_melody(60, 9);
  const Matrix<float> all = model.predict(melody);
  REQUIRE(all.cols() == 8);
  model.reset();
  for (Index t = 0; t < 8; ++t) {
    const Matrix<float> next = model.feed(melody.pitches[static_cast<std::size_t>(t)],
                                          melody.durations[static_cast<std::size_t>(t)]);
    CHECK(next.isApprox(all.col(t), 1e-5F));
  }
}

TEST_CASE("a melody model file of any cell loads as the model of its cell",
          "[melody_rnn][json]") {
  const MelodyLstm lstm(small_vocabulary(), 6, 2, 0.3);
  const MelodyGru gru(small_vocabulary(), 5, 4);
  const NoteSequence melody = scale_melody(62, 6);
  AnyMelodyModel any = any_melody_model_from_json(lstm.to_json(), "l.json");
  REQUIRE(std::holds_alternative<MelodyLstm>(any));
  CHECK(std::get<MelodyLstm>(any).dropout() == 0.3);
  CHECK(std::get<MelodyLstm>(any).predict(melody) == MelodyLstm(lstm).predict(melody));
  any = any_melody_model_from_json(gru.to_json(), "g.json");
  REQUIRE(std::holds_alternative<MelodyGru>(any));
  CHECK(std::get<MelodyGru>(any).hidden_size() == 5);
  CHECK_THROWS_WITH(MelodyRnn::from_json(lstm.to_json(), "l.json"),
                    Catch::Contains("l.json: this melody model's cell is lstm, not rnn"));
  nlohmann::json document = gru.to_json();
  document["metadata"]["cell"] = "transformer";
  CHECK_THROWS_WITH(any_melody_model_from_json(document, "g.json"),
                    Catch::Contains("g.json: metadata.cell must be"));
  document = lstm.to_json();
  document["layers"][1]["config"]["rate"] = 1.5;
  CHECK_THROWS_WITH(MelodyLstm::from_json(document, "l.json"),
                    Catch::Contains("l.json: layer 1 (dropout) needs config.rate"));
  document["layers"][1]["config"] = 7;
  CHECK_THROWS_AS(MelodyLstm::from_json(document, "l.json"), FormatError);
}

TEST_CASE("a melody RNN file from before dropout and gated cells still loads",
          "[melody_rnn][json]") {
  // The shipped model was saved with three layers (rnn, dense, grouped softmax) and no cell.
  MelodyRnn model(small_vocabulary(), 7, 9);
  nlohmann::json document = model.to_json();
  document["layers"].erase(document["layers"].begin() + 1);
  document["metadata"].erase("cell");
  MelodyRnn loaded = MelodyRnn::from_json(document, "old.json");
  CHECK(loaded.dropout() == 0.0);
  const NoteSequence melody = scale_melody(60, 7);
  CHECK(loaded.predict(melody) == model.predict(melody));
  CHECK(std::holds_alternative<MelodyRnn>(any_melody_model_from_json(document, "old.json")));
}

TEST_CASE("an ensemble scores the mean of its models' distributions", "[melody_rnn]") {
  std::vector<MelodyGru> models{MelodyGru(small_vocabulary(), 6, 1),
                                MelodyGru(small_vocabulary(), 6, 2)};
  const std::vector<NoteSequence> test{scale_melody(60, 12), scale_melody(64, 9)};
  std::vector<MelodyGru> one{models[0]};
  CHECK(evaluate_ensemble(one, test).bits_per_pitch ==
        Approx(models[0].evaluate(test).bits_per_pitch).epsilon(1e-6));
  // By hand: the probability of each true pitch, averaged over the two models.
  double bits = 0;
  double notes = 0;
  const auto v = small_vocabulary();
  for (const auto& melody : test) {
    const Matrix<float> a = models[0].predict(melody);
    const Matrix<float> b = models[1].predict(melody);
    for (Index t = 0; t < a.cols(); ++t) {
      const Index row = v.pitch_index(melody.pitches[static_cast<std::size_t>(t) + 1]);
      bits -= std::log2(0.5 * (double(a(row, t)) + double(b(row, t))));
      ++notes;
    }
  }
  CHECK(evaluate_ensemble(models, test).bits_per_pitch == Approx(bits / notes).epsilon(1e-5));
  std::vector<MelodyGru> none;
  CHECK_THROWS_AS(evaluate_ensemble(none, test), ArgumentError);
  std::vector<MelodyGru> mixed{MelodyGru(small_vocabulary(), 6, 1),
                               MelodyGru(MelodyVocabulary{50, 84, {0.5, 1.0}}, 6, 1)};
  CHECK_THROWS_WITH(evaluate_ensemble(mixed, test), Catch::Contains("different vocabularies"));
}
