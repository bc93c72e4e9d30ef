#pragma once
/// @file
/// A piece as two streams, the Play-Bach article's tokens and their durations: every group of
/// notes that start together (in any part) is one chord token ("C3.E4.G4", tokens.hpp), a
/// silence between them is "R", and each token keeps how long it lasts until the next one,
/// quantised to a duration class (a sixteenth, an eighth, a dotted eighth, ...). The article
/// drops the durations and plays every token on a fixed step; kept as a second stream, they let
/// a model play in rhythm.

#include <bachprop/core/error.hpp>
#include <bachprop/music/encoding/tokens.hpp>
#include <bachprop/music/score/score.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace bachprop::music {

/// Durations in quarter notes, each a class: a duration falls in the class nearest to it on a
/// logarithmic scale (ties to the shorter), so 0.3 is a sixteenth (0.25) and 5 a whole note (4).
class DurationClasses {
 public:
  /// The default classes: sixteenth, eighth, dotted eighth, quarter, dotted quarter, half,
  /// dotted half and whole note.
  DurationClasses() : values_{0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0} {}
  /// Classes of the given lengths (ArgumentError unless they are positive, finite and rising).
  explicit DurationClasses(std::vector<double> quarters) : values_(std::move(quarters)) {
    if (values_.empty()) {
      throw ArgumentError("DurationClasses: no durations");
    }
    for (std::size_t i = 0; i < values_.size(); ++i) {
      if (!(values_[i] > 0.0) || !std::isfinite(values_[i]) ||
          (i > 0 && !(values_[i] > values_[i - 1]))) {
        throw ArgumentError("DurationClasses: durations must be positive, finite and rising; "
                            "entry " + std::to_string(i) + " is " + std::to_string(values_[i]));
      }
    }
  }

  /// Number of classes.
  std::size_t size() const { return values_.size(); }
  /// The length of class `c` in quarter notes (ArgumentError outside 0..size()−1).
  double quarters(int c) const {
    if (c < 0 || static_cast<std::size_t>(c) >= values_.size()) {
      throw ArgumentError("DurationClasses: class " + std::to_string(c) + " outside 0.." +
                          std::to_string(values_.size() - 1));
    }
    return values_[static_cast<std::size_t>(c)];
  }
  /// The class of a duration of `quarters` (> 0; ArgumentError otherwise).
  int classify(double quarters) const {
    if (!(quarters > 0.0) || !std::isfinite(quarters)) {
      throw ArgumentError("DurationClasses: a duration must be positive, got " +
                          std::to_string(quarters));
    }
    int best = 0;
    double distance = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < values_.size(); ++i) {
      const double d = std::abs(std::log2(quarters / values_[i]));
      if (d < distance - 1e-12) {
        distance = d;
        best = static_cast<int>(i);
      }
    }
    return best;
  }
  /// The lengths, shortest first.
  const std::vector<double>& values() const { return values_; }

  /// The classes as JSON: the list of lengths in quarter notes.
  nlohmann::json to_json() const { return values_; }
  /// Classes from their JSON; FormatError naming `source` when it is not a list of rising
  /// positive numbers.
  static DurationClasses from_json(const nlohmann::json& j, const std::string& source) {
    if (!j.is_array() || j.empty() || j.size() > 64 ||
        !std::all_of(j.begin(), j.end(), [](const auto& v) { return v.is_number(); })) {
      throw FormatError(source + ": durations: expected a list of 1 to 64 numbers");
    }
    try {
      return DurationClasses(j.get<std::vector<double>>());
    } catch (const ArgumentError& error) {
      throw FormatError(source + ": durations: " + error.what());
    }
  }
  /// Equal when the lengths are.
  friend bool operator==(const DurationClasses&, const DurationClasses&) = default;

 private:
  std::vector<double> values_;
};

/// A piece as tokens and, for each, its duration class.
struct ChordTokens {
  std::string name{};                  ///< where it came from (a file, "chorale 12")
  std::vector<std::string> tokens{};   ///< "C4", "A2.G#3", "R"
  std::vector<int> durations{};        ///< the duration class of each token
  /// Number of tokens.
  std::size_t size() const { return tokens.size(); }
};

/// How a score becomes chord tokens.
struct ChordTokenOptions {
  /// Notes whose onsets lie within this many quarter notes of a group's first onset join that
  /// group (a played chord is rarely struck at one instant): 1/32 of a quarter by default.
  double onset_tolerance = 1.0 / 32.0;
  /// A silence shorter than this (quarter notes) is not a rest: it lengthens the token before.
  double shortest_rest = 0.125;
};

/// The score as chord tokens: the notes of every part (but the drum channel, 9) grouped by onset,
/// each group a token lasting until the next group starts, or, when every note has stopped
/// before that, until then followed by an "R" for the silence. The last token lasts as long as
/// its longest note. Durations are quantised by `classes`. An empty score gives no tokens.
inline ChordTokens chord_tokens(const Score& score, const DurationClasses& classes = {},
                                const ChordTokenOptions& options = {}) {
  std::vector<Note> notes;
  for (const Part& part : score.parts) {
    if (part.channel == 9) {
      continue;
    }
    notes.insert(notes.end(), part.notes.begin(), part.notes.end());
  }
  std::sort(notes.begin(), notes.end(), note_order);
  struct Group {
    double start;
    double end;
    std::vector<int> pitches;
  };
  std::vector<Group> groups;
  for (const Note& n : notes) {
    if (groups.empty() || n.start - groups.back().start > options.onset_tolerance) {
      groups.push_back({n.start, n.end(), {}});
    }
    groups.back().pitches.push_back(n.pitch);
    groups.back().end = std::max(groups.back().end, n.end());
  }
  ChordTokens out;
  out.name = score.title;
  double sounding_until = 0.0;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const Group& group = groups[g];
    sounding_until = std::max(sounding_until, group.end);
    out.tokens.push_back(token_of(group.pitches));
    if (g + 1 == groups.size()) {
      out.durations.push_back(classes.classify(group.end - group.start));
      break;
    }
    const double next = groups[g + 1].start;
    if (next - sounding_until >= options.shortest_rest) {
      out.durations.push_back(classes.classify(sounding_until - group.start));
      out.tokens.emplace_back(rest_token);
      out.durations.push_back(classes.classify(next - sounding_until));
    } else {
      out.durations.push_back(classes.classify(next - group.start));
    }
  }
  return out;
}

/// Chord tokens back to a part: each token's notes start where the tokens before it end and
/// last its duration class; "R" sounds nothing. FormatError for a token that is not a note,
/// chord or rest (the unknown token included); ArgumentError for a duration class outside
/// `classes` or streams of different lengths.
inline Part chord_tokens_to_part(const std::vector<std::string>& tokens,
                                 const std::vector<int>& durations,
                                 const DurationClasses& classes = {}, std::string name = "tokens",
                                 int velocity = 80) {
  if (tokens.size() != durations.size()) {
    throw ArgumentError("chord_tokens_to_part: " + std::to_string(tokens.size()) +
                        " tokens but " + std::to_string(durations.size()) + " durations");
  }
  Part part;
  part.name = std::move(name);
  double now = 0.0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const double length = classes.quarters(durations[i]);
    for (const int p : pitches_of(tokens[i])) {
      part.notes.push_back({p, now, length, velocity});
    }
    now += length;
  }
  return part;
}

}  // namespace bachprop::music
