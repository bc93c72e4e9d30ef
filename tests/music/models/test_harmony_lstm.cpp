// Tests of bachprop/music/models/harmony_lstm.hpp: the bidirectional harmoniser's input and target
// columns (against a small chorale written out by hand); its log-probabilities, one distribution
// per voice and step; it reads the whole melody both ways, so it learns a voice that anticipates
// the tune with no look-ahead in its input; harmonise is the smoothed decoding of its
// log-probabilities; its settings and files survive a round trip, and bad ones are refused.

#include "helpers.hpp"
#include "music/harmony_fixtures.hpp"
#include "music/models/synthetic_chorales.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/music/evaluate.hpp>
#include <bachprop/music/models/harmony_lstm.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;
using namespace harmony_test;
namespace fs = std::filesystem;

namespace {

// A bidirectional LSTM small enough to learn the synthetic chorales in seconds.
HarmonyLstmSettings small_lstm() {
  HarmonyLstmSettings s;
  s.hidden = 24;
  s.dropout = 0;
  s.steps = 24;
  s.stride = 8;
  s.training = quick_training(24, 1e-2);
  return s;
}

// Each voice's decoding of `log_p` (rows: alto, tenor, bass classes) by smoothed_classes.
FourVoiceGrid decoded(const HarmonyEncoding& encoding, const std::vector<int>& soprano_line,
                      const Matrix<float>& log_p, double penalty) {
  FourVoiceGrid grid = soprano_only(soprano_line);
  Index row = 0;
  for (int v = alto; v <= bass; ++v) {
    const VoiceClasses& classes = encoding.voice(v);
    const std::vector<Index> path =
        smoothed_classes(log_p.middleRows(row, classes.size()), penalty);
    for (std::size_t t = 0; t < path.size(); ++t) {
      grid.voices[static_cast<std::size_t>(v)][t] = classes.value_of(path[t]);
    }
    row += classes.size();
  }
  return grid;
}

}  // namespace

TEST_CASE("the bidirectional harmoniser's columns: the soprano now and the beat",
          "[harmony][harmony_lstm][data]") {
  const JsbCorpus corpus = parse_jsb_chorales(tiny_corpus, "tiny_16th.json");
  const auto grids = grids_of(corpus, "train");
  const HarmonyEncoding encoding = HarmonyEncoding::fit(grids, 1);
  HarmonyLstmSettings settings;
  settings.hidden = 4;
  settings.period = 4;
  settings.steps = 2;
  const HarmonyLstm model(encoding, settings);
  const Index s = encoding.voice(soprano).size();
  const Index a = encoding.voice(alto).size();
  const Index t = encoding.voice(tenor).size();
  const Index b = encoding.voice(bass).size();
  CHECK(model.input_size() == s + 4);
  CHECK(model.output_size() == a + t + b);
  CHECK(model.output_size() == encoding.lower_voice_classes());
  CHECK(model.network().input_size() == s + 4);

  Matrix<float> inputs;
  Matrix<float> targets;
  // Steps 1 and 2 as written, then steps 2 and 3 a semitone up.
  const std::vector<GridWindow> windows{{0, 1, 0}, {0, 2, 1}};
  model.make_examples(grids, windows, inputs, targets);
  REQUIRE(inputs.rows() == s + 4);
  REQUIRE(inputs.cols() == 4);  // two windows of two steps, sequence after sequence
  REQUIRE(targets.rows() == a + t + b);
  // Soprano at step 1 (C5) and step 2 (D5), and nothing of the steps around them.
  CHECK(hot_row(inputs.col(0).segment(0, s)) == encoding.voice(soprano).class_of(72));
  CHECK(hot_row(inputs.col(1).segment(0, s)) == encoding.voice(soprano).class_of(74));
  CHECK(hot_row(inputs.col(0).segment(s, 4)) == 1);  // the second 16th of the beat
  CHECK(hot_row(inputs.col(1).segment(s, 4)) == 2);
  // Targets: alto, tenor, bass of step 1.
  CHECK(hot_row(targets.col(0).segment(0, a)) == encoding.voice(alto).class_of(67));
  CHECK(hot_row(targets.col(0).segment(a, t)) == encoding.voice(tenor).class_of(64));
  CHECK(hot_row(targets.col(0).segment(a + t, b)) == encoding.voice(bass).class_of(48));
  // The second window, moved up a semitone: D5 → D#5 at step 2, silence stays silence at 3.
  CHECK(hot_row(inputs.col(2).segment(0, s)) == encoding.voice(soprano).class_of(75));
  CHECK(hot_row(inputs.col(3).segment(0, s)) == encoding.voice(soprano).silence());
  CHECK(hot_row(inputs.col(3).segment(s, 4)) == 3);
  CHECK(hot_row(targets.col(2).segment(0, a)) == encoding.voice(alto).class_of(66));
  CHECK(hot_row(targets.col(2).segment(a + t, b)) == encoding.voice(bass).class_of(48));
  CHECK(hot_row(targets.col(3).segment(a + t, b)) == encoding.voice(bass).silence());

  // Past the end of the line, the soprano is silent; without a period, no beat rows.
  Matrix<float> beyond(model.input_size(), 1);
  model.encode_input(grids[0].voices[soprano], 9, 0, beyond.col(0));
  CHECK(hot_row(beyond.col(0).segment(0, s)) == encoding.voice(soprano).silence());
  CHECK(hot_row(beyond.col(0).segment(s, 4)) == 1);
  settings.period = 0;
  CHECK(HarmonyLstm(encoding, settings).input_size() == s);
}

TEST_CASE("the bidirectional harmoniser's log-probabilities: a distribution per voice and step",
          "[harmony][harmony_lstm][models]") {
  const auto training = corpus(11, 4, 32);
  const HarmonyEncoding encoding = HarmonyEncoding::fit(training, 2);
  HarmonyLstm model(encoding, small_lstm());
  const std::vector<int>& line = training[0].voices[soprano];
  const Matrix<float> log_p = model.voice_log_probabilities(line);
  REQUIRE(log_p.rows() == encoding.lower_voice_classes());
  REQUIRE(log_p.cols() == static_cast<Index>(line.size()));
  for (Index t = 0; t < log_p.cols(); ++t) {
    Index row = 0;
    for (int v = alto; v <= bass; ++v) {
      const Index size = encoding.voice(v).size();
      CHECK(log_p.col(t).segment(row, size).array().exp().sum() == Approx(1.0).epsilon(1e-5));
      CHECK(log_p.col(t).segment(row, size).maxCoeff() <= 0.0F);
      row += size;
    }
  }
  // The same as the network's own softmax layer gives for the same input.
  Matrix<float> inputs(model.input_size(), log_p.cols());
  for (Index t = 0; t < log_p.cols(); ++t) {
    model.encode_input(line, t, 0, inputs.col(t));
  }
  model.network().set_steps(log_p.cols());
  model.network().forward(inputs);
  CHECK(model.network().layer<HarmonyLstm::Net::depth - 1>().log_probabilities() == log_p);

  // An empty line has no steps; a soprano outside the range is refused, with the step named.
  const Matrix<float> none = model.voice_log_probabilities({});
  CHECK(none.rows() == encoding.lower_voice_classes());
  CHECK(none.cols() == 0);
  CHECK(model.harmonise({}).steps() == 0);
  std::vector<int> high = line;
  high[3] = 100;
  CHECK_THROWS_WITH(model.voice_log_probabilities(high),
                    Catch::Contains("HarmonyLstm") && Catch::Contains("step 3"));
  CHECK_THROWS_AS(model.harmonise(high), ArgumentError);
}

TEST_CASE("the bidirectional harmoniser reads the melody both ways",
          "[harmony][harmony_lstm][models]") {
  const auto training = corpus(12, 4, 64);
  const HarmonyEncoding encoding = HarmonyEncoding::fit(training, 2);
  const HarmonyLstm untrained(encoding, small_lstm());
  std::vector<int> line = training[0].voices[soprano];
  const Index n = static_cast<Index>(line.size());
  HarmonyLstm model = untrained;
  const Matrix<float> before = model.voice_log_probabilities(line);

  // A note near the end changes what the model says at the first step: the backward direction
  // carries it there (a causal reader could not).
  std::vector<int> late = line;
  late[static_cast<std::size_t>(n - 2)] = late[static_cast<std::size_t>(n - 2)] == 72 ? 74 : 72;
  const Matrix<float> after_late = model.voice_log_probabilities(late);
  CHECK((after_late.col(0) - before.col(0)).cwiseAbs().maxCoeff() > 1e-6F);
  // ... and a note near the start changes the last step, through the forward direction.
  std::vector<int> early = line;
  early[1] = early[1] == 72 ? 74 : 72;
  const Matrix<float> after_early = model.voice_log_probabilities(early);
  CHECK((after_early.col(n - 1) - before.col(n - 1)).cwiseAbs().maxCoeff() > 1e-6F);
  // Nothing is carried from one call to the next: the same line gives the same numbers.
  CHECK(model.voice_log_probabilities(line) == before);
}

TEST_CASE("the bidirectional harmoniser learns a voice that anticipates the tune",
          "[harmony][harmony_lstm][models][training]") {
  // The bass moves two 16ths before the soprano does; the input holds only the soprano now.
  const auto training = corpus(4, 24, 48, 2);
  const auto validation = corpus(5, 4, 48, 2);
  const auto test = corpus(6, 6, 48, 2);
  const HarmonyEncoding encoding = HarmonyEncoding::fit(training, 2);
  HarmonyLstm model(encoding, small_lstm());
  const auto epochs = model.train(training, validation);
  CHECK(epochs.size() == 24);
  const HarmonyAccuracy accuracy = accuracy_on(model, test);
  INFO("alto " << accuracy.accuracy(alto) << ", tenor " << accuracy.accuracy(tenor) << ", bass "
               << accuracy.accuracy(bass));
  // Chance is one class in nine or more per voice.
  CHECK(accuracy.accuracy(alto) > 0.9);
  CHECK(accuracy.accuracy(tenor) > 0.9);
  CHECK(accuracy.accuracy(bass) > 0.9);

  // Too short a corpus for a window is refused.
  HarmonyLstmSettings long_windows = small_lstm();
  long_windows.steps = 49;
  HarmonyLstm cannot(encoding, long_windows);
  CHECK_THROWS_WITH(cannot.train(training, validation), Catch::Contains("49 steps"));
}

TEST_CASE("the bidirectional harmoniser's harmonisation is its smoothed log-probabilities",
          "[harmony][harmony_lstm][models]") {
  const auto training = corpus(13, 12, 48);
  const auto test = corpus(14, 3, 56);
  const HarmonyEncoding encoding = HarmonyEncoding::fit(training, 2);
  HarmonyLstmSettings settings = small_lstm();
  settings.training.epochs = 3;
  HarmonyLstm model(encoding, settings);
  model.train(training, {});
  for (const double penalty : {0.0, 0.5, 2.0, 6.0}) {
    model.set_change_penalty(penalty);
    CHECK(model.settings().change_penalty == penalty);
    for (const auto& piece : test) {
      const std::vector<int>& line = piece.voices[soprano];
      const Matrix<float> log_p = model.voice_log_probabilities(line);
      CHECK(model.harmonise(line) == decoded(encoding, line, log_p, penalty));
    }
  }
  CHECK_THROWS_AS(model.set_change_penalty(-1), ArgumentError);
  CHECK_THROWS_AS(model.set_change_penalty(std::nan("")), ArgumentError);
  // A Harmoniser like the others: scored by accuracy_on.
  static_assert(Harmoniser<HarmonyLstm>);
  CHECK(accuracy_on(model, test).mean_accuracy() > 0.0);
}

TEST_CASE("the bidirectional harmoniser's settings: to JSON and back, every field checked",
          "[harmony][harmony_lstm][json]") {
  HarmonyLstmSettings s;
  s.hidden = 77;
  s.dropout = 0.35;
  s.period = 8;
  s.change_penalty = 1.5;
  s.steps = 96;
  s.stride = 24;
  s.training.epochs = 9;
  s.training.learning_rate = 4e-3;
  s.training.seed = 12345678901234ULL;
  const nlohmann::json j = s.to_json();
  const HarmonyLstmSettings again = HarmonyLstmSettings::from_json(j, "settings.json");
  CHECK(again.hidden == 77);
  CHECK(again.dropout == 0.35);
  CHECK(again.period == 8);
  CHECK(again.change_penalty == 1.5);
  CHECK(again.steps == 96);
  CHECK(again.stride == 24);
  CHECK(again.training.epochs == 9);
  CHECK(again.training.seed == 12345678901234ULL);
  CHECK(again.to_json() == j);

  // Every field missing, and every field out of range, is refused with the source named; only
  // the whole-piece decoding's prices may be absent together (then it has none).
  for (const auto& [key, value] : j.items()) {
    if (key == "rules") {
      nlohmann::json without = j;
      without.erase("rules");
      without.erase("offbeat_change_penalty");
      CHECK_FALSE(HarmonyLstmSettings::from_json(without, "settings.json").rules.any());
      continue;
    }
    nlohmann::json missing = j;
    missing.erase(key);
    const std::string message =
        test::format_error_of([&] { HarmonyLstmSettings::from_json(missing, "settings.json"); });
    CHECK_THAT(message, Catch::Contains("settings.json"));
    if (key != "training") {
      CHECK_THAT(message, Catch::Contains("\"" + key + "\""));
    }
  }
  const std::vector<std::pair<std::string, nlohmann::json>> bad{
      {"hidden", 0},     {"hidden", "many"}, {"hidden", 2.5},        {"dropout", 1.0},
      {"dropout", -0.1}, {"dropout", "no"},  {"period", -1},         {"change_penalty", -1},
      {"steps", 0},      {"stride", 0},      {"stride", nullptr},    {"change_penalty", "big"}};
  for (const auto& [key, value] : bad) {
    nlohmann::json wrong = j;
    wrong[key] = value;
    INFO(key << " = " << value.dump());
    const std::string message =
        test::format_error_of([&] { HarmonyLstmSettings::from_json(wrong, "settings.json"); });
    CHECK_THAT(message, Catch::Contains("settings.json") && Catch::Contains("\"" + key + "\""));
  }
  nlohmann::json training = j;
  training["training"]["batch_size"] = 0;
  CHECK_THAT(test::format_error_of([&] { HarmonyLstmSettings::from_json(training, "t.json"); }),
             Catch::Contains("t.json") && Catch::Contains("batch_size"));
  CHECK_THAT(test::format_error_of([&] { HarmonyLstmSettings::from_json(nullptr, "n.json"); }),
             Catch::Contains("n.json"));

  // Settings no network can have are refused when the model is built.
  const HarmonyEncoding encoding = HarmonyEncoding::fit(corpus(15, 2, 16), 2);
  for (auto change : std::vector<void (*)(HarmonyLstmSettings&)>{
           [](HarmonyLstmSettings& x) { x.hidden = 0; },
           [](HarmonyLstmSettings& x) { x.steps = 0; },
           [](HarmonyLstmSettings& x) { x.stride = -2; },
           [](HarmonyLstmSettings& x) { x.period = -1; },
           [](HarmonyLstmSettings& x) { x.dropout = 1.0; },
           [](HarmonyLstmSettings& x) { x.dropout = -0.5; }}) {
    HarmonyLstmSettings wrong = small_lstm();
    change(wrong);
    CHECK_THROWS_WITH(HarmonyLstm(encoding, wrong), Catch::Contains("HarmonyLstm"));
    CHECK_THROWS_AS(HarmonyLstm(encoding, wrong), ArgumentError);
  }
}

TEST_CASE("the bidirectional harmoniser survives a save and load unchanged; bad files refused",
          "[harmony][harmony_lstm][json]") {
  const auto training = corpus(9, 8, 32);
  const auto test = corpus(10, 3, 40);
  const HarmonyEncoding encoding = HarmonyEncoding::fit(training, 2);
  HarmonyLstmSettings settings = small_lstm();
  settings.hidden = 16;
  settings.dropout = 0.25;
  settings.period = 2;
  settings.change_penalty = 1.0;
  settings.training.epochs = 2;
  HarmonyLstm model(encoding, settings);
  model.train(training, {});
  const fs::path file = test::temp_file("bachprop_harmony_tests", "harmony_lstm.json");
  model.save(file, {{"note", "test"}});
  HarmonyLstm again = HarmonyLstm::load(file);
  CHECK(again.encoding() == encoding);
  CHECK(again.settings().to_json() == settings.to_json());
  CHECK(again.to_json({{"note", "test"}}) == model.to_json({{"note", "test"}}));
  CHECK(again.network().parameter_count() == model.network().parameter_count());
  for (const auto& piece : test) {
    CHECK(again.voice_log_probabilities(piece.voices[soprano]) ==
          model.voice_log_probabilities(piece.voices[soprano]));
  }
  CHECK(harmonise_all(again, test) == harmonise_all(model, test));

  // Another kind of model, in either direction, is refused with the file named.
  const fs::path rnn_file = test::temp_file("bachprop_harmony_tests", "harmony_rnn_not_lstm.json");
  HarmonyRnn(encoding, small_rnn(1)).save(rnn_file);
  CHECK_THAT(test::format_error_of([&] { HarmonyLstm::load(rnn_file); }),
             Catch::Contains(rnn_file.string()) && Catch::Contains("harmony LSTM"));
  CHECK_THROWS_AS(HarmonyRnn::load(file), FormatError);
  // Damaged settings and encodings, weights of another size, no metadata.
  const nlohmann::json good = model.to_json();
  nlohmann::json damaged = good;
  damaged["metadata"]["settings"]["hidden"] = 17;  // the weights are 16 wide
  CHECK_THAT(test::format_error_of([&] { HarmonyLstm::from_json(damaged, "damaged.json"); }),
             Catch::Contains("damaged.json"));
  damaged = good;
  damaged["metadata"]["settings"]["period"] = 3;  // the input weights read 2 beat rows
  CHECK_THROWS_AS(HarmonyLstm::from_json(damaged, "damaged.json"), FormatError);
  damaged = good;
  damaged["metadata"]["settings"]["dropout"] = 2;
  CHECK_THAT(test::format_error_of([&] { HarmonyLstm::from_json(damaged, "damaged.json"); }),
             Catch::Contains("damaged.json") && Catch::Contains("dropout"));
  damaged = good;
  damaged["metadata"]["settings"].erase("steps");
  CHECK_THAT(test::format_error_of([&] { HarmonyLstm::from_json(damaged, "damaged.json"); }),
             Catch::Contains("damaged.json") && Catch::Contains("steps"));
  damaged = good;
  damaged["metadata"]["encoding"]["voices"][0] = nlohmann::json::array({80, 70});
  CHECK_THROWS_AS(HarmonyLstm::from_json(damaged, "damaged.json"), FormatError);
  damaged = good;
  damaged.erase("metadata");
  CHECK_THAT(test::format_error_of([&] { HarmonyLstm::from_json(damaged, "damaged.json"); }),
             Catch::Contains("damaged.json") && Catch::Contains("no metadata"));
  // A file cut short, and one that is not there.
  const fs::path cut = test::temp_file("bachprop_harmony_tests", "harmony_lstm_cut.json");
  const std::string text = good.dump();
  write_file_atomically(cut, text.substr(0, text.size() / 2));
  CHECK_THAT(test::format_error_of([&] { HarmonyLstm::load(cut); }),
             Catch::Contains(cut.string()));
  CHECK_THROWS_AS(HarmonyLstm::load(cut.string() + ".missing"), IoError);
  fs::remove(file);
  fs::remove(rnn_file);
  fs::remove(cut);
}

TEST_CASE("the bidirectional harmoniser reads a real chorale whole",
          "[harmony][harmony_lstm][data]") {
  const fs::path path = test::shared_data / "jsb-chorales" / "Jsb16thSeparated.json";
  if (!fs::exists(path)) {
    WARN("no JSB chorales at " << path.string() << ": skipped");
    return;
  }
  const JsbCorpus chorales = load_jsb_chorales(path);
  const auto train = grids_of(chorales, "train");
  const auto test = grids_of(chorales, "test");
  const HarmonyEncoding encoding = HarmonyEncoding::fit(train, 2);
  HarmonyLstmSettings settings = small_lstm();
  settings.hidden = 8;
  HarmonyLstm model(encoding, settings);
  // Every test chorale, however long, is one sequence: a column per 16th.
  for (const auto& piece : test) {
    int shift = 0;
    const FourVoiceGrid grid = harmonise_in_range(model, piece.voices[soprano], &shift);
    CHECK(grid.steps() == piece.steps());
    if (shift == 0) {
      CHECK(model.voice_log_probabilities(piece.voices[soprano]).cols() == piece.steps());
    }
  }
}
