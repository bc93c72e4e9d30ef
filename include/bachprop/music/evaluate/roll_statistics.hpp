#pragma once
/// @file
/// Numbers beside "it sounds like Bach" for polyphony: statistics of a set of piano rolls that
/// keep held and struck notes apart (play and articulate flags, keys × frames) — how many keys
/// sound at once, the pitch-class histogram relative to each piece's key, the share of notes in
/// that key, the mean note length and the range — so that generated pieces can be set beside
/// held-out ones (with histogram_distance from style_statistics.hpp).
///
/// A note starts at a struck cell, or at a sounding cell whose key was silent the frame before,
/// and lasts while its key sounds and is not struck again (part_of, music/encoding/).

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/encoding/articulated_roll.hpp>
#include <bachprop/music/evaluate/style_statistics.hpp>
#include <bachprop/music/theory/key.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace bachprop::music {

/// What a set of piano rolls looks like.
struct RollStatistics {
  std::size_t pieces = 0;         ///< pieces measured (those with at least one note)
  std::size_t notes = 0;          ///< notes in all of them
  double keys_per_frame = 0;      ///< mean number of keys sounding in a frame
  std::array<double, 12> pitch_classes{};  ///< share of notes per pitch class relative to each
                                           ///< piece's tonic (0 = the tonic), summing to 1
  double in_key = 0;              ///< share of notes in the piece's key (harmonic minor)
  double mean_note_length = 0;    ///< in quarter notes
  double mean_range = 0;          ///< mean over pieces of highest − lowest pitch, in semitones

  /// The statistics as JSON.
  nlohmann::json to_json() const {
    return {{"pieces", pieces},
            {"notes", notes},
            {"keys_per_frame", keys_per_frame},
            {"pitch_classes", pitch_classes},
            {"in_key", in_key},
            {"mean_note_length_quarters", mean_note_length},
            {"mean_range_semitones", mean_range}};
  }
};

/// The statistics of `rolls`, their notes read as part_of reads them (lengths from each roll's
/// step). Each piece's key is estimated from its notes weighted by their lengths (Krumhansl's
/// profiles, theory/key.hpp). Throws ArgumentError for a roll check_roll refuses or a step that
/// is not positive.
inline RollStatistics roll_statistics(const std::vector<ArticulatedRoll>& rolls) {
  RollStatistics s;
  double frames = 0;
  double sounding = 0;
  double in_key = 0;
  double lengths = 0;
  for (const ArticulatedRoll& roll : rolls) {
    if (!(roll.step > 0.0)) {
      throw ArgumentError("roll_statistics: frames must last a positive number of quarter notes");
    }
    const Part part = part_of(roll);
    frames += static_cast<double>(roll.frames());
    sounding += roll.play.template cast<double>().sum();
    if (part.notes.empty()) {
      continue;
    }
    std::vector<int> pitches;
    std::vector<double> durations;
    for (const Note& note : part.notes) {
      pitches.push_back(note.pitch);
      durations.push_back(note.duration);
    }
    const Key key = estimate_key(pitch_class_histogram(pitches, durations)).key;
    ++s.pieces;
    for (const Note& note : part.notes) {
      s.pitch_classes[static_cast<std::size_t>(pitch_class(note.pitch - key.tonic))] += 1;
      in_key += in_scale(note.pitch, key, true) ? 1 : 0;
      lengths += note.duration;
      ++s.notes;
    }
    const auto [low, high] = std::minmax_element(pitches.begin(), pitches.end());
    s.mean_range += *high - *low;
  }
  if (frames > 0) {
    s.keys_per_frame = sounding / frames;
  }
  if (s.notes > 0) {
    for (double& share : s.pitch_classes) {
      share /= static_cast<double>(s.notes);
    }
    s.in_key = in_key / static_cast<double>(s.notes);
    s.mean_note_length = lengths / static_cast<double>(s.notes);
    s.mean_range /= static_cast<double>(s.pieces);
  }
  return s;
}

}  // namespace bachprop::music
