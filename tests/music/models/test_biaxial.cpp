// Tests of bachprop/music/models/biaxial.hpp: the whole model's gradients in double, the
// likelihood summing to one over every possible frame, evaluation, drawing, and the model file.

#include "helpers.hpp"

#include <bachprop/core/gradient_check.hpp>
#include <bachprop/music/models/biaxial.hpp>
#include <bachprop/optim/adadelta.hpp>

#include <cmath>
#include <filesystem>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

namespace {

// A piece as the model reads it.
struct TinyRoll {
  RollMatrix play;
  RollMatrix articulate;
  Index frames_per_bar = 4;
};

// `frames` frames over `keys` keys from a fixed pattern: key k sounds in frame t when
// (k + t) % 3 == 0 or k == t % keys, struck where it did not sound before, and every 4th frame
// re-struck.
TinyRoll tiny_roll(Index keys, Index frames, Index offset = 0) {
  TinyRoll roll{RollMatrix::Zero(keys, frames), RollMatrix::Zero(keys, frames), 4};
  for (Index t = 0; t < frames; ++t) {
    for (Index k = 0; k < keys; ++k) {
      const bool on = (k + t + offset) % 3 == 0 || k == (t + offset) % keys;
      roll.play(k, t) = on ? 1 : 0;
      const bool before = t > 0 && roll.play(k, t - 1) != 0;
      roll.articulate(k, t) = on && (!before || t % 4 == 0) ? 1 : 0;
    }
  }
  return roll;
}

BiaxialShape tiny_shape(Index keys, double dropout = 0.0) {
  return {.time_hidden_1 = 4, .time_hidden_2 = 3, .note_hidden_1 = 3, .note_hidden_2 = 2,
          .dropout = dropout, .lowest_pitch = 60, .keys = keys};
}

}  // namespace

TEST_CASE("biaxial model: every gradient of the whole model against central differences",
          "[biaxial]") {
  BasicBiaxialModel<double> model(tiny_shape(5), 3);
  // Two segments of 6 frames: one inside its piece, one running 2 frames past the end (padding).
  const TinyRoll a = tiny_roll(5, 9);
  const TinyRoll b = tiny_roll(5, 4, 1);
  const std::vector<BiaxialSegment<TinyRoll>> batch{{&a, 2}, {&b, 0}};
  const BiaxialNats nats = model.compute_gradients(batch, 6);
  CHECK(nats.frames == 10.0);
  CHECK(nats.play > 0.0);
  CHECK(nats.articulate > 0.0);
  std::vector<Matrix<double>> analytic;
  model.networks().for_each_parameter(
      [&](const Parameter<double>& p) { analytic.push_back(p.gradient); });
  std::size_t index = 0;
  std::size_t checked = 0;
  model.networks().for_each_parameter([&](Parameter<double>& p) {
    const Matrix<double> numeric = bachprop::detail::numeric_gradient(
        p.value, [&] { return model.loss(batch, 6).per_frame(); }, 1e-4);
    const auto comparison = bachprop::detail::compare_gradients(p.name, analytic[index], numeric);
    INFO("parameter " << index << " (" << p.name << "): " << comparison.relative_error
                       << ", norm " << comparison.analytic_norm);
    CHECK(comparison.relative_error < 1e-6);
    CHECK(comparison.analytic_norm > 1e-6);
    ++index;
    ++checked;
  });
  CHECK(checked == 14);  // weights, recurrent weights and biases of 4 LSTMs; the dense layer's 2
}

TEST_CASE("biaxial model: the probabilities of every possible frame sum to one", "[biaxial]") {
  // With 3 keys a frame is 3 play flags and, for the played keys, 3 strike flags: summing
  // exp(−nats) of the last frame over all 27 (play, strike ⊆ play) choices must give 1, exactly
  // because each key is conditioned only on the past and on the keys below it.
  BasicBiaxialModel<double> model(tiny_shape(3), 5);
  TinyRoll roll = tiny_roll(3, 4);
  double total = 0;
  int frames = 0;
  for (int play = 0; play < 8; ++play) {
    for (int strike = 0; strike < 8; ++strike) {
      if ((strike & ~play) != 0) {
        continue;
      }
      for (Index k = 0; k < 3; ++k) {
        roll.play(k, 3) = static_cast<std::uint8_t>((play >> k) & 1);
        roll.articulate(k, 3) = static_cast<std::uint8_t>((strike >> k) & 1);
      }
      total += std::exp(-model.piece_nats(roll, 3).per_frame());
      ++frames;
    }
  }
  CHECK(frames == 27);
  CHECK(total == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("biaxial model: a piece's nats add up over its frames", "[biaxial]") {
  BiaxialModel model(tiny_shape(5, 0.5), 2);
  const TinyRoll roll = tiny_roll(5, 12);
  const BiaxialNats all = model.piece_nats(roll, 0);
  const BiaxialNats after_first = model.piece_nats(roll, 1);
  CHECK(all.frames == 12.0);
  CHECK(after_first.frames == 11.0);
  CHECK(all.play > after_first.play);
  // Evaluation ignores dropout: the same figure twice, and the same as one segment's loss.
  CHECK(model.piece_nats(roll, 1).play == after_first.play);
  const std::vector<BiaxialSegment<TinyRoll>> whole{{&roll, 0}};
  CHECK(model.loss(whole, 12, 1).play == Approx(after_first.play).epsilon(1e-6));
  // A segment of frames 4..11 starts from a zero state: a different figure for those frames.
  const std::vector<BiaxialSegment<TinyRoll>> later{{&roll, 4}};
  CHECK(model.loss(later, 8).frames == 8.0);
}

TEST_CASE("biaxial model: training lowers the loss", "[biaxial]") {
  BiaxialShape shape = tiny_shape(6, 0.1);
  shape.time_hidden_1 = shape.time_hidden_2 = 16;
  shape.note_hidden_1 = 12;
  shape.note_hidden_2 = 8;
  BiaxialModel model(shape, 4);
  std::vector<TinyRoll> pieces;
  for (Index i = 0; i < 4; ++i) {
    pieces.push_back(tiny_roll(6, 16, i));
  }
  std::vector<BiaxialSegment<TinyRoll>> batch;
  for (const auto& piece : pieces) {
    batch.push_back({&piece, 0});
  }
  const double before = model.piece_nats(pieces[0]).per_frame();
  Adadelta<float> optimiser;
  model.set_training(true);
  for (int step = 0; step < 200; ++step) {
    model.compute_gradients(batch, 16);
    optimiser.step(model.networks());
  }
  model.set_training(false);
  const double after = model.piece_nats(pieces[0]).per_frame();
  INFO("nats per frame before " << before << ", after " << after);
  CHECK(after < before / 3);
}

TEST_CASE("biaxial model: drawing is seeded, strikes only played keys, and strikes new ones",
          "[biaxial]") {
  BiaxialModel model(tiny_shape(8), 6);
  const TinyRoll primer = tiny_roll(8, 5);
  auto draw_piece = [&](std::uint64_t seed) {
    Rng rng(seed);
    model.start_piece();
    for (Index t = 0; t < 5; ++t) {
      model.hear(primer, t, 4);
    }
    RollMatrix played(8, 20);
    RollMatrix struck(8, 20);
    for (Index t = 0; t < 20; ++t) {
      played.col(t) = model.draw(rng, 4, 1.0);
      struck.col(t) = model.last_articulated();
    }
    return std::pair{played, struck};
  };
  const auto [played, struck] = draw_piece(9);
  CHECK(draw_piece(9).first == played);
  CHECK(played.cast<int>().sum() > 0);
  for (Index t = 0; t < 20; ++t) {
    for (Index k = 0; k < 8; ++k) {
      CHECK(struck(k, t) <= played(k, t));
      const bool was_playing = t == 0 ? primer.play(k, 4) != 0 : played(k, t - 1) != 0;
      if (played(k, t) != 0 && !was_playing) {
        CHECK(struck(k, t) == 1);
      }
    }
  }
  Rng rng(1);
  CHECK_THROWS_AS(model.draw(rng, 4, 0.0), ArgumentError);
}

TEST_CASE("biaxial model: saved and loaded, the same likelihood; forged files refused",
          "[biaxial]") {
  BiaxialModel model(tiny_shape(6, 0.25), 8);
  const TinyRoll roll = tiny_roll(6, 10);
  const auto path = std::filesystem::temp_directory_path() / "bachprop_biaxial_test.json";
  model.save(path, {{"note", "test"}});
  BiaxialModel loaded = BiaxialModel::load(path);
  CHECK(loaded.shape().note_hidden_1 == 3);
  CHECK(loaded.shape().dropout == 0.25);
  CHECK(loaded.piece_nats(roll).play == model.piece_nats(roll).play);
  std::filesystem::remove(path);

  nlohmann::json document = model.to_json();
  document["metadata"]["time_hidden"] = {4, 1000000};
  CHECK_THROWS_AS(BiaxialModel::from_json(document, "forged"), FormatError);
  document = model.to_json();
  document["metadata"]["time_hidden"] = {4, 50};  // within the limit, but not what is stored
  CHECK_THROWS_AS(BiaxialModel::from_json(document, "forged"), FormatError);
  document = model.to_json();
  document["metadata"]["dropout"] = 1.5;
  CHECK_THROWS_AS(BiaxialModel::from_json(document, "forged"), FormatError);
  document = model.to_json();
  document["metadata"]["model"] = "piano_roll_rnn";
  CHECK_THROWS_AS(BiaxialModel::from_json(document, "forged"), FormatError);
  CHECK_THROWS_AS(BiaxialModel(BiaxialShape{.keys = 0}), ArgumentError);
  CHECK_THROWS_AS(BiaxialModel(BiaxialShape{.lowest_pitch = 100, .keys = 88}), ArgumentError);
}

TEST_CASE("biaxial model: a piece of the wrong size is refused", "[biaxial]") {
  BiaxialModel model(tiny_shape(6), 1);
  const TinyRoll roll = tiny_roll(5, 10);
  CHECK_THROWS_AS(model.piece_nats(roll), ArgumentError);
}
