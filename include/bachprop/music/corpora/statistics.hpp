#pragma once
/// @file
/// What a set of melodies holds: how many pieces and events, their lengths, the pitch range, the
/// keys they are in and the durations they use; the summary a corpus is introduced with.

#include <bachprop/music/score/melody.hpp>
#include <bachprop/music/theory/key.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace bachprop::music {

/// What a set of melodies holds: counts, lengths, range, keys and durations.
struct MelodyStatistics {
  std::size_t pieces = 0;  ///< melodies counted
  std::size_t events = 0;  ///< notes and rests
  std::size_t notes = 0;  ///< events that sound
  std::size_t rests = 0;  ///< silent events
  std::size_t shortest = 0;  ///< fewest events in a piece
  std::size_t longest = 0;      ///< most events in a piece
  double mean_events = 0.0;     ///< events per piece, on average
  double total_quarters = 0.0;  ///< length of all pieces together, in quarter notes
  int lowest_pitch = -1;  ///< -1 when there are no notes
  int highest_pitch = -1;  ///< -1 when there are no notes
  std::map<int, std::size_t> pitches{};           ///< MIDI pitch → notes
  std::map<double, std::size_t> durations{};      ///< quarter length → events (notes only)
  std::map<std::string, std::size_t> keys{};      ///< estimated key name → pieces

  /// The figures as JSON (for summaries).
  nlohmann::json to_json() const {
    nlohmann::json j = {{"pieces", pieces},          {"events", events},
                        {"notes", notes},            {"rests", rests},
                        {"shortest", shortest},      {"longest", longest},
                        {"mean_events", mean_events}, {"total_quarters", total_quarters},
                        {"lowest_pitch", lowest_pitch}, {"highest_pitch", highest_pitch}};
    nlohmann::json d = nlohmann::json::object();
    for (const auto& [length, count] : durations) {
      std::string key = std::to_string(length);
      key.erase(key.find_last_not_of('0') + 1);
      if (!key.empty() && key.back() == '.') {
        key.pop_back();
      }
      d[key] = count;
    }
    j["durations"] = d;
    j["keys"] = keys;
    return j;
  }
};

/// Statistics of `melodies`; each piece's key is estimated from its notes (estimate_key).
inline MelodyStatistics melody_statistics(const std::vector<Melody>& melodies) {
  MelodyStatistics s;
  s.pieces = melodies.size();
  for (std::size_t i = 0; i < melodies.size(); ++i) {
    const Melody& m = melodies[i];
    s.events += m.size();
    s.shortest = i == 0 ? m.size() : std::min(s.shortest, m.size());
    s.longest = std::max(s.longest, m.size());
    std::vector<int> pitches;
    std::vector<double> durations;
    for (const auto& e : m) {
      s.total_quarters += e.duration;
      if (e.is_rest()) {
        ++s.rests;
        continue;
      }
      ++s.notes;
      ++s.pitches[e.pitch];
      ++s.durations[e.duration];
      s.lowest_pitch = s.lowest_pitch < 0 ? e.pitch : std::min(s.lowest_pitch, e.pitch);
      s.highest_pitch = std::max(s.highest_pitch, e.pitch);
      pitches.push_back(e.pitch);
      durations.push_back(e.duration);
    }
    if (!pitches.empty()) {
      ++s.keys[key_name(estimate_key(pitch_class_histogram(pitches, durations)).key)];
    }
  }
  s.mean_events = s.pieces == 0 ? 0.0 : static_cast<double>(s.events) / s.pieces;
  return s;
}

}  // namespace bachprop::music
