#pragma once
/// @file
/// Rhythm and line, voice by voice: what vertical rules miss when a harmoniser breaks its
/// lower voices into sixteenth-note fragments and isolated jumps where Bach holds quarters and
/// walks the bass in steps. Per voice (S, A, T, B), for one piece or a set:
///   - a note is a run of equal steps of one pitch (on the grid a held and a repeated note look
///     the same, so a repeated note is one long note); silence ends a note;
///   - the note-length distribution: each note's length in sixteenth notes (steps × 4 / steps
///     per quarter) in the bins 1, 2, 3, 4, 5-6, 7-8, 9-12, 13-16 and over 16 (note_length_labels;
///     a bin holds lengths up to its bound and above the bound before), as shares of the notes;
///   - the distance between two such distributions: total variation, half the sum of the
///     absolute differences of the shares (0 when equal, 1 when they share nothing), as
///     histogram_distance in style_statistics.hpp; chosen over Jensen-Shannon because it reads
///     directly as the share of notes that would have to change bin;
///   - a motion is the change of pitch from one note to the next with no silence between them
///     (so a repeated pitch is never a motion, see above); a step moves 1 or 2 semitones, a leap
///     more. The stepwise share is steps / motions; the mean absolute interval is the mean
///     |motion| in semitones over all motions (the "mean absolute leap"), and the mean
///     leap the same over leaps only;
///   - short notes: notes shorter than an eighth (under 2 sixteenths), per 100 chords (chords
///     as in voice_leading.hpp, see starts_chord), so the rate reads beside the rules'.
///
/// Bach's spread: the same measures piece by piece over a set (each piece's note-length
/// distance taken to a reference distribution, such as Bach's pooled one) give a mean, the
/// minimum and maximum and the 10th and 90th percentiles, so that a model can be checked
/// "within Bach's spread". A pooled distance (a whole set against the reference) is smaller than
/// a single piece's, which has fewer notes: compare like with like.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/evaluate/rules.hpp>
#include <bachprop/music/score/four_voice_grid.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop::music {

/// Number of note-length bins.
inline constexpr std::size_t note_length_bins = 9;

/// Upper bounds of the note-length bins but the last, in sixteenth notes.
inline constexpr std::array<double, note_length_bins - 1> note_length_bounds{1, 2, 3,  4,
                                                                             6, 8, 12, 16};

/// The bins' names, in sixteenth notes: "1", "2", "3", "4", "5-6", "7-8", "9-12", "13-16", ">16".
inline constexpr std::array<std::string_view, note_length_bins> note_length_labels{
    "1", "2", "3", "4", "5-6", "7-8", "9-12", "13-16", ">16"};

/// Notes per bin (counts or shares).
using NoteLengthHistogram = std::array<double, note_length_bins>;

/// The bin of a note `sixteenths` sixteenth notes long: the first whose bound it does not pass.
inline std::size_t note_length_bin(double sixteenths) {
  for (std::size_t b = 0; b < note_length_bounds.size(); ++b) {
    if (sixteenths <= note_length_bounds[b] + 1e-9) {
      return b;
    }
  }
  return note_length_bins - 1;
}

/// Total variation between two note-length distributions, each given as counts or shares
/// (each is divided by its own total): 0 when equal, 1 when they share nothing. NaN when either
/// has no notes.
inline double note_length_distance(const NoteLengthHistogram& a, const NoteLengthHistogram& b) {
  double total_a = 0;
  double total_b = 0;
  for (std::size_t i = 0; i < note_length_bins; ++i) {
    total_a += a[i];
    total_b += b[i];
  }
  if (!(total_a > 0) || !(total_b > 0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  double sum = 0;
  for (std::size_t i = 0; i < note_length_bins; ++i) {
    sum += std::abs(a[i] / total_a - b[i] / total_b);
  }
  return sum / 2;
}

/// One voice's rhythm and line (definitions in the file comment): counts, so that pieces add.
struct VoiceLine {
  double notes = 0;               ///< notes
  NoteLengthHistogram lengths{};  ///< notes per length bin
  double short_notes = 0;         ///< notes shorter than an eighth
  double motions = 0;             ///< changes of pitch between notes with no silence between
  double steps = 0;               ///< motions of 1 or 2 semitones
  double interval_sum = 0;        ///< sum of |motion| in semitones, all motions
  double leap_sum = 0;            ///< sum of |motion| in semitones, leaps only

  /// The note-length distribution as shares (zeros without notes).
  NoteLengthHistogram length_shares() const {
    NoteLengthHistogram shares{};
    for (std::size_t i = 0; i < note_length_bins; ++i) {
      shares[i] = notes > 0 ? lengths[i] / notes : 0.0;
    }
    return shares;
  }
  /// Share of motions that are steps (NaN without motions).
  double stepwise_share() const { return ratio(steps, motions); }
  /// Mean |motion| in semitones (NaN without motions).
  double mean_abs_interval() const { return ratio(interval_sum, motions); }
  /// Mean size of a leap in semitones (NaN without leaps).
  double mean_leap() const { return ratio(leap_sum, motions - steps); }

  /// Adds another piece's counts.
  VoiceLine& operator+=(const VoiceLine& o) {
    notes += o.notes;
    for (std::size_t i = 0; i < note_length_bins; ++i) {
      lengths[i] += o.lengths[i];
    }
    short_notes += o.short_notes;
    motions += o.motions;
    steps += o.steps;
    interval_sum += o.interval_sum;
    leap_sum += o.leap_sum;
    return *this;
  }

 private:
  static double ratio(double a, double b) {
    return b > 0 ? a / b : std::numeric_limits<double>::quiet_NaN();
  }
};

/// The rhythm and line of the four voices of one or more pieces.
struct LineStatistics {
  double pieces = 0;                            ///< pieces measured
  double chords = 0;                            ///< chords started (starts_chord), all pieces
  std::array<VoiceLine, voice_count> voices{};  ///< S, A, T, B

  /// Voice v's notes shorter than an eighth per 100 chords (NaN without chords).
  double short_notes_per_100_chords(int v) const {
    return chords > 0 ? 100.0 * voices.at(static_cast<std::size_t>(v)).short_notes / chords
                      : std::numeric_limits<double>::quiet_NaN();
  }
  /// Each voice's note-length distance to `reference`'s same voice.
  std::array<double, voice_count> note_length_distances(const LineStatistics& reference) const {
    std::array<double, voice_count> d{};
    for (std::size_t v = 0; v < voice_count; ++v) {
      d[v] = note_length_distance(voices[v].lengths, reference.voices[v].lengths);
    }
    return d;
  }

  /// Adds another piece's (or set's) statistics.
  LineStatistics& operator+=(const LineStatistics& o) {
    pieces += o.pieces;
    chords += o.chords;
    for (std::size_t v = 0; v < voice_count; ++v) {
      voices[v] += o.voices[v];
    }
    return *this;
  }

  /// Per voice: notes, the note-length shares by bin label, the stepwise share, the mean
  /// absolute interval and leap, short notes per 100 chords; and, when `reference` is given,
  /// the note-length distance to it.
  nlohmann::json to_json(const LineStatistics* reference = nullptr) const {
    nlohmann::json by_voice = nlohmann::json::object();
    for (std::size_t v = 0; v < voice_count; ++v) {
      const VoiceLine& line = voices[v];
      nlohmann::json lengths = nlohmann::json::object();
      const NoteLengthHistogram shares = line.length_shares();
      for (std::size_t b = 0; b < note_length_bins; ++b) {
        lengths[std::string(note_length_labels[b])] = shares[b];
      }
      nlohmann::json j = {
          {"notes", line.notes},
          {"note_lengths", lengths},
          {"stepwise_share", line.stepwise_share()},
          {"mean_abs_interval", line.mean_abs_interval()},
          {"mean_leap", line.mean_leap()},
          {"short_notes_per_100_chords", short_notes_per_100_chords(static_cast<int>(v))}};
      if (reference != nullptr) {
        j["note_length_distance"] =
            note_length_distance(line.lengths, reference->voices[v].lengths);
      }
      by_voice[std::string(voice_names[v])] = j;
    }
    return {{"pieces", pieces}, {"chords", chords}, {"voices", by_voice}};
  }
};

/// The rhythm and line of one piece (definitions in the file comment).
inline LineStatistics line_statistics(const FourVoiceGrid& grid) {
  grid.check();
  LineStatistics s;
  s.pieces = 1;
  for (Index t = 0; t < grid.steps(); ++t) {
    s.chords += starts_chord(grid, t) ? 1 : 0;
  }
  const double sixteenths_per_step = 4.0 / grid.steps_per_quarter;
  for (int v = 0; v < voice_count; ++v) {
    VoiceLine& line = s.voices[static_cast<std::size_t>(v)];
    int previous = silent_voice;  // the note before, silent_voice after silence
    Index t = 0;
    while (t < grid.steps()) {
      const int p = grid.at(v, t);
      Index end = t + 1;
      while (end < grid.steps() && grid.at(v, end) == p) {
        ++end;
      }
      if (p != silent_voice) {
        const double sixteenths = static_cast<double>(end - t) * sixteenths_per_step;
        line.notes += 1;
        line.lengths[note_length_bin(sixteenths)] += 1;
        line.short_notes += sixteenths < 2.0 - 1e-9 ? 1 : 0;
        if (previous != silent_voice) {
          const int size = std::abs(p - previous);
          line.motions += 1;
          line.steps += size <= 2 ? 1 : 0;
          line.interval_sum += size;
          line.leap_sum += size > 2 ? size : 0;
        }
      }
      previous = p;
      t = end;
    }
  }
  return s;
}

/// The rhythm and line of several pieces, pooled.
inline LineStatistics line_statistics(const std::vector<FourVoiceGrid>& grids) {
  LineStatistics total;
  for (const auto& grid : grids) {
    total += line_statistics(grid);
  }
  return total;
}

/// Where a measure lies over a set of pieces: the mean, the extremes and the 10th and 90th
/// percentiles (linear between the closest ranks, as numpy's default: the p-th percentile of n
/// sorted values sits at rank p/100 · (n − 1)).
struct Spread {
  double pieces = 0;                                       ///< values (NaN ones left out)
  double mean = std::numeric_limits<double>::quiet_NaN();  ///< their mean
  double min = std::numeric_limits<double>::quiet_NaN();   ///< the smallest
  double p10 = std::numeric_limits<double>::quiet_NaN();   ///< the 10th percentile
  double p90 = std::numeric_limits<double>::quiet_NaN();   ///< the 90th percentile
  double max = std::numeric_limits<double>::quiet_NaN();   ///< the largest

  /// True when `value` lies between the 10th and 90th percentiles.
  bool within(double value) const { return value >= p10 && value <= p90; }
  /// {"pieces", "mean", "min", "p10", "p90", "max"}.
  nlohmann::json to_json() const {
    return {{"pieces", pieces}, {"mean", mean}, {"min", min},
            {"p10", p10},       {"p90", p90},   {"max", max}};
  }
};

/// The p-th percentile (0..100) of sorted values, linear between ranks.
inline double percentile_of_sorted(const std::vector<double>& sorted, double p) {
  if (sorted.empty() || !(p >= 0 && p <= 100)) {
    throw ArgumentError("percentile_of_sorted: needs values and a percentile in 0..100");
  }
  const double rank = p / 100.0 * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(rank));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (rank - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

/// The spread of `values`, NaNs left out (all NaN: pieces 0 and NaN figures).
inline Spread spread_of(std::vector<double> values) {
  std::erase_if(values, [](double x) { return std::isnan(x); });
  Spread s;
  s.pieces = static_cast<double>(values.size());
  if (values.empty()) {
    return s;
  }
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (const double x : values) {
    sum += x;
  }
  s.mean = sum / static_cast<double>(values.size());
  s.min = values.front();
  s.max = values.back();
  s.p10 = percentile_of_sorted(values, 10);
  s.p90 = percentile_of_sorted(values, 90);
  return s;
}

/// A voice's measures over a set of pieces, piece by piece.
struct VoiceSpread {
  Spread note_length_distance;        ///< each piece's distance to the reference distribution
  Spread stepwise_share;              ///< share of motions that are steps
  Spread mean_abs_interval;           ///< mean |motion| in semitones
  Spread short_notes_per_100_chords;  ///< notes shorter than an eighth per 100 chords
};

/// The four voices' spreads over a set of pieces.
struct LineSpread {
  std::array<VoiceSpread, voice_count> voices{};  ///< S, A, T, B

  /// Per voice, each measure's spread (Spread::to_json).
  nlohmann::json to_json() const {
    nlohmann::json j = nlohmann::json::object();
    for (std::size_t v = 0; v < voice_count; ++v) {
      const VoiceSpread& s = voices[v];
      j[std::string(voice_names[v])] = {
          {"note_length_distance", s.note_length_distance.to_json()},
          {"stepwise_share", s.stepwise_share.to_json()},
          {"mean_abs_interval", s.mean_abs_interval.to_json()},
          {"short_notes_per_100_chords", s.short_notes_per_100_chords.to_json()}};
    }
    return j;
  }
};

/// Each measure of each voice piece by piece over `grids`, as spreads; the note-length distance
/// of a piece is taken to `reference` (for Bach's spread: line_statistics of the same pieces).
inline LineSpread line_spread(const std::vector<FourVoiceGrid>& grids,
                              const LineStatistics& reference) {
  std::array<std::array<std::vector<double>, 4>, voice_count> values;
  for (const auto& grid : grids) {
    const LineStatistics piece = line_statistics(grid);
    const auto distances = piece.note_length_distances(reference);
    for (std::size_t v = 0; v < voice_count; ++v) {
      values[v][0].push_back(distances[v]);
      values[v][1].push_back(piece.voices[v].stepwise_share());
      values[v][2].push_back(piece.voices[v].mean_abs_interval());
      values[v][3].push_back(piece.short_notes_per_100_chords(static_cast<int>(v)));
    }
  }
  LineSpread spread;
  for (std::size_t v = 0; v < voice_count; ++v) {
    spread.voices[v] = {spread_of(values[v][0]), spread_of(values[v][1]), spread_of(values[v][2]),
                        spread_of(values[v][3])};
  }
  return spread;
}

}  // namespace bachprop::music
