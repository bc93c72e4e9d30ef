#pragma once
// The bach_melody program around its lesson (main.cpp): the options it takes, the model file it
// saves, and the report of the run — the data and the network before training, each epoch, the
// held-out comparison, the continuation's files (MIDI, piano-roll PNG, WAV where FluidSynth is
// installed) and the JSON summary.

#include "common/bach.hpp"
#include "common/cli.hpp"
#include "common/lesson.hpp"
#include "common/melody_models.hpp"
#include "common/music_files.hpp"

#include <bachprop/music/evaluate/style_statistics.hpp>
#include <bachprop/music/models/melody_continuation.hpp>
#include <bachprop/music/models/melody_rnn.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bach_melody {

using namespace bachprop;
using namespace bachprop::music;

/// The network's training unless the command line says otherwise: MelodyRnnSettings' defaults
/// (64 units, windows of 32 notes, 30 epochs, Adam 3·10⁻³) with dropout 0.2 on the recurrent
/// outputs, which the LSTM on the JSB validation chorales gains from (docs/examples/bach_eval.md).
inline MelodyRnnSettings default_settings() {
  MelodyRnnSettings s;
  s.dropout = 0.2;
  return s;
}

/// What the command line sets (command_line() declares the options; these are their defaults).
struct Options {
  std::uint64_t seed = 1;
  std::string summary_path;
  examples::DataOptions data;
  examples::OutputOptions output;
  std::string save_path;
  MelodyRnnSettings settings = default_settings();
  std::size_t chorale = 0;
  std::size_t primer_notes = 16;
  std::size_t continuation_notes = 32;
  double temperature = 0.8;
  std::string checkpoint_path;
  bool resume = false;
  std::string cell = "lstm";
  /// Whether this process prints and writes files: false on every process of an MPI job but
  /// the first (main.cpp).
  bool writer = true;

  /// The network's training as the options set it, drawn from --seed.
  MelodyRnnSettings rnn_settings() const {
    MelodyRnnSettings s = settings;
    s.seed = seed;
    return s;
  }

  /// Throws ArgumentError for --resume without a checkpoint to resume, or an unknown --cell.
  void check() const {
    examples::check_checkpoint_options(checkpoint_path, resume);
    if (cell != "lstm" && cell != "gru" && cell != "rnn") {
      throw ArgumentError("--cell must be lstm, gru or rnn, not '" + cell + "'");
    }
  }
};

/// The command line, each option bound to a field of `o`.
inline examples::CommandLine command_line(Options& o) {
  examples::CommandLine cli(
      "bach_melody",
      "Trains a recurrent network on the soprano lines of the JSB chorales, compares it with "
      "n-gram models on the held-out chorales, saves it, and continues a held-out melody "
      "(MIDI, PNG piano roll, and WAV where FluidSynth is installed).");
  cli.standard(o.seed, o.summary_path);
  o.data.declare(cli, "folder holding jsb-chorales/ (default: see README)");
  o.output.declare(cli, "the model, MIDI, MusicXML, PNG and WAV files");
  cli.option("save", o.save_path, "FILE",
             "where to save the model (default: OUT/bach_melody_rnn.json)")
      .option("cell", o.cell, "NAME", "the recurrent layer: lstm, gru or rnn (the simple RNN)")
      .option("hidden", o.settings.hidden, "N", "recurrent units")
      .option("dropout", o.settings.dropout, "P",
              "rate at which the recurrent outputs are dropped while training")
      .option("epochs", o.settings.epochs, "N", "training epochs (the best on validation is kept)")
      .option("shards", o.settings.shards, "N",
              "data-parallel shards per batch (0: from the batch size); across MPI processes "
              "a multiple of their number keeps them all busy")
      .learning_rate(o.settings.learning_rate, "Adam")
      .option("chorale", o.chorale, "N", "which test-split chorale to continue")
      .option("primer-length", o.primer_notes, "N",
              "notes of Bach's melody the network hears first")
      .option("length", o.continuation_notes, "N", "notes the network adds")
      .option("temperature", o.temperature, "T", "sampling temperature (0: always the likeliest)")
      .checkpoints(o.checkpoint_path, o.resume,
                   "weights, Adam's state, the best epoch so far, shuffling state, epoch");
  return cli;
}

/// One epoch of training.
inline void print_epoch(const ValidatedEpoch& e) {
  std::printf("  epoch %2ld  loss %.3f  validation %.3f bits/note%s  (%.1f s)\n",
              static_cast<long>(e.training.epoch), e.training.mean_loss, e.validation,
              e.best ? "  best so far" : "", e.training.seconds);
  std::fflush(stdout);
}

/// "LSTM", "GRU" or "RNN": a cell's name as the tables print it.
inline std::string cell_title(std::string_view cell) {
  std::string title(cell);
  std::transform(title.begin(), title.end(), title.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return title;
}

/// Saves the model with its vocabulary (so that bach_generate can use it without the data) to
/// --save FILE or OUT/bach_melody_rnn.json, with its test scores; returns where.
template <class Model>
std::filesystem::path save_model(const Model& model, const Options& o, const MelodyScores& test) {
  const std::filesystem::path model_path = o.save_path.empty()
                                                ? o.output.file("bach_melody_rnn.json")
                                                : std::filesystem::path(o.save_path);
  if (model_path.has_parent_path()) {
    std::filesystem::create_directories(model_path.parent_path());
  }
  model.save(model_path, {{"trained_by", "bach_melody"},
                          {"settings", o.rnn_settings().to_json()},
                          {"test",
                           {{"bits_per_pitch", test.bits_per_pitch},
                            {"pitch_accuracy", test.pitch_accuracy},
                            {"bits_per_note", test.bits_per_note()}}}});
  return model_path;
}

/// Prints what the lesson finds, writes the continuation's files, writes the summary.
class Report : public examples::LessonReport<Options> {
 public:
  explicit Report(const Options& options)
      : LessonReport(options), start_(std::chrono::steady_clock::now()) {
    summary_ = {{"program", "bach_melody"},
                {"seed", options.seed},
                {"cell", options.cell},
                {"settings", options.rnn_settings().to_json()}};
  }

  /// The data and the vocabulary.
  void data(const std::filesystem::path& folder, const examples::JsbMelodies& jsb,
            const MelodyVocabulary& vocabulary) {
    std::printf("JSB chorales from %s: %zu / %zu / %zu soprano lines (train / valid / test)\n",
                folder.string().c_str(), jsb.train.size(), jsb.valid.size(), jsb.test.size());
    std::printf(
        "Vocabulary: pitches %s..%s (%ld), %ld durations; training on every "
        "transposition from -%d to +%d semitones\n\n",
        pitch_name(vocabulary.lowest_pitch).c_str(), pitch_name(vocabulary.highest_pitch).c_str(),
        static_cast<long>(vocabulary.pitch_count()), static_cast<long>(vocabulary.duration_count()),
        options_.settings.transpose_down, options_.settings.transpose_up);
  }

  /// The network and how it trains, before it does.
  void network(const MelodyVocabulary& vocabulary, std::string_view cell) {
    const MelodyRnnSettings& s = options_.settings;
    std::printf(
        "Training: %s(%ld → %ld) → dropout %.2g → Dense(%ld → %ld) → softmax over the next "
        "pitch and over its duration; BPTT over %ld notes, Adam %.3g, clipping at "
        "%.0f\n",
        cell_title(cell).c_str(), static_cast<long>(vocabulary.size()),
        static_cast<long>(s.hidden), s.dropout, static_cast<long>(s.hidden),
        static_cast<long>(vocabulary.size()), static_cast<long>(s.steps), s.learning_rate,
        s.clip_norm);
    if (!options_.checkpoint_path.empty()) {
      std::printf("%s %s\n", options_.resume ? "Resuming from the checkpoint" : "Checkpoints:",
                  options_.checkpoint_path.c_str());
    }
  }

  /// The epochs trained, for the summary.
  void trained(const std::vector<ValidatedEpoch>& epochs) {
    nlohmann::json log = nlohmann::json::array();
    for (const auto& e : epochs) {
      log.push_back({{"epoch", e.training.epoch},
                     {"loss", e.training.mean_loss},
                     {"validation_bits_per_note", e.validation},
                     {"seconds", e.training.seconds}});
    }
    summary_["epochs"] = log;
  }

  /// The held-out comparison: every model's scores on the test chorales, the network's last.
  void comparison(const std::vector<examples::NamedScores>& rows, std::size_t test_chorales) {
    const MelodyScores& network = rows.back().scores;
    std::printf("\nNext-note prediction on the %zu test chorales (%zu notes):\n", test_chorales,
                network.notes);
    std::printf("  %-26s %9s %14s %13s\n", "model", "accuracy", "bits/pitch", "bits/note");
    for (const auto& row : rows) {
      std::printf("  %-26s %8.1f%% %14s %13s\n", row.name.c_str(), 100 * row.scores.pitch_accuracy,
                  examples::figure(row.scores.bits_per_pitch).c_str(),
                  examples::figure(row.scores.bits_per_note()).c_str());
    }
    double best_markov = 1e9;
    for (const auto& row : rows) {
      if (row.name.find("Markov") != std::string::npos) {
        best_markov = std::min(best_markov, row.scores.bits_per_pitch);
      }
    }
    std::printf("  The %s needs %.3f bits per pitch, the best Markov chain %.3f.\n",
                cell_title(options_.cell).c_str(), network.bits_per_pitch, best_markov);
    nlohmann::json table = nlohmann::json::array();
    for (const auto& row : rows) {
      table.push_back({{"model", row.name},
                       {"accuracy", row.scores.pitch_accuracy},
                       {"bits_per_pitch", row.scores.bits_per_pitch},
                       {"bits_per_note", std::isnan(row.scores.bits_per_note())
                                             ? nlohmann::json(nullptr)
                                             : nlohmann::json(row.scores.bits_per_note())}});
    }
    summary_["test_notes"] = network.notes;
    summary_["table"] = table;
  }

  /// Bach's opening and the network's continuation: written as MIDI (separate tracks), a
  /// piano-roll PNG and WAV where FluidSynth is installed, then printed with the files.
  void continuation(const std::filesystem::path& model_path, const NoteSequence& primer,
                    const NoteSequence& continuation) {
    const Options& o = options_;
    const Key key = melody_key(primer);
    const examples::ScoreFiles files = examples::write_score_files(
        continuation_score(
            "JSB test chorale " + std::to_string(o.chorale) + ": Bach, then the " +
                cell_title(o.cell),
            primer, "Bach (primer)", continuation, cell_title(o.cell) + " continuation", key),
        o.output, "bach_continuation");
    const StyleStatistics generated = style_statistics({continuation}, {key});
    std::printf(
        "\nContinuation of test chorale %zu (key %s): %zu notes of Bach, then %zu by "
        "the network (temperature %.2f, seed %llu):\n  ",
        o.chorale, key_name(key).c_str(), primer.size(), continuation.size(), o.temperature,
        static_cast<unsigned long long>(o.seed));
    for (std::size_t i = 0; i < continuation.size(); ++i) {
      std::printf("%s ", pitch_name_in(continuation.pitches[i], key).c_str());
    }
    std::printf(
        "\n  %.0f%% of its notes in the key, longest repeated note %zu, range %.0f "
        "semitones\n",
        100 * generated.in_key, generated.longest_repeat, generated.mean_range);
    std::printf("\nWrote %s\n", model_path.string().c_str());
    examples::print_score_files(files, "");
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::printf(
        "Done in %.0f s. Listen: open the MIDI or WAV; generate more with "
        "build/bin/bach_generate --model %s\n",
        seconds, model_path.string().c_str());
    summary_["continuation"] = {{"chorale", o.chorale},
                                {"pitches", continuation.pitches},
                                {"durations", continuation.durations},
                                {"in_key", generated.in_key}};
    summary_["outputs"] = {model_path.string(), files.midi.string(), files.musicxml.string(),
                           files.png.string()};
    summary_["wav"] = files.wav ? files.wav_path.string() : "";
    summary_["seconds"] = seconds;
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace bach_melody
