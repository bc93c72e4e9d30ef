// Tests of bachprop/music/models/piano_roll_rnn.hpp: the NLL per frame, learning a progression,
// saving, and chorales as piano rolls.

#include "helpers.hpp"

#include <bachprop/music/models/piano_roll_rnn.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>

using namespace bachprop;
using namespace bachprop::music;

namespace {

// I-IV-V-I in C, over and over: a polyphonic pattern with a period of four frames.
PianoRollFrames cadences(std::size_t frames) {
  const std::vector<std::vector<int>> chords{{48, 64, 67, 72}, {53, 65, 69, 72},
                                             {55, 62, 67, 71}, {48, 64, 67, 72}};
  PianoRollFrames roll;
  for (std::size_t i = 0; i < frames; ++i) {
    roll.push_back(chords[i % chords.size()]);
  }
  return roll;
}

}  // namespace

TEST_CASE("the NLL per frame is the binary cross-entropy summed over keys", "[piano_roll]") {
  PianoRollRnn model(6, 60, 4, 1);
  const PianoRollFrames roll{{60}, {61, 63}, {}, {62}};
  // By hand: feed frames one at a time and add −ln p or −ln(1 − p) for every key.
  double nats = 0;
  model.reset();
  for (std::size_t t = 0; t + 1 < roll.size(); ++t) {
    const Matrix<float> p = model.feed(roll[t]);
    for (int key = 0; key < 4; ++key) {
      const bool on =
          std::find(roll[t + 1].begin(), roll[t + 1].end(), 60 + key) != roll[t + 1].end();
      nats -= std::log(on ? p(key, 0) : 1.0F - p(key, 0));
    }
  }
  CHECK(model.nll_per_frame({roll}) == Approx(nats / 3.0).epsilon(1e-4));
  CHECK_THROWS_WITH(model.nll_per_frame({{{70}, {60}}}), Catch::Contains("pitch 70 is outside"));
}

TEST_CASE("the piano-roll RNN learns a chord progression", "[piano_roll][training]") {
  PianoRollRnn model(24, 36, 48, 2);
  const std::vector<PianoRollFrames> train{cadences(40), cadences(37)};
  const std::vector<PianoRollFrames> valid{cadences(30)};
  const double before = model.nll_per_frame(valid);
  PianoRollRnnSettings settings;
  settings.steps = 8;
  settings.epochs = 60;
  settings.learning_rate = 1e-2;
  settings.batch_size = 4;
  model.train(train, settings, valid);
  const double after = model.nll_per_frame(valid);
  INFO("before " << before << " nats/frame, after " << after);
  CHECK(before > 20.0);  // 48 keys at about ln 2 each
  CHECK(after < 1.0);
}

TEST_CASE("a saved piano-roll model loads and predicts the same", "[piano_roll][json]") {
  PianoRollRnn model(5, 40, 40, 3);
  const auto path = std::filesystem::temp_directory_path() / "bachprop_piano_roll.json";
  model.save(path);
  PianoRollRnn loaded = PianoRollRnn::load(path);
  CHECK(loaded.lowest() == 40);
  CHECK(loaded.keys() == 40);
  CHECK(loaded.nll_per_frame({cadences(9)}) == model.nll_per_frame({cadences(9)}));
  std::filesystem::remove(path);
  CHECK_THROWS_AS(PianoRollRnn(5, 100, 40), ArgumentError);
}

TEST_CASE("piano rolls leave silent voices out", "[piano_roll]") {
  const JsbChorale chorale{{{72, 67, -1, 48}, {-1, -1, -1, -1}}};
  const auto rolls = piano_rolls({chorale});
  CHECK(rolls[0][0] == std::vector<int>{72, 67, 48});
  CHECK(rolls[0][1].empty());
}
