#pragma once
/// @file
/// Counting in scale steps: a pitch's place in a key's scale, seven steps to the octave, and back.
/// A third below is then major or minor as the scale makes it. Minor keys count in the harmonic
/// minor scale; a chromatic pitch counts as the scale note just below it.

#include <bachprop/music/theory/key.hpp>

#include <array>
#include <cstddef>

namespace bachprop::music {

/// The scale that scale steps count in, as offsets from the tonic: major, or harmonic minor
/// (whose raised seventh is the leading tone).
inline std::array<int, 7> scale_step_offsets(Mode mode) {
  return mode == Mode::major ? std::array<int, 7>{0, 2, 4, 5, 7, 9, 11}
                             : std::array<int, 7>{0, 2, 3, 5, 7, 8, 11};
}

namespace detail {
inline int floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
}  // namespace detail

/// The scale-step number of `pitch` in `key`: 7 per octave, counted from the tonic of MIDI
/// octave −1; a pitch outside the scale gets the number of the scale note just below it.
inline int scale_step(int pitch, const Key& key) {
  const auto offsets = scale_step_offsets(key.mode);
  const int relative = pitch - key.tonic;
  const int octave = detail::floor_div(relative, 12);
  const int within = relative - 12 * octave;
  int degree = 0;
  for (int d = 0; d < 7; ++d) {
    if (offsets[static_cast<std::size_t>(d)] <= within) {
      degree = d;
    }
  }
  return 7 * octave + degree;
}

/// The pitch of scale step `step` in `key` (the inverse of scale_step on scale notes).
inline int pitch_of_scale_step(int step, const Key& key) {
  const int octave = detail::floor_div(step, 7);
  const int degree = step - 7 * octave;
  return key.tonic + 12 * octave + scale_step_offsets(key.mode)[static_cast<std::size_t>(degree)];
}

}  // namespace bachprop::music
