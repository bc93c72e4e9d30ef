#pragma once
/// @file
/// Music from the biaxial model: it hears a primer frame by frame (or nothing), then draws each
/// new frame key by key and feeds it back as the next frame's past, as the model was trained to
/// continue. The result is a piano roll that keeps held and struck notes apart, ready to become
/// a score (music/encoding/articulated_roll.hpp's score_of).

#include <bachprop/core/random.hpp>
#include <bachprop/music/encoding/articulated_roll.hpp>
#include <bachprop/music/models/biaxial.hpp>

#include <string>

namespace bachprop::music {

/// `frames` frames drawn by `model` after it has heard all of `primer` (which may have no
/// frames: then the model starts from silence), at `temperature` (1: the model's own
/// probabilities; lower: surer, higher: freer), with the draws from `rng`. The new frames only,
/// on the primer's grid and bar (frames_per_bar) and the model's keys. Throws ArgumentError for
/// a primer on other keys.
template <Scalar S>
ArticulatedRoll generate_biaxial(BasicBiaxialModel<S>& model, const ArticulatedRoll& primer,
                                 Index frames, Rng& rng, double temperature = 1.0) {
  const BiaxialShape& shape = model.shape();
  if (primer.frames() > 0 &&
      (primer.keys() != shape.keys || primer.lowest_pitch != shape.lowest_pitch)) {
    throw ArgumentError("generate_biaxial: the primer's keys (" + std::to_string(primer.keys()) +
                        " from MIDI " + std::to_string(primer.lowest_pitch) +
                        ") are not the model's (" + std::to_string(shape.keys) + " from MIDI " +
                        std::to_string(shape.lowest_pitch) + ")");
  }
  if (frames < 0 || primer.frames_per_bar < 1) {
    throw ArgumentError("generate_biaxial: expected a number of frames ≥ 0 and a bar length ≥ 1");
  }
  model.set_training(false);
  model.start_piece();
  for (Index t = 0; t < primer.frames(); ++t) {
    model.hear(primer, t, primer.frames_per_bar);
  }
  ArticulatedRoll piece;
  piece.lowest_pitch = shape.lowest_pitch;
  piece.step = primer.step;
  piece.frames_per_bar = primer.frames_per_bar;
  piece.name = "biaxial model";
  piece.play = RollMatrix::Zero(shape.keys, frames);
  piece.articulate = RollMatrix::Zero(shape.keys, frames);
  for (Index t = 0; t < frames; ++t) {
    piece.play.col(t) = model.draw(rng, primer.frames_per_bar, temperature);
    piece.articulate.col(t) = model.last_articulated();
  }
  return piece;
}

}  // namespace bachprop::music
