#pragma once
// Four-voice grids written chord by chord, for the tests of music/evaluate/ (harmony accuracy,
// voice leading, the interval baseline).

#include <bachprop/music/score/four_voice_grid.hpp>

#include <array>
#include <vector>

// A grid from chords, one chord per step: {S, A, T, B}.
inline bachprop::music::FourVoiceGrid grid_of_chords(
    const std::vector<std::array<int, 4>>& chords) {
  bachprop::music::FourVoiceGrid g;
  for (const auto& chord : chords) {
    for (std::size_t v = 0; v < 4; ++v) {
      g.voices[v].push_back(chord[v]);
    }
  }
  return g;
}

// A silent voice, short enough to line chords up.
inline constexpr int X = bachprop::music::silent_voice;
