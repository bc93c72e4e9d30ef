#pragma once
/// @file
/// Decoding a whole harmonisation at once, with the rules a teacher checks in the score.
///
/// A harmoniser's network gives, at every grid step, one distribution for each lower voice.
/// Decoding each voice on its own (every step's most probable note, or smoothed_classes'
/// Viterbi path) never looks at the chord the three voices make together, nor at how it moves
/// to the next: two voices each confident of their own line may move in parallel fifths.
///
/// Here the alto, tenor and bass of every step are chosen together, for the whole piece: the
/// harmonisation x = (x_1, ..., x_n), x_t = (alto, tenor, bass) at step t, that maximises (56)
///
///     Σ_t Σ_v log p_t^v(x_t^v) − λ·(changes of a voice's note) − Σ_r w_r·(violations of rule r)
///
/// where p_t^v is the network's distribution of voice v at step t, λ the change penalty of
/// smoothed_classes and w_r the nats each broken rule costs (RulePenalties). Every rule of
/// voice_leading.hpp is judged between a step and the one before it, so the objective is a sum
/// of terms over consecutive steps, and the Viterbi recursion (57) finds its maximum over the
/// candidate chords exactly. The candidates of a step are the `chords` most probable
/// combinations of each voice's `per_voice` most probable notes (a note the caller fixes is its
/// voice's only candidate, FixedNotes), so the search is O(steps × chords²).
///
/// The same decoding, with no rule penalties, is per-voice smoothing restricted to the
/// candidates; with notes fixed it harmonises around them (DeepBach's constraints: a given bass,
/// the opening bars as written).

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/encoding/voice_classes.hpp>
#include <bachprop/music/evaluate/rules.hpp>
#include <bachprop/music/models/harmony_training.hpp>
#include <bachprop/music/score/four_voice_grid.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace bachprop::music {

/// Nats each broken rule costs a decoding (definitions in voice_leading.hpp); 0: free.
struct RulePenalties {
  double parallel = 0;      ///< a parallel fifth or octave (unisons included), any pair
  double contrary = 0;      ///< a fifth or octave by contrary motion, any pair
  double hidden = 0;        ///< a hidden fifth or octave, soprano and bass
  double crossing = 0;      ///< an adjacent pair crossed as a chord starts
  double spacing = 0;       ///< over an octave S-A or A-T as a chord starts
  double out_of_range = 0;  ///< a lower voice's note outside its range

  /// Every rule at `nats`.
  static RulePenalties uniform(double nats) { return {nats, nats, nats, nats, nats, nats}; }
  /// True when some rule costs something.
  bool any() const {
    return parallel > 0 || contrary > 0 || hidden > 0 || crossing > 0 || spacing > 0 ||
           out_of_range > 0;
  }
  /// The penalties as JSON, the document from_json reads.
  nlohmann::json to_json() const {
    return {{"parallel", parallel}, {"contrary", contrary}, {"hidden", hidden},
            {"crossing", crossing}, {"spacing", spacing},   {"out_of_range", out_of_range}};
  }
  /// Penalties from to_json's document, each a number in [0, 1e6]; FormatError naming `source`.
  static RulePenalties from_json(const nlohmann::json& j, const std::string& source) {
    auto nats = [&](const char* key) {
      return HarmonyTrainingOptions::json_number(j, key, 0, 1e6, source);
    };
    return {nats("parallel"), nats("contrary"), nats("hidden"),
            nats("crossing"), nats("spacing"),  nats("out_of_range")};
  }
  /// Equal when every penalty is.
  friend bool operator==(const RulePenalties&, const RulePenalties&) = default;
};

/// In FixedNotes: the decoding chooses this note.
inline constexpr int free_note = -2;

/// Notes a harmonisation must keep: for each lower voice, one value a step, a MIDI pitch,
/// silent_voice, or free_note (the soprano's entry is not used: the melody is always kept).
struct FixedNotes {
  std::array<std::vector<int>, voice_count> voices;  ///< per voice, a value per step

  /// Nothing fixed, over `steps` steps.
  static FixedNotes none(Index steps) {
    FixedNotes f;
    for (auto& line : f.voices) {
      line.assign(static_cast<std::size_t>(steps), free_note);
    }
    return f;
  }
  /// The lower voices of `grid` fixed at steps [from, to), the rest free: the opening bars as
  /// written, say. ArgumentError for steps outside the grid.
  static FixedNotes from_grid(const FourVoiceGrid& grid, Index from, Index to) {
    if (from < 0 || to < from || to > grid.steps()) {
      throw ArgumentError("FixedNotes::from_grid: steps " + std::to_string(from) + ".." +
                          std::to_string(to) + " outside a grid of " +
                          std::to_string(grid.steps()));
    }
    FixedNotes f = none(grid.steps());
    for (int v = alto; v <= bass; ++v) {
      for (Index t = from; t < to; ++t) {
        f.voices[static_cast<std::size_t>(v)][static_cast<std::size_t>(t)] = grid.at(v, t);
      }
    }
    return f;
  }
  /// Voice `voice` fixed to `line` from step 0 for line's length (pitches or silent_voice).
  void fix_line(int voice, const std::vector<int>& line) {
    auto& fixed = voices.at(static_cast<std::size_t>(voice));
    if (voice == soprano || line.size() > fixed.size()) {
      throw ArgumentError("FixedNotes::fix_line: a line of " + std::to_string(line.size()) +
                          " steps for voice " + std::to_string(voice) + " of a piece of " +
                          std::to_string(fixed.size()));
    }
    std::copy(line.begin(), line.end(), fixed.begin());
  }
  /// The fixed value of `voice` at `step` (free_note when free).
  int at(int voice, Index step) const {
    return voices[static_cast<std::size_t>(voice)][static_cast<std::size_t>(step)];
  }
};

/// How decode_harmony searches.
struct HarmonyDecoding {
  double change_penalty = 0;  ///< λ of (56): nats each change of a voice's note costs
  /// Nats a change costs on top of λ where it falls between the eighths of the grid (an odd
  /// 16th: the step's place t mod 4 is 1 or 3, as the harmonisers read the beat). Bach's lower
  /// voices move on eighths: a note starting on an odd 16th makes the dotted and syncopated
  /// lengths his chorales hardly have.
  double offbeat_change_penalty = 0;
  RulePenalties rules;  ///< w_r of (56)
  Index per_voice = 6;  ///< a voice's most probable notes considered at a step
  Index chords = 64;    ///< candidate chords kept at a step (the most probable)
  std::array<VoiceRange, voice_count> ranges = textbook_ranges;  ///< for out_of_range
};

namespace detail {

/// One candidate chord of a step: the alto, tenor and bass, and their summed log-probability.
struct CandidateChord {
  std::array<int, 3> notes{};  ///< alto, tenor, bass: pitches or silent_voice
  double log_p = 0;            ///< Σ_v log p_t^v(x_t^v)
  double start_cost = 0;       ///< crossings and spacing, paid when a chord starts here
};

/// The candidates of step t (see the file comment), most probable first.
inline std::vector<CandidateChord> candidate_chords(const Matrix<float>& log_p, Index t,
                                                    const HarmonyEncoding& encoding,
                                                    const HarmonyDecoding& options,
                                                    const FixedNotes& fixed) {
  std::array<std::vector<std::pair<int, double>>, 3> choices;  // per voice: (pitch, log p)
  Index row = 0;
  for (int v = alto; v <= bass; ++v) {
    const VoiceClasses& classes = encoding.voice(v);
    auto& mine = choices[static_cast<std::size_t>(v - alto)];
    if (const int kept = fixed.at(v, t); kept != free_note) {
      const double lp = classes.has(kept) ? log_p(row + classes.class_of(kept), t) : 0.0;
      mine.push_back({kept, lp});
    } else {
      std::vector<Index> order(static_cast<std::size_t>(classes.size()));
      for (Index c = 0; c < classes.size(); ++c) {
        order[static_cast<std::size_t>(c)] = c;
      }
      const auto keep = static_cast<std::ptrdiff_t>(std::min(options.per_voice, classes.size()));
      std::partial_sort(order.begin(), order.begin() + keep, order.end(), [&](Index a, Index b) {
        return log_p(row + a, t) > log_p(row + b, t) ||
               (log_p(row + a, t) == log_p(row + b, t) && a < b);
      });
      for (std::ptrdiff_t k = 0; k < keep; ++k) {
        const Index c = order[static_cast<std::size_t>(k)];
        mine.push_back({classes.value_of(c), static_cast<double>(log_p(row + c, t))});
      }
    }
    row += classes.size();
  }
  std::vector<CandidateChord> chords;
  for (const auto& a : choices[0]) {
    for (const auto& tn : choices[1]) {
      for (const auto& b : choices[2]) {
        chords.push_back({{a.first, tn.first, b.first}, a.second + tn.second + b.second, 0});
      }
    }
  }
  const auto keep = static_cast<std::ptrdiff_t>(
      std::min<std::size_t>(static_cast<std::size_t>(options.chords), chords.size()));
  std::stable_sort(
      chords.begin(), chords.end(),
      [](const CandidateChord& x, const CandidateChord& y) { return x.log_p > y.log_p; });
  chords.resize(static_cast<std::size_t>(keep));
  return chords;
}

/// The four voices of a step: the soprano `s` above a candidate's notes.
inline std::array<int, voice_count> four(int s, const CandidateChord& c) {
  return {s, c.notes[0], c.notes[1], c.notes[2]};
}

/// Crossings and spacing of a chord (rules.hpp's definitions), in nats.
inline double start_cost(const std::array<int, voice_count>& x, const RulePenalties& w) {
  double cost = 0;
  for (std::size_t v = 0; v + 1 < voice_count; ++v) {
    if (x[v] == silent_voice || x[v + 1] == silent_voice) {
      continue;
    }
    cost += x[v + 1] > x[v] ? w.crossing : 0.0;
    cost += static_cast<int>(v) < tenor && x[v] - x[v + 1] > 12 ? w.spacing : 0.0;  // S-A, A-T
  }
  return cost;
}

/// The out-of-range price of voice `v` starting `pitch` (nothing for a rest or a note in range).
inline double range_cost(std::size_t v, int pitch, const HarmonyDecoding& options) {
  const VoiceRange& range = options.ranges[v];
  const bool outside = pitch != silent_voice && (pitch < range.lowest || pitch > range.highest);
  return outside ? options.rules.out_of_range : 0.0;
}

/// The cost of moving from chord `p` to chord `c` (four voices each) of consecutive steps:
/// `change` nats per lower voice that changes, and, when a chord starts at c, the rules judged
/// there (the terms of (56) between two steps).
inline double move_cost(const std::array<int, voice_count>& p,
                        const std::array<int, voice_count>& c, double c_start_cost, double change,
                        const HarmonyDecoding& options) {
  double cost = 0;
  bool starts = p[0] != c[0];
  for (std::size_t v = 1; v < voice_count; ++v) {
    if (p[v] != c[v]) {
      cost += change + range_cost(v, c[v], options);
      starts = true;
    }
  }
  if (!starts) {
    return 0;  // a held chord: nothing moves, nothing is judged again
  }
  cost += c_start_cost;
  const RulePenalties& w = options.rules;
  for (std::size_t pair = 0; pair < voice_pairs.size(); ++pair) {
    const auto i = static_cast<std::size_t>(voice_pairs[pair][0]);
    const auto j = static_cast<std::size_t>(voice_pairs[pair][1]);
    if (p[i] == silent_voice || p[j] == silent_voice || c[i] == silent_voice ||
        c[j] == silent_voice) {
      continue;
    }
    const auto rule = motion_rule(p[i], p[j], c[i], c[j], i == soprano && j == bass);
    if (!rule) {
      continue;
    }
    cost += *rule == Rule::parallel_fifths || *rule == Rule::parallel_octaves   ? w.parallel
            : *rule == Rule::contrary_fifths || *rule == Rule::contrary_octaves ? w.contrary
                                                                                : w.hidden;
  }
  return cost;
}

}  // namespace detail

/// The harmonisation of `soprano_line` that maximises (56) over each step's candidate chords
/// (see the file comment): `log_p` holds the network's log-probabilities, alto classes then
/// tenor then bass (encoding.lower_voice_classes() rows), a column per step; `fixed`, when not
/// null, the notes to keep (one value per step and voice). ArgumentError when the sizes differ
/// or the options are out of range.
inline FourVoiceGrid decode_harmony(const std::vector<int>& soprano_line,
                                    const Matrix<float>& log_p, const HarmonyEncoding& encoding,
                                    const HarmonyDecoding& options,
                                    const FixedNotes* fixed = nullptr) {
  const auto n = static_cast<Index>(soprano_line.size());
  if (log_p.rows() != encoding.lower_voice_classes() || log_p.cols() != n) {
    throw ArgumentError("decode_harmony: log-probabilities of " + std::to_string(log_p.rows()) +
                        " × " + std::to_string(log_p.cols()) + " for " +
                        std::to_string(encoding.lower_voice_classes()) + " classes × " +
                        std::to_string(n) + " steps");
  }
  if (options.per_voice < 1 || options.chords < 1 || !(options.change_penalty >= 0) ||
      !std::isfinite(options.change_penalty) || !(options.offbeat_change_penalty >= 0) ||
      !std::isfinite(options.offbeat_change_penalty)) {
    throw ArgumentError(
        "decode_harmony: per_voice and chords must be ≥ 1, the change penalties finite numbers "
        "≥ 0");
  }
  const FixedNotes free = fixed != nullptr ? FixedNotes{} : FixedNotes::none(n);
  const FixedNotes& keep = fixed != nullptr ? *fixed : free;
  for (const auto& line : keep.voices) {
    if (static_cast<Index>(line.size()) != n) {
      throw ArgumentError("decode_harmony: fixed notes for " + std::to_string(line.size()) +
                          " steps of a melody of " + std::to_string(n));
    }
  }
  FourVoiceGrid grid = soprano_only(soprano_line);
  if (n == 0) {
    return grid;
  }
  std::vector<std::vector<detail::CandidateChord>> candidates(static_cast<std::size_t>(n));
  for (Index t = 0; t < n; ++t) {
    auto& chords = candidates[static_cast<std::size_t>(t)];
    chords = detail::candidate_chords(log_p, t, encoding, options, keep);
    for (auto& c : chords) {
      c.start_cost = detail::start_cost(detail::four(soprano_line[static_cast<std::size_t>(t)], c),
                                        options.rules);
    }
  }
  // score[j]: the best objective of a path ending in candidate j of step t; from: its parent.
  std::vector<double> score;
  std::vector<std::vector<std::int32_t>> from(static_cast<std::size_t>(n));
  for (const auto& c : candidates[0]) {
    double first = c.log_p - c.start_cost;  // the first step starts a chord
    for (std::size_t v = 0; v < 3; ++v) {
      first -= detail::range_cost(v + 1, c.notes[v], options);
    }
    score.push_back(first);
  }
  std::vector<double> next;
  for (Index t = 1; t < n; ++t) {
    const auto& before = candidates[static_cast<std::size_t>(t - 1)];
    const auto& now = candidates[static_cast<std::size_t>(t)];
    const int s_before = soprano_line[static_cast<std::size_t>(t - 1)];
    const int s_now = soprano_line[static_cast<std::size_t>(t)];
    const double change =
        options.change_penalty + (t % 2 == 1 ? options.offbeat_change_penalty : 0.0);
    auto& parent = from[static_cast<std::size_t>(t)];
    next.assign(now.size(), -std::numeric_limits<double>::infinity());
    parent.assign(now.size(), 0);
    for (std::size_t j = 0; j < now.size(); ++j) {
      const auto c = detail::four(s_now, now[j]);
      // doc:begin harmony-whole-viterbi
      // (57): score_t(j) = log p_t(j) + max_i [score_{t-1}(i) − cost(i → j)]
      for (std::size_t i = 0; i < before.size(); ++i) {
        const double s = score[i] - detail::move_cost(detail::four(s_before, before[i]), c,
                                                      now[j].start_cost, change, options);
        if (s > next[j]) {
          next[j] = s;
          parent[j] = static_cast<std::int32_t>(i);
        }
      }
      next[j] += now[j].log_p;
      // doc:end harmony-whole-viterbi
    }
    score.swap(next);
  }
  std::size_t j =
      static_cast<std::size_t>(std::max_element(score.begin(), score.end()) - score.begin());
  for (Index t = n - 1; t >= 0; --t) {
    const auto& c = candidates[static_cast<std::size_t>(t)][j];
    for (int v = alto; v <= bass; ++v) {
      grid.voices[static_cast<std::size_t>(v)][static_cast<std::size_t>(t)] =
          c.notes[static_cast<std::size_t>(v - alto)];
    }
    if (t > 0) {
      j = static_cast<std::size_t>(from[static_cast<std::size_t>(t)][j]);
    }
  }
  return grid;
}

/// Adds the whole-piece decoding's prices (a harmoniser's settings: its `rules` and
/// `offbeat_change_penalty`) to its settings document `j`.
inline void write_decoding_prices(nlohmann::json& j, const RulePenalties& rules, double offbeat) {
  j["rules"] = rules.to_json();
  j["offbeat_change_penalty"] = offbeat;
}

/// Reads write_decoding_prices' fields of settings document `j` into `rules` and `offbeat`; a
/// document from before the whole-piece decoding has neither, and keeps no rules. FormatError
/// naming `source` for a price out of range.
inline void read_decoding_prices(const nlohmann::json& j, const std::string& source,
                                 RulePenalties& rules, double& offbeat) {
  if (j.is_object() && j.contains("rules")) {
    rules = RulePenalties::from_json(j["rules"], source);
    offbeat = HarmonyTrainingOptions::json_number(j, "offbeat_change_penalty", 0, 1e6, source);
  }
}

/// decode_harmony of `model`'s own log-probabilities for `soprano_line`, with its settings'
/// prices (`model.decoding()`) and `fixed` notes kept.
template <class Model>
FourVoiceGrid decode_whole_piece(Model& model, const std::vector<int>& soprano_line,
                                 const FixedNotes* fixed = nullptr) {
  return decode_harmony(soprano_line, model.voice_log_probabilities(soprano_line), model.encoding(),
                        model.decoding(), fixed);
}

}  // namespace bachprop::music
