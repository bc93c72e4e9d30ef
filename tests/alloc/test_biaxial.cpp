// Tests of bachprop/music/models/biaxial.hpp in a steady loop, training and generating.
//
// The biaxial model of the bach_biaxial program (its default shape: time-axis LSTMs 96 and 96,
// note-axis LSTMs 64 and 32, dropout 0.5, 88 keys), trained as that program trains it (one
// window of 64 frames per Adadelta step, gradients clipped at norm 5), and its generation step
// (draw: one time-axis step for the 88 keys, then 88 note-axis steps) allocate nothing once
// their buffers have their shape. At this size the weight gradients are products whose left
// factor is larger than the product kernel's cache budget (core/product.hpp).

#include "allocation_counter.hpp"

#include <bachprop/music/encoding/articulated_roll.hpp>
#include <bachprop/music/models/biaxial.hpp>
#include <bachprop/music/models/biaxial_training.hpp>
#include <bachprop/optim/adadelta.hpp>
#include <bachprop/optim/clip.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;
using alloc_test::AllocationCounter;

namespace {

// A piano roll of four voices walking by steps of at most two semitones around E2, E3, C4 and
// G4, each note held 1, 2 or 4 frames and struck anew, now and then a rest.
ArticulatedRoll four_voice_roll(Index frames, std::uint64_t seed) {
  ArticulatedRoll roll;
  roll.frames_per_bar = 16;
  roll.play = RollMatrix::Zero(88, frames);
  roll.articulate = RollMatrix::Zero(88, frames);
  Rng rng(seed);
  const std::array<int, 4> centre{40, 52, 60, 67};
  for (std::size_t v = 0; v < centre.size(); ++v) {
    int pitch = centre[v];
    for (Index t = 0; t < frames;) {
      pitch = std::clamp(pitch + static_cast<int>(rng.below(5)) - 2, centre[v] - 7, centre[v] + 7);
      const Index length = Index{1} << rng.below(3);
      const bool rest = rng.below(10) == 0;
      for (Index i = 0; i < length && t + i < frames; ++i) {
        if (!rest) {
          roll.play(pitch - roll.lowest_pitch, t + i) = 1;
          roll.articulate(pitch - roll.lowest_pitch, t + i) |= i == 0 ? 1 : 0;
        }
      }
      t += length;
    }
  }
  return roll;
}

}  // namespace

TEST_CASE("the biaxial model's training step allocates nothing after the first",
          "[alloc][biaxial]") {
  BiaxialModel model;  // the program's default shape
  const std::vector<ArticulatedRoll> pieces{four_voice_roll(150, 1), four_voice_roll(90, 2)};
  const BiaxialTrainingSettings settings{.batch_size = 1};
  const auto windows = biaxial_windows(pieces, settings);
  REQUIRE(windows.size() >= 4);
  std::vector<BiaxialSegment<ArticulatedRoll>> batch(1);
  Adadelta<float> optimiser(AdadeltaOptions{.learning_rate = settings.learning_rate});
  model.set_training(true);
  double nats = 0;
  auto step = [&](std::size_t window) {
    batch[0] = windows[window % windows.size()];
    nats += model.compute_gradients(batch, settings.segment_frames).per_frame();
    clip_gradient_norm(model.networks(), settings.clip_norm);
    optimiser.step(model.networks());
  };
  step(0);  // sizes every buffer
  const Matrix<float> before = model.networks().network<1>().layer<4>().weights().value;
  AllocationCounter counter;
  for (std::size_t s = 1; s <= 3; ++s) {  // a window inside a piece and one padded past its end
    step(s);
  }
  counter.stop();
  INFO("steady training steps made " << counter.describe());
  CHECK(counter.count() == 0);
  CHECK(std::isfinite(nats));
  CHECK(model.networks().network<1>().layer<4>().weights().value != before);
}

TEST_CASE("the biaxial model's generation step (draw) allocates nothing after the first",
          "[alloc][biaxial]") {
  BiaxialModel model;
  model.set_training(false);
  const ArticulatedRoll primer = four_voice_roll(4, 3);
  model.start_piece();
  for (Index t = 0; t < primer.frames(); ++t) {
    model.hear(primer, t, primer.frames_per_bar);
  }
  Rng rng(5);
  model.draw(rng, primer.frames_per_bar);  // sizes the note axis's step buffers
  Index played = 0;
  AllocationCounter counter;
  for (int frame = 0; frame < 8; ++frame) {
    played += model.draw(rng, primer.frames_per_bar).cast<Index>().sum();
  }
  counter.stop();
  INFO("steady generation steps made " << counter.describe());
  CHECK(counter.count() == 0);
  CHECK(played > 0);
}
