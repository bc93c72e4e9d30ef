#pragma once
// Rule-based composition with randomness (the course's lesson K.2): a melody drawn note by note
// from weighted intervals that favour consonance, over rhythm patterns chosen bar by bar, in
// phrases that each end on the tonic, harmonised with one chord per half bar and a bass line.
// No learning: every choice is a rule or a weighted coin. Shared by main.cpp and the tests.

#include <bachprop/core/error.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/music/theory/key.hpp>
#include <bachprop/music/generate/sampling.hpp>
#include <bachprop/music/score/score.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace composition {

namespace music = bachprop::music;

/// What to compose.
struct Settings {
  music::Key key{0, music::Mode::major};
  int phrases = 4;
  int bars_per_phrase = 4;  // in 4/4
  double tempo_bpm = 100.0;
  /// Melody range: scale degrees from the tonic at `tonic_octave` (0 = tonic, 7 = octave).
  int tonic_octave = 4;
  int lowest_degree = -3;
  int highest_degree = 9;
};

/// Weight of a melodic move of `semitones` (either direction): steps (1-2 semitones) are the
/// most likely, then the consonant leaps — thirds (3-4), the perfect fourth (5) and fifth (7),
/// sixths (8-9) and the octave (12), rarer the wider they are. Dissonant leaps (the tritone,
/// sevenths, anything beyond an octave) get weight zero, and repeating a note is unlikely.
inline double interval_weight(int semitones) {
  static const std::map<int, double> weights{{0, 1.0}, {1, 8.0}, {2, 8.0}, {3, 5.0},
                                             {4, 5.0}, {5, 2.5}, {7, 2.0}, {8, 0.6},
                                             {9, 0.6}, {12, 0.6}};
  const auto it = weights.find(std::abs(semitones));
  return it == weights.end() ? 0.0 : it->second;
}

/// The name of an interval of 0..12 semitones.
inline const char* interval_name(int semitones) {
  static const char* names[] = {"unison", "minor 2nd", "major 2nd", "minor 3rd", "major 3rd",
                                "4th",    "tritone",   "5th",       "minor 6th", "major 6th",
                                "minor 7th", "major 7th", "octave"};
  return semitones >= 0 && semitones <= 12 ? names[semitones] : "wider";
}

/// One-bar rhythm patterns in quarter notes (4/4), and the long endings of a phrase's last bar.
inline const std::vector<std::vector<double>>& rhythm_patterns() {
  static const std::vector<std::vector<double>> patterns{
      {1, 1, 1, 1}, {2, 1, 1}, {1, 1, 2}, {1.5, 0.5, 1, 1}, {0.5, 0.5, 1, 1, 1},
      {1, 0.5, 0.5, 2}, {1, 1, 0.5, 0.5, 1}};
  return patterns;
}
inline const std::vector<std::vector<double>>& cadence_patterns() {
  static const std::vector<std::vector<double>> patterns{{1, 1, 2}, {2, 2}, {0.5, 0.5, 1, 2}};
  return patterns;
}

/// The MIDI pitch of scale degree `degree` (0 = tonic at `octave`, negative below, 7 an octave up).
inline int degree_pitch(const music::Key& key, int degree, int octave) {
  const auto scale = music::scale_pitch_classes(key);
  const int octave_shift = degree >= 0 ? degree / 7 : -((-degree + 6) / 7);
  const int index = degree - 7 * octave_shift;
  const int tonic = 12 * (octave + 1) + key.tonic;
  return tonic + 12 * octave_shift +
         music::pitch_class(scale[static_cast<std::size_t>(index)] - key.tonic);
}

/// A composed piece and the figures the lesson prints.
struct Piece {
  music::Score score;
  std::vector<int> melody_degrees;  // scale degree of every melody note
  std::vector<int> phrase_end_degrees;
  std::size_t steps = 0;   // moves of one degree
  std::size_t thirds = 0;  // moves of two degrees
  std::size_t leaps = 0;   // moves of three degrees or more
  std::size_t repeats = 0;
  std::size_t leaps_recovered = 0;  // leaps followed by a step the other way
};

/// Composes a piece. Same settings and seed, same piece.
inline Piece compose(const Settings& settings, std::uint64_t seed) {
  if (settings.phrases < 1 || settings.bars_per_phrase < 2 || settings.phrases > 64 ||
      settings.bars_per_phrase > 64) {
    throw bachprop::ArgumentError("compose: 1..64 phrases of 2..64 bars");
  }
  if (settings.lowest_degree > -1 || settings.highest_degree < 8) {
    throw bachprop::ArgumentError("compose: the range must reach below the tonic and above its "
                                  "octave (lowest degree ≤ -1, highest ≥ 8)");
  }
  bachprop::Rng rng(seed);
  bachprop::music::Sampler sampler(32);
  Piece piece;
  music::Score& score = piece.score;
  score.title = "Rules and randomness in " + music::key_name(settings.key);
  score.tempo_bpm = settings.tempo_bpm;
  score.key_signature = music::signature_of(settings.key);
  music::Part melody{"Melody", 73, 0, {}};  // flute
  music::Part chords{"Chords", 0, 1, {}};   // piano
  music::Part bass{"Bass", 32, 2, {}};      // acoustic bass

  const int span = settings.highest_degree - settings.lowest_degree + 1;
  std::vector<double> weights(static_cast<std::size_t>(span));
  int degree = 0;
  int previous_move = 0;
  double t = 0.0;
  for (int phrase = 0; phrase < settings.phrases; ++phrase) {
    for (int bar = 0; bar < settings.bars_per_phrase; ++bar) {
      const bool last_bar = bar == settings.bars_per_phrase - 1;
      const auto& patterns = last_bar ? cadence_patterns() : rhythm_patterns();
      const auto& rhythm = patterns[static_cast<std::size_t>(rng.below(patterns.size()))];
      for (std::size_t i = 0; i < rhythm.size(); ++i) {
        const bool final_note = last_bar && i + 1 == rhythm.size();
        const bool penultimate = last_bar && i + 2 == rhythm.size();
        for (int d = settings.lowest_degree; d <= settings.highest_degree; ++d) {
          const int move = d - degree;
          double w = interval_weight(degree_pitch(settings.key, d, settings.tonic_octave) -
                                     degree_pitch(settings.key, degree, settings.tonic_octave));
          // After a leap, step back the other way (the "gap-fill" rule of melody writing).
          if (std::abs(previous_move) > 2) {
            const bool recovers = move != 0 && std::abs(move) <= 2 &&
                                  (move > 0) != (previous_move > 0);
            w = recovers ? w * 4.0 : w * 0.1;
          }
          // Pull towards the middle of the range so the tune does not drift to an edge.
          const double centre = (settings.lowest_degree + settings.highest_degree) / 2.0;
          w *= std::exp(-0.04 * (d - centre) * (d - centre));
          // The phrase ends on the tonic (degree 0 or 7), reached by step from the second or
          // seventh degree just before it.
          const int pc_degree = ((d % 7) + 7) % 7;
          if (final_note) {
            // The tonic nearest the note before (ties: the lower one).
            const int below = degree - (((degree % 7) + 7) % 7);
            const int nearest = degree - below <= below + 7 - degree ? below : below + 7;
            const int target = nearest < settings.lowest_degree    ? nearest + 7
                               : nearest > settings.highest_degree ? nearest - 7
                                                                   : nearest;
            w = d == target ? 1.0 : 0.0;
          } else if (piece.melody_degrees.empty()) {
            w = pc_degree == 0 || pc_degree == 2 || pc_degree == 4 ? 1.0 : 0.0;  // tonic triad
          } else if (penultimate) {
            w *= pc_degree == 1 || pc_degree == 6 ? 6.0 : 0.05;
          }
          weights[static_cast<std::size_t>(d - settings.lowest_degree)] = w;
        }
        const auto choice = sampler.sample(std::span<const double>(weights), rng);
        const int next = settings.lowest_degree + static_cast<int>(choice);
        const int move = next - degree;
        if (!piece.melody_degrees.empty()) {
          if (move == 0) {
            ++piece.repeats;
          } else if (std::abs(move) == 1) {
            ++piece.steps;
          } else if (std::abs(move) == 2) {
            ++piece.thirds;
          } else {
            ++piece.leaps;
          }
          if (std::abs(previous_move) > 2 && move != 0 && std::abs(move) <= 2 &&
              (move > 0) != (previous_move > 0)) {
            ++piece.leaps_recovered;
          }
        }
        previous_move = piece.melody_degrees.empty() ? 0 : move;
        degree = next;
        piece.melody_degrees.push_back(degree);
        melody.notes.push_back({degree_pitch(settings.key, degree, settings.tonic_octave), t,
                                rhythm[i], final_note ? 90 : 76});
        t += rhythm[i];
      }
    }
    piece.phrase_end_degrees.push_back(degree);
  }

  // Harmony: for each half bar, the primary triad (I, IV or V; vi and ii as alternatives) that
  // contains the melody note sounding at its start; the last bar of every phrase is V then I.
  const double total = t;
  const std::array<int, 5> roots{0, 3, 4, 5, 1};  // I IV V vi ii as scale degrees
  for (double half = 0.0; half < total - 1e-9; half += 2.0) {
    const int bar_in_phrase = static_cast<int>(half / 4.0) % settings.bars_per_phrase;
    const bool cadence_bar = bar_in_phrase == settings.bars_per_phrase - 1;
    int melody_degree = 0;
    for (std::size_t i = 0; i < melody.notes.size(); ++i) {
      if (melody.notes[i].start <= half + 1e-9 && melody.notes[i].end() > half + 1e-9) {
        melody_degree = piece.melody_degrees[i];
      }
    }
    int root = 0;
    if (cadence_bar) {
      root = std::fmod(half, 4.0) < 1.0 ? 4 : 0;
    } else {
      const int md = ((melody_degree % 7) + 7) % 7;
      for (const int r : roots) {
        if (md == r || md == (r + 2) % 7 || md == (r + 4) % 7) {
          root = r;
          break;
        }
      }
    }
    for (const int third : {0, 2, 4}) {
      chords.notes.push_back({degree_pitch(settings.key, root + third, 3), half, 2.0, 60});
    }
    bass.notes.push_back({degree_pitch(settings.key, root, 2), half, 2.0, 70});
  }
  score.parts = {melody, chords, bass};
  return piece;
}

}  // namespace composition
