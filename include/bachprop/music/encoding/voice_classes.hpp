#pragma once
/// @file
/// The classes a harmoniser reads and writes: each voice's pitches, lowest to highest, plus one
/// class for silence, one-hot per grid step; the ranges fitted to a corpus and saved with a model.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/io/model_json.hpp>
#include <bachprop/music/score/four_voice_grid.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

namespace bachprop::music {

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

  /// The classes of the alto, tenor and bass together: the rows of one step's harmony output.
  Index lower_voice_classes() const {
    return voice(alto).size() + voice(tenor).size() + voice(bass).size();
  }

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
      const auto low = pair.is_array() && pair.size() == 2
                           ? bachprop::detail::whole_number(pair[0], 0, 127)
                           : std::nullopt;
      const auto high = pair.is_array() && pair.size() == 2
                            ? bachprop::detail::whole_number(pair[1], 0, 127)
                            : std::nullopt;
      if (!low || !high || *low > *high) {
        throw FormatError(source + ": encoding voices[" + std::to_string(v) +
                          "]: expected [lowest, highest], MIDI pitches lowest ≤ highest, got " +
                          bachprop::detail::json_excerpt(pair));
      }
      encoding.voices[v] = {*low, *high};
    }
    return encoding;
  }
  /// Equal when all four voices' ranges are.
  friend bool operator==(const HarmonyEncoding&, const HarmonyEncoding&) = default;
};

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

}  // namespace bachprop::music
