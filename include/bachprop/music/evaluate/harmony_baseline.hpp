#pragma once
/// @file
/// The simplest harmoniser worth measuring against: every lower voice follows the soprano at a
/// fixed distance in the key — the number of scale steps below the soprano that Bach used most
/// often for that voice in the training chorales (a third or a fourth for the alto, a sixth or an
/// octave for the tenor, two octaves for the bass, say).
///
/// Counting in scale steps rather than semitones keeps every voice in the key
/// (music/theory/scale.hpp). The key of a piece is estimated from its soprano alone
/// (Krumhansl-Schmuckler, music/theory/key.hpp), since that is all a harmoniser is given.
///
/// It learns nothing about chords, so it shows what the networks must beat: parallel motion
/// everywhere (a constant distance in the key is parallel thirds and sixths, and parallel octaves
/// wherever the distance is an octave).

#include <bachprop/core/error.hpp>
#include <bachprop/music/score/four_voice_grid.hpp>
#include <bachprop/music/theory/key.hpp>
#include <bachprop/music/theory/scale.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <map>
#include <string>
#include <vector>

namespace bachprop::music {

/// The key of a soprano line, from its pitch classes weighted by grid steps (C major when it
/// never sounds).
inline Key soprano_key(const std::vector<int>& soprano_line) {
  std::array<double, 12> histogram{};
  bool any = false;
  for (const int p : soprano_line) {
    if (p != silent_voice) {
      histogram[static_cast<std::size_t>(pitch_class(p))] += 1.0;
      any = true;
    }
  }
  return any ? estimate_key(histogram).key : Key{};
}

/// Each lower voice at the scale-step distance below the soprano that Bach used most.
class IntervalBaseline {
 public:
  /// Distances given directly: steps_below[v] for alto, tenor and bass (index 1..3).
  explicit IntervalBaseline(std::array<int, voice_count> steps_below = {0, 2, 5, 14})
      : steps_below_(steps_below) {}

  /// The most frequent distance per voice over every step of `training` where the soprano and
  /// the voice both sound (each chorale in the key estimated from its soprano); ties go to the
  /// smaller distance.
  static IntervalBaseline fit(const std::vector<FourVoiceGrid>& training) {
    std::array<std::map<int, double>, voice_count> counts;
    for (const auto& grid : training) {
      const Key key = soprano_key(grid.voices[soprano]);
      for (Index t = 0; t < grid.steps(); ++t) {
        const int s = grid.at(soprano, t);
        if (s == silent_voice) {
          continue;
        }
        for (int v = alto; v <= bass; ++v) {
          const int p = grid.at(v, t);
          if (p != silent_voice) {
            counts[static_cast<std::size_t>(v)][scale_step(s, key) - scale_step(p, key)] += 1;
          }
        }
      }
    }
    std::array<int, voice_count> steps{};
    for (int v = alto; v <= bass; ++v) {
      const auto& c = counts[static_cast<std::size_t>(v)];
      if (c.empty()) {
        throw ArgumentError("IntervalBaseline::fit: the " +
                            std::string(voice_names[static_cast<std::size_t>(v)]) +
                            " never sounds with the soprano");
      }
      auto best = c.begin();
      for (auto it = c.begin(); it != c.end(); ++it) {
        if (it->second > best->second) {
          best = it;
        }
      }
      steps[static_cast<std::size_t>(v)] = best->first;
    }
    return IntervalBaseline(steps);
  }

  /// Scale steps below the soprano for voice v (alto, tenor, bass).
  int steps_below(int v) const { return steps_below_.at(static_cast<std::size_t>(v)); }

  /// The four voices for a soprano line: silent where the soprano is, else each voice its
  /// distance below in the soprano's key. Throws ArgumentError when a voice would leave the MIDI
  /// range.
  FourVoiceGrid harmonise(const std::vector<int>& soprano_line) const {
    FourVoiceGrid grid = soprano_only(soprano_line);
    const Key key = soprano_key(soprano_line);
    for (Index t = 0; t < grid.steps(); ++t) {
      const int s = grid.at(soprano, t);
      if (s == silent_voice) {
        continue;
      }
      for (int v = alto; v <= bass; ++v) {
        const int p = pitch_of_scale_step(scale_step(s, key) - steps_below(v), key);
        require_midi_pitch(p, "IntervalBaseline");
        grid.voices[static_cast<std::size_t>(v)][static_cast<std::size_t>(t)] = p;
      }
    }
    return grid;
  }

  /// The model as JSON: its name and each lower voice's scale steps below the soprano.
  nlohmann::json to_json() const {
    return {{"model", "interval_baseline"},
            {"scale_steps_below",
             {{"Alto", steps_below_[alto]},
              {"Tenor", steps_below_[tenor]},
              {"Bass", steps_below_[bass]}}}};
  }

 private:
  std::array<int, voice_count> steps_below_;
};

}  // namespace bachprop::music
