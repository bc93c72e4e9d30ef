#pragma once
/// @file
/// The data of four-part harmonisation: a chorale as four aligned voices on a fixed grid
/// (soprano, alto, tenor, bass; one MIDI pitch or silence per voice per step), the classes each
/// voice is encoded with (its pitches plus a silence class), transposition, and the windows
/// models train on.
///
/// The JSB "separated" file already has this shape: every 16th-note step is exactly [S, A, T, B]
/// with -1 for a silent voice. As everywhere in the JSB data, a held note and a repeated note
/// look the same on the grid; when a grid becomes a score, equal consecutive steps are one note.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/chorales.hpp>
#include <bachprop/music/melody.hpp>
#include <bachprop/music/score.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop::music {

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

/// A separated JSB chorale (every step [S, A, T, B]) as a grid. Throws ArgumentError for a corpus
/// that is not separated: its voices cannot be told apart.
inline FourVoiceGrid grid_of(const JsbChorale& chorale, const JsbCorpus& corpus) {
  if (!corpus.separated) {
    throw ArgumentError(
        "grid_of: the corpus is not in the separated [S, A, T, B] layout (use "
        "Jsb16thSeparated.json)");
  }
  FourVoiceGrid grid;
  grid.steps_per_quarter = corpus.steps_per_quarter;
  for (auto& line : grid.voices) {
    line.reserve(chorale.steps.size());
  }
  for (const auto& step : chorale.steps) {
    for (std::size_t v = 0; v < voice_count; ++v) {
      grid.voices[v].push_back(step[v] < 0 ? silent_voice : step[v]);
    }
  }
  return grid;
}

/// Every chorale of a split as a grid.
inline std::vector<FourVoiceGrid> grids_of(const JsbCorpus& corpus, std::string_view split) {
  std::vector<FourVoiceGrid> grids;
  for (const auto& chorale : corpus.split(split)) {
    grids.push_back(grid_of(chorale, corpus));
  }
  return grids;
}

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

/// The classes one voice is encoded with: its pitches lowest..highest, then one class for
/// silence (the last).
struct VoiceClasses {
  int lowest = 60;   ///< lowest MIDI pitch with a class (class 0)
  int highest = 72;  ///< highest MIDI pitch with a class, inclusive

  /// Number of classes: the pitches plus silence.
  Index size() const { return highest - lowest + 2; }
  /// The silence class (the last).
  Index silence() const { return highest - lowest + 1; }
  /// True when `value` (a pitch or silent_voice) has a class.
  bool has(int value) const {
    return value == silent_voice || (value >= lowest && value <= highest);
  }
  /// The class of a pitch or of silent_voice; ArgumentError outside the range.
  Index class_of(int value) const {
    if (value == silent_voice) {
      return silence();
    }
    if (value < lowest || value > highest) {
      throw ArgumentError("VoiceClasses: pitch " + std::to_string(value) + " is outside " +
                          std::to_string(lowest) + ".." + std::to_string(highest));
    }
    return value - lowest;
  }
  /// The pitch of a class (silent_voice for the silence class); ArgumentError for no class.
  int value_of(Index c) const {
    if (c < 0 || c >= size()) {
      throw ArgumentError("VoiceClasses: class " + std::to_string(c) + " is outside 0.." +
                          std::to_string(size() - 1));
    }
    return c == silence() ? silent_voice : lowest + static_cast<int>(c);
  }
  /// Equal when the ranges are.
  friend bool operator==(const VoiceClasses&, const VoiceClasses&) = default;
};

/// The classes of the four voices (S, A, T, B): what a harmoniser reads (soprano) and writes
/// (alto, tenor, bass).
struct HarmonyEncoding {
  std::array<VoiceClasses, voice_count> voices{};  ///< S, A, T, B, indexed by soprano..bass

  /// Each voice's range over `grids`, widened by `margin` semitones each way (so transposed
  /// training data and melodies a little outside Bach's range still have classes).
  static HarmonyEncoding fit(const std::vector<FourVoiceGrid>& grids, int margin = 0) {
    if (margin < 0 || margin > 24) {
      throw ArgumentError("HarmonyEncoding::fit: margin must be 0..24, got " +
                          std::to_string(margin));
    }
    HarmonyEncoding encoding;
    for (int v = 0; v < voice_count; ++v) {
      int low = 128;
      int high = -1;
      for (const auto& grid : grids) {
        for (const int p : grid.voices[static_cast<std::size_t>(v)]) {
          if (p != silent_voice) {
            low = std::min(low, p);
            high = std::max(high, p);
          }
        }
      }
      if (high < 0) {
        throw ArgumentError("HarmonyEncoding::fit: the " +
                            std::string(voice_names[static_cast<std::size_t>(v)]) +
                            " never sounds in the grids");
      }
      encoding.voices[static_cast<std::size_t>(v)] = {std::max(0, low - margin),
                                                      std::min(127, high + margin)};
    }
    return encoding;
  }

  /// The classes of voice v (soprano..bass); std::out_of_range otherwise.
  const VoiceClasses& voice(int v) const { return voices.at(static_cast<std::size_t>(v)); }

  /// True when every value of the grid moved by `shift` has a class in its voice.
  bool fits(const FourVoiceGrid& grid, int shift = 0) const {
    for (int v = 0; v < voice_count; ++v) {
      for (const int p : grid.voices[static_cast<std::size_t>(v)]) {
        if (p != silent_voice && !voice(v).has(p + shift)) {
          return false;
        }
      }
    }
    return true;
  }

  /// The shifts in −down..+up semitones after which the grid still fits (ascending; empty when
  /// none does): the transpositions a chorale is augmented with.
  std::vector<int> shifts_that_fit(const FourVoiceGrid& grid, int down, int up) const {
    if (down < 0 || up < 0) {
      throw ArgumentError("shifts_that_fit: down and up are semitone counts, got " +
                          std::to_string(down) + " and " + std::to_string(up));
    }
    std::vector<int> shifts;
    for (int s = -down; s <= up; ++s) {
      if (fits(grid, s)) {
        shifts.push_back(s);
      }
    }
    return shifts;
  }

  /// The encoding as JSON: {"voices": [[lowest, highest] × 4]}.
  nlohmann::json to_json() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& v : voices) {
      list.push_back({v.lowest, v.highest});
    }
    return {{"voices", list}};
  }

  /// An encoding from to_json's document; `source` names it in errors.
  static HarmonyEncoding from_json(const nlohmann::json& document, const std::string& source) {
    if (!document.is_object() || !document.contains("voices") || !document["voices"].is_array() ||
        document["voices"].size() != voice_count) {
      throw FormatError(source + ": expected an encoding {\"voices\": [[lowest, highest] × 4]}");
    }
    HarmonyEncoding encoding;
    for (std::size_t v = 0; v < voice_count; ++v) {
      const auto& pair = document["voices"][v];
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_integer() ||
          !pair[1].is_number_integer()) {
        throw FormatError(source + ": encoding voices[" + std::to_string(v) +
                          "]: expected [lowest, highest] as two integers");
      }
      const int low = pair[0].get<int>();
      const int high = pair[1].get<int>();
      if (!is_midi_pitch(low) || !is_midi_pitch(high) || low > high) {
        throw FormatError(source + ": encoding voices[" + std::to_string(v) +
                          "]: expected MIDI pitches lowest ≤ highest, got " + std::to_string(low) +
                          ", " + std::to_string(high));
      }
      encoding.voices[v] = {low, high};
    }
    return encoding;
  }
  /// Equal when all four voices' ranges are.
  friend bool operator==(const HarmonyEncoding&, const HarmonyEncoding&) = default;
};

/// A training example: `length` steps of chorale `chorale` from step `start`, transposed by
/// `shift` semitones.
struct GridWindow {
  std::size_t chorale = 0;  ///< index of the piece in the list of grids
  Index start = 0;          ///< first grid step of the window
  int shift = 0;            ///< transposition in semitones (0: as written)
  /// Equal when piece, start and shift are.
  friend bool operator==(const GridWindow&, const GridWindow&) = default;
};

/// Where windows of `length` steps start in a piece of `steps` steps: every `stride` steps from
/// 0 while the window overruns the end by at most `overrun` steps (the overrun is silence), plus
/// one window ending exactly at the end when that start is not already taken. A piece shorter
/// than a window gives the one window at 0.
inline std::vector<Index> window_starts(Index steps, Index length, Index stride,
                                        Index overrun = 0) {
  if (length <= 0 || stride <= 0 || overrun < 0) {
    throw ArgumentError(
        "window_starts: length and stride must be positive and overrun not "
        "negative");
  }
  std::vector<Index> starts;
  if (steps <= 0) {
    return starts;
  }
  if (steps <= length) {
    starts.push_back(0);
    return starts;
  }
  for (Index s = 0; s + length <= steps + overrun; s += stride) {
    starts.push_back(s);
  }
  if (std::find(starts.begin(), starts.end(), steps - length) == starts.end()) {
    starts.push_back(steps - length);
    std::sort(starts.begin(), starts.end());
  }
  return starts;
}

/// Writes the one-hot code of `value` (a pitch or silent_voice) in `voice`'s classes into
/// `column` (a block of voice.size() rows, zeroed first).
template <class Block>
void encode_value(const VoiceClasses& voice, int value, Block&& column) {
  column.setZero();
  column(voice.class_of(value)) = 1.0F;
}

/// The value (pitch or silent_voice) of the most probable class in `scores` (voice.size()
/// rows); ties go to the lowest class.
template <class Block>
int decode_value(const VoiceClasses& voice, const Block& scores) {
  Index best = 0;
  for (Index c = 1; c < voice.size(); ++c) {
    if (scores(c) > scores(best)) {
      best = c;
    }
  }
  return voice.value_of(best);
}

/// The whole-octave shift (0 first, then ±12, ±24, ±36) that brings every pitch of `line` into
/// `voice`'s range. Throws ArgumentError naming the line's span when none does.
inline int octave_shift_into(const std::vector<int>& line, const VoiceClasses& voice) {
  for (const int shift : {0, 12, -12, 24, -24, 36, -36}) {
    if (std::all_of(line.begin(), line.end(),
                    [&](int p) { return p == silent_voice || voice.has(p + shift); })) {
      return shift;
    }
  }
  int low = 127;
  int high = 0;
  for (const int p : line) {
    if (p != silent_voice) {
      low = std::min(low, p);
      high = std::max(high, p);
    }
  }
  throw ArgumentError("the melody spans " + pitch_name(low) + ".." + pitch_name(high) +
                      ", which no octave shift fits into the range " + pitch_name(voice.lowest) +
                      ".." + pitch_name(voice.highest));
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

/// The most probable path of classes through `log_p` (classes × steps, log-probabilities per
/// step) when every change of class between consecutive steps costs `change_penalty` nats: the
/// Viterbi algorithm with a two-state-kind transition (stay: 0, move anywhere: −penalty), in
/// O(classes × steps). A voice that flickers between two notes for a 16th at a time pays for
/// every flicker, so it holds its note unless the network is confident enough of a change. A
/// penalty of 0 gives each step's most probable class (ties: the lowest class).
inline std::vector<Index> smoothed_classes(const Matrix<float>& log_p, double change_penalty) {
  if (!(change_penalty >= 0) || !std::isfinite(change_penalty)) {
    throw ArgumentError("smoothed_classes: the change penalty must be a finite number ≥ 0, got " +
                        std::to_string(change_penalty));
  }
  const Index classes = log_p.rows();
  const Index steps = log_p.cols();
  std::vector<Index> path(static_cast<std::size_t>(steps), 0);
  if (steps == 0 || classes == 0) {
    return path;
  }
  auto best_of = [&](const auto& column) {
    Index best = 0;
    for (Index c = 1; c < classes; ++c) {
      if (column(c) > column(best)) {
        best = c;
      }
    }
    return best;
  };
  if (change_penalty == 0) {
    for (Index t = 0; t < steps; ++t) {
      path[static_cast<std::size_t>(t)] = best_of(log_p.col(t));
    }
    return path;
  }
  // score(c): the best path to class c at step t; from(c, t): the class at t−1 on that path.
  Matrix<double> score = log_p.col(0).cast<double>();
  Matrix<double> next(classes, 1);
  Eigen::Matrix<Index, Eigen::Dynamic, Eigen::Dynamic> from(classes, steps);
  // doc:begin harmony-viterbi
  // score_t(c) = log p_t(c) + max(score_{t-1}(c), max_c' score_{t-1}(c') - penalty): a voice
  // either holds its note or jumps, at a price, from the best path so far.
  for (Index t = 1; t < steps; ++t) {
    const Index leader = best_of(score.col(0));
    const double jump = score(leader, 0) - change_penalty;
    for (Index c = 0; c < classes; ++c) {
      const bool stay = score(c, 0) >= jump;
      next(c, 0) = static_cast<double>(log_p(c, t)) + (stay ? score(c, 0) : jump);
      from(c, t) = stay ? c : leader;
    }
    score.swap(next);
  }
  // doc:end harmony-viterbi
  Index c = best_of(score.col(0));
  for (Index t = steps - 1; t >= 0; --t) {
    path[static_cast<std::size_t>(t)] = c;
    if (t > 0) {
      c = from(c, t);
    }
  }
  return path;
}

/// The value of a voice at step t, or silent_voice beyond the piece's end (before 0 too).
inline int value_or_silence(const std::vector<int>& line, Index t) {
  return t >= 0 && t < static_cast<Index>(line.size()) ? line[static_cast<std::size_t>(t)]
                                                       : silent_voice;
}

}  // namespace bachprop::music
