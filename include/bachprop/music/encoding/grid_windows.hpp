#pragma once
/// @file
/// The windows harmonisers train on: a stretch of a chorale's grid, where it starts and in which
/// transposition.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/score/four_voice_grid.hpp>

#include <algorithm>
#include <cstddef>
#include <vector>

namespace bachprop::music {

/// A training example: `length` steps of chorale `chorale` from step `start`, transposed by
/// `shift` semitones.
struct GridWindow {
  std::size_t chorale = 0;  ///< index of the piece in the list of grids
  Index start = 0;          ///< first grid step of the window
  int shift = 0;            ///< transposition in semitones (0: as written)
  /// Equal when piece, start and shift are.
  friend bool operator==(const GridWindow&, const GridWindow&) = default;
};

/// Where windows of `length` steps start in a piece of `steps` steps: every `stride` steps from
/// 0 while the window overruns the end by at most `overrun` steps (the overrun is silence), plus
/// one window ending exactly at the end when that start is not already taken. A piece shorter
/// than a window gives the one window at 0.
inline std::vector<Index> window_starts(Index steps, Index length, Index stride,
                                        Index overrun = 0) {
  if (length <= 0 || stride <= 0 || overrun < 0) {
    throw ArgumentError(
        "window_starts: length and stride must be positive and overrun not "
        "negative");
  }
  std::vector<Index> starts;
  if (steps <= 0) {
    return starts;
  }
  if (steps <= length) {
    starts.push_back(0);
    return starts;
  }
  for (Index s = 0; s + length <= steps + overrun; s += stride) {
    starts.push_back(s);
  }
  if (std::find(starts.begin(), starts.end(), steps - length) == starts.end()) {
    starts.push_back(steps - length);
    std::sort(starts.begin(), starts.end());
  }
  return starts;
}

/// The windows of every grid: window_starts(steps, length, stride, overrun) of each, all with
/// shift 0 (training draws the transpositions). With `whole_only`, a grid shorter than a window
/// gives none.
inline std::vector<GridWindow> grid_windows(const std::vector<FourVoiceGrid>& grids, Index length,
                                            Index stride, Index overrun = 0,
                                            bool whole_only = false) {
  std::vector<GridWindow> windows;
  for (std::size_t c = 0; c < grids.size(); ++c) {
    if (whole_only && grids[c].steps() < length) {
      continue;
    }
    for (const Index start : window_starts(grids[c].steps(), length, stride, overrun)) {
      windows.push_back({c, start, 0});
    }
  }
  return windows;
}

}  // namespace bachprop::music
