#pragma once
/// @file
/// The rules a counterpoint teacher checks in a four-voice piece, as names and places: the
/// rules' stable keys, what checking a piece needs beside its grid (each voice's range, the key,
/// the fermatas), where a chord starts, which rule of motion two voices break, and a violation
/// with its bar and beat. The definitions, and the counting, are in voice_leading.hpp.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/score/four_voice_grid.hpp>
#include <bachprop/music/theory/key.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
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

/// The rules of the file comment, in the order of the reports.
enum class Rule : std::uint8_t {
  parallel_fifths,
  parallel_octaves,
  contrary_fifths,
  contrary_octaves,
  hidden_fifths,
  hidden_octaves,
  crossings,
  spacing,
  out_of_range,
  unresolved_leading_tones
};

/// Number of rules.
inline constexpr std::size_t rule_count = 10;

/// Each rule's stable name, the key of JSON reports (index: the Rule).
inline constexpr std::array<std::string_view, rule_count> rule_keys{
    "parallel_fifths", "parallel_octaves",         "contrary_fifths", "contrary_octaves",
    "hidden_fifths",   "hidden_octaves",           "crossings",       "spacing",
    "out_of_range",    "unresolved_leading_tones",
};

/// The rule's key, "parallel_fifths".
inline std::string_view rule_key(Rule rule) {
  return rule_keys[static_cast<std::size_t>(rule)];
}

/// What the checks of one piece need beside the grid.
struct CheckOptions {
  std::array<VoiceRange, voice_count> ranges = textbook_ranges;  ///< each voice's range
  std::optional<Key> key;       ///< the key of the leading tone (none: piece_key estimates it)
  std::vector<Index> fermatas;  ///< steps under a fermata: cadences besides the last chord
  int beats_per_bar = 4;        ///< quarter notes a bar, for violations' bars and beats
  Index pickup_steps = 0;       ///< steps before the first bar line (an upbeat, bar 0)
};

/// The key of a four-voice piece: Krumhansl-Schmuckler on the pitch classes of all four voices,
/// each weighted by the steps it sounds (C major when nothing sounds).
inline Key piece_key(const FourVoiceGrid& grid) {
  std::array<double, 12> histogram{};
  bool any = false;
  for (const auto& line : grid.voices) {
    for (const int p : line) {
      if (p != silent_voice) {
        histogram[static_cast<std::size_t>(pitch_class(p))] += 1.0;
        any = true;
      }
    }
  }
  return any ? estimate_key(histogram).key : Key{};
}

/// True when a chord starts at step t: some voice sounds, and t is the first step or some voice
/// differs from step t−1.
inline bool starts_chord(const FourVoiceGrid& grid, Index t) {
  bool any = false;
  bool changed = t == 0;
  for (int v = 0; v < voice_count; ++v) {
    any = any || grid.at(v, t) != silent_voice;
    changed = changed || grid.at(v, t) != grid.at(v, t - 1);
  }
  return any && changed;
}

/// The rule of motion (parallel, contrary or hidden fifths or octaves) two sounding voices break
/// going from `upper1` over `lower1` to `upper2` over `lower2` (MIDI pitches), if any; `outer`:
/// they are the soprano and the bass, the only pair the hidden rules judge. The definitions of
/// voice_leading.hpp's file comment; a voice that holds its pitch breaks none.
inline std::optional<Rule> motion_rule(int upper1, int lower1, int upper2, int lower2, bool outer) {
  const int move_upper = upper2 - upper1;
  const int move_lower = lower2 - lower1;
  if (move_upper == 0 || move_lower == 0) {
    return std::nullopt;  // a voice holds: no motion of the pair
  }
  const bool similar = (move_upper > 0) == (move_lower > 0);
  const int before = std::abs(upper1 - lower1) % 12;
  const int after = std::abs(upper2 - lower2) % 12;
  if (before == 7 && after == 7) {
    return similar ? Rule::parallel_fifths : Rule::contrary_fifths;
  }
  if (before == 0 && after == 0) {
    return similar ? Rule::parallel_octaves : Rule::contrary_octaves;
  }
  if (outer && similar && std::abs(move_upper) > 2 && (after == 7 || after == 0)) {
    return after == 7 ? Rule::hidden_fifths : Rule::hidden_octaves;
  }
  return std::nullopt;
}

/// A grid step as a bar and a beat, both 1-based, in a metre of `beats_per_bar` quarter notes
/// whose first bar line falls after `pickup_steps` steps (steps before it are bar 0).
struct BarBeat {
  int bar = 1;      ///< the bar, 1-based (0: the pickup)
  double beat = 1;  ///< the quarter-note beat in the bar, 1-based: 2.5 is the eighth after beat 2
};

/// The bar and beat of grid step `step` (see BarBeat).
inline BarBeat bar_and_beat(Index step, int steps_per_quarter, int beats_per_bar = 4,
                            Index pickup_steps = 0) {
  if (steps_per_quarter < 1 || beats_per_bar < 1) {
    throw ArgumentError("bar_and_beat: steps per quarter and beats per bar must be positive");
  }
  const Index bar_steps = static_cast<Index>(steps_per_quarter) * beats_per_bar;
  const Index shifted = step - pickup_steps;
  const Index bars = shifted >= 0 ? shifted / bar_steps : -((-shifted + bar_steps - 1) / bar_steps);
  const Index within = shifted - bars * bar_steps;
  return {static_cast<int>(bars + 1), 1.0 + static_cast<double>(within) / steps_per_quarter};
}

/// One broken rule at one place.
struct Violation {
  Rule rule = Rule::parallel_fifths;  ///< the rule broken
  int upper = soprano;                ///< the voice, or the upper voice of a pair
  int lower = -1;                     ///< the lower voice of a pair; -1 for a rule of one voice
  Index step = 0;                     ///< the grid step where the chord starts
  BarBeat position;                   ///< the step's bar and beat

  /// "S-B" for a pair, "Bass" for one voice.
  std::string voices() const {
    if (lower < 0) {
      return std::string(voice_names.at(static_cast<std::size_t>(upper)));
    }
    return std::string(1, voice_names.at(static_cast<std::size_t>(upper))[0]) + "-" +
           std::string(1, voice_names.at(static_cast<std::size_t>(lower))[0]);
  }
  /// "bar 3, beat 2.5: parallel_fifths S-B".
  std::string describe() const {
    char beat[32];
    std::snprintf(beat, sizeof beat, "%g", position.beat);
    return "bar " + std::to_string(position.bar) + ", beat " + beat + ": " +
           std::string(rule_key(rule)) + " " + voices();
  }
  /// {"rule", "voices", "step", "bar", "beat"}.
  nlohmann::json to_json() const {
    return {{"rule", rule_key(rule)},
            {"voices", voices()},
            {"step", step},
            {"bar", position.bar},
            {"beat", position.beat}};
  }
};

}  // namespace bachprop::music
