#pragma once
/// @file
/// What a harmoniser is, to the code that measures one: anything that turns a soprano line (one
/// grid value per step, a MIDI pitch or silent_voice) into four voices. MiniBach, HarmonyRnn and
/// IntervalBaseline all are; the functions here harmonise a set of chorales and score them the
/// same way for every one of them.

#include <bachprop/music/encoding/voice_classes.hpp>
#include <bachprop/music/evaluate/harmony_accuracy.hpp>
#include <bachprop/music/score/four_voice_grid.hpp>

#include <array>
#include <concepts>
#include <limits>
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

/// The mean negative log-likelihood of Bach's alto, tenor and bass under `model`, in nats per
/// grid step, voice by voice: −log p_t^v(Bach's value) averaged over every step of `grids`,
/// each soprano moved by octaves into the model's range as harmonise_in_range does (and Bach's
/// voices with it). `model` gives per-step distributions (voice_log_probabilities: alto, tenor
/// and bass classes, a column per step); a step whose value has no class in its voice is left
/// out, and `unscored` (when not null) receives how many were.
template <class Model>
requires requires(Model& m, const std::vector<int>& line) {
  m.voice_log_probabilities(line);
  m.encoding().voice(soprano);
}
std::array<double, 3> voice_nll(Model& model, const std::vector<FourVoiceGrid>& grids,
                                std::array<double, 3>* unscored = nullptr) {
  std::array<double, 3> total{};
  std::array<double, 3> count{};
  std::array<double, 3> skipped{};
  const HarmonyEncoding& encoding = model.encoding();
  for (const auto& grid : grids) {
    const int shift = octave_shift_into(grid.voices[soprano], encoding.voice(soprano));
    const auto log_p = model.voice_log_probabilities(shifted(grid.voices[soprano], shift));
    Index row = 0;
    for (int v = alto; v <= bass; ++v) {
      const VoiceClasses& classes = encoding.voice(v);
      const auto i = static_cast<std::size_t>(v - alto);
      for (Index t = 0; t < grid.steps(); ++t) {
        const int bach = grid.at(v, t);
        const int value = bach == silent_voice ? bach : bach + shift;
        if (!classes.has(value)) {
          skipped[i] += 1;
          continue;
        }
        total[i] -= static_cast<double>(log_p(row + classes.class_of(value), t));
        count[i] += 1;
      }
      row += classes.size();
    }
  }
  if (unscored != nullptr) {
    *unscored = skipped;
  }
  for (std::size_t i = 0; i < 3; ++i) {
    total[i] = count[i] > 0 ? total[i] / count[i] : std::numeric_limits<double>::quiet_NaN();
  }
  return total;
}

}  // namespace bachprop::music
