#pragma once
// Synthetic chorales whose lower voices are a rule of the soprano, and small harmoniser settings
// that learn them in seconds: shared by the tests of music/models/minibach.hpp, harmony_rnn.hpp,
// harmony_training.hpp and the harmonisers' model files.

#include <bachprop/core/random.hpp>
#include <bachprop/music/models.hpp>
#include <bachprop/music/theory/scale.hpp>

#include <vector>

namespace harmony_test {

using namespace bachprop;
using namespace bachprop::music;

// A C-major chorale of `steps` 16ths: the soprano moves by step in C5..C6 (notes of 2 or 4
// steps, a rest now and then), the alto a diatonic third below, the tenor an octave below, and
// the bass two octaves below the soprano `bass_ahead` steps later (anticipating the tune).
inline FourVoiceGrid synthetic_chorale(Rng& rng, Index steps, Index bass_ahead = 0) {
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

inline std::vector<FourVoiceGrid> corpus(std::uint64_t seed, std::size_t count, Index steps,
                                  Index bass_ahead = 0) {
  Rng rng(seed);
  std::vector<FourVoiceGrid> grids;
  for (std::size_t i = 0; i < count; ++i) {
    grids.push_back(synthetic_chorale(rng, steps, bass_ahead));
  }
  return grids;
}

inline HarmonyTrainingOptions quick_training(Index epochs, double learning_rate) {
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

inline MiniBachSettings small_minibach() {
  MiniBachSettings s;
  s.window = 16;
  s.hidden = 48;
  s.stride = 4;
  s.overrun = 8;
  s.training = quick_training(20, 3e-3);
  return s;
}

inline HarmonyRnnSettings small_rnn(Index lookahead) {
  HarmonyRnnSettings s;
  s.hidden = 32;
  s.lookahead = lookahead;
  s.steps = 16;
  s.stride = 8;
  s.training = quick_training(12, 1e-2);
  return s;
}

}  // namespace harmony_test
