#pragma once
/// @file
/// A piano roll that keeps held and re-struck notes apart, as the biaxial piano model reads
/// music: two keys × frames matrices, `play` (1 where a key sounds) and `articulate` (1 where it
/// is struck anew, a subset of play). A plain piano roll (music/encoding/piano_roll.hpp) joins a
/// repeated note into one long note; here it stays two notes, the second articulated at its
/// first frame. Made from a score or from the JSB chorales, turned back into notes, and checked.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/corpora/jsb.hpp>
#include <bachprop/music/score/score.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bachprop::music {

/// A matrix of bytes (keys × frames, 0 or 1 in a roll); core/types.hpp has only float ones.
using RollMatrix = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic>;

/// Keys × frames: which keys sound in each frame and which are struck anew there. Frame t is
/// the time [t·step, (t+1)·step) in quarter notes; row k is MIDI pitch lowest_pitch + k.
struct ArticulatedRoll {
  RollMatrix play{};        ///< keys × frames, 1 where the key sounds
  RollMatrix articulate{};  ///< keys × frames, 1 where the key is struck anew (⊆ play)
  int lowest_pitch = 21;    ///< MIDI pitch of row 0 (the 88 piano keys are 21..108)
  double step = 0.25;       ///< quarter notes per frame
  Index frames_per_bar = 16;  ///< frames in a bar, for a beat-within-bar feature
  std::string name{};         ///< where the roll comes from (a file, "jsb train 3")

  /// Number of keys (rows).
  Index keys() const { return play.rows(); }
  /// Number of frames (columns).
  Index frames() const { return play.cols(); }
  /// MIDI pitch of the last row.
  int highest_pitch() const { return lowest_pitch + static_cast<int>(keys()) - 1; }
};

/// How articulated_roll reads a score: the keys (inclusive range) and the grid.
struct ArticulatedRollOptions {
  int lowest_pitch = 21;    ///< MIDI pitch of row 0 (A0, the piano's lowest key)
  int highest_pitch = 108;  ///< MIDI pitch of the last row, inclusive (C8, the highest key)
  double step = 0.25;       ///< quarter notes per frame (0.25: a sixteenth)
  /// A roll longer than this is refused (ArgumentError) before anything is allocated: 10^7
  /// frames of 88 keys are 1.8 GB.
  Index max_frames = 10'000'000;
};

/// A score's roll and what did not fit in it: nothing is dropped silently.
struct ArticulatedRollResult {
  ArticulatedRoll roll{};        ///< the notes that fit
  std::size_t out_of_range = 0;  ///< notes dropped because their pitch is outside the keys
  std::size_t percussion = 0;    ///< notes dropped because their part is on channel 9 (drums)
};

namespace detail::articulated {

inline std::string label(const ArticulatedRoll& roll) {
  return roll.name.empty() ? "articulated roll" : "articulated roll '" + roll.name + "'";
}

/// Throws ArgumentError unless lowest..lowest + keys − 1 are MIDI pitches and keys ≥ 1.
inline void require_keys(int lowest, Index keys, const char* what) {
  if (lowest < 0 || lowest > 127 || keys < 1 || keys > 128 - lowest) {
    throw ArgumentError(std::string(what) + ": expected keys from a lowest pitch ≥ 0 to at most " +
                        "MIDI pitch 127, got " + std::to_string(keys) + " keys from pitch " +
                        std::to_string(lowest));
  }
}

/// Throws ArgumentError unless 0 < frames ≤ max_frames (a NaN or an infinity included).
inline void require_frames(double frames, Index max_frames, const std::string& what) {
  if (!(frames <= static_cast<double>(max_frames))) {
    const std::string count = frames < 1.0e15 ? std::to_string(std::llround(frames))
                                              : std::string("more than 10^15");
    throw ArgumentError(what + ": " + count + " frames, more than the limit of " +
                        std::to_string(max_frames) + " (a coarser step, or a damaged file?)");
  }
}

}  // namespace detail::articulated

/// Throws ArgumentError unless `roll` is well formed: play and articulate of the same size, every
/// cell 0 or 1, articulate only where play is 1, keys that are MIDI pitches (lowest_pitch ≥ 0,
/// lowest_pitch + keys ≤ 128), a finite positive step and frames_per_bar ≥ 1. The message names
/// the roll, the cell (key and frame) and what was expected.
inline void check_roll(const ArticulatedRoll& roll) {
  const std::string what = "check_roll: " + detail::articulated::label(roll);
  if (roll.articulate.rows() != roll.play.rows() || roll.articulate.cols() != roll.play.cols()) {
    throw ArgumentError(what + ": play is " + shape_string(roll.play) + " but articulate is " +
                        shape_string(roll.articulate) + ": expected the same size");
  }
  if (roll.keys() > 0) {
    detail::articulated::require_keys(roll.lowest_pitch, roll.keys(), what.c_str());
  }
  if (!(roll.step > 0.0) || !std::isfinite(roll.step) || roll.frames_per_bar < 1) {
    throw ArgumentError(what + ": expected a finite positive step and frames_per_bar ≥ 1, got " +
                        std::to_string(roll.step) + " and " +
                        std::to_string(roll.frames_per_bar));
  }
  // First without a branch per cell (a bit set where play or articulate is above 1, or where
  // articulate is 1 and play 0), then, only for a bad roll, the first bad cell.
  const std::uint8_t* play_cells = roll.play.data();
  const std::uint8_t* struck_cells = roll.articulate.data();
  unsigned bad = 0;
  for (Index i = 0; i < roll.play.size(); ++i) {
    const unsigned play = play_cells[i];
    const unsigned struck = struck_cells[i];
    bad |= ((play | struck) >> 1U) | (struck & ~play & 1U);
  }
  for (Index t = 0; bad != 0 && t < roll.frames(); ++t) {
    for (Index k = 0; k < roll.keys(); ++k) {
      const unsigned play = roll.play(k, t);
      const unsigned struck = roll.articulate(k, t);
      if (play > 1 || struck > 1 || struck > play) {
        throw ArgumentError(what + ": key " + std::to_string(k) + " (" +
                            pitch_name(roll.lowest_pitch + static_cast<int>(k)) + "), frame " +
                            std::to_string(t) + ": play " + std::to_string(play) +
                            ", articulate " + std::to_string(struck) +
                            ": expected 0 or 1, and articulate 1 only where play is 1");
      }
    }
  }
}

/// The roll of every note of `score` whose part is not on channel 9 (percussion), all parts
/// merged. A note covers frames round(start / step) to max(that + 1, round(end / step)) − 1 and
/// is articulated at its first frame; so a note of the same pitch that starts as another ends,
/// or while it sounds, is struck again there: two notes stay two. Notes outside the keys and
/// percussion notes are dropped and counted in the result. The roll spans every note of the
/// score (dropped ones too, so it keeps the score's length); frames_per_bar is round(bar length
/// / step), at least 1, from the score's time signature (3/4 at 0.25: 12; 6/8: 12); the name is
/// the score's title. Throws ArgumentError for options out of range (keys outside 0..127, a step
/// not finite and positive), a note with a negative start or a length that is not positive, or
/// a roll (or a bar) longer than options.max_frames.
inline ArticulatedRollResult articulated_roll(const Score& score,
                                              const ArticulatedRollOptions& options = {}) {
  using namespace detail::articulated;
  if (options.lowest_pitch < 0 || options.highest_pitch > 127 ||
      options.lowest_pitch > options.highest_pitch) {
    throw ArgumentError("articulated_roll: expected MIDI pitches 0 ≤ lowest ≤ highest ≤ 127, got " +
                        std::to_string(options.lowest_pitch) + " and " +
                        std::to_string(options.highest_pitch));
  }
  const Index keys = static_cast<Index>(options.highest_pitch) - options.lowest_pitch + 1;
  if (!(options.step > 0.0) || !std::isfinite(options.step) || options.max_frames < 1) {
    throw ArgumentError("articulated_roll: expected a finite positive step and max_frames ≥ 1, "
                        "got " + std::to_string(options.step) + " and " +
                        std::to_string(options.max_frames));
  }
  require_valid(score.time_signature);
  const double bar = score.time_signature.bar_quarters() / options.step;
  require_frames(bar, options.max_frames, "articulated_roll: a bar");
  double frames = 0.0;
  for (const auto& part : score.parts) {
    for (const auto& n : part.notes) {
      if (!(n.start >= 0.0) || !(n.duration > 0.0) || !std::isfinite(n.end())) {
        throw ArgumentError("articulated_roll: part '" + part.name + "': a note at " +
                            std::to_string(n.start) + " lasting " + std::to_string(n.duration) +
                            " quarter notes: expected a start ≥ 0 and a positive length");
      }
      const double first = std::round(n.start / options.step);
      frames = std::max({frames, first + 1.0, std::round(n.end() / options.step)});
      require_frames(frames, options.max_frames, "articulated_roll: part '" + part.name + "'");
    }
  }
  ArticulatedRollResult result;
  ArticulatedRoll& roll = result.roll;
  roll.lowest_pitch = options.lowest_pitch;
  roll.step = options.step;
  roll.frames_per_bar = std::max<Index>(1, static_cast<Index>(std::llround(bar)));
  roll.name = score.title;
  roll.play = RollMatrix::Zero(keys, static_cast<Index>(frames));
  roll.articulate = RollMatrix::Zero(keys, static_cast<Index>(frames));
  for (const auto& part : score.parts) {
    if (part.channel == 9) {
      result.percussion += part.notes.size();
      continue;
    }
    for (const auto& n : part.notes) {
      if (n.pitch < options.lowest_pitch || n.pitch > options.highest_pitch) {
        ++result.out_of_range;
        continue;
      }
      const auto first = static_cast<Index>(std::round(n.start / options.step));
      const auto last =
          std::max(first + 1, static_cast<Index>(std::round(n.end() / options.step)));
      const Index key = n.pitch - options.lowest_pitch;
      roll.articulate(key, first) = 1;
      roll.play.row(key).segment(first, last - first).setOnes();
    }
  }
  return result;
}

/// The roll of a JSB chorale (music/corpora/jsb.hpp) on its own grid: step 1 / steps_per_quarter,
/// one frame per grid step, keys lowest_pitch .. lowest_pitch + keys − 1. The data cannot tell a
/// held note from a repeated one (its PROVENANCE), so articulation is inferred:
/// - not separated (pitches as listed): a key is articulated where it sounds and did not sound
///   in the frame before;
/// - separated (every step [S, A, T, B], −1 for a silent voice): each voice articulates its key
///   where its pitch changes or where it sounds after silence (or at the first frame). Voices are
///   followed one by one, so a pitch passed between voices (the alto leaves E4 as the tenor
///   reaches it) is struck anew by the voice that arrives, and a unison holds while both voices
///   hold.
///
/// The data has no meter: frames_per_bar assumes 4/4 (4 quarters × steps_per_quarter). Throws
/// ArgumentError for steps_per_quarter outside 1..96, keys outside 0..127, a separated step that
/// is not four entries, a pitch outside the keys (naming the step) or more than 10^7 steps.
inline ArticulatedRoll articulated_roll(const JsbChorale& chorale, Index steps_per_quarter,
                                        bool separated, int lowest_pitch = 21, Index keys = 88) {
  using namespace detail::articulated;
  require_keys(lowest_pitch, keys, "articulated_roll (JSB)");
  if (steps_per_quarter < 1 || steps_per_quarter > 96) {
    throw ArgumentError("articulated_roll (JSB): steps per quarter must be 1..96, got " +
                        std::to_string(steps_per_quarter));
  }
  const auto frames = static_cast<Index>(chorale.steps.size());
  require_frames(static_cast<double>(frames), 10'000'000, "articulated_roll (JSB)");
  ArticulatedRoll roll;
  roll.lowest_pitch = lowest_pitch;
  roll.step = 1.0 / static_cast<double>(steps_per_quarter);
  roll.frames_per_bar = 4 * steps_per_quarter;
  roll.play = RollMatrix::Zero(keys, frames);
  roll.articulate = RollMatrix::Zero(keys, frames);
  for (Index t = 0; t < frames; ++t) {
    const auto& step = chorale.steps[static_cast<std::size_t>(t)];
    if (separated && step.size() != 4) {
      throw ArgumentError("articulated_roll (JSB): step " + std::to_string(t) + " has " +
                          std::to_string(step.size()) +
                          " entries: expected four [S, A, T, B] in a separated chorale");
    }
    for (std::size_t v = 0; v < step.size(); ++v) {
      const int pitch = step[v];
      if (pitch == -1) {
        continue;  // a silent voice
      }
      if (pitch < lowest_pitch || pitch - lowest_pitch >= keys) {
        throw ArgumentError("articulated_roll (JSB): step " + std::to_string(t) + ": pitch " +
                            std::to_string(pitch) + " is outside the keys " +
                            std::to_string(lowest_pitch) + ".." +
                            std::to_string(lowest_pitch + keys - 1));
      }
      const Index key = pitch - lowest_pitch;
      roll.play(key, t) = 1;
      if (separated &&
          (t == 0 || chorale.steps[static_cast<std::size_t>(t - 1)][v] != pitch)) {
        roll.articulate(key, t) = 1;
      }
    }
    if (!separated) {
      for (Index k = 0; k < keys; ++k) {
        roll.articulate(k, t) = roll.play(k, t) != 0 && (t == 0 || roll.play(k, t - 1) == 0);
      }
    }
  }
  return roll;
}

/// The rolls of every chorale of a split ("train", "valid" or "test") of `corpus`, on its grid
/// and layout (see the chorale's overload), named "jsb SPLIT INDEX" ("jsb train 3").
inline std::vector<ArticulatedRoll> articulated_rolls(const JsbCorpus& corpus,
                                                      std::string_view split,
                                                      int lowest_pitch = 21, Index keys = 88) {
  const auto& chorales = corpus.split(split);
  std::vector<ArticulatedRoll> rolls;
  rolls.reserve(chorales.size());
  for (std::size_t i = 0; i < chorales.size(); ++i) {
    rolls.push_back(articulated_roll(chorales[i], corpus.steps_per_quarter, corpus.separated,
                                     lowest_pitch, keys));
    rolls.back().name = "jsb " + std::string(split) + " " + std::to_string(i);
  }
  return rolls;
}

/// The notes of a roll, as one part: a note starts at an articulated cell, or at a played cell
/// whose key did not sound in the frame before, and goes on while the key sounds and is not
/// struck again. Notes are in note_order, at `velocity`. Throws ArgumentError when check_roll
/// does, or for a velocity outside 1..127.
inline Part part_of(const ArticulatedRoll& roll, std::string name = "piano", int velocity = 80) {
  check_roll(roll);
  if (velocity < 1 || velocity > 127) {
    throw ArgumentError("part_of: velocity " + std::to_string(velocity) + " is outside 1..127");
  }
  Part part;
  part.name = std::move(name);
  std::vector<std::uint8_t> sounds(static_cast<std::size_t>(roll.keys()), 0);  // keys ever played
  for (Index t = 0; t < roll.frames(); ++t) {
    const std::uint8_t* column = roll.play.data() + t * roll.keys();
    for (std::size_t k = 0; k < sounds.size(); ++k) {
      sounds[k] |= column[k];
    }
  }
  for (Index k = 0; k < roll.keys(); ++k) {
    for (Index t = 0; sounds[static_cast<std::size_t>(k)] != 0 && t < roll.frames(); ++t) {
      if (roll.play(k, t) == 0 || (roll.articulate(k, t) == 0 && t > 0 && roll.play(k, t - 1))) {
        continue;
      }
      Index end = t + 1;
      while (end < roll.frames() && roll.play(k, end) != 0 && roll.articulate(k, end) == 0) {
        ++end;
      }
      part.notes.push_back({roll.lowest_pitch + static_cast<int>(k),
                            static_cast<double>(t) * roll.step,
                            static_cast<double>(end - t) * roll.step, velocity});
    }
  }
  part.sort();
  return part;
}

/// A roll as a score: one piano part (part_of), titled with the roll's name, with the time
/// signature of its bar (frames_per_bar · step quarter notes) over 4, 8 or 16, the first that is
/// whole (so 6/8 comes back as 3/4); 4/4 when none is. Throws ArgumentError as part_of does.
inline Score score_of(const ArticulatedRoll& roll, int velocity = 80) {
  Score score;
  score.title = roll.name;
  score.parts.push_back(part_of(roll, "piano", velocity));
  const double quarters = static_cast<double>(roll.frames_per_bar) * roll.step;
  for (const int denominator : {4, 8, 16}) {
    const double numerator = quarters * denominator / 4.0;
    if (numerator >= 1.0 && numerator <= 255.0 && numerator == std::floor(numerator)) {
      score.time_signature = {static_cast<int>(numerator), denominator};
      break;
    }
  }
  return score;
}

}  // namespace bachprop::music
