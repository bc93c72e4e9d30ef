#pragma once
/// @file
/// Numbers for tokens: a vocabulary built from a corpus (ids by falling count, so the same corpus
/// always gives the same numbering), with an explicit policy for tokens it has never seen, saved
/// and loaded as JSON.

#include <bachprop/core/error.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/io/model_json.hpp>
#include <bachprop/music/encoding/tokens.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bachprop::music {

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
    // Compared as JSON, not read with value(): a "format" that is not a string must be refused,
    // not throw nlohmann's type_error (found by fuzzing the 8-bit model's file).
    if (!j.is_object() || !j.contains("format") || j["format"] != "bachprop.vocabulary") {
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
      const auto count = bachprop::detail::whole_number<std::size_t>(
          c, 0, std::numeric_limits<std::size_t>::max());
      if (!count) {
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
      v.add(token, *count);
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
