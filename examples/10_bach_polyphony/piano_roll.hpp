#pragma once
// bach_polyphony's piano rolls: the keys they cover, the two baselines that need no network, and
// a piano roll turned back into a part to write and hear.

#include <bachprop/music/models/piano_roll_rnn.hpp>
#include <bachprop/music/score.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace bach_polyphony {

using namespace bachprop;
using namespace bachprop::music;

constexpr int lowest_key = 21;  // A0
constexpr Index key_count = 88;

/// Two baselines that need no network, both with add-one smoothing of their counts: every key
/// on or off independently with its training frequency, and every key a two-state Markov chain
/// (its state in frame t predicts its state in frame t + 1). Their test NLL per frame.
inline std::pair<double, double> baseline_nll(const std::vector<PianoRollFrames>& train,
                                              const std::vector<PianoRollFrames>& test) {
  std::vector<double> on(key_count, 1.0);
  double frames = 2.0;
  std::vector<std::array<double, 4>> transitions(key_count, {1, 1, 1, 1});  // [from·2 + to]
  auto state = [](const std::vector<int>& frame, Index key) {
    return std::find(frame.begin(), frame.end(), lowest_key + static_cast<int>(key)) != frame.end();
  };
  for (const auto& piece : train) {
    for (std::size_t t = 0; t < piece.size(); ++t) {
      frames += 1;
      for (Index k = 0; k < key_count; ++k) {
        const bool now = state(piece[t], k);
        on[static_cast<std::size_t>(k)] += now ? 1 : 0;
        if (t + 1 < piece.size()) {
          transitions[static_cast<std::size_t>(k)]
                     [(now ? 2 : 0) + (state(piece[t + 1], k) ? 1 : 0)] += 1;
        }
      }
    }
  }
  double independent = 0;
  double markov = 0;
  double predicted = 0;
  for (const auto& piece : test) {
    for (std::size_t t = 1; t < piece.size(); ++t) {
      predicted += 1;
      for (Index k = 0; k < key_count; ++k) {
        const auto i = static_cast<std::size_t>(k);
        const bool next = state(piece[t], k);
        const double p = on[i] / frames;
        independent -= std::log(next ? p : 1 - p);
        const auto& c = transitions[i];
        const bool before = state(piece[t - 1], k);
        const double from = before ? c[2] + c[3] : c[0] + c[1];
        const double p_on = (before ? c[3] : c[1]) / from;
        markov -= std::log(next ? p_on : 1 - p_on);
      }
    }
  }
  return {independent / predicted, markov / predicted};
}

/// A piano roll (frames of a quarter note) as a one-part score: a key sounding in consecutive
/// frames is one held note.
inline Part part_of(const PianoRollFrames& frames, const std::string& name, int channel,
                    double start) {
  Part part;
  part.name = name;
  part.program = 19;  // church organ
  part.channel = channel;
  std::map<int, double> sounding;  // pitch → onset
  for (std::size_t t = 0; t <= frames.size(); ++t) {
    const std::vector<int> now = t < frames.size() ? frames[t] : std::vector<int>{};
    for (auto it = sounding.begin(); it != sounding.end();) {
      if (std::find(now.begin(), now.end(), it->first) == now.end()) {
        part.add(it->first, start + it->second, static_cast<double>(t) - it->second);
        it = sounding.erase(it);
      } else {
        ++it;
      }
    }
    for (const int p : now) {
      sounding.emplace(p, static_cast<double>(t));
    }
  }
  part.sort();
  return part;
}

}  // namespace bach_polyphony
