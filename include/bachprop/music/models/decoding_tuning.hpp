#pragma once
/// @file
/// Choosing the whole-piece decoding's penalties (λ and the rules' w of (56)) on held-out
/// chorales, never on the test ones: every candidate harmonises the validation chorales, and
/// the choice goes first to the rules a teacher checks, then to accuracy, then to rhythm.
///
/// Why not accuracy alone: against one reference (Bach's own voices) many good harmonisations
/// score alike, and the decodings within a quarter of a point of the best differ in what a
/// listener hears most: how long the notes are. So among the candidates that keep the rules
/// within their limits and lose at most `accuracy_slack` of accuracy, the one whose lower voices'
/// note lengths are closest to Bach's (the mean of line_statistics' distances) is kept.

#include <bachprop/core/error.hpp>
#include <bachprop/music/evaluate/harmonisers.hpp>
#include <bachprop/music/evaluate/harmony_accuracy.hpp>
#include <bachprop/music/evaluate/line_statistics.hpp>
#include <bachprop/music/evaluate/voice_leading.hpp>
#include <bachprop/music/models/harmony_decoding.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace bachprop::music {

/// What a decoding is held to on the validation chorales.
struct DecodingLimits {
  double parallel = 1.0;           ///< parallel fifths, and octaves, per 100 chords at most
  double bach_factor = 2.0;        ///< every other rule at most this × Bach's own rate
  double accuracy_slack = 0.0025;  ///< accuracy a decoding may give up for closer note lengths
};

/// How many of the rules the decoding penalises exceed their limits (DecodingLimits) in
/// `checks`, with `bach` the checks of Bach's own chorales. The leading-tone rule is not a term
/// of (56) and is not counted.
inline int rules_over_limits(const MusicChecks& checks, const MusicChecks& bach,
                             const DecodingLimits& limits = {}) {
  int over = 0;
  for (std::size_t r = 0; r < rule_count; ++r) {
    const auto rule = static_cast<Rule>(r);
    if (rule == Rule::unresolved_leading_tones) {
      continue;
    }
    const bool parallel = rule == Rule::parallel_fifths || rule == Rule::parallel_octaves;
    const double limit = parallel ? limits.parallel : limits.bach_factor * bach.rate(rule);
    over += checks.rate(rule) > limit + 1e-12 ? 1 : 0;
  }
  return over;
}

/// One candidate of tune_decoding, and what it gave on the validation chorales.
struct DecodingTrial {
  double change_penalty = 0;   ///< λ
  double offbeat = 0;          ///< HarmonyDecoding::offbeat_change_penalty
  RulePenalties rules;         ///< w
  double accuracy = 0;         ///< mean exact accuracy of the lower voices against Bach's
  MusicChecks checks;          ///< the rules, counted on the harmonisations
  double length_distance = 0;  ///< mean note-length distance of the lower voices to Bach's
                               ///< (NaN when a voice has no notes)
  int over = 0;                ///< rules over their limits (rules_over_limits)
  bool chosen = false;         ///< the trial tune_decoding kept
};

/// Chooses the change penalties and the rule penalties of `model`'s whole-piece decoding on
/// `validation`: every combination of `change_penalties` × `offbeat_penalties` ×
/// `rule_candidates` harmonises the validation chorales; kept is the one with the fewest rules
/// over their limits, and among those within `limits.accuracy_slack` of their best accuracy, the
/// closest note lengths (the first on ties). `model` is a Harmoniser with set_change_penalty,
/// set_offbeat_change_penalty and set_rule_penalties; it is left with the chosen combination.
/// Returns every trial. ArgumentError without candidates or chorales.
template <class Model>
std::vector<DecodingTrial> tune_decoding(Model& model, const std::vector<FourVoiceGrid>& validation,
                                         const std::vector<double>& change_penalties,
                                         const std::vector<double>& offbeat_penalties,
                                         const std::vector<RulePenalties>& rule_candidates,
                                         const DecodingLimits& limits = {}) {
  if (change_penalties.empty() || offbeat_penalties.empty() || rule_candidates.empty() ||
      validation.empty()) {
    throw ArgumentError("tune_decoding: needs candidates and validation chorales");
  }
  const std::vector<Key> keys = piece_keys(validation);
  const MusicChecks bach = music_checks(validation, {}, keys);
  const LineStatistics bach_lines = line_statistics(validation);
  std::vector<DecodingTrial> trials;
  for (const double lambda : change_penalties) {
    for (const double offbeat : offbeat_penalties) {
      for (const RulePenalties& rules : rule_candidates) {
        model.set_change_penalty(lambda);
        model.set_offbeat_change_penalty(offbeat);
        model.set_rule_penalties(rules);
        const std::vector<FourVoiceGrid> harmonised = harmonise_all(model, validation);
        DecodingTrial trial{lambda, offbeat, rules,
                            evaluate_accuracy(harmonised, validation).mean_accuracy(),
                            music_checks(harmonised, {}, keys)};
        const auto d = line_statistics(harmonised).note_length_distances(bach_lines);
        trial.length_distance = (d[alto] + d[tenor] + d[bass]) / 3;
        trial.over = rules_over_limits(trial.checks, bach, limits);
        trials.push_back(trial);
      }
    }
  }
  int fewest = trials.front().over;
  for (const auto& t : trials) {
    fewest = std::min(fewest, t.over);
  }
  double best_accuracy = 0;
  for (const auto& t : trials) {
    best_accuracy = t.over == fewest ? std::max(best_accuracy, t.accuracy) : best_accuracy;
  }
  // A voice with no notes has no length distance (NaN): the farthest.
  auto distance = [](const DecodingTrial& t) {
    return std::isnan(t.length_distance) ? std::numeric_limits<double>::infinity()
                                         : t.length_distance;
  };
  DecodingTrial* kept = nullptr;
  for (auto& t : trials) {
    if (t.over == fewest && t.accuracy >= best_accuracy - limits.accuracy_slack &&
        (kept == nullptr || distance(t) < distance(*kept))) {
      kept = &t;
    }
  }
  kept->chosen = true;
  model.set_change_penalty(kept->change_penalty);
  model.set_offbeat_change_penalty(kept->offbeat);
  model.set_rule_penalties(kept->rules);
  return trials;
}

}  // namespace bachprop::music
