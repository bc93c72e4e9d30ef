#pragma once
/// @file
/// Judging a harmonisation as music, with no reference at all, so that a model's chorales and
/// Bach's can be put side by side: parallel fifths and octaves between every pair of voices, voice
/// crossings, and notes outside each voice's range, each counted per 100 chords.
///
/// Definitions, on the grid (a held and a repeated note look the same there):
///   - a chord starts at every step where some voice sounds and the four values differ from
///     the step before (the first sounding step starts one);
///   - parallel fifths (octaves): two voices that both sound at steps t−1 and t, both move at t,
///     in the same direction, and stand a perfect fifth (an octave or unison) apart, compound
///     intervals included, at both steps — the textbook "consecutive fifths and octaves";
///   - a crossing: at the start of a chord, a lower voice of an adjacent pair (S-A, A-T, T-B)
///     sounding strictly above the upper one (a non-adjacent crossing implies an adjacent one);
///   - out of range: a note (a voice starting a new pitch) outside the voice's range, by default
///     the textbook ranges S C4-G5, A G3-D5, T C3-G4, B E2-C4 (Bach himself leaves them now and
///     then, which is why his chorales are the reference row).

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/score/four_voice_grid.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace bachprop::music {

/// A voice's range, MIDI pitches inclusive.
struct VoiceRange {
  int lowest = 0;     ///< lowest MIDI pitch in range
  int highest = 127;  ///< highest MIDI pitch in range
};

/// The usual textbook ranges: soprano C4-G5 (60-79), alto G3-D5 (55-74), tenor C3-G4 (48-67),
/// bass E2-C4 (40-60).
inline constexpr std::array<VoiceRange, voice_count> textbook_ranges{
    {{60, 79}, {55, 74}, {48, 67}, {40, 60}}};

/// The six pairs of voices, upper voice first: S-A, S-T, S-B, A-T, A-B, T-B.
inline constexpr std::array<std::array<int, 2>, 6> voice_pairs{{{soprano, alto},
                                                                {soprano, tenor},
                                                                {soprano, bass},
                                                                {alto, tenor},
                                                                {alto, bass},
                                                                {tenor, bass}}};

/// "S-A", "S-T", ... for voice_pairs.
inline std::string voice_pair_name(std::size_t pair) {
  const auto& p = voice_pairs.at(pair);
  return std::string(1, voice_names[static_cast<std::size_t>(p[0])][0]) + "-" +
         std::string(1, voice_names[static_cast<std::size_t>(p[1])][0]);
}

/// Rule-breaking counts of one or more pieces (definitions in the file comment).
struct MusicChecks {
  double pieces = 0;                               ///< pieces checked
  double steps = 0;                                ///< grid steps, all pieces
  double chords = 0;                               ///< chords started (see the file comment)
  double notes = 0;                                ///< notes started, all voices
  std::array<double, 6> parallel_fifths{};         ///< per pair of voice_pairs
  std::array<double, 6> parallel_octaves{};        ///< per pair (unisons included)
  std::array<double, 3> crossings{};               ///< S-A, A-T, T-B
  std::array<double, voice_count> out_of_range{};  ///< per voice

  /// The sum of an array of counts (per pair or per voice).
  static double sum(const auto& counts) {
    double s = 0;
    for (const double c : counts) {
      s += c;
    }
    return s;
  }
  /// Parallel fifths, all pairs of voices.
  double fifths() const { return sum(parallel_fifths); }
  /// Parallel octaves and unisons, all pairs of voices.
  double octaves() const { return sum(parallel_octaves); }
  /// Voice crossings, all adjacent pairs.
  double crossing_count() const { return sum(crossings); }
  /// Out-of-range notes of the alto, tenor and bass (the soprano is the given melody).
  double lower_out_of_range() const {
    return out_of_range[alto] + out_of_range[tenor] + out_of_range[bass];
  }
  /// `count` per 100 chords (NaN without chords).
  double per_100_chords(double count) const {
    return chords > 0 ? 100.0 * count / chords : std::numeric_limits<double>::quiet_NaN();
  }
  /// Chords per quarter note at `steps_per_quarter` grid steps a quarter: how busy the harmony is.
  double chords_per_quarter(int steps_per_quarter = 4) const {
    return steps > 0 ? chords * steps_per_quarter / steps
                     : std::numeric_limits<double>::quiet_NaN();
  }

  /// Adds another piece's (or set's) counts.
  MusicChecks& operator+=(const MusicChecks& o) {
    pieces += o.pieces;
    steps += o.steps;
    chords += o.chords;
    notes += o.notes;
    for (std::size_t i = 0; i < 6; ++i) {
      parallel_fifths[i] += o.parallel_fifths[i];
      parallel_octaves[i] += o.parallel_octaves[i];
    }
    for (std::size_t i = 0; i < 3; ++i) {
      crossings[i] += o.crossings[i];
    }
    for (std::size_t i = 0; i < voice_count; ++i) {
      out_of_range[i] += o.out_of_range[i];
    }
    return *this;
  }

  /// The counts as JSON: totals, per pair of voices, and per 100 chords.
  nlohmann::json to_json() const {
    nlohmann::json fifths_by_pair = nlohmann::json::object();
    nlohmann::json octaves_by_pair = nlohmann::json::object();
    for (std::size_t i = 0; i < 6; ++i) {
      fifths_by_pair[voice_pair_name(i)] = parallel_fifths[i];
      octaves_by_pair[voice_pair_name(i)] = parallel_octaves[i];
    }
    return {{"pieces", pieces},
            {"steps", steps},
            {"chords", chords},
            {"notes", notes},
            {"chords_per_quarter", chords_per_quarter()},
            {"parallel_fifths", fifths()},
            {"parallel_octaves", octaves()},
            {"crossings", crossing_count()},
            {"out_of_range_lower_voices", lower_out_of_range()},
            {"per_100_chords",
             {{"parallel_fifths", per_100_chords(fifths())},
              {"parallel_octaves", per_100_chords(octaves())},
              {"crossings", per_100_chords(crossing_count())},
              {"out_of_range_lower_voices", per_100_chords(lower_out_of_range())}}},
            {"parallel_fifths_by_pair", fifths_by_pair},
            {"parallel_octaves_by_pair", octaves_by_pair},
            {"crossings_by_pair",
             {{"S-A", crossings[0]}, {"A-T", crossings[1]}, {"T-B", crossings[2]}}},
            {"out_of_range_by_voice",
             {{"Soprano", out_of_range[0]},
              {"Alto", out_of_range[1]},
              {"Tenor", out_of_range[2]},
              {"Bass", out_of_range[3]}}}};
  }
};

/// The music checks of one piece (definitions in the file comment).
inline MusicChecks music_checks(
    const FourVoiceGrid& grid,
    const std::array<VoiceRange, voice_count>& ranges = textbook_ranges) {
  grid.check();
  MusicChecks checks;
  checks.pieces = 1;
  checks.steps = static_cast<double>(grid.steps());
  auto sounds = [&](int v, Index t) { return grid.at(v, t) != silent_voice; };
  for (Index t = 0; t < grid.steps(); ++t) {
    bool any = false;
    bool changed = t == 0;
    for (int v = 0; v < voice_count; ++v) {
      any = any || sounds(v, t);
      changed = changed || grid.at(v, t) != grid.at(v, t - 1);
    }
    if (!any || !changed) {
      continue;
    }
    checks.chords += 1;
    for (int v = 0; v < voice_count; ++v) {
      const int p = grid.at(v, t);
      if (p != silent_voice && (t == 0 || p != grid.at(v, t - 1))) {
        checks.notes += 1;
        const auto& range = ranges[static_cast<std::size_t>(v)];
        if (p < range.lowest || p > range.highest) {
          checks.out_of_range[static_cast<std::size_t>(v)] += 1;
        }
      }
    }
    for (int v = 0; v + 1 < voice_count; ++v) {
      if (sounds(v, t) && sounds(v + 1, t) && grid.at(v + 1, t) > grid.at(v, t)) {
        checks.crossings[static_cast<std::size_t>(v)] += 1;
      }
    }
    if (t == 0) {
      continue;
    }
    for (std::size_t pair = 0; pair < voice_pairs.size(); ++pair) {
      const int i = voice_pairs[pair][0];
      const int j = voice_pairs[pair][1];
      if (!sounds(i, t - 1) || !sounds(j, t - 1) || !sounds(i, t) || !sounds(j, t)) {
        continue;
      }
      const int a1 = grid.at(i, t - 1);
      const int b1 = grid.at(j, t - 1);
      const int a2 = grid.at(i, t);
      const int b2 = grid.at(j, t);
      const int move_a = a2 - a1;
      const int move_b = b2 - b1;
      if (move_a == 0 || move_b == 0 || (move_a > 0) != (move_b > 0)) {
        continue;  // a voice holds, or they move apart: no parallel motion
      }
      const int before = std::abs(a1 - b1) % 12;
      const int after = std::abs(a2 - b2) % 12;
      if (before == 7 && after == 7) {
        checks.parallel_fifths[pair] += 1;
      } else if (before == 0 && after == 0) {
        checks.parallel_octaves[pair] += 1;
      }
    }
  }
  return checks;
}

/// The music checks of several pieces, summed.
inline MusicChecks music_checks(
    const std::vector<FourVoiceGrid>& grids,
    const std::array<VoiceRange, voice_count>& ranges = textbook_ranges) {
  MusicChecks total;
  for (const auto& grid : grids) {
    total += music_checks(grid, ranges);
  }
  return total;
}

}  // namespace bachprop::music
