#pragma once
// bach_biaxial's comparisons: the piano-roll RNN of lesson 10 trained on the same pieces (its
// test NLL, the figure the biaxial model must beat), and 20 pieces drawn from nothing by each
// model, measured as the held-out pieces are (keys per frame, pitch classes, notes in the key,
// note length, range); and how long one generated frame takes.

#include "corpus.hpp"

#include <bachprop/music/evaluate/roll_statistics.hpp>
#include <bachprop/music/models/biaxial_generation.hpp>
#include <bachprop/music/models/piano_roll_rnn.hpp>

#include <algorithm>
#include <chrono>
#include <vector>

namespace bach_biaxial {

/// Pieces drawn from nothing, per model, and their statistics beside the held-out pieces'.
struct Comparison {
  double piano_roll_rnn_nll = 0;     // its test NLL per frame (play), trained here
  RollStatistics held_out;           // the test pieces
  RollStatistics biaxial;            // the biaxial model's pieces
  RollStatistics piano_roll_rnn;     // the piano-roll RNN's pieces
  Index pieces = 0;                  // drawn per model
  Index frames = 0;                  // frames per drawn piece
};

/// A roll's frames as the piano-roll RNN reads them: the sounding pitches of each frame.
inline PianoRollFrames frames_of(const ArticulatedRoll& roll) {
  PianoRollFrames frames(static_cast<std::size_t>(roll.frames()));
  for (Index t = 0; t < roll.frames(); ++t) {
    for (Index k = 0; k < roll.keys(); ++k) {
      if (roll.play(k, t) != 0) {
        frames[static_cast<std::size_t>(t)].push_back(roll.lowest_pitch + static_cast<int>(k));
      }
    }
  }
  return frames;
}

/// The piano-roll RNN's pieces as rolls: it cannot strike a sounding key again, so a key is
/// struck where it starts to sound.
inline ArticulatedRoll roll_of(const Matrix<float>& played, const ArticulatedRoll& like) {
  ArticulatedRoll roll = like;
  roll.name = "piano-roll RNN";
  roll.play = (played.array() > 0.5F).cast<std::uint8_t>();
  roll.articulate = roll.play;
  for (Index t = 1; t < roll.frames(); ++t) {
    for (Index k = 0; k < roll.keys(); ++k) {
      roll.articulate(k, t) = roll.play(k, t) != 0 && roll.play(k, t - 1) == 0 ? 1 : 0;
    }
  }
  return roll;
}

/// Seconds the biaxial model takes to draw one frame of all its keys (the mean of 64, after
/// 8 to warm up) on the grid and bar of `like`, for the real-time check: a sixteenth at 120
/// beats a minute lasts 0.125 s.
inline double generation_step_seconds(BiaxialModel& model, const ArticulatedRoll& like) {
  Rng rng(7);
  const ArticulatedRoll silence = opening(like, 0);
  generate_biaxial(model, silence, 8, rng);
  const auto start = std::chrono::steady_clock::now();
  generate_biaxial(model, silence, 64, rng);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / 64.0;
}

/// Trains the piano-roll RNN on the same pieces (`epochs` at most), and draws `pieces` pieces
/// of `frames` frames from nothing with both models.
template <class Options>
Comparison compare_with_piano_roll_rnn(BiaxialModel& biaxial, const Corpus& corpus,
                                       const Options& o, Rng& rng) {
  Comparison c;
  c.pieces = o.pieces;
  c.frames = o.frames;
  const ArticulatedRoll& like = corpus.test.front();
  std::vector<PianoRollFrames> train, valid, test;
  for (const auto& roll : corpus.train) {
    train.push_back(frames_of(roll));
  }
  for (const auto& roll : corpus.valid) {
    valid.push_back(frames_of(roll));
  }
  for (const auto& roll : corpus.test) {
    test.push_back(frames_of(roll));
  }
  PianoRollRnn rnn(o.quick ? 16 : 128, like.lowest_pitch, like.keys(), o.seed);
  PianoRollRnnSettings settings;
  settings.epochs = o.quick ? 1 : 30;
  settings.seed = o.seed;
  // Its windows are 32 frames and a frame to predict; a folder of shorter pieces gets shorter
  // windows (a folder whose longest piece has one frame is refused by its train()).
  std::size_t longest = 0;
  for (const auto& piece : train) {
    longest = std::max(longest, piece.size());
  }
  settings.steps = std::clamp<Index>(static_cast<Index>(longest) - 1, 1, settings.steps);
  rnn.train(train, settings, valid);
  c.piano_roll_rnn_nll = rnn.nll_per_frame(test);

  const ArticulatedRoll silence = opening(like, 0);
  std::vector<ArticulatedRoll> drawn_biaxial, drawn_rnn;
  for (Index i = 0; i < o.pieces; ++i) {
    drawn_biaxial.push_back(generate_biaxial(biaxial, silence, o.frames, rng, o.temperature));
    Matrix<float> played = Matrix<float>::Zero(like.keys(), o.frames);
    rnn.reset();
    const Matrix<float>* p = &rnn.feed({});
    for (Index t = 0; t < o.frames; ++t) {
      std::vector<int> frame;
      for (Index k = 0; k < like.keys(); ++k) {
        if (rng.uniform() < static_cast<double>((*p)(k, 0))) {
          played(k, t) = 1.0F;
          frame.push_back(like.lowest_pitch + static_cast<int>(k));
        }
      }
      p = &rnn.feed(frame);
    }
    drawn_rnn.push_back(roll_of(played, like));
  }
  c.held_out = roll_statistics(corpus.test);
  c.biaxial = roll_statistics(drawn_biaxial);
  c.piano_roll_rnn = roll_statistics(drawn_rnn);
  return c;
}

}  // namespace bach_biaxial
