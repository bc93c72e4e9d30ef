#pragma once
/// @file
/// What a harmoniser is, to the code that measures one: anything that turns a soprano line (one
/// grid value per step, a MIDI pitch or silent_voice) into four voices. MiniBach, HarmonyRnn and
/// IntervalBaseline all are; the functions here harmonise a set of chorales and score them the
/// same way for every one of them.

#include <bachprop/music/encoding/voice_classes.hpp>
#include <bachprop/music/evaluate/harmony_accuracy.hpp>
#include <bachprop/music/score/four_voice_grid.hpp>

#include <concepts>
#include <utility>
#include <vector>

namespace bachprop::music {

/// A harmoniser: harmonise(soprano line) gives the four voices on the same grid.
template <class H>
concept Harmoniser = requires(H& harmoniser, const std::vector<int>& soprano_line) {
  { harmoniser.harmonise(soprano_line) } -> std::same_as<FourVoiceGrid>;
};

/// The harmonisation of `soprano_line`, first moved by whole octaves into the harmoniser's
/// soprano range when it has one (encoding()) and the line lies outside it; the lower voices are
/// moved back with it. `octave_shift`, when given, receives the shift applied (0, ±12, ...).
template <Harmoniser H>
FourVoiceGrid harmonise_in_range(H& harmoniser, const std::vector<int>& soprano_line,
                                 int* octave_shift = nullptr) {
  int shift = 0;
  if constexpr (requires { harmoniser.encoding().voice(soprano); }) {
    shift = octave_shift_into(soprano_line, harmoniser.encoding().voice(soprano));
  }
  if (octave_shift != nullptr) {
    *octave_shift = shift;
  }
  if (shift == 0) {
    return harmoniser.harmonise(soprano_line);
  }
  return transposed(harmoniser.harmonise(shifted(soprano_line, shift)), -shift);
}

/// Harmonises the soprano of every grid (each on its own grid of steps per quarter), moved by
/// octaves into the harmoniser's range where it lies outside (harmonise_in_range).
template <Harmoniser H>
std::vector<FourVoiceGrid> harmonise_all(H& harmoniser, const std::vector<FourVoiceGrid>& grids) {
  std::vector<FourVoiceGrid> out;
  out.reserve(grids.size());
  for (const auto& grid : grids) {
    FourVoiceGrid harmonised = harmonise_in_range(harmoniser, grid.voices[soprano]);
    harmonised.steps_per_quarter = grid.steps_per_quarter;
    out.push_back(std::move(harmonised));
  }
  return out;
}

/// The accuracy of the harmonisations of `grids`' sopranos against their own lower voices.
template <Harmoniser H>
HarmonyAccuracy accuracy_on(H& harmoniser, const std::vector<FourVoiceGrid>& grids) {
  return evaluate_accuracy(harmonise_all(harmoniser, grids), grids);
}

}  // namespace bachprop::music
