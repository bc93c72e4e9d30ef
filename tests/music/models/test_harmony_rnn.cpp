// Tests of bachprop/music/models/harmony_rnn.hpp: the look-ahead RNN's input and target columns
// (against a small chorale written out by hand); the look-ahead is what lets it learn a voice that
// anticipates the tune; reading its previous chord, it harmonises one step at a time.

#include "helpers.hpp"
#include "music/harmony_fixtures.hpp"
#include "music/models/synthetic_chorales.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/music/evaluate.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>
#include <bachprop/music/models/minibach.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace bachprop;
using namespace bachprop::music;
using namespace harmony_test;
namespace fs = std::filesystem;

TEST_CASE("the look-ahead RNN's columns: soprano now and ahead, the beat, the chord before",
          "[harmony][data]") {
  const JsbCorpus corpus = parse_jsb_chorales(tiny_corpus, "tiny_16th.json");
  const auto grids = grids_of(corpus, "train");
  const HarmonyEncoding encoding = HarmonyEncoding::fit(grids, 1);
  HarmonyRnnSettings settings;
  settings.hidden = 4;
  settings.lookahead = 2;
  settings.period = 4;
  settings.steps = 2;
  settings.previous_chord = true;
  const HarmonyRnn model(encoding, settings);
  const Index s = encoding.voice(soprano).size();
  const Index a = encoding.voice(alto).size();
  const Index t = encoding.voice(tenor).size();
  const Index b = encoding.voice(bass).size();
  CHECK(model.input_size() == 3 * s + 4 + a + t + b);
  CHECK(model.output_size() == a + t + b);

  Matrix<float> inputs;
  Matrix<float> targets;
  const std::vector<GridWindow> windows{{0, 1, 0}};
  model.make_examples(grids, windows, inputs, targets);
  REQUIRE(inputs.cols() == 2);  // one window of two steps: steps 1 and 2
  const auto step1 = inputs.col(0);
  // Soprano at steps 1, 2, 3: C5, D5, silence.
  CHECK(hot_row(step1.segment(0, s)) == encoding.voice(soprano).class_of(72));
  CHECK(hot_row(step1.segment(s, s)) == encoding.voice(soprano).class_of(74));
  CHECK(hot_row(step1.segment(2 * s, s)) == encoding.voice(soprano).silence());
  CHECK(hot_row(step1.segment(3 * s, 4)) == 1);  // the second 16th of the beat
  // The chord of step 0 (Bach's, as in training).
  CHECK(hot_row(step1.segment(3 * s + 4, a)) == encoding.voice(alto).class_of(67));
  CHECK(hot_row(step1.segment(3 * s + 4 + a, t)) == encoding.voice(tenor).class_of(64));
  CHECK(hot_row(step1.segment(3 * s + 4 + a + t, b)) == encoding.voice(bass).class_of(48));
  // Targets: alto, tenor, bass of steps 1 and 2.
  CHECK(hot_row(targets.col(1).segment(0, a)) == encoding.voice(alto).class_of(65));
  CHECK(hot_row(targets.col(1).segment(a + t, b)) == encoding.voice(bass).class_of(47));
  CHECK(inputs.col(1).segment(3 * s, 4)(2) == 1.0F);

  // The first step of a piece has silence as its chord before.
  Matrix<float> first(model.input_size(), 1);
  model.encode_input(grids[0].voices[soprano], 0, 0,
                     {silent_voice, silent_voice, silent_voice, silent_voice}, first.col(0));
  CHECK(hot_row(first.col(0).segment(3 * s + 4, a)) == encoding.voice(alto).silence());
}

TEST_CASE("the look-ahead RNN learns a voice that anticipates the tune",
          "[harmony][models][training]") {
  // The bass moves two 16ths before the soprano does.
  const auto training = corpus(4, 24, 48, 2);
  const auto validation = corpus(5, 4, 48, 2);
  const auto test = corpus(6, 6, 48, 2);
  const HarmonyEncoding encoding = HarmonyEncoding::fit(training, 2);
  HarmonyRnn ahead(encoding, small_rnn(2));
  ahead.train(training, validation);
  const HarmonyAccuracy with_lookahead = accuracy_on(ahead, test);
  HarmonyRnn blind(encoding, small_rnn(0));
  blind.train(training, validation);
  const HarmonyAccuracy without = accuracy_on(blind, test);
  INFO("bass with look-ahead " << with_lookahead.accuracy(bass) << ", without "
                               << without.accuracy(bass));
  CHECK(with_lookahead.accuracy(alto) > 0.9);
  CHECK(with_lookahead.accuracy(tenor) > 0.9);
  CHECK(with_lookahead.accuracy(bass) > 0.9);
  // Without look-ahead the alto and tenor (which follow the soprano now) are learned, the bass
  // cannot be: it depends on notes the model has not heard yet.
  CHECK(without.accuracy(tenor) > 0.9);
  CHECK(without.accuracy(bass) < with_lookahead.accuracy(bass) - 0.15);
}

TEST_CASE("the RNN reading its previous chord harmonises one step at a time",
          "[harmony][models][training]") {
  const auto training = corpus(7, 24, 48);
  const auto test = corpus(8, 4, 48);
  const HarmonyEncoding encoding = HarmonyEncoding::fit(training, 2);
  HarmonyRnnSettings settings = small_rnn(1);
  settings.previous_chord = true;
  settings.training.epochs = 30;
  HarmonyRnn model(encoding, settings);
  const auto epochs = model.train(training, {});  // no validation: every epoch runs
  CHECK(epochs.size() == 30);

  // Fed Bach's chord of the step before (teacher forcing, as in training), it is right.
  HarmonyAccuracy forced;
  for (const auto& piece : test) {
    const Index n = piece.steps();
    Matrix<float> inputs(model.input_size(), n);
    for (Index t = 0; t < n; ++t) {
      std::array<int, voice_count> previous{silent_voice, silent_voice, silent_voice, silent_voice};
      for (int v = alto; v <= bass && t > 0; ++v) {
        previous[static_cast<std::size_t>(v)] = piece.at(v, t - 1);
      }
      model.encode_input(piece.voices[soprano], t, 0, previous, inputs.col(t));
    }
    model.network().set_steps(n);
    const Matrix<float>& outputs = model.network().forward(inputs);
    FourVoiceGrid guess = soprano_only(piece.voices[soprano]);
    for (Index t = 0; t < n; ++t) {
      Index row = 0;
      for (int v = alto; v <= bass; ++v) {
        const VoiceClasses& classes = encoding.voice(v);
        guess.voices[static_cast<std::size_t>(v)][static_cast<std::size_t>(t)] =
            decode_value(classes, outputs.col(t).segment(row, classes.size()));
        row += classes.size();
      }
    }
    forced.add(guess, piece);
  }
  // Fed its own choices one step at a time, it keeps close (on real chorales it does not:
  // see docs/examples/bach_harmonise.md).
  const HarmonyAccuracy free_running = accuracy_on(model, test);
  INFO("teacher-forced " << forced.mean_accuracy() << ", free-running "
                         << free_running.mean_accuracy());
  CHECK(forced.mean_accuracy() > 0.95);
  CHECK(free_running.mean_accuracy() > 0.85);

  // Step by step, each chord fed back, is what one pass over the whole piece gives when it is
  // given the chords the model chose.
  const std::vector<int>& line = test[0].voices[soprano];
  const FourVoiceGrid chosen = model.harmonise(line);
  const Index n = chosen.steps();
  Matrix<float> inputs(model.input_size(), n);
  for (Index t = 0; t < n; ++t) {
    std::array<int, voice_count> previous{silent_voice, silent_voice, silent_voice, silent_voice};
    for (int v = alto; v <= bass && t > 0; ++v) {
      previous[static_cast<std::size_t>(v)] = chosen.at(v, t - 1);
    }
    model.encode_input(line, t, 0, previous, inputs.col(t));
  }
  model.network().set_steps(n);
  const Matrix<float>& outputs = model.network().forward(inputs);
  for (Index t = 0; t < n; ++t) {
    Index row = 0;
    for (int v = alto; v <= bass; ++v) {
      const VoiceClasses& classes = encoding.voice(v);
      CHECK(decode_value(classes, outputs.col(t).segment(row, classes.size())) == chosen.at(v, t));
      row += classes.size();
    }
  }
}
