#pragma once
/// @file
/// Continuing a melody with a MelodyRnn: the model hears the primer, then each next note is
/// drawn from its prediction (temperature, top-k, nucleus, and musical constraints from
/// music/generate/sampling.hpp) and fed back in, as section 7.2 of the derivation paper describes.
/// Same seed, same continuation.

#include <bachprop/core/random.hpp>
#include <bachprop/music/theory/key.hpp>
#include <bachprop/music/models/melody_rnn.hpp>
#include <bachprop/music/generate/sampling.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace bachprop::music {

/// How a continuation is drawn.
struct ContinuationSettings {
  std::size_t notes = 32;         ///< notes to add after the primer
  SamplingOptions pitch_sampling; ///< temperature, top-k, top-p for the pitch
  SamplingOptions duration_sampling;  ///< temperature, top-k, top-p for the duration
  /// Constraints on the pitch (key, range, repeats). With `stay_in_primer_key`, the key is
  /// estimated from the primer and overrides `constraints.key`.
  MelodyConstraints constraints;
  bool stay_in_primer_key = true;  ///< keep to the key the primer suggests
  std::uint64_t seed = 1;          ///< the same seed and primer give the same continuation
};

/// The key a melody suggests (Krumhansl-Schmuckler on its duration-weighted pitch classes).
inline Key melody_key(const NoteSequence& melody) {
  return estimate_key(pitch_class_histogram(melody.pitches, melody.durations)).key;
}

/// The octave shift that brings every pitch of `notes` into the model's range (0 if none
/// needed; else the nearest of ±12, ±24, ±36, upwards first); throws ArgumentError when no
/// shift by whole octaves fits, or `notes` is empty.
inline int octave_shift_into(const NoteSequence& notes, const MelodyVocabulary& vocabulary) {
  if (notes.empty()) {
    throw ArgumentError("octave_shift_into: the melody has no notes");
  }
  const auto [low, high] = std::minmax_element(notes.pitches.begin(), notes.pitches.end());
  for (int shift : {0, 12, -12, 24, -24, 36, -36}) {
    if (vocabulary.has_pitch(*low + shift) && vocabulary.has_pitch(*high + shift)) {
      return shift;
    }
  }
  throw ArgumentError("the primer spans " + pitch_name(*low) + ".." + pitch_name(*high) +
                      ", wider than the model's range " + pitch_name(vocabulary.lowest_pitch) +
                      ".." + pitch_name(vocabulary.highest_pitch));
}

/// The notes that follow `primer` (not including it). Throws ArgumentError when the primer is
/// empty or has a pitch outside the model's vocabulary, or when the constraints forbid every
/// pitch.
template <class Cell>
NoteSequence continue_melody(MelodyModel<Cell>& model, const NoteSequence& primer,
                             const ContinuationSettings& settings) {
  using S = typename MelodyModel<Cell>::S;
  if (primer.empty()) {
    throw ArgumentError("continue_melody: the primer has no notes");
  }
  const MelodyVocabulary& vocabulary = model.vocabulary();
  const auto pitches = static_cast<std::size_t>(vocabulary.pitch_count());
  const auto durations = static_cast<std::size_t>(vocabulary.duration_count());
  MelodyConstraints constraints = settings.constraints;
  if (settings.stay_in_primer_key) {
    constraints.key = melody_key(primer);
  }
  constraints.allow_rest = false;  // the model's notes have no rests (see note_sequence.hpp)

  std::vector<int> option_pitches(pitches);
  for (std::size_t i = 0; i < pitches; ++i) {
    option_pitches[i] = vocabulary.pitch_at(static_cast<Index>(i));
  }
  std::vector<int> history(primer.pitches);
  history.reserve(primer.size() + settings.notes);
  std::vector<std::uint8_t> mask(pitches);
  Rng rng(settings.seed);
  Sampler sampler(pitches);
  NoteSequence continuation;
  continuation.pitches.reserve(settings.notes);
  continuation.durations.reserve(settings.notes);

  model.reset();
  const Matrix<S>* prediction = nullptr;
  for (std::size_t i = 0; i < primer.size(); ++i) {
    prediction = &model.feed(primer.pitches[i], primer.durations[i]);
  }
  for (std::size_t n = 0; n < settings.notes; ++n) {
    std::fill(mask.begin(), mask.end(), std::uint8_t{1});
    constraints.apply(option_pitches, history, mask);
    const S* column = prediction->data();
    const auto pitch = sampler.sample(std::span<const S>(column, pitches), rng,
                                      settings.pitch_sampling, mask);
    const auto duration = sampler.sample(std::span<const S>(column + pitches, durations), rng,
                                         settings.duration_sampling);
    const int p = vocabulary.pitch_at(static_cast<Index>(pitch));
    const double d = vocabulary.duration_at(static_cast<Index>(duration));
    continuation.pitches.push_back(p);
    continuation.durations.push_back(d);
    history.push_back(p);
    prediction = &model.feed(p, d);
  }
  return continuation;
}

}  // namespace bachprop::music
