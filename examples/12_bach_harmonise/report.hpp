#pragma once
// What bach_harmonise prints and writes: the models before and during training, the smoothing
// trials, the evaluation tables (tables.hpp: accuracy, the rules a teacher checks, rhythm and
// line, precision and recall per pitch class), the bass's confusion matrix as a PNG, the
// harmonisation (MIDI, piano-roll PNG, WAV where FluidSynth is installed, and Bach's own beside it
// for a test chorale) with its rule violations by bar and beat, and the JSON summary.

#include "common/bach.hpp"
#include "common/cli.hpp"
#include "common/lesson.hpp"
#include "common/music_files.hpp"
#include "setup.hpp"
#include "tables.hpp"

#include <bachprop/draw/png.hpp>
#include <bachprop/music/evaluate.hpp>
#include <bachprop/music/models/decoding_tuning.hpp>
#include <bachprop/music/models/harmony_lstm.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>
#include <bachprop/music/models/minibach.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bach_harmonise {

/// The trained harmonisers and what they measured.
struct Trained {
  Trained(IntervalBaseline b, MiniBach m, HarmonyRnn r, HarmonyLstm l)
      : baseline(std::move(b)), minibach(std::move(m)), rnn(std::move(r)), lstm(std::move(l)) {}

  IntervalBaseline baseline;
  MiniBach minibach;
  HarmonyRnn rnn;
  HarmonyLstm lstm;
  std::size_t minibach_epochs = 0;
  std::size_t rnn_epochs = 0;
  std::size_t lstm_epochs = 0;
  double minibach_seconds = 0;
  double rnn_seconds = 0;
  double lstm_seconds = 0;
  std::vector<PenaltyTrial> minibach_trials;  // the change penalties tried (with smoothing)
  std::vector<PenaltyTrial> rnn_trials;
  std::vector<PenaltyTrial> lstm_trials;
  std::vector<DecodingTrial> rnn_rule_trials;  // λ and w tried (whole-piece decoding)
  std::vector<DecodingTrial> lstm_rule_trials;
  std::size_t test_chorales = 0;
  double test_steps = 0;
  std::vector<Row> rows;             // the evaluation table, Bach's first
  LineSpread bach_spread;            // Bach's rhythm and line, chorale by chorale
  std::size_t minibach_row = 0;      // MiniBach's row as it harmonises (smoothed or not)
  std::size_t rnn_row = 0;           // the RNN's
  std::size_t lstm_row = 0;          // the bidirectional LSTM's
  std::array<double, 3> rnn_nll{};   // Bach's alto, tenor, bass: nats per 16th under the RNN
  std::array<double, 3> lstm_nll{};  // and under the LSTM

  /// The harmoniser --harmoniser names, as it was trained and decoded.
  AnyHarmoniser chosen(const std::string& use) const {
    return use == "lstm"       ? AnyHarmoniser(lstm)
           : use == "rnn"      ? AnyHarmoniser(rnn)
           : use == "minibach" ? AnyHarmoniser(minibach)
                               : AnyHarmoniser(baseline);
  }
};

/// The seconds since `start`.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// A copy of `model` that decodes every step's most probable note.
template <class Model>
Model without_smoothing(Model model) {
  model.set_change_penalty(0);
  if constexpr (requires { model.settings().rules; }) {
    model.set_rule_penalties({});  // and each voice on its own
    model.set_offbeat_change_penalty(0);
  }
  return model;
}

/// "MiniBach, smoothed 0.5": a row's name with the model's change penalty.
template <class Model>
std::string smoothed_name(const std::string& name, const Model& model) {
  char text[64];
  std::snprintf(text, sizeof text, "%s, smoothed %.1f", name.c_str(),
                model.settings().change_penalty);
  return text;
}

/// "look-ahead RNN, rule decoding": a row's name when it decodes the whole piece with rules.
inline std::string ruled_name(const std::string& name) {
  return name + ", rule decoding";
}

/// Each voice's range, and the transpositions training draws from.
inline void print_voice_ranges(const HarmonyEncoding& encoding, const Options& o) {
  std::printf("Voice ranges (Bach's in the training chorales, widened by %d): ", o.margin);
  for (int v = 0; v < voice_count; ++v) {
    const auto& c = encoding.voice(v);
    std::printf("%s %s..%s%s", std::string(voice_names[static_cast<std::size_t>(v)]).c_str(),
                pitch_name(c.lowest).c_str(), pitch_name(c.highest).c_str(),
                v + 1 < voice_count ? ", " : "\n");
  }
  std::printf(
      "Training in every transposition from -%d to +%d semitones that keeps the "
      "four voices in range (one drawn per window per epoch)\n",
      o.minibach.training.transpose_down, o.minibach.training.transpose_up);
}

/// One epoch of either network's training.
inline void print_epoch(const ValidatedEpoch& e) {
  std::printf("  epoch %2ld  loss %8.3f  validation accuracy %5.1f%%%s  (%.1f s)\n",
              static_cast<long>(e.training.epoch), e.training.mean_loss, 100 * (1 - e.validation),
              e.best ? "  best so far" : "", e.training.seconds);
  std::fflush(stdout);
}

inline void print_baseline(const IntervalBaseline& baseline) {
  std::printf(
      "\nInterval baseline: alto %d, tenor %d, bass %d scale steps below the soprano "
      "(Bach's most frequent distances)\n",
      baseline.steps_below(alto), baseline.steps_below(tenor), baseline.steps_below(bass));
}

inline void print_minibach(const MiniBach& minibach, const MiniBachSettings& s) {
  std::printf(
      "\nMiniBach: Dense(%ld → %ld) → ReLU → Dense(%ld → %ld) → one softmax per voice "
      "per step (%ld groups); %ld parameters; windows of %ld steps every %ld\n",
      static_cast<long>(minibach.input_size()), static_cast<long>(s.hidden),
      static_cast<long>(s.hidden), static_cast<long>(minibach.output_size()),
      static_cast<long>(3 * s.window), static_cast<long>(minibach.network().parameter_count()),
      static_cast<long>(s.window), static_cast<long>(s.stride));
}

inline void print_rnn(const HarmonyRnn& rnn, const HarmonyRnnSettings& s) {
  std::printf(
      "\nLook-ahead RNN: Rnn(%ld → %ld, tanh; input: soprano at t..t+%ld and the "
      "16th's place in the beat) → Dense(%ld → %ld) → a softmax each for alto, tenor "
      "and bass; %ld parameters; BPTT over %ld steps\n",
      static_cast<long>(rnn.input_size()), static_cast<long>(s.hidden),
      static_cast<long>(s.lookahead), static_cast<long>(s.hidden),
      static_cast<long>(rnn.output_size()), static_cast<long>(rnn.network().parameter_count()),
      static_cast<long>(s.steps));
}

inline void print_lstm(const HarmonyLstm& lstm, const HarmonyLstmSettings& s) {
  std::printf(
      "\nBidirectional LSTM: two layers of Lstm(%ld units) forwards and backwards over the whole "
      "melody (input: soprano at t and the 16th's place in the beat), dropout %.1f → Dense(%ld "
      "→ %ld) → a softmax each for alto, tenor and bass; %ld parameters; windows of %ld steps\n",
      static_cast<long>(s.hidden), s.dropout, static_cast<long>(2 * s.hidden),
      static_cast<long>(lstm.output_size()), static_cast<long>(lstm.network().parameter_count()),
      static_cast<long>(s.steps));
}

/// The validation accuracy of every change penalty tried, and the ones chosen.
inline void print_smoothing(const Trained& t) {
  std::printf(
      "\nSmoothing (Viterbi decoding, each change of note costs λ nats), validation "
      "accuracy by λ:\n  %-16s",
      "λ");
  for (const auto& trial : t.minibach_trials) {
    std::printf(" %6.1f", trial.penalty);
  }
  for (const auto* trials : {&t.minibach_trials, &t.rnn_trials, &t.lstm_trials}) {
    std::printf("\n  %-16s", trials == &t.minibach_trials ? "MiniBach"
                             : trials == &t.rnn_trials    ? "look-ahead RNN"
                                                          : "bidir. LSTM");
    for (const auto& trial : *trials) {
      std::printf(" %5.1f%%", 100 * trial.accuracy);
    }
  }
  std::printf("\n  chosen: λ = %.1f for MiniBach, %.1f for the RNN, %.1f for the LSTM\n",
              t.minibach.settings().change_penalty, t.rnn.settings().change_penalty,
              t.lstm.settings().change_penalty);
}

/// The decodings tried on the validation chorales: λ and w, accuracy, the rates of parallel
/// fifths and octaves, rules over their limits, and the note lengths' distance to Bach's.
inline void print_rule_trials(const char* model, const std::vector<DecodingTrial>& trials,
                              const MusicChecks& bach) {
  std::printf(
      "\nRules in the %s's decoding (its three voices chosen together for the whole piece, each "
      "broken rule\ncosting w nats, each change of note λ, and one between the eighths λ + "
      "offbeat), on the validation chorales\n(Bach: parallel 5ths %.2f, 8ves %.2f per 100 "
      "chords):\n  %5s %7s %5s %9s %10s %10s %11s %12s\n",
      model, bach.rate(Rule::parallel_fifths), bach.rate(Rule::parallel_octaves), "λ", "offbeat",
      "w", "accuracy", "par. 5ths", "par. 8ves", "over limit", "length dist.");
  for (const auto& trial : trials) {
    std::printf("  %5.2f %7.2f %5.1f %8.2f%% %10.2f %10.2f %11d %12.3f%s\n", trial.change_penalty,
                trial.offbeat, trial.rules.parallel, 100 * trial.accuracy,
                trial.checks.rate(Rule::parallel_fifths), trial.checks.rate(Rule::parallel_octaves),
                trial.over, trial.length_distance, trial.chosen ? "  chosen" : "");
  }
}

inline void write_confusion_png(const std::filesystem::path& path, const ConfusionMatrix& m,
                                const std::string& title) {
  std::vector<std::string> labels;
  for (Index c = 0; c < m.classes(); ++c) {
    labels.push_back(pitch_class_label_name(c));
  }
  HeatMapOptions options;
  options.title = title;
  options.row_axis = "BACH";
  options.column_axis = "MODEL";
  // Rows as shares of Bach's count, so rare pitch classes are as visible as common ones.
  Matrix<double> shares = m.counts();
  for (Index r = 0; r < shares.rows(); ++r) {
    const double total = shares.row(r).sum();
    if (total > 0) {
      shares.row(r) /= total;
    }
  }
  write_png(path, draw_heat_map(shares, labels, labels, options));
}

inline void print_checks(const char* who, const MusicChecks& c) {
  std::printf(
      "  %s: %.0f chords; fifths and octaves: parallel %.0f and %.0f, contrary %.0f and %.0f, "
      "hidden %.0f and %.0f;\n  %*s  crossings %.0f, spacing %.0f, out of range %.0f, "
      "unresolved leading tones %.0f\n",
      who, c.chords, c.fifths(), c.octaves(), c.count(Rule::contrary_fifths),
      c.count(Rule::contrary_octaves), c.hidden_fifths, c.hidden_octaves,
      static_cast<int>(std::string(who).size()), "", c.crossing_count(), c.count(Rule::spacing),
      c.count(Rule::out_of_range), c.unresolved());
}

/// The first violations by bar and beat (the summary has them all), in `meter` after an upbeat
/// of `pickup` quarter notes (bar 0).
inline void print_violations(const std::vector<Violation>& violations, const TimeSignature& meter,
                             double pickup, std::size_t shown = 12) {
  char upbeat[64] = "from the first step";
  if (pickup > 0) {
    std::snprintf(upbeat, sizeof upbeat, "after an upbeat of %g beat%s, bar 0", pickup,
                  pickup == 1 ? "" : "s");
  }
  std::printf("  rule violations by bar and beat (%d/%d %s):%s\n", meter.numerator,
              meter.denominator, upbeat, violations.empty() ? " none" : "");
  for (std::size_t i = 0; i < violations.size() && i < shown; ++i) {
    std::printf("    %s\n", violations[i].describe().c_str());
  }
  if (violations.size() > shown) {
    std::printf("    ... and %zu more (all in the summary)\n", violations.size() - shown);
  }
}

/// Every violation as JSON, in order.
inline nlohmann::json violations_json(const std::vector<Violation>& violations) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& v : violations) {
    list.push_back(v.to_json());
  }
  return list;
}

/// Prints what the lesson finds, draws the confusion matrix, writes the harmonisation's files
/// and the summary.
class Report : public examples::LessonReport<Options> {
 public:
  explicit Report(const Options& options)
      : LessonReport(options), start_(std::chrono::steady_clock::now()) {
    summary_ = {{"program", "bach_harmonise"}, {"seed", options.seed}, {"quick", options.quick}};
  }

  /// A model read from --model FILE instead of trained.
  void loaded(const AnyHarmoniser& harmoniser) {
    std::printf("Model %s: %s, loaded (no training)\n", options_.model_path.c_str(),
                harmoniser_name(harmoniser).c_str());
    summary_["model"] = options_.model_path;
  }

  /// The evaluation: the table, the RNN's precision and recall, its bass's confusion matrix as
  /// OUT/confusion_bass.png, the summary's part, and the mean accuracies.
  void evaluation(const Trained& t) {
    const Options& o = options_;
    print_table(t.rows, t.test_chorales, t.test_steps);
    std::printf(
        "  negative log-likelihood of Bach's alto, tenor and bass, nats per 16th: look-ahead RNN "
        "%.3f %.3f %.3f, bidirectional LSTM %.3f %.3f %.3f\n",
        t.rnn_nll[0], t.rnn_nll[1], t.rnn_nll[2], t.lstm_nll[0], t.lstm_nll[1], t.lstm_nll[2]);
    print_rules(t.rows);
    print_lines(t.rows, t.bach_spread);
    const Row& rnn_row = t.rows[t.rnn_row];
    const Row& lstm_row = t.rows[t.lstm_row];
    print_precision_recall(lstm_row.name, *lstm_row.accuracy);
    // The best harmoniser's bass (rows: Bach's pitch class, shares of each row).
    write_confusion_png(o.output.file("confusion_bass.png"), lstm_row.accuracy->confusion[bass],
                        "BASS PITCH CLASSES");

    nlohmann::json table = nlohmann::json::array();
    for (const auto& r : t.rows) {
      nlohmann::json entry = {{"model", r.name},
                              {"per_100_chords", r.checks.rates_json()},
                              {"music_checks", r.checks.to_json()},
                              {"line_statistics", r.lines.to_json(&t.rows.front().lines)}};
      if (r.accuracy) {
        entry["accuracy_mean"] = r.accuracy->mean_accuracy();
        entry["accuracy"] = r.accuracy->to_json();
        entry["training_seconds"] = r.seconds;
        entry["parameters"] = r.parameters;
      }
      table.push_back(entry);
    }
    summary_["evaluation"] = {
        {"test_chorales", t.test_chorales},
        {"steps", t.test_steps},
        {"rules", std::vector<std::string>(rule_keys.begin(), rule_keys.end())},
        {"rows", table},
        {"bach_spread", t.bach_spread.to_json()}};
    auto nll_json = [](const std::array<double, 3>& nll) {
      return nlohmann::json{{"Alto", nll[0]}, {"Tenor", nll[1]}, {"Bass", nll[2]}};
    };
    summary_["evaluation"]["nll_per_step"] = {{"rnn", nll_json(t.rnn_nll)},
                                              {"lstm", nll_json(t.lstm_nll)}};
    summary_["epochs"] = {
        {"minibach", t.minibach_epochs}, {"rnn", t.rnn_epochs}, {"lstm", t.lstm_epochs}};
    auto trials_json = [](const std::vector<PenaltyTrial>& trials) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& trial : trials) {
        list.push_back({{"penalty", trial.penalty}, {"validation_accuracy", trial.accuracy}});
      }
      return list;
    };
    summary_["smoothing"] = {{"minibach", trials_json(t.minibach_trials)},
                             {"rnn", trials_json(t.rnn_trials)},
                             {"lstm", trials_json(t.lstm_trials)}};
    auto rule_trials_json = [](const std::vector<DecodingTrial>& trials) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& trial : trials) {
        list.push_back({{"change_penalty", trial.change_penalty},
                        {"offbeat_change_penalty", trial.offbeat},
                        {"rules", trial.rules.to_json()},
                        {"validation_accuracy", trial.accuracy},
                        {"validation_per_100_chords", trial.checks.rates_json()},
                        {"validation_length_distance", trial.length_distance},
                        {"rules_over_limit", trial.over},
                        {"chosen", trial.chosen}});
      }
      return list;
    };
    summary_["rule_decoding"] = {{"rnn", rule_trials_json(t.rnn_rule_trials)},
                                 {"lstm", rule_trials_json(t.lstm_rule_trials)}};
    summary_["settings"] = {{"minibach", o.minibach_settings().to_json()},
                            {"rnn", o.rnn_settings().to_json()},
                            {"lstm", o.lstm_settings().to_json()},
                            {"margin", o.margin},
                            {"baseline", t.baseline.to_json()}};
    std::printf(
        "\nMean accuracy of the three voices: bidirectional LSTM %.1f%%, look-ahead RNN %.1f%%, "
        "MiniBach %.1f%%, baseline %.1f%%.\n",
        100 * lstm_row.accuracy->mean_accuracy(), 100 * rnn_row.accuracy->mean_accuracy(),
        100 * t.rows[t.minibach_row].accuracy->mean_accuracy(),
        100 * t.rows[1].accuracy->mean_accuracy());
  }

  /// The harmonisation `grid` of `tune` by `harmoniser` (heard `octave_shift` semitones away):
  /// written as MIDI, PNG and WAV, with Bach's own harmonisation beside it when there is one
  /// (`bach`), and printed with its music checks.
  void harmonisation(const FourVoiceGrid& grid, const Tune& tune,
                     const std::optional<FourVoiceGrid>& bach, const std::string& harmoniser,
                     int octave_shift, const FixedNotes* fixed = nullptr) {
    const Options& o = options_;
    const Key key = soprano_key(tune.soprano_line);
    // The soprano as given: repeated notes struck again (the grid cannot tell them from held ones).
    Score score = harmony_score(grid, tune.melody, o.program, o.tempo);
    score.title = "bach_harmonise: " + tune.described + " (" + harmoniser + ")";
    score.key_signature = signature_of(key);
    // An ABC melody's meter, upbeat and fermatas: the four voices are held where it is.
    score.time_signature = tune.meter;
    score.pickup = tune.pickup;
    examples::mark_fermatas(score, tune.fermata_starts);
    const examples::ScoreFiles files = examples::write_score_files(score, o.output, o.name);
    std::vector<std::string> outputs{files.midi.string(), files.musicxml.string(),
                                     files.png.string()};
    if (files.wav) {
      outputs.push_back(files.wav_path.string());
    }
    // Leading tones judged in the key of Bach's harmonisation where there is one, so that his
    // and the model's are judged alike; else in the key of the harmonisation's four voices.
    CheckOptions rules;
    rules.key = piece_key(bach ? *bach : grid);
    // Bars and beats in the melody's meter and upbeat; its fermatas mark cadences (where a
    // leading tone must resolve), as the last chord does.
    const double spq = grid.steps_per_quarter;
    rules.beats_per_bar = std::max(1, static_cast<int>(std::lround(tune.meter.bar_quarters())));
    rules.pickup_steps = std::lround(tune.pickup * spq);
    for (const double start : tune.fermata_starts) {
      const Index step = std::lround(start * spq);
      if (step >= 0 && step < grid.steps()) {
        rules.fermatas.push_back(step);
      }
    }
    std::optional<MusicChecks> bach_checks;
    if (bach) {
      // Bach's own harmonisation beside it, to compare by ear and by eye.
      Score original = grid_to_score(*bach, o.program, o.tempo);
      original.title = "Bach: " + tune.described;
      original.key_signature = signature_of(key);
      const examples::ScoreFiles bach_files =
          examples::write_score_files(original, o.output, o.name + "_bach", false);
      outputs.push_back(bach_files.midi.string());
      outputs.push_back(bach_files.musicxml.string());
      outputs.push_back(bach_files.png.string());
      bach_checks = music_checks(*bach, rules);
    }

    const MusicChecks checks = music_checks(grid, rules);
    const std::vector<Violation> broken = violations(grid, rules);
    std::printf("\nHarmonised %s (%zu steps of a 16th, key %s) with the %s%s:\n",
                tune.described.c_str(), tune.soprano_line.size(), key_name(key).c_str(),
                harmoniser.c_str(),
                octave_shift == 0 ? ""
                                  : (", heard " + std::to_string(octave_shift) +
                                     " semitones away (outside the model's soprano range)")
                                        .c_str());
    for (int v = 0; v < voice_count; ++v) {
      std::printf("  %-8s", std::string(voice_names[static_cast<std::size_t>(v)]).c_str());
      const Melody line = join_grid(grid.voices[static_cast<std::size_t>(v)], 4);
      std::size_t shown = 0;
      for (const auto& e : line) {
        if (shown++ == 16) {
          std::printf(" ...");
          break;
        }
        std::printf(" %s", e.is_rest() ? "R" : pitch_name_in(e.pitch, key).c_str());
      }
      std::printf("\n");
    }
    print_checks("this harmonisation", checks);
    if (bach_checks) {
      print_checks("Bach's own        ", *bach_checks);
    }
    print_violations(broken, tune.meter, tune.pickup);
    if (bach_checks) {
      const HarmonyAccuracy a = evaluate_accuracy({grid}, {*bach});
      std::printf("  agreement with Bach: alto %.1f%%, tenor %.1f%%, bass %.1f%% of steps\n",
                  100 * a.accuracy(alto), 100 * a.accuracy(tenor), 100 * a.accuracy(bass));
      summary_["harmonisation_accuracy"] = a.to_json();
    }
    Index fixed_count = 0;
    Index fixed_kept = 0;
    if (fixed != nullptr) {
      // The notes the user fixed, and whether the harmonisation kept every one.
      for (int v = alto; v <= bass; ++v) {
        for (Index s = 0; s < grid.steps(); ++s) {
          if (fixed->at(v, s) != free_note) {
            ++fixed_count;
            fixed_kept += fixed->at(v, s) == grid.at(v, s) ? 1 : 0;
          }
        }
      }
      std::printf("  fixed notes: %ld steps of the lower voices, %ld kept\n",
                  static_cast<long>(fixed_count), static_cast<long>(fixed_kept));
    }
    std::printf("Wrote %s", files.midi.string().c_str());
    for (std::size_t i = 1; i < outputs.size(); ++i) {
      std::printf(", %s", outputs[i].c_str());
    }
    std::printf("\n");
    examples::print_missing_wav_and_engraving(files, "");
    const double total = seconds_since(start_);
    std::printf("Total time %.1f s\n", total);

    summary_["harmonisation"] = {{"melody", tune.described},
                                 {"harmoniser", harmoniser},
                                 {"key", key_name(key)},
                                 {"steps", tune.soprano_line.size()},
                                 {"octave_shift", octave_shift},
                                 {"voices",
                                  {{"Soprano", grid.voices[soprano]},
                                   {"Alto", grid.voices[alto]},
                                   {"Tenor", grid.voices[tenor]},
                                   {"Bass", grid.voices[bass]}}},
                                 {"per_100_chords", checks.rates_json()},
                                 {"music_checks", checks.to_json()},
                                 {"line_statistics", line_statistics(grid).to_json()},
                                 {"violations", violations_json(broken)},
                                 {"outputs", outputs},
                                 {"wav", files.wav ? files.wav_path.string() : ""}};
    if (fixed != nullptr) {
      summary_["harmonisation"]["fixed_steps"] = fixed_count;
      summary_["harmonisation"]["fixed_steps_kept"] = fixed_kept;
      summary_["harmonisation"]["fixed"] = {{"Alto", fixed->voices[alto]},
                                            {"Tenor", fixed->voices[tenor]},
                                            {"Bass", fixed->voices[bass]}};
    }
    summary_["seconds"] = total;
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace bach_harmonise
