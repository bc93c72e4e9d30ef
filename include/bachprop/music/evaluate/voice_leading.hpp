#pragma once
/// @file
/// Judging a harmonisation as music, with no reference at all, so that a model's chorales and
/// Bach's can be put side by side: the rules a counterpoint teacher checks, each counted per 100
/// chords, and every violation listed by bar and beat. (Rhythm and line, voice by voice, are in
/// line_statistics.hpp.)
///
/// Definitions, on the grid (a held and a repeated note look the same there):
///   - a chord starts at every step where some voice sounds and the four values differ from
///     the step before (the first sounding step starts one). Every rule is judged where a chord
///     starts, and a rule of motion compares the chord with the step just before it (the last
///     step of the chord before). A voice moves when its pitch changes; a held (or repeated)
///     note does not move. A pair of voices is judged on motion only when both sound at both
///     steps: a voice that rests, or has just come in, breaks no rule of motion;
///   - intervals are |upper − lower| in semitones modulo 12, so that compound intervals count as
///     simple ones: a fifth is 7, 19, 31 ... semitones apart, an octave 0 (a unison), 12, 24 ...;
///   - parallel fifths (octaves): two voices, any of the six pairs, both move in the same
///     direction and stand a fifth (an octave) apart at both steps — the textbook "consecutive
///     fifths and octaves". Unisons are octaves here, so a unison to a unison (or to an octave)
///     counts among the parallel octaves; the parallel octaves that are unisons at both steps
///     are also counted on their own (parallel_unisons), included in the octaves, not added;
///   - contrary fifths (octaves): two voices, any pair, both move, in opposite directions, from
///     a fifth to a fifth (an octave to an octave) — "consecutive fifths and octaves by contrary
///     motion", such as C3-G4 to G2-D5;
///   - hidden (direct) fifths (octaves), outer voices only: soprano and bass both move in the
///     same direction into a fifth (an octave) from any other interval, and the soprano leaps
///     (moves more than 2 semitones). The textbook rule: the outer voices may approach a perfect
///     interval in similar motion only when the soprano moves by step;
///   - a crossing: at the start of a chord, a lower voice of an adjacent pair (S-A, A-T, T-B)
///     sounding strictly above the upper one (a non-adjacent crossing implies an adjacent one);
///   - spacing: at the start of a chord, more than an octave (over 12 semitones) between soprano
///     and alto or between alto and tenor (tenor and bass may stand further apart);
///   - out of range: a note (a voice starting a new pitch) outside the voice's range, by default
///     the textbook ranges S C4-G5, A G3-D5, T C3-G4, B E2-C4 (Bach himself leaves them now and
///     then, which is why his chorales are the reference row); all four voices count, and the
///     alto, tenor and bass alone are out_of_range_lower_voices (all a harmoniser writes);
///   - an unresolved leading tone: the cadences are the piece's last chord and the chord
///     sounding at each fermata the caller gives (the JSB grids mark none). The leading tone is
///     the pitch class a semitone below the tonic of the piece's key (the caller's, or estimated
///     from all four voices, see piece_key). An outer voice (soprano or bass) that sounds the
///     leading tone at the step before a cadence chord and moves as the chord starts must rise a
///     semitone, to the tonic; falling or leaping is unresolved. A voice that holds the leading
///     tone into the chord is not judged (a suspension, or a piece that ends on the dominant, as
///     a Phrygian cadence does), nor is one silent at either step. The alto and tenor are
///     counted too, for reference, but not as the rule: Bach often lets an inner leading tone
///     fall to the fifth.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/evaluate/rules.hpp>
#include <bachprop/music/score/four_voice_grid.hpp>
#include <bachprop/music/theory/key.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace bachprop::music {

/// Rule-breaking counts of one or more pieces (definitions in the file comment).
struct MusicChecks {
  double pieces = 0;                               ///< pieces checked
  double steps = 0;                                ///< grid steps, all pieces
  double chords = 0;                               ///< chords started (see the file comment)
  double notes = 0;                                ///< notes started, all voices
  double cadences = 0;                             ///< cadence chords with a chord before them
  std::array<double, 6> parallel_fifths{};         ///< per pair of voice_pairs
  std::array<double, 6> parallel_octaves{};        ///< per pair (unisons included)
  std::array<double, 6> parallel_unisons{};        ///< per pair, a part of parallel_octaves
  std::array<double, 6> contrary_fifths{};         ///< per pair
  std::array<double, 6> contrary_octaves{};        ///< per pair (unisons included)
  double hidden_fifths = 0;                        ///< soprano and bass
  double hidden_octaves = 0;                       ///< soprano and bass
  std::array<double, 3> crossings{};               ///< S-A, A-T, T-B
  std::array<double, 2> spacing{};                 ///< S-A, A-T
  std::array<double, voice_count> out_of_range{};  ///< per voice
  /// Per voice; the rule counts the soprano and bass (see unresolved()).
  std::array<double, voice_count> unresolved_leading_tones{};

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
  /// Unresolved leading tones in the outer voices: the rule.
  double unresolved() const {
    return unresolved_leading_tones[soprano] + unresolved_leading_tones[bass];
  }
  /// How often `rule` is broken, all voices it concerns.
  double count(Rule rule) const {
    switch (rule) {
      case Rule::parallel_fifths:
        return fifths();
      case Rule::parallel_octaves:
        return octaves();
      case Rule::contrary_fifths:
        return sum(contrary_fifths);
      case Rule::contrary_octaves:
        return sum(contrary_octaves);
      case Rule::hidden_fifths:
        return hidden_fifths;
      case Rule::hidden_octaves:
        return hidden_octaves;
      case Rule::crossings:
        return crossing_count();
      case Rule::spacing:
        return sum(spacing);
      case Rule::out_of_range:
        return sum(out_of_range);
      case Rule::unresolved_leading_tones:
        return unresolved();
    }
    return 0;
  }
  /// `count` per 100 chords (NaN without chords).
  double per_100_chords(double count) const {
    return chords > 0 ? 100.0 * count / chords : std::numeric_limits<double>::quiet_NaN();
  }
  /// How often `rule` is broken per 100 chords (NaN without chords).
  double rate(Rule rule) const { return per_100_chords(count(rule)); }
  /// Chords per quarter note at `steps_per_quarter` grid steps a quarter: how busy the harmony is.
  double chords_per_quarter(int steps_per_quarter = 4) const {
    return steps > 0 ? chords * steps_per_quarter / steps
                     : std::numeric_limits<double>::quiet_NaN();
  }

  /// Adds another piece's (or set's) counts.
  MusicChecks& operator+=(const MusicChecks& o) {
    auto add = [](auto& to, const auto& from) {
      for (std::size_t i = 0; i < to.size(); ++i) {
        to[i] += from[i];
      }
    };
    pieces += o.pieces;
    steps += o.steps;
    chords += o.chords;
    notes += o.notes;
    cadences += o.cadences;
    add(parallel_fifths, o.parallel_fifths);
    add(parallel_octaves, o.parallel_octaves);
    add(parallel_unisons, o.parallel_unisons);
    add(contrary_fifths, o.contrary_fifths);
    add(contrary_octaves, o.contrary_octaves);
    hidden_fifths += o.hidden_fifths;
    hidden_octaves += o.hidden_octaves;
    add(crossings, o.crossings);
    add(spacing, o.spacing);
    add(out_of_range, o.out_of_range);
    add(unresolved_leading_tones, o.unresolved_leading_tones);
    return *this;
  }

  /// The rates as JSON: one key per rule (rule_keys), and out_of_range_lower_voices.
  nlohmann::json rates_json() const {
    nlohmann::json rates = nlohmann::json::object();
    for (std::size_t r = 0; r < rule_count; ++r) {
      rates[std::string(rule_keys[r])] = rate(static_cast<Rule>(r));
    }
    rates["out_of_range_lower_voices"] = per_100_chords(lower_out_of_range());
    return rates;
  }

  /// The counts as JSON: totals (one key per rule), per 100 chords, per pair or voice.
  nlohmann::json to_json() const {
    auto by_pair = [](const std::array<double, 6>& counts) {
      nlohmann::json j = nlohmann::json::object();
      for (std::size_t i = 0; i < 6; ++i) {
        j[voice_pair_name(i)] = counts[i];
      }
      return j;
    };
    auto by_voice = [](const std::array<double, voice_count>& counts) {
      nlohmann::json j = nlohmann::json::object();
      for (std::size_t v = 0; v < voice_count; ++v) {
        j[std::string(voice_names[v])] = counts[v];
      }
      return j;
    };
    nlohmann::json j = {{"pieces", pieces},     {"steps", steps},
                        {"chords", chords},     {"notes", notes},
                        {"cadences", cadences}, {"chords_per_quarter", chords_per_quarter()}};
    for (std::size_t r = 0; r < rule_count; ++r) {
      j[std::string(rule_keys[r])] = count(static_cast<Rule>(r));
    }
    j["parallel_unisons"] = sum(parallel_unisons);
    j["out_of_range_lower_voices"] = lower_out_of_range();
    j["per_100_chords"] = rates_json();
    j["parallel_fifths_by_pair"] = by_pair(parallel_fifths);
    j["parallel_octaves_by_pair"] = by_pair(parallel_octaves);
    j["parallel_unisons_by_pair"] = by_pair(parallel_unisons);
    j["contrary_fifths_by_pair"] = by_pair(contrary_fifths);
    j["contrary_octaves_by_pair"] = by_pair(contrary_octaves);
    j["crossings_by_pair"] = {{"S-A", crossings[0]}, {"A-T", crossings[1]}, {"T-B", crossings[2]}};
    j["spacing_by_pair"] = {{"S-A", spacing[0]}, {"A-T", spacing[1]}};
    j["out_of_range_by_voice"] = by_voice(out_of_range);
    j["unresolved_leading_tones_by_voice"] = by_voice(unresolved_leading_tones);
    return j;
  }
};

namespace detail {

/// For each step, whether a cadence chord starts there: the last chord, and the chord sounding
/// at each fermata (a fermata where nothing sounds marks none).
inline std::vector<bool> cadence_starts(const FourVoiceGrid& grid,
                                        const std::vector<Index>& fermatas) {
  const auto n = static_cast<std::size_t>(grid.steps());
  std::vector<Index> chord_at(n, -1);  // the start of the chord sounding at each step
  Index current = -1;
  for (Index t = 0; t < grid.steps(); ++t) {
    bool any = false;
    for (int v = 0; v < voice_count; ++v) {
      any = any || grid.at(v, t) != silent_voice;
    }
    current = !any ? -1 : starts_chord(grid, t) ? t : current;
    chord_at[static_cast<std::size_t>(t)] = current;
  }
  std::vector<bool> cadence(n, false);
  for (std::size_t t = n; t-- > 0;) {
    if (chord_at[t] >= 0) {
      cadence[static_cast<std::size_t>(chord_at[t])] = true;  // the last chord
      break;
    }
  }
  for (const Index f : fermatas) {
    if (f < 0 || f >= grid.steps()) {
      throw ArgumentError("music_checks: a fermata at step " + std::to_string(f) +
                          " of a piece of " + std::to_string(grid.steps()) + " steps");
    }
    if (const Index start = chord_at[static_cast<std::size_t>(f)]; start >= 0) {
      cadence[static_cast<std::size_t>(start)] = true;
    }
  }
  return cadence;
}

/// The checks of one piece; each violation also appended to `listed` when it is not null.
inline MusicChecks check_piece(const FourVoiceGrid& grid, const CheckOptions& options,
                               std::vector<Violation>* listed) {
  grid.check();
  MusicChecks c;
  c.pieces = 1;
  c.steps = static_cast<double>(grid.steps());
  const std::vector<bool> cadence = cadence_starts(grid, options.fermatas);
  const int leading_tone = pitch_class((options.key ? *options.key : piece_key(grid)).tonic - 1);
  auto sounds = [&](int v, Index t) { return grid.at(v, t) != silent_voice; };
  auto broken = [&](Rule rule, int upper, int lower, Index t) {
    if (listed != nullptr) {
      listed->push_back(
          {rule, upper, lower, t,
           bar_and_beat(t, grid.steps_per_quarter, options.beats_per_bar, options.pickup_steps)});
    }
  };
  for (Index t = 0; t < grid.steps(); ++t) {
    if (!starts_chord(grid, t)) {
      continue;
    }
    c.chords += 1;
    for (int v = 0; v < voice_count; ++v) {
      const int p = grid.at(v, t);
      if (p != silent_voice && (t == 0 || p != grid.at(v, t - 1))) {
        c.notes += 1;
        const auto& range = options.ranges[static_cast<std::size_t>(v)];
        if (p < range.lowest || p > range.highest) {
          c.out_of_range[static_cast<std::size_t>(v)] += 1;
          broken(Rule::out_of_range, v, -1, t);
        }
      }
    }
    for (int v = 0; v + 1 < voice_count; ++v) {
      if (!sounds(v, t) || !sounds(v + 1, t)) {
        continue;
      }
      const auto i = static_cast<std::size_t>(v);
      if (grid.at(v + 1, t) > grid.at(v, t)) {
        c.crossings[i] += 1;
        broken(Rule::crossings, v, v + 1, t);
      }
      if (v < tenor && grid.at(v, t) - grid.at(v + 1, t) > 12) {
        c.spacing[i] += 1;
        broken(Rule::spacing, v, v + 1, t);
      }
    }
    if (t == 0) {
      continue;
    }
    if (cadence[static_cast<std::size_t>(t)]) {
      bool judged = false;
      for (int v = 0; v < voice_count; ++v) {
        if (sounds(v, t - 1)) {
          judged = true;
        }
        const int from = grid.at(v, t - 1);
        const int to = grid.at(v, t);
        if (from != silent_voice && to != silent_voice && to != from &&
            pitch_class(from) == leading_tone && to != from + 1) {
          c.unresolved_leading_tones[static_cast<std::size_t>(v)] += 1;
          if (v == soprano || v == bass) {
            broken(Rule::unresolved_leading_tones, v, -1, t);
          }
        }
      }
      c.cadences += judged ? 1 : 0;
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
      const std::optional<Rule> rule = motion_rule(a1, b1, a2, b2, i == soprano && j == bass);
      if (!rule) {
        continue;
      }
      if (*rule == Rule::hidden_fifths || *rule == Rule::hidden_octaves) {
        (*rule == Rule::hidden_fifths ? c.hidden_fifths : c.hidden_octaves) += 1;
      } else {
        (*rule == Rule::parallel_fifths    ? c.parallel_fifths
         : *rule == Rule::contrary_fifths  ? c.contrary_fifths
         : *rule == Rule::parallel_octaves ? c.parallel_octaves
                                           : c.contrary_octaves)[pair] += 1;
        c.parallel_unisons[pair] += *rule == Rule::parallel_octaves && a1 == b1 && a2 == b2 ? 1 : 0;
      }
      broken(*rule, i, j, t);
    }
  }
  return c;
}

}  // namespace detail

/// The music checks of one piece (definitions in the file comment).
inline MusicChecks music_checks(const FourVoiceGrid& grid, const CheckOptions& options = {}) {
  return detail::check_piece(grid, options, nullptr);
}

/// The music checks of one piece with the given ranges (the key estimated, no fermatas).
inline MusicChecks music_checks(const FourVoiceGrid& grid,
                                const std::array<VoiceRange, voice_count>& ranges) {
  CheckOptions options;
  options.ranges = ranges;
  return music_checks(grid, options);
}

/// Every violation of one piece, in the order of the steps (the counts of music_checks, listed).
inline std::vector<Violation> violations(const FourVoiceGrid& grid,
                                         const CheckOptions& options = {}) {
  std::vector<Violation> listed;
  detail::check_piece(grid, options, &listed);
  return listed;
}

/// The music checks of several pieces, summed. A key and fermatas belong to one piece, so
/// `options` must have none (ArgumentError); `keys`, when not empty, gives each piece's key
/// (one per grid), else each key is estimated (piece_key).
inline MusicChecks music_checks(const std::vector<FourVoiceGrid>& grids,
                                const CheckOptions& options = {},
                                const std::vector<Key>& keys = {}) {
  if (options.key || !options.fermatas.empty()) {
    throw ArgumentError("music_checks: a key and fermatas are a piece's; give keys per grid");
  }
  if (!keys.empty() && keys.size() != grids.size()) {
    throw ArgumentError("music_checks: " + std::to_string(keys.size()) + " keys for " +
                        std::to_string(grids.size()) + " pieces");
  }
  MusicChecks total;
  CheckOptions piece = options;
  for (std::size_t i = 0; i < grids.size(); ++i) {
    piece.key = keys.empty() ? std::nullopt : std::optional<Key>(keys[i]);
    total += music_checks(grids[i], piece);
  }
  return total;
}

/// The music checks of several pieces with the given ranges, summed.
inline MusicChecks music_checks(const std::vector<FourVoiceGrid>& grids,
                                const std::array<VoiceRange, voice_count>& ranges) {
  CheckOptions options;
  options.ranges = ranges;
  return music_checks(grids, options);
}

/// Each piece's key (piece_key), to judge other harmonisations of the same melodies in the same
/// keys.
inline std::vector<Key> piece_keys(const std::vector<FourVoiceGrid>& grids) {
  std::vector<Key> keys;
  keys.reserve(grids.size());
  for (const auto& grid : grids) {
    keys.push_back(piece_key(grid));
  }
  return keys;
}

}  // namespace bachprop::music
