#pragma once
/// @file
/// Notes, chords and rests as words, as in the Play-Bach article: "C4", "A2.G#3" (pitches sounding
/// together, ascending, joined by '.'), "R" for a rest; a part or a melody as tokens and back.

#include <bachprop/core/error.hpp>
#include <bachprop/music/score/melody.hpp>
#include <bachprop/music/score/score.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop::music {

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

}  // namespace bachprop::music
