#pragma once
/// @file
/// The simplest harmoniser worth measuring against: every lower voice follows the soprano at a
/// fixed distance in the key — the number of scale steps below the soprano that Bach used most
/// often for that voice in the training chorales (a third or a fourth for the alto, a sixth or an
/// octave for the tenor, two octaves for the bass, say).
///
/// Counting in scale steps rather than semitones keeps every voice in the key: a third below is
/// major or minor as the scale makes it. The key of a piece is estimated from its soprano alone
/// (Krumhansl-Schmuckler, music/key.hpp), since that is all a harmoniser is given; minor keys use
/// the harmonic minor scale, whose raised seventh is Bach's leading tone. A chromatic soprano note
/// counts as the scale note just below it.
///
/// It learns nothing about chords, so it shows what the networks must beat: parallel motion
/// everywhere (a constant distance in the key is parallel thirds and sixths, and parallel octaves
/// wherever the distance is an octave).

#include <bachprop/core/error.hpp>
#include <bachprop/music/harmony_data.hpp>
#include <bachprop/music/harmony_evaluation.hpp>
#include <bachprop/music/key.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <map>
#include <vector>

namespace bachprop::music {

/// The scale the baseline counts steps in, as offsets from the tonic: major, or harmonic minor.
inline std::array<int, 7> harmony_scale(Mode mode) {
  return mode == Mode::major ? std::array<int, 7>{0, 2, 4, 5, 7, 9, 11}
                             : std::array<int, 7>{0, 2, 3, 5, 7, 8, 11};
}

namespace detail {
inline int floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
}  // namespace detail

/// The scale-step number of `pitch` in `key`: 7 per octave, counted from the tonic of MIDI
/// octave −1; a pitch outside the scale gets the number of the scale note just below it.
inline int scale_step(int pitch, const Key& key) {
  const auto offsets = harmony_scale(key.mode);
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
  return key.tonic + 12 * octave + harmony_scale(key.mode)[static_cast<std::size_t>(degree)];
}

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

  /// Harmonises the soprano of every grid.
  std::vector<FourVoiceGrid> harmonise_all(const std::vector<FourVoiceGrid>& grids) const {
    std::vector<FourVoiceGrid> out;
    out.reserve(grids.size());
    for (const auto& g : grids) {
      FourVoiceGrid h = harmonise(g.voices[soprano]);
      h.steps_per_quarter = g.steps_per_quarter;
      out.push_back(std::move(h));
    }
    return out;
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
