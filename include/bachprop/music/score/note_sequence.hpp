#pragma once
/// @file
/// Melodies as next-note models see them: a sequence of notes, each a pitch and a duration.
///
/// Rests are folded into the note before them: a note's duration here is the time from its
/// onset to the next onset (the inter-onset interval), so "C4 quarter, rest eighth" becomes
/// "C4 dotted quarter". Chorale melodies have very few rests (Bach's sopranos breathe at the
/// fermatas), and pitch models in the literature predict the next *note*, so this keeps every
/// onset and loses only where the silence falls.

#include <bachprop/core/error.hpp>
#include <bachprop/music/score/melody.hpp>
#include <bachprop/music/score/score.hpp>
#include <bachprop/music/theory/key.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace bachprop::music {

/// Notes one after another: pitches[i] lasts durations[i] quarter notes until the next onset.
struct NoteSequence {
  std::vector<int> pitches;       ///< MIDI pitches, one per note
  std::vector<double> durations;  ///< quarter notes from each onset to the next, as many

  /// Number of notes.
  std::size_t size() const { return pitches.size(); }
  /// True without notes.
  bool empty() const { return pitches.empty(); }
  /// Equal when every pitch and duration is.
  friend bool operator==(const NoteSequence&, const NoteSequence&) = default;
};

/// The notes of a melody, each rest added to the duration of the note before it (a leading
/// rest is dropped: nothing sounds before the first onset).
inline NoteSequence notes_of(const Melody& melody) {
  NoteSequence notes;
  for (const auto& event : melody) {
    if (event.is_rest()) {
      if (!notes.empty()) {
        notes.durations.back() += event.duration;
      }
      continue;
    }
    notes.pitches.push_back(event.pitch);
    notes.durations.push_back(event.duration);
  }
  return notes;
}

/// The notes as a melody (no rests).
inline Melody melody_of(const NoteSequence& notes) {
  Melody melody;
  for (std::size_t i = 0; i < notes.size(); ++i) {
    melody.push_back({notes.pitches[i], notes.durations[i]});
  }
  return melody;
}

/// The same notes `semitones` higher (lower if negative).
inline NoteSequence transposed(const NoteSequence& notes, int semitones) {
  NoteSequence out = notes;
  for (int& p : out.pitches) {
    p += semitones;
  }
  return out;
}

/// A primer and its continuation as a two-part score for choir voices at `tempo_bpm` quarter
/// notes a minute, in `key` and `meter`: the primer (part `primer_name`) from the start, then
/// the continuation (as the programs that continue a melody write it).
inline Score continuation_score(std::string title, const NoteSequence& primer,
                                const std::string& primer_name, const NoteSequence& continuation,
                                const std::string& continuation_name, const Key& key,
                                double tempo_bpm = 80, TimeSignature meter = {}) {
  constexpr int choir_aahs = 52;
  Score score;
  score.title = std::move(title);
  score.tempo_bpm = tempo_bpm;
  score.time_signature = meter;
  score.key_signature = signature_of(key);
  score.parts.push_back(melody_to_part(melody_of(primer), primer_name, choir_aahs, 0, 0.0));
  score.parts.push_back(melody_to_part(melody_of(continuation), continuation_name, choir_aahs, 1,
                                       melody_length(melody_of(primer))));
  return score;
}

}  // namespace bachprop::music
