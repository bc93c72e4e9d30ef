// Tests of the harmonisers (music/models/minibach.hpp, music/models/harmony_rnn.hpp): each learns a
// tiny synthetic corpus whose lower voices are a rule of the soprano, early stopping keeps the
// best validation epoch, the look-ahead is what lets the RNN learn a voice that anticipates the
// tune, models survive a save/load round trip bit for bit, the same seed trains the same model,
// and melodies outside the range are refused.

#include "helpers.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/music/evaluate.hpp>
#include <bachprop/music/models/minibach.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>

#include <catch2/catch.hpp>

#include <filesystem>

using namespace bachprop;
using namespace bachprop::music;
namespace fs = std::filesystem;

namespace {

// A C-major chorale of `steps` 16ths: the soprano moves by step in C5..C6 (notes of 2 or 4
// steps, a rest now and then), the alto a diatonic third below, the tenor an octave below, and
// the bass two octaves below the soprano `bass_ahead` steps later (anticipating the tune).
FourVoiceGrid synthetic_chorale(Rng& rng, Index steps, Index bass_ahead = 0) {
  static const std::vector<int> scale{72, 74, 76, 77, 79, 81, 83, 84};
  std::vector<int> soprano_line;
  std::size_t degree = rng.below(scale.size());
  while (static_cast<Index>(soprano_line.size()) < steps + bass_ahead) {
    const bool rest = rng.below(12) == 0;
    const std::size_t length = rng.below(2) == 0 ? 2 : 4;
    soprano_line.insert(soprano_line.end(), length, rest ? silent_voice : scale[degree]);
    degree = degree == 0 ? 1
             : degree + 1 == scale.size()
                 ? degree - 1
                 : degree + (rng.below(2) == 0 ? 1 : 0) - (rng.below(2) == 0 ? 1 : 0);
  }
  FourVoiceGrid g;
  const Key c_major{0, Mode::major};
  for (Index t = 0; t < steps; ++t) {
    const int s = soprano_line[static_cast<std::size_t>(t)];
    const int later = soprano_line[static_cast<std::size_t>(t + bass_ahead)];
    g.voices[soprano].push_back(s);
    g.voices[alto].push_back(
        s == silent_voice ? s : pitch_of_scale_step(scale_step(s, c_major) - 2, c_major));
    g.voices[tenor].push_back(s == silent_voice ? s : s - 12);
    g.voices[bass].push_back(later == silent_voice ? later : later - 24);
  }
  return g;
}

std::vector<FourVoiceGrid> corpus(std::uint64_t seed, std::size_t count, Index steps,
                                  Index bass_ahead = 0) {
  Rng rng(seed);
  std::vector<FourVoiceGrid> grids;
  for (std::size_t i = 0; i < count; ++i) {
    grids.push_back(synthetic_chorale(rng, steps, bass_ahead));
  }
  return grids;
}

HarmonyTrainingOptions quick_training(Index epochs, double learning_rate) {
  return {.epochs = epochs,
          .batch_size = 8,
          .learning_rate = learning_rate,
          .learning_rate_decay = 1.0,
          .clip_norm = 5.0,
          .patience = 0,
          .transpose_down = 1,
          .transpose_up = 1,
          .seed = 3};
}

MiniBachSettings small_minibach() {
  MiniBachSettings s;
  s.window = 16;
  s.hidden = 48;
  s.stride = 4;
  s.overrun = 8;
  s.training = quick_training(20, 3e-3);
  return s;
}

HarmonyRnnSettings small_rnn(Index lookahead) {
  HarmonyRnnSettings s;
  s.hidden = 32;
  s.lookahead = lookahead;
  s.steps = 16;
  s.stride = 8;
  s.training = quick_training(12, 1e-2);
  return s;
}


}  // namespace

TEST_CASE("MiniBach learns a synthetic chorale style", "[harmony][models][training]") {
  const auto training = corpus(1, 24, 48);
  const auto validation = corpus(2, 4, 48);
  const auto test = corpus(3, 6, 40);  // shorter than a window multiple: the last one overlaps
  const HarmonyEncoding encoding = HarmonyEncoding::fit(training, 2);
  MiniBach model(encoding, small_minibach());
  const double before = accuracy_on(model, test).mean_accuracy();
  const auto epochs = model.train(training, validation);
  REQUIRE(epochs.size() == 20);
  const HarmonyAccuracy after = accuracy_on(model, test);
  INFO("before " << before << ", after " << after.mean_accuracy());
  CHECK(before < 0.2);
  CHECK(after.accuracy(alto) > 0.9);
  CHECK(after.accuracy(tenor) > 0.9);
  CHECK(after.accuracy(bass) > 0.9);
  CHECK(after.accuracy(soprano) == 1.0);  // the soprano is given, never changed
  // The kept weights are those of the best validation epoch.
  double best = 1.0;
  for (const auto& e : epochs) {
    best = std::min(best, e.validation);
  }
  CHECK(1.0 - accuracy_on(model, validation).mean_accuracy() == Approx(best));

  // A melody shorter than the window (padded with silence) and one of several windows.
  const FourVoiceGrid short_one = model.harmonise({72, 72, 74, 74, 76, 76, 76, 76});
  CHECK(short_one.steps() == 8);
  CHECK(short_one.voices[tenor] == std::vector<int>{60, 60, 62, 62, 64, 64, 64, 64});
  CHECK(model.harmonise({}).steps() == 0);
  CHECK_THROWS_AS(model.harmonise({40, 41}), ArgumentError);  // below the soprano range
  CHECK(model.accepts({72, silent_voice}));
  CHECK_FALSE(model.accepts({40}));

  // The decoding's change penalty, chosen on validation: holding every note forever (a huge
  // penalty) loses, so it is not chosen.
  const auto trials = tune_change_penalty(model, validation, {0.0, 1.0, 1000.0});
  REQUIRE(trials.size() == 3);
  CHECK(trials[2].accuracy < trials[0].accuracy - 0.3);
  CHECK(model.settings().change_penalty < 1000.0);
  CHECK_THROWS_AS(tune_change_penalty(model, {}, {1.0}), ArgumentError);
  model.set_change_penalty(0);

  // The same weights harmonising with overlapping windows (hop 4) do as well.
  nlohmann::json document = model.to_json();
  document["metadata"]["settings"]["hop"] = 4;
  MiniBach sliding = MiniBach::from_json(document, "in memory");
  CHECK(sliding.settings().hop == 4);
  CHECK(accuracy_on(sliding, test).mean_accuracy() > 0.9);
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

TEST_CASE("harmony models survive a save and load unchanged", "[harmony][models][json]") {
  const auto training = corpus(9, 8, 32);
  const auto test = corpus(10, 3, 40);
  const HarmonyEncoding encoding = HarmonyEncoding::fit(training, 2);

  MiniBachSettings m = small_minibach();
  m.training.epochs = 1;
  m.hop = 8;
  MiniBach minibach(encoding, m);
  minibach.train(training, {});
  const fs::path minibach_file = test::temp_file("bachprop_harmony_tests", "minibach.json");
  minibach.save(minibach_file, {{"note", "test"}});
  MiniBach minibach_again = MiniBach::load(minibach_file);
  CHECK(minibach_again.encoding() == encoding);
  CHECK(minibach_again.settings().hop == 8);
  CHECK(minibach_again.to_json({{"note", "test"}}) == minibach.to_json({{"note", "test"}}));
  CHECK(harmonise_all(minibach_again, test) == harmonise_all(minibach, test));

  HarmonyRnnSettings r = small_rnn(3);
  r.previous_chord = true;
  r.period = 2;
  r.training.epochs = 1;
  HarmonyRnn rnn(encoding, r);
  rnn.train(training, {});
  const fs::path rnn_file = test::temp_file("bachprop_harmony_tests", "harmony_rnn.json");
  rnn.save(rnn_file);
  HarmonyRnn rnn_again = HarmonyRnn::load(rnn_file);
  CHECK(rnn_again.settings().lookahead == 3);
  CHECK(rnn_again.settings().period == 2);
  CHECK(rnn_again.settings().previous_chord);
  CHECK(rnn_again.to_json() == rnn.to_json());
  CHECK(harmonise_all(rnn_again, test) == harmonise_all(rnn, test));

  // The wrong kind of model, and damaged settings, are refused with the file named.
  CHECK_THROWS_AS(MiniBach::load(rnn_file), FormatError);
  CHECK_THROWS_AS(HarmonyRnn::load(minibach_file), FormatError);
  nlohmann::json damaged = rnn.to_json();
  damaged["metadata"]["settings"]["lookahead"] = -4;
  CHECK_THROWS_AS(HarmonyRnn::from_json(damaged, "damaged"), FormatError);
  damaged = rnn.to_json();
  damaged["metadata"]["settings"]["hidden"] = 33;  // the weights are 32 wide
  CHECK_THROWS_AS(HarmonyRnn::from_json(damaged, "damaged"), FormatError);
  damaged = minibach.to_json();
  damaged["metadata"]["encoding"]["voices"][0] = nlohmann::json::array({80, 70});
  CHECK_THROWS_AS(MiniBach::from_json(damaged, "damaged"), FormatError);
  fs::remove(minibach_file);
  fs::remove(rnn_file);
}

TEST_CASE("the same seed trains the same harmoniser", "[harmony][models][training]") {
  const auto training = corpus(11, 8, 32);
  const auto validation = corpus(12, 2, 32);
  const HarmonyEncoding encoding = HarmonyEncoding::fit(training, 2);
  HarmonyRnnSettings r = small_rnn(2);
  r.training.epochs = 2;
  HarmonyRnn first(encoding, r);
  HarmonyRnn second(encoding, r);
  const auto a = first.train(training, validation);
  const auto b = second.train(training, validation);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].training.mean_loss == b[i].training.mean_loss);
    CHECK(a[i].validation == b[i].validation);
  }
  CHECK(first.to_json() == second.to_json());
  r.training.seed = 4;
  HarmonyRnn other(encoding, r);
  other.train(training, validation);
  CHECK(other.to_json() != first.to_json());
}

TEST_CASE("training refuses data that fits no key", "[harmony][models]") {
  const auto training = corpus(13, 2, 32);
  HarmonyEncoding narrow = HarmonyEncoding::fit(training, 0);
  narrow.voices[bass].highest = narrow.voices[bass].lowest;  // almost no bass notes fit
  MiniBachSettings m = small_minibach();
  MiniBach model(narrow, m);
  CHECK_THROWS_AS(model.train(training, {}), ArgumentError);
  HarmonyRnnSettings r = small_rnn(0);
  r.steps = 64;  // longer than any chorale
  HarmonyRnn rnn(HarmonyEncoding::fit(training, 0), r);
  CHECK_THROWS_AS(rnn.train(training, {}), ArgumentError);
}
