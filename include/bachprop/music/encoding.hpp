#pragma once
/// @file
/// Turning music into matrices and tokens, and back:
///   - NoteEmbedding: the paper's note vector (section 6.2 of the derivation paper): a one-hot
///     pitch over MIDI 36..81 stacked on a one-hot duration in eighth notes; one column per note
///     (batch as columns). Decode takes the argmax of each block, or samples each block.
///   - PianoRoll: pitches × time steps, 1 where a pitch sounds; decode joins consecutive cells.
///   - Token vocabulary: notes, chords and rests as words ("C4", "A2.G#3", "R"), as in the
///     Play-Bach article, numbered by a vocabulary built from a corpus and saved as JSON, with
///     an explicit policy for tokens it has never seen.

#include <bachprop/core/error.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/music/melody.hpp>
#include <bachprop/music/pitch.hpp>
#include <bachprop/music/sampling.hpp>
#include <bachprop/music/score.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bachprop::music {

/// Rounds every duration to the nearest multiple of `unit` quarter notes (at least one unit):
/// for encodings with a fixed duration grid (the UCI melodies have a few sixteenths).
inline Melody quantise_durations(const Melody& melody, double unit) {
  if (!(unit > 0.0) || !std::isfinite(unit)) {
    throw ArgumentError("quantise_durations: the unit must be positive, got " +
                        std::to_string(unit));
  }
  Melody out = melody;
  for (auto& e : out) {
    e.duration = std::max(1.0, std::round(e.duration / unit)) * unit;
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// The paper's note embedding

/// One-hot pitch (MIDI lowest..highest, plus a rest row when `with_rest`) stacked on one-hot
/// duration (1..max_eighths eighth notes). Rows: pitches first, lowest pitch at row 0, the rest
/// row last of the pitch block; then the duration block, one eighth at its first row.
struct NoteEmbedding {
  int lowest_pitch = 36;   ///< MIDI pitch of row 0 (36: C2)
  int highest_pitch = 81;  ///< highest MIDI pitch with a row, inclusive (81: A5)
  int max_eighths = 16;    ///< longest duration, in eighth notes (16: a breve)
  /// The paper has no rests; chorale soprano lines do.
  bool with_rest = false;

  /// Rows of the pitch block.
  Index pitch_rows() const { return highest_pitch - lowest_pitch + 1 + (with_rest ? 1 : 0); }
  /// Rows of the duration block.
  Index duration_rows() const { return max_eighths; }
  /// Rows of a whole column.
  Index rows() const { return pitch_rows() + duration_rows(); }

  /// Throws ArgumentError unless the ranges make sense.
  void validate() const {
    if (lowest_pitch < 0 || highest_pitch > 127 || lowest_pitch > highest_pitch ||
        max_eighths < 1 || max_eighths > 1024) {
      throw ArgumentError("NoteEmbedding: pitches " + std::to_string(lowest_pitch) + ".." +
                          std::to_string(highest_pitch) + " and 1.." +
                          std::to_string(max_eighths) +
                          " eighths: expected 0 ≤ lowest ≤ highest ≤ 127 and 1..1024 eighths");
    }
  }
  /// The pitch row of an event (a MIDI pitch, or rest_pitch with with_rest).
  Index pitch_row(int pitch) const {
    if (pitch == rest_pitch && with_rest) {
      return pitch_rows() - 1;
    }
    if (pitch < lowest_pitch || pitch > highest_pitch) {
      throw ArgumentError("NoteEmbedding: " +
                          (pitch == rest_pitch ? std::string("a rest (set with_rest)")
                                               : "pitch " + std::to_string(pitch)) +
                          " is outside the embedded range " + std::to_string(lowest_pitch) +
                          ".." + std::to_string(highest_pitch));
    }
    return pitch - lowest_pitch;
  }
  /// The pitch of a pitch row (rest_pitch for the rest row).
  int pitch_of_row(Index row) const {
    if (row < 0 || row >= pitch_rows()) {
      throw ArgumentError("NoteEmbedding: pitch row " + std::to_string(row) + " outside 0.." +
                          std::to_string(pitch_rows() - 1));
    }
    return with_rest && row == pitch_rows() - 1 ? rest_pitch
                                                : lowest_pitch + static_cast<int>(row);
  }
  /// The duration row: the number of eighths minus one. Throws ArgumentError when the duration
  /// is not a whole number of eighths in 1..max_eighths (see quantise_durations).
  Index duration_row(double quarters) const {
    const double eighths = quarters * 2.0;
    const double rounded = std::round(eighths);
    if (std::abs(eighths - rounded) > 1e-9 || rounded < 1 || rounded > max_eighths) {
      throw ArgumentError("NoteEmbedding: a duration of " + std::to_string(quarters) +
                          " quarter notes is not 1.." + std::to_string(max_eighths) +
                          " whole eighths (quantise_durations rounds it)");
    }
    return static_cast<Index>(rounded) - 1;
  }
  /// The duration in quarter notes of a duration row.
  double duration_of_row(Index row) const {
    if (row < 0 || row >= duration_rows()) {
      throw ArgumentError("NoteEmbedding: duration row " + std::to_string(row) +
                          " outside 0.." + std::to_string(duration_rows() - 1));
    }
    return static_cast<double>(row + 1) / 2.0;
  }

  /// Writes one event's vector into `column` (rows() entries), zeros elsewhere. Allocation-free.
  template <class Derived>
  void encode_event(const MelodyEvent& event, Eigen::MatrixBase<Derived>&& column) const {
    encode_event(event, column);
  }
  /// The same, into a vector or a column held by the caller.
  template <class Derived>
  void encode_event(const MelodyEvent& event, Eigen::MatrixBase<Derived>& column) const {
    if (column.size() != rows()) {
      throw ShapeError("NoteEmbedding: a column of " + std::to_string(column.size()) +
                       " entries, expected " + std::to_string(rows()));
    }
    const Index p = pitch_row(event.pitch);
    const Index d = duration_row(event.duration);
    column.setZero();
    column(p) = 1;
    column(pitch_rows() + d) = 1;
  }

  /// Encodes a melody into `out` (rows() × events), resizing it only when its shape differs:
  /// with a preallocated matrix of the right shape, allocation-free.
  template <Scalar S>
  void encode(const Melody& melody, Matrix<S>& out) const {
    validate();
    if (out.rows() != rows() || out.cols() != static_cast<Index>(melody.size())) {
      out.resize(rows(), static_cast<Index>(melody.size()));
    }
    for (std::size_t i = 0; i < melody.size(); ++i) {
      encode_event(melody[i], out.col(static_cast<Index>(i)));
    }
  }
  /// Encodes a melody into a new matrix.
  Matrix<float> encode(const Melody& melody) const {
    Matrix<float> out;
    encode(melody, out);
    return out;
  }

  /// The event a column stands for: the most likely row of each block.
  template <class Derived>
  MelodyEvent decode_event(const Eigen::MatrixBase<Derived>& column) const {
    check_column(column.size());
    Index p = 0;
    Index d = 0;
    column.head(pitch_rows()).maxCoeff(&p);
    column.tail(duration_rows()).maxCoeff(&d);
    return {pitch_of_row(p), duration_of_row(d)};
  }
  /// A melody from the columns of `encoded` (argmax of each block).
  template <class Derived>
  Melody decode(const Eigen::MatrixBase<Derived>& encoded) const {
    Melody melody;
    melody.reserve(static_cast<std::size_t>(encoded.cols()));
    for (Index c = 0; c < encoded.cols(); ++c) {
      melody.push_back(decode_event(encoded.col(c)));
    }
    return melody;
  }
  /// An event sampled from a column whose two blocks are (unnormalised) probability vectors,
  /// as the paper does: the pitch and the duration are drawn separately with `options`. The
  /// optional masks (pitch_rows() and duration_rows() entries) forbid options. Allocation-free
  /// after the sampler's first call at these sizes.
  template <Scalar S>
  MelodyEvent sample_event(const Vector<S>& column, Rng& rng, Sampler& sampler,
                           const SamplingOptions& options = {},
                           std::span<const std::uint8_t> pitch_mask = {},
                           std::span<const std::uint8_t> duration_mask = {}) const {
    check_column(column.size());
    const std::span<const S> all(column.data(), static_cast<std::size_t>(column.size()));
    const auto p = sampler.sample(all.subspan(0, static_cast<std::size_t>(pitch_rows())), rng,
                                  options, pitch_mask);
    const auto d = sampler.sample(all.subspan(static_cast<std::size_t>(pitch_rows())), rng,
                                  options, duration_mask);
    return {pitch_of_row(static_cast<Index>(p)), duration_of_row(static_cast<Index>(d))};
  }
  /// The pitch of every pitch row (rest_pitch for the rest row): the `option_pitches` that
  /// MelodyConstraints needs.
  std::vector<int> row_pitches() const {
    std::vector<int> pitches;
    for (Index r = 0; r < pitch_rows(); ++r) {
      pitches.push_back(pitch_of_row(r));
    }
    return pitches;
  }

 private:
  void check_column(Index size) const {
    if (size != rows()) {
      throw ShapeError("NoteEmbedding: a column of " + std::to_string(size) +
                       " entries, expected " + std::to_string(rows()));
    }
  }
};

// ------------------------------------------------------------------------------------------------
// Piano roll

/// Pitches × time steps: cell (p, t) is 1 when MIDI pitch lowest_pitch + p sounds during step t
/// (the step [t·step, (t+1)·step) in quarter notes).
struct PianoRoll {
  Matrix<float> cells{};  ///< pitches × steps, 1 where the pitch sounds, else 0
  int lowest_pitch = 36;  ///< MIDI pitch of row 0
  double step = 0.25;     ///< length of a column in quarter notes (0.25: a sixteenth)

  /// MIDI pitch of the last row.
  int highest_pitch() const { return lowest_pitch + static_cast<int>(cells.rows()) - 1; }
  /// Number of time steps (columns).
  Index steps() const { return cells.cols(); }
};

/// Settings of a piano roll: the pitch range (inclusive) and the step in quarter notes.
struct PianoRollOptions {
  int lowest_pitch = 36;   ///< lowest MIDI pitch, the roll's row 0
  int highest_pitch = 81;  ///< highest MIDI pitch, inclusive
  double step = 0.25;      ///< quarter notes per column
};

/// The piano roll of the notes of every part of `score`. A note covers the steps from
/// round(start / step) to round(end / step) − 1 (at least one step). Throws ArgumentError for a
/// pitch outside the range.
inline PianoRoll piano_roll(const Score& score, const PianoRollOptions& options = {}) {
  if (options.lowest_pitch < 0 || options.highest_pitch > 127 ||
      options.lowest_pitch > options.highest_pitch || !(options.step > 0.0) ||
      !std::isfinite(options.step)) {
    throw ArgumentError("piano_roll: expected 0 ≤ lowest ≤ highest ≤ 127 and a positive step");
  }
  const double total_steps = std::round(score.end() / options.step);
  if (!(total_steps <= 1.0e7)) {
    throw ArgumentError("piano_roll: " + std::to_string(total_steps) +
                        " steps is too many (coarser step?)");
  }
  PianoRoll roll;
  roll.lowest_pitch = options.lowest_pitch;
  roll.step = options.step;
  roll.cells = Matrix<float>::Zero(options.highest_pitch - options.lowest_pitch + 1,
                                   static_cast<Index>(total_steps));
  for (const auto& part : score.parts) {
    for (const auto& n : part.notes) {
      if (!(n.start >= 0.0) || !(n.duration > 0.0) || !std::isfinite(n.end())) {
        throw ArgumentError("piano_roll: a note at " + std::to_string(n.start) + " lasting " +
                            std::to_string(n.duration) +
                            " quarter notes: expected a start ≥ 0 and a positive length");
      }
      if (n.pitch < options.lowest_pitch || n.pitch > options.highest_pitch) {
        throw ArgumentError("piano_roll: " + pitch_name(n.pitch) + " is outside " +
                            pitch_name(options.lowest_pitch) + ".." +
                            pitch_name(options.highest_pitch));
      }
      const auto first = static_cast<Index>(std::round(n.start / options.step));
      const auto last = std::max(first + 1, static_cast<Index>(std::round(n.end() / options.step)));
      for (Index t = first; t < std::min(last, roll.cells.cols()); ++t) {
        roll.cells(n.pitch - options.lowest_pitch, t) = 1.0F;
      }
    }
  }
  return roll;
}

/// The notes of a piano roll: each run of consecutive cells above `threshold` in a row is one
/// note (so repeated notes on adjacent steps merge into one, as in the JSB data).
inline Part piano_roll_to_part(const PianoRoll& roll, std::string name = "piano roll",
                               float threshold = 0.5F, int velocity = 80) {
  Part part;
  part.name = std::move(name);
  for (Index p = 0; p < roll.cells.rows(); ++p) {
    Index t = 0;
    while (t < roll.cells.cols()) {
      if (roll.cells(p, t) <= threshold) {
        ++t;
        continue;
      }
      Index end = t;
      while (end < roll.cells.cols() && roll.cells(p, end) > threshold) {
        ++end;
      }
      part.notes.push_back({roll.lowest_pitch + static_cast<int>(p),
                            static_cast<double>(t) * roll.step,
                            static_cast<double>(end - t) * roll.step, velocity});
      t = end;
    }
  }
  part.sort();
  return part;
}

// ------------------------------------------------------------------------------------------------
// Tokens

/// The rest token.
inline constexpr std::string_view rest_token = "R";

/// The token of the pitches sounding together: names ascending joined by '.' ("A2.G#3"), a
/// single name for one note, "R" for none.
inline std::string token_of(std::vector<int> pitches) {
  if (pitches.empty()) {
    return std::string(rest_token);
  }
  std::sort(pitches.begin(), pitches.end());
  pitches.erase(std::unique(pitches.begin(), pitches.end()), pitches.end());
  std::string token;
  for (const int p : pitches) {
    if (!token.empty()) {
      token += '.';
    }
    token += pitch_name(p);
  }
  return token;
}

/// The pitches of a note, chord or rest token (FormatError for anything else).
inline std::vector<int> pitches_of(std::string_view token) {
  if (token.find_first_of(" \t\n/:") != std::string_view::npos || token.empty()) {
    throw FormatError("token '" + std::string(token) +
                      "': expected a note (C4), a chord (A2.G#3) or R");
  }
  const auto events = parse_notes(token);
  return events.front().pitches;
}

/// A part as tokens: one per onset (the chord of notes starting together), and an "R" wherever
/// silence separates the end of all sounding notes from the next onset. Durations are dropped,
/// as in the article.
inline std::vector<std::string> tokenize(const Part& part) {
  std::vector<std::string> tokens;
  double sounding_until = 0.0;
  bool first = true;
  for (const auto& chord : chords_of(part)) {
    if (!first && chord.front().start > sounding_until + 1e-9) {
      tokens.emplace_back(rest_token);
    }
    std::vector<int> pitches;
    for (const auto& n : chord) {
      pitches.push_back(n.pitch);
      sounding_until = std::max(sounding_until, n.end());
    }
    tokens.push_back(token_of(pitches));
    first = false;
  }
  return tokens;
}

/// A melody as tokens, one per event (pitch name or "R").
inline std::vector<std::string> tokenize(const Melody& melody) {
  std::vector<std::string> tokens;
  tokens.reserve(melody.size());
  for (const auto& e : melody) {
    tokens.push_back(e.is_rest() ? std::string(rest_token) : pitch_name(e.pitch));
  }
  return tokens;
}

/// Tokens back to a part, each token lasting `step` quarter notes (the article's fixed step).
inline Part detokenize(const std::vector<std::string>& tokens, double step = 0.5,
                       std::string name = "tokens", int velocity = 80) {
  if (!(step > 0.0) || !std::isfinite(step)) {
    throw ArgumentError("detokenize: the step must be positive");
  }
  Part part;
  part.name = std::move(name);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    for (const int p : pitches_of(tokens[i])) {
      part.notes.push_back({p, static_cast<double>(i) * step, step, velocity});
    }
  }
  return part;
}

/// Numbers for tokens. Ids are 0..size()-1: the unknown token first (when the vocabulary has
/// one), then the tokens by falling count, ties in text order — the same corpus always gives the
/// same numbering.
class Vocabulary {
 public:
  /// The token that stands for every token the vocabulary has not seen, when enabled.
  static constexpr std::string_view unknown_token = "<unk>";

  Vocabulary() = default;

  /// Builds from a corpus of token sequences; tokens seen fewer than `min_count` times are left
  /// out (they map to the unknown token, or are refused without one).
  static Vocabulary build(const std::vector<std::vector<std::string>>& corpus,
                          std::size_t min_count = 1, bool with_unknown = true) {
    std::map<std::string, std::size_t> counts;
    for (const auto& sequence : corpus) {
      for (const auto& token : sequence) {
        ++counts[token];
      }
    }
    std::vector<std::pair<std::string, std::size_t>> entries(counts.begin(), counts.end());
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    Vocabulary v;
    v.with_unknown_ = with_unknown;
    std::size_t dropped = 0;
    if (with_unknown) {
      v.add(std::string(unknown_token), 0);
    }
    for (const auto& [token, count] : entries) {
      if (count < min_count) {
        dropped += count;
        continue;
      }
      if (token == unknown_token) {
        throw ArgumentError("Vocabulary: the corpus uses the reserved token '<unk>'");
      }
      v.add(token, count);
    }
    if (with_unknown) {
      v.counts_[0] = dropped;
    }
    return v;
  }

  /// Number of tokens (the unknown token included).
  std::size_t size() const { return tokens_.size(); }
  /// Whether unseen tokens map to unknown_token.
  bool has_unknown() const { return with_unknown_; }
  /// Whether `token` has its own id.
  bool contains(std::string_view token) const { return ids_.count(std::string(token)) > 0; }
  /// The id of `token`, if it has one.
  std::optional<int> find(std::string_view token) const {
    const auto it = ids_.find(std::string(token));
    return it == ids_.end() ? std::nullopt : std::optional<int>(it->second);
  }
  /// The id of `token`: its own, else the unknown token's; throws ArgumentError for an unseen
  /// token when the vocabulary has no unknown token.
  int id(std::string_view token) const {
    if (const auto found = find(token)) {
      return *found;
    }
    if (with_unknown_) {
      return 0;
    }
    throw ArgumentError("Vocabulary: token '" + std::string(token) + "' is not among its " +
                        std::to_string(size()) + " tokens and it has no unknown token");
  }
  /// The token of an id (ArgumentError outside 0..size()-1).
  const std::string& token(int id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= tokens_.size()) {
      throw ArgumentError("Vocabulary: id " + std::to_string(id) + " outside 0.." +
                          std::to_string(static_cast<long long>(tokens_.size()) - 1));
    }
    return tokens_[static_cast<std::size_t>(id)];
  }
  /// How often the token of `id` occurred in the corpus it was built from (for the unknown
  /// token: the occurrences of the tokens left out).
  std::size_t count(int id) const {
    token(id);
    return counts_[static_cast<std::size_t>(id)];
  }
  /// Ids of a token sequence.
  std::vector<int> encode(const std::vector<std::string>& tokens) const {
    std::vector<int> ids;
    ids.reserve(tokens.size());
    for (const auto& t : tokens) {
      ids.push_back(id(t));
    }
    return ids;
  }
  /// Tokens of an id sequence.
  std::vector<std::string> decode(const std::vector<int>& ids) const {
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (const int i : ids) {
      tokens.push_back(token(i));
    }
    return tokens;
  }
  /// The pitch each id plays: MIDI pitch of a single note, rest_pitch (-1) for "R", -2 for
  /// anything else (chords, the unknown token): the option_pitches of MelodyConstraints.
  std::vector<int> option_pitches() const {
    std::vector<int> pitches;
    for (const auto& t : tokens_) {
      int p = -2;
      if (t == rest_token) {
        p = rest_pitch;
      } else if (t != unknown_token) {
        try {
          const auto ps = pitches_of(t);
          p = ps.size() == 1 ? ps.front() : -2;
        } catch (const FormatError&) {
          p = -2;
        }
      }
      pitches.push_back(p);
    }
    return pitches;
  }

  /// The vocabulary as JSON: {"format": "bachprop.vocabulary", "version": 1, "unknown":
  /// "<unk>" or null, "tokens": [...], "counts": [...]}.
  nlohmann::json to_json() const {
    return {{"format", "bachprop.vocabulary"},
            {"version", 1},
            {"unknown", with_unknown_ ? nlohmann::json(std::string(unknown_token)) : nullptr},
            {"tokens", tokens_},
            {"counts", counts_}};
  }
  /// A vocabulary from its JSON; FormatError (naming `name` and the field) when malformed.
  static Vocabulary from_json(const nlohmann::json& j, const std::string& name = "<memory>") {
    auto fail = [&](const std::string& what) {
      throw FormatError(name + ": vocabulary: expected " + what);
    };
    if (!j.is_object() || j.value("format", "") != "bachprop.vocabulary") {
      fail("an object with \"format\": \"bachprop.vocabulary\"");
    }
    if (!j.contains("version") || j["version"] != 1) {
      fail("\"version\": 1");
    }
    if (!j.contains("tokens") || !j["tokens"].is_array() || !j.contains("counts") ||
        !j["counts"].is_array() || j["counts"].size() != j["tokens"].size()) {
      fail("arrays \"tokens\" and \"counts\" of equal length");
    }
    Vocabulary v;
    v.with_unknown_ = j.contains("unknown") && !j["unknown"].is_null();
    if (v.with_unknown_ && j["unknown"] != std::string(unknown_token)) {
      fail("\"unknown\": \"<unk>\" or null");
    }
    for (std::size_t i = 0; i < j["tokens"].size(); ++i) {
      const auto& t = j["tokens"][i];
      const auto& c = j["counts"][i];
      if (!t.is_string() || t.get<std::string>().empty()) {
        fail("tokens[" + std::to_string(i) + "] to be a non-empty string");
      }
      if (!c.is_number_unsigned()) {
        fail("counts[" + std::to_string(i) + "] to be a non-negative integer");
      }
      const std::string token = t.get<std::string>();
      if ((token == unknown_token) != (v.with_unknown_ && i == 0)) {
        fail("'<unk>' exactly at tokens[0] when \"unknown\" is set, nowhere else; tokens[" +
             std::to_string(i) + "] is '" + token + "'");
      }
      if (v.contains(token)) {
        fail("distinct tokens; '" + token + "' appears twice (tokens[" + std::to_string(i) +
             "])");
      }
      v.add(token, c.get<std::size_t>());
    }
    if (v.with_unknown_ && v.tokens_.empty()) {
      fail("'<unk>' at tokens[0]");
    }
    return v;
  }
  /// Saves as JSON (atomically).
  void save(const std::filesystem::path& path) const {
    write_file_atomically(path, to_json().dump(1) + "\n");
  }
  /// Loads a saved vocabulary.
  static Vocabulary load(const std::filesystem::path& path) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(read_file(path));
    } catch (const nlohmann::json::parse_error& error) {
      throw FormatError(path.string() + ": byte " + std::to_string(error.byte) +
                        ": malformed JSON: " + error.what());
    }
    return from_json(j, path.string());
  }

  /// Equal when the tokens (in order), their counts and the use of an unknown token match.
  friend bool operator==(const Vocabulary& a, const Vocabulary& b) {
    return a.tokens_ == b.tokens_ && a.counts_ == b.counts_ && a.with_unknown_ == b.with_unknown_;
  }

 private:
  void add(std::string token, std::size_t count) {
    ids_.emplace(token, static_cast<int>(tokens_.size()));
    tokens_.push_back(std::move(token));
    counts_.push_back(count);
  }

  std::vector<std::string> tokens_{};
  std::vector<std::size_t> counts_{};
  std::unordered_map<std::string, int> ids_;
  bool with_unknown_ = false;
};

}  // namespace bachprop::music
