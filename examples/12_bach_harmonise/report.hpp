#pragma once
// What bach_harmonise prints and writes: the models before and during training, the smoothing
// trials, the evaluation table with precision and recall per pitch class, the bass's confusion
// matrix as a PNG, the harmonisation (MIDI, piano-roll PNG, WAV where FluidSynth is installed,
// and Bach's own beside it for a test chorale), and the JSON summary.

#include "common/bach.hpp"
#include "common/cli.hpp"
#include "common/lesson.hpp"
#include "common/music_files.hpp"
#include "setup.hpp"

#include <bachprop/draw/png.hpp>
#include <bachprop/music/evaluate.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>
#include <bachprop/music/models/minibach.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bach_harmonise {

/// One line of the evaluation table.
struct Row {
  std::string name;
  std::optional<HarmonyAccuracy> accuracy;  // none for Bach himself
  MusicChecks checks;
  double seconds = 0;  // training time
  Index parameters = 0;
};

/// The trained harmonisers and what they measured.
struct Trained {
  Trained(IntervalBaseline b, MiniBach m, HarmonyRnn r)
      : baseline(std::move(b)), minibach(std::move(m)), rnn(std::move(r)) {}

  IntervalBaseline baseline;
  MiniBach minibach;
  HarmonyRnn rnn;
  std::size_t minibach_epochs = 0;
  std::size_t rnn_epochs = 0;
  double minibach_seconds = 0;
  double rnn_seconds = 0;
  std::vector<PenaltyTrial> minibach_trials;  // the change penalties tried (with smoothing)
  std::vector<PenaltyTrial> rnn_trials;
  std::size_t test_chorales = 0;
  double test_steps = 0;
  std::vector<Row> rows;         // the evaluation table
  std::size_t minibach_row = 0;  // MiniBach's row as it harmonises (smoothed or not)
  std::size_t rnn_row = 0;       // the RNN's

  /// The harmoniser --harmoniser names, as it was trained and decoded.
  AnyHarmoniser chosen(const std::string& use) const {
    return use == "rnn"        ? AnyHarmoniser(rnn)
           : use == "minibach" ? AnyHarmoniser(minibach)
                               : AnyHarmoniser(baseline);
  }
};

/// The seconds since `start`.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// The evaluation row of `model` (a copy): its harmonisations of the sopranos of `test` against
/// Bach's, and their music checks.
template <class Model>
Row score_row(const std::string& name, Model model, const std::vector<FourVoiceGrid>& test,
              double seconds = 0, Index parameters = 0) {
  const auto harmonised = harmonise_all(model, test);
  return {name, evaluate_accuracy(harmonised, test), music_checks(harmonised), seconds, parameters};
}

/// A copy of `model` that decodes every step's most probable note.
template <class Model>
Model without_smoothing(Model model) {
  model.set_change_penalty(0);
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

/// The validation accuracy of every change penalty tried, and the ones chosen.
inline void print_smoothing(const Trained& t) {
  std::printf(
      "\nSmoothing (Viterbi decoding, each change of note costs λ nats), validation "
      "accuracy by λ:\n  %-16s",
      "λ");
  for (const auto& trial : t.minibach_trials) {
    std::printf(" %6.1f", trial.penalty);
  }
  for (const auto* trials : {&t.minibach_trials, &t.rnn_trials}) {
    std::printf("\n  %-16s", trials == &t.minibach_trials ? "MiniBach" : "look-ahead RNN");
    for (const auto& trial : *trials) {
      std::printf(" %5.1f%%", 100 * trial.accuracy);
    }
  }
  std::printf("\n  chosen: λ = %.1f for MiniBach, %.1f for the RNN\n",
              t.minibach.settings().change_penalty, t.rnn.settings().change_penalty);
}

inline void print_table(const std::vector<Row>& rows, std::size_t pieces, double steps) {
  std::printf("\nHarmonising the soprano of the %zu test chorales (%.0f steps of a 16th):\n",
              pieces, steps);
  std::printf("  %-30s %27s %7s | %s\n", "", "accuracy against Bach", "",
              "per 100 chords: parallel     crossings  out of   | chords a");
  std::printf("  %-30s %6s %6s %6s %7s %7s | %22s %9s %8s | %7s\n", "model", "alto", "tenor",
              "bass", "mean", "p.class", "fifths octaves", "", "range", "quarter");
  for (const auto& r : rows) {
    std::string acc(35, ' ');
    if (r.accuracy) {
      const auto& a = *r.accuracy;
      char text[64];
      std::snprintf(text, sizeof text, "%5.1f%% %5.1f%% %5.1f%% %6.1f%% %6.1f%%",
                    100 * a.accuracy(alto), 100 * a.accuracy(tenor), 100 * a.accuracy(bass),
                    100 * a.mean_accuracy(),
                    100 *
                        (a.pitch_class_accuracy(alto) + a.pitch_class_accuracy(tenor) +
                         a.pitch_class_accuracy(bass)) /
                        3);
      acc = text;
    } else {
      acc = "     —      —      —       —       —";
    }
    const MusicChecks& c = r.checks;
    std::printf("  %-30s %s | %14.2f %7.2f %9.2f %8.2f | %7.2f\n", r.name.c_str(), acc.c_str(),
                c.per_100_chords(c.fifths()), c.per_100_chords(c.octaves()),
                c.per_100_chords(c.crossing_count()), c.per_100_chords(c.lower_out_of_range()),
                c.chords_per_quarter());
  }
  std::printf(
      "  accuracy: share of 16th steps where the voice is exactly Bach's pitch (or "
      "silent with him); p.class: his pitch class, octave errors forgiven.\n"
      "  Music checks count rule-breaking per 100 chords (a chord: any voice changes); "
      "out of range: alto, tenor and bass notes outside the textbook ranges.\n");
}

inline void print_precision_recall(const std::string& name, const HarmonyAccuracy& a) {
  std::printf(
      "\n%s, precision / recall per pitch class in %% (the class '-' is silence; a '-' "
      "figure: never predicted):\n",
      name.c_str());
  std::printf("  %-6s", "");
  for (Index c = 0; c < pitch_class_label_count; ++c) {
    std::printf(" %5s", pitch_class_label_name(c).c_str());
  }
  std::printf("\n");
  for (int v = alto; v <= bass; ++v) {
    const auto& m = a.confusion[static_cast<std::size_t>(v)];
    for (const bool precision : {true, false}) {
      std::printf("  %-6s",
                  precision ? std::string(voice_names[static_cast<std::size_t>(v)]).c_str() : "");
      for (Index c = 0; c < m.classes(); ++c) {
        const double value = precision ? m.precision(c) : m.recall(c);
        std::printf(" %5s",
                    std::isnan(value) ? "-" : examples::figure(100 * value, "%.0f").c_str());
      }
      std::printf("  %s\n", precision ? "precision" : "recall");
    }
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
      "  %s: %.0f chords, %.0f parallel fifths, %.0f parallel octaves, %.0f "
      "crossings, %.0f lower-voice notes out of range\n",
      who, c.chords, c.fifths(), c.octaves(), c.crossing_count(), c.lower_out_of_range());
}

/// Prints what the lesson finds, draws the confusion matrix, writes the harmonisation's files
/// and the summary.
class Report : public examples::LessonReport<Options> {
 public:
  explicit Report(const Options& options)
      : LessonReport(options), start_(std::chrono::steady_clock::now()) {
    summary_ = {{"program", "bach_harmonise"}, {"seed", options.seed}, {"fast", options.fast}};
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
    const Row& rnn_row = t.rows[t.rnn_row];
    print_precision_recall(rnn_row.name, *rnn_row.accuracy);
    std::filesystem::create_directories(o.out_dir);
    // The harmoniser's bass (rows: Bach's pitch class, shares of each row).
    write_confusion_png(std::filesystem::path(o.out_dir) / "confusion_bass.png",
                        rnn_row.accuracy->confusion[bass], "BASS PITCH CLASSES");

    nlohmann::json table = nlohmann::json::array();
    for (const auto& r : t.rows) {
      nlohmann::json entry = {{"model", r.name}, {"music_checks", r.checks.to_json()}};
      if (r.accuracy) {
        entry["accuracy"] = r.accuracy->to_json();
        entry["training_seconds"] = r.seconds;
        entry["parameters"] = r.parameters;
      }
      table.push_back(entry);
    }
    summary_["evaluation"] = {
        {"test_chorales", t.test_chorales}, {"steps", t.test_steps}, {"rows", table}};
    summary_["epochs"] = {{"minibach", t.minibach_epochs}, {"rnn", t.rnn_epochs}};
    auto trials_json = [](const std::vector<PenaltyTrial>& trials) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& trial : trials) {
        list.push_back({{"penalty", trial.penalty}, {"validation_accuracy", trial.accuracy}});
      }
      return list;
    };
    summary_["smoothing"] = {{"minibach", trials_json(t.minibach_trials)},
                             {"rnn", trials_json(t.rnn_trials)}};
    summary_["settings"] = {{"minibach", o.minibach_settings().to_json()},
                            {"rnn", o.rnn_settings().to_json()},
                            {"margin", o.margin},
                            {"baseline", t.baseline.to_json()}};
    std::printf(
        "\nMean accuracy of the three voices: look-ahead RNN %.1f%%, MiniBach %.1f%%, "
        "baseline %.1f%%.\n",
        100 * rnn_row.accuracy->mean_accuracy(),
        100 * t.rows[t.minibach_row].accuracy->mean_accuracy(),
        100 * t.rows[1].accuracy->mean_accuracy());
  }

  /// The harmonisation `grid` of `tune` by `harmoniser` (heard `octave_shift` semitones away):
  /// written as MIDI, PNG and WAV, with Bach's own harmonisation beside it when there is one
  /// (`bach`), and printed with its music checks.
  void harmonisation(const FourVoiceGrid& grid, const Tune& tune,
                     const std::optional<FourVoiceGrid>& bach, const std::string& harmoniser,
                     int octave_shift) {
    const Options& o = options_;
    const Key key = soprano_key(tune.soprano_line);
    // The soprano as given: repeated notes struck again (the grid cannot tell them from held ones).
    Score score = harmony_score(grid, tune.melody, o.program, o.tempo);
    score.title = "bach_harmonise: " + tune.described + " (" + harmoniser + ")";
    score.key_signature = signature_of(key);
    const examples::ScoreFiles files = examples::write_score_files(score, o.out_dir, o.name);
    std::vector<std::string> outputs{files.midi.string(), files.png.string()};
    if (files.wav) {
      outputs.push_back(files.wav_path.string());
    }
    std::optional<MusicChecks> bach_checks;
    if (bach) {
      // Bach's own harmonisation beside it, to compare by ear and by eye.
      Score original = grid_to_score(*bach, o.program, o.tempo);
      original.title = "Bach: " + tune.described;
      original.key_signature = signature_of(key);
      const examples::ScoreFiles bach_files =
          examples::write_score_files(original, o.out_dir, o.name + "_bach", false);
      outputs.push_back(bach_files.midi.string());
      outputs.push_back(bach_files.png.string());
      bach_checks = music_checks(*bach);
    }

    const MusicChecks checks = music_checks(grid);
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
      const HarmonyAccuracy a = evaluate_accuracy({grid}, {*bach});
      std::printf("  agreement with Bach: alto %.1f%%, tenor %.1f%%, bass %.1f%% of steps\n",
                  100 * a.accuracy(alto), 100 * a.accuracy(tenor), 100 * a.accuracy(bass));
      summary_["harmonisation_accuracy"] = a.to_json();
    }
    std::printf("Wrote %s", files.midi.string().c_str());
    for (std::size_t i = 1; i < outputs.size(); ++i) {
      std::printf(", %s", outputs[i].c_str());
    }
    std::printf("%s\n", files.wav ? "" : ("\n(no WAV: " + files.why_no_wav + ")").c_str());
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
                                 {"music_checks", checks.to_json()},
                                 {"outputs", outputs},
                                 {"wav", files.wav ? files.wav_path.string() : ""}};
    summary_["seconds"] = total;
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace bach_harmonise
