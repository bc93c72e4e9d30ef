#pragma once
/// @file
/// Four voices on a fixed grid: a chorale as soprano, alto, tenor and bass, one MIDI pitch or
/// silence per voice per grid step (a sixteenth note in the JSB "separated" file), and the ways
/// between a grid and a score or a melody.
///
/// As everywhere in the JSB data, a held note and a repeated note look the same on the grid; when a
/// grid becomes a score, equal consecutive steps are one note.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/score/melody.hpp>
#include <bachprop/music/score/score.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop::music {

/// The value of a silent voice in a separated JSB step.
inline constexpr int silent_voice = -1;

/// Voices of a chorale, top to bottom.
inline constexpr int voice_count = 4;
/// Index of the soprano (the melody) in a FourVoiceGrid.
inline constexpr int soprano = 0;
inline constexpr int alto = 1;   ///< index of the alto in a FourVoiceGrid
inline constexpr int tenor = 2;  ///< index of the tenor in a FourVoiceGrid
inline constexpr int bass = 3;   ///< index of the bass in a FourVoiceGrid

/// "Soprano", "Alto", "Tenor", "Bass".
inline constexpr std::array<std::string_view, voice_count> voice_names{"Soprano", "Alto", "Tenor",
                                                                       "Bass"};

/// A four-voice piece on a fixed grid: voices[v][t] is the MIDI pitch of voice v (S, A, T, B) at
/// step t, or silent_voice (-1). All four voices have the same number of steps.
struct FourVoiceGrid {
  std::array<std::vector<int>, voice_count> voices{};  ///< S, A, T, B: one value per step
  int steps_per_quarter = 4;  ///< grid steps per quarter note (4: sixteenths)

  /// Number of grid steps.
  Index steps() const { return static_cast<Index>(voices[0].size()); }
  /// The pitch of voice v at step t (silent_voice when silent).
  int at(int v, Index t) const {
    return voices[static_cast<std::size_t>(v)][static_cast<std::size_t>(t)];
  }
  /// Throws ArgumentError unless the voices have equal lengths, every value is silent_voice or a
  /// MIDI pitch, and the grid is positive.
  void check() const {
    if (steps_per_quarter < 1 || steps_per_quarter > 96) {
      throw ArgumentError("FourVoiceGrid: steps per quarter must be 1..96, got " +
                          std::to_string(steps_per_quarter));
    }
    for (int v = 0; v < voice_count; ++v) {
      const auto& line = voices[static_cast<std::size_t>(v)];
      if (line.size() != voices[0].size()) {
        throw ArgumentError("FourVoiceGrid: the " +
                            std::string(voice_names[static_cast<std::size_t>(v)]) + " has " +
                            std::to_string(line.size()) + " steps, the soprano " +
                            std::to_string(voices[0].size()));
      }
      for (std::size_t t = 0; t < line.size(); ++t) {
        if (line[t] != silent_voice && !is_midi_pitch(line[t])) {
          throw ArgumentError(
              "FourVoiceGrid: " + std::string(voice_names[static_cast<std::size_t>(v)]) + " step " +
              std::to_string(t) + " holds " + std::to_string(line[t]) +
              ", neither a MIDI pitch nor silent (-1)");
        }
      }
    }
  }
  /// Equal when the grid and every voice's values are.
  friend bool operator==(const FourVoiceGrid&, const FourVoiceGrid&) = default;
};

/// The grid moved by `semitones` (silent steps stay silent). Throws ArgumentError when a pitch
/// would leave the MIDI range.
inline FourVoiceGrid transposed(const FourVoiceGrid& grid, int semitones) {
  FourVoiceGrid out = grid;
  for (auto& line : out.voices) {
    for (int& p : line) {
      if (p == silent_voice) {
        continue;
      }
      if (!is_midi_pitch(p + semitones)) {
        throw ArgumentError("transposed: pitch " + std::to_string(p) + " moved by " +
                            std::to_string(semitones) + " leaves the MIDI range");
      }
      p += semitones;
    }
  }
  return out;
}

/// A melody with every event's start and end moved to the grid of `steps_per_quarter` steps per
/// quarter note: each event covers the steps from round(start·spq) to round(end·spq), so
/// rounding errors do not add up; an event shorter than half a step still gets one step (the
/// melody grows by it) rather than vanishing.
inline Melody melody_on_grid(const Melody& melody, int steps_per_quarter = 4) {
  if (steps_per_quarter < 1 || steps_per_quarter > 96) {
    throw ArgumentError("melody_on_grid: steps per quarter must be 1..96, got " +
                        std::to_string(steps_per_quarter));
  }
  Melody out;
  out.reserve(melody.size());
  double time = 0.0;
  Index used = 0;  // steps taken so far
  for (const auto& event : melody) {
    if (!(event.duration > 0.0) || !std::isfinite(event.duration)) {
      throw ArgumentError("melody_on_grid: an event lasts " + std::to_string(event.duration) +
                          " quarter notes; durations must be positive");
    }
    if (!event.is_rest()) {
      require_midi_pitch(event.pitch, "melody_on_grid");
    }
    time += event.duration;
    // Checked as a double, before any conversion can overflow (Index may be 32 bits).
    const double end_step = std::round(time * steps_per_quarter);
    if (!(end_step <= 1'000'000)) {
      throw ArgumentError("melody_on_grid: the melody is longer than a million grid steps");
    }
    const Index end = std::max<Index>(used + 1, static_cast<Index>(end_step));
    out.push_back({event.pitch, static_cast<double>(end - used) / steps_per_quarter});
    used = end;
  }
  return out;
}

/// A melody on the grid (see melody_on_grid): one value per step, the pitch or silent_voice for
/// a rest.
inline std::vector<int> melody_steps(const Melody& melody, int steps_per_quarter = 4) {
  std::vector<int> values;
  for (const auto& event : melody_on_grid(melody, steps_per_quarter)) {
    values.insert(values.end(),
                  static_cast<std::size_t>(std::llround(event.duration * steps_per_quarter)),
                  event.is_rest() ? silent_voice : event.pitch);
  }
  return values;
}

/// A grid whose soprano is `soprano` and whose other voices are silent: what a harmoniser fills.
inline FourVoiceGrid soprano_only(const std::vector<int>& soprano, int steps_per_quarter = 4) {
  FourVoiceGrid grid;
  grid.steps_per_quarter = steps_per_quarter;
  grid.voices[0] = soprano;
  for (int v = 1; v < voice_count; ++v) {
    grid.voices[static_cast<std::size_t>(v)].assign(soprano.size(), silent_voice);
  }
  grid.check();
  return grid;
}

/// The grid as a score of four named parts (Soprano, Alto, Tenor, Bass on channels 0-3, all with
/// General MIDI `program`: 52 choir aahs, 19 church organ). Equal consecutive steps are one note.
inline Score grid_to_score(const FourVoiceGrid& grid, int program = 52, double tempo_bpm = 80.0) {
  grid.check();
  Score score;
  score.tempo_bpm = tempo_bpm;
  for (int v = 0; v < voice_count; ++v) {
    score.parts.push_back(
        melody_to_part(join_grid(grid.voices[static_cast<std::size_t>(v)], grid.steps_per_quarter),
                       std::string(voice_names[static_cast<std::size_t>(v)]), program, v));
  }
  return score;
}

/// The score of a harmonisation: grid_to_score, except that the soprano is `melody` (on the
/// grid, see melody_on_grid) when it is not empty, so that a repeated note is struck again,
/// which the grid cannot show. The melody must span the grid's steps (ArgumentError otherwise).
inline Score harmony_score(const FourVoiceGrid& grid, const Melody& melody = {}, int program = 52,
                           double tempo_bpm = 80.0) {
  Score score = grid_to_score(grid, program, tempo_bpm);
  if (!melody.empty()) {
    const Melody on_grid = melody_on_grid(melody, grid.steps_per_quarter);
    const auto steps = std::llround(melody_length(on_grid) * grid.steps_per_quarter);
    if (steps != grid.steps()) {
      throw ArgumentError("harmony_score: the melody spans " + std::to_string(steps) +
                          " grid steps, the harmonisation " + std::to_string(grid.steps()));
    }
    score.parts[soprano] = melody_to_part(on_grid, std::string(voice_names[soprano]), program, 0);
  }
  return score;
}

/// The line moved by `semitones` (silence stays silence).
inline std::vector<int> shifted(std::vector<int> line, int semitones) {
  for (int& p : line) {
    if (p != silent_voice) {
      p += semitones;
      require_midi_pitch(p, "shifted");
    }
  }
  return line;
}

/// The value of a voice at step t, or silent_voice beyond the piece's end (before 0 too).
inline int value_or_silence(const std::vector<int>& line, Index t) {
  return t >= 0 && t < static_cast<Index>(line.size()) ? line[static_cast<std::size_t>(t)]
                                                       : silent_voice;
}

}  // namespace bachprop::music
