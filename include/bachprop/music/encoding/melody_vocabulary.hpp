#pragma once
/// @file
/// The vocabulary of a next-note model: a pitch range and a list of durations, which turn the notes
/// of a NoteSequence into one-hot columns (pitch block stacked on duration block) and back.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/score/note_sequence.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace bachprop::music {

/// The pitch range and the durations a model knows: note ↔ (pitch index, duration index).
struct MelodyVocabulary {
  int lowest_pitch = 60;   ///< MIDI pitch of index 0
  int highest_pitch = 81;  ///< highest MIDI pitch, inclusive
  std::vector<double> durations{0.5, 1.0, 2.0};  ///< quarter lengths, ascending

  /// Number of pitches: highest − lowest + 1.
  Index pitch_count() const { return highest_pitch - lowest_pitch + 1; }
  /// Number of durations.
  Index duration_count() const { return static_cast<Index>(durations.size()); }
  /// Rows of a note's one-hot column: the pitches, then the durations.
  Index size() const { return pitch_count() + duration_count(); }
  /// Two vocabularies are equal when they read and write the same notes at the same rows.
  bool operator==(const MelodyVocabulary&) const = default;

  /// True when `pitch` is in lowest..highest.
  bool has_pitch(int pitch) const { return pitch >= lowest_pitch && pitch <= highest_pitch; }

  /// Throws ArgumentError naming `who`, the melody and the pitch unless every pitch of every
  /// melody is in the vocabulary.
  void require_pitches(const std::vector<NoteSequence>& melodies, const char* who) const {
    for (std::size_t m = 0; m < melodies.size(); ++m) {
      for (const int p : melodies[m].pitches) {
        if (!has_pitch(p)) {
          throw ArgumentError(std::string(who) + ": melody " + std::to_string(m) + " has pitch " +
                              std::to_string(p) + ", outside the model's range " +
                              std::to_string(lowest_pitch) + ".." + std::to_string(highest_pitch));
        }
      }
    }
  }

  /// Row of `pitch`; throws ArgumentError outside the range.
  Index pitch_index(int pitch) const {
    if (!has_pitch(pitch)) {
      throw ArgumentError("pitch " + std::to_string(pitch) + " is outside the model's range " +
                          std::to_string(lowest_pitch) + ".." + std::to_string(highest_pitch));
    }
    return pitch - lowest_pitch;
  }
  /// The pitch of index `index` (0..pitch_count()−1; not checked).
  int pitch_at(Index index) const { return lowest_pitch + static_cast<int>(index); }

  /// Index of the duration nearest to `quarters` (ties to the shorter; durations between
  /// known ones are rounded, which for chorales means the rare odd values).
  Index duration_index(double quarters) const {
    Index best = 0;
    for (Index i = 1; i < duration_count(); ++i) {
      if (std::abs(durations[static_cast<std::size_t>(i)] - quarters) <
          std::abs(durations[static_cast<std::size_t>(best)] - quarters)) {
        best = i;
      }
    }
    return best;
  }
  /// The duration (quarter notes) of index `index`; std::out_of_range outside.
  double duration_at(Index index) const { return durations.at(static_cast<std::size_t>(index)); }

  /// Writes note `i` of `notes` as a one-hot column (pitch row and duration row set).
  template <class Column>
  void encode(const NoteSequence& notes, std::size_t i, Column&& column) const {
    column.setZero();
    column(pitch_index(notes.pitches[i])) = 1;
    column(pitch_count() + duration_index(notes.durations[i])) = 1;
  }

  /// The vocabulary as JSON, the document from_json reads (saved in a model's metadata).
  nlohmann::json to_json() const {
    return {{"lowest_pitch", lowest_pitch},
            {"highest_pitch", highest_pitch},
            {"durations", durations}};
  }

  /// Reads what to_json wrote; `source` names the document in errors.
  static MelodyVocabulary from_json(const nlohmann::json& j, const std::string& source) {
    MelodyVocabulary v;
    try {
      // A pitch must be a whole number 0..127 before it is converted: get<int>() of 1.8e21 is
      // undefined behaviour, and of 4294967356 wraps to 60.
      auto pitch = [&](const char* key) {
        const auto& stored = j.at(key);
        if (!stored.is_number_integer() || stored < 0 || stored > 127) {
          throw FormatError(source + ": the melody vocabulary's " + key +
                            " should be a MIDI pitch 0..127");
        }
        return stored.get<int>();
      };
      v.lowest_pitch = pitch("lowest_pitch");
      v.highest_pitch = pitch("highest_pitch");
      v.durations = j.at("durations").get<std::vector<double>>();
    } catch (const nlohmann::json::exception& error) {
      throw FormatError(source + ": the melody vocabulary is incomplete or malformed (" +
                        error.what() + ")");
    }
    if (v.lowest_pitch < 0 || v.highest_pitch > 127 || v.lowest_pitch > v.highest_pitch ||
        v.durations.empty() || !std::is_sorted(v.durations.begin(), v.durations.end()) ||
        v.durations.front() <= 0) {
      throw FormatError(source + ": the melody vocabulary needs 0 ≤ lowest ≤ highest ≤ 127 "
                        "pitches and positive durations in ascending order");
    }
    return v;
  }

  /// The vocabulary of a corpus: its pitch range widened by `margin` semitones each way (room
  /// for transposition), and every duration that occurs at least `min_count` times.
  static MelodyVocabulary fit(const std::vector<NoteSequence>& corpus, int margin,
                              std::size_t min_count = 1) {
    int low = 127;
    int high = 0;
    std::map<double, std::size_t> counts;
    for (const auto& notes : corpus) {
      for (std::size_t i = 0; i < notes.size(); ++i) {
        low = std::min(low, notes.pitches[i]);
        high = std::max(high, notes.pitches[i]);
        ++counts[notes.durations[i]];
      }
    }
    if (counts.empty()) {
      throw ArgumentError("MelodyVocabulary::fit: the corpus has no notes");
    }
    MelodyVocabulary v;
    v.lowest_pitch = std::max(0, low - margin);
    v.highest_pitch = std::min(127, high + margin);
    v.durations.clear();
    for (const auto& [duration, count] : counts) {
      if (count >= min_count) {
        v.durations.push_back(duration);
      }
    }
    if (v.durations.empty()) {
      v.durations.push_back(counts.rbegin()->first);
    }
    return v;
  }
};

}  // namespace bachprop::music
