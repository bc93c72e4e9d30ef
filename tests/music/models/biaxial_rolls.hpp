#pragma once
// What the biaxial training tests share (tests/music/models/test_biaxial_training.cpp and,
// across MPI processes, tests/mpi/test_biaxial_exchange.cpp): small piano rolls of broken chords
// and a small model's shape.

#include <bachprop/music/models/biaxial.hpp>

namespace biaxial_test {

using bachprop::Index;
using bachprop::music::BiaxialShape;
using bachprop::music::RollMatrix;

struct TrainingRoll {
  RollMatrix play;
  RollMatrix articulate;
  Index frames_per_bar = 4;
};

// A rising broken chord over 6 keys, shifted by `offset`: key (t + offset) % 6 and the key
// three above it sound in frame t, each struck as it starts.
inline TrainingRoll arpeggio(Index frames, Index offset) {
  TrainingRoll roll{RollMatrix::Zero(6, frames), RollMatrix::Zero(6, frames), 4};
  for (Index t = 0; t < frames; ++t) {
    const Index k = (t + offset) % 6;
    roll.play(k, t) = 1;
    roll.play((k + 3) % 6, t) = 1;
  }
  for (Index t = 0; t < frames; ++t) {
    for (Index k = 0; k < 6; ++k) {
      roll.articulate(k, t) = roll.play(k, t) != 0 && (t == 0 || roll.play(k, t - 1) == 0);
    }
  }
  return roll;
}

inline BiaxialShape small_shape() {
  return {.time_hidden_1 = 8, .time_hidden_2 = 8, .note_hidden_1 = 6, .note_hidden_2 = 4,
          .dropout = 0.2, .lowest_pitch = 60, .keys = 6};
}

}  // namespace biaxial_test
