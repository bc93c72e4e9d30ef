#pragma once
// The bach_polyphony program around its lesson (main.cpp): the options it takes, the model file
// it saves, and the report of the run — the data and the network before training, each epoch,
// the test NLL beside the baselines and the published results, the continuation's files (MIDI,
// piano-roll PNG, WAV where FluidSynth is installed) and the JSON summary.

#include "common/bach.hpp"
#include "common/cli.hpp"
#include "common/lesson.hpp"
#include "common/music_files.hpp"
#include "piano_roll.hpp"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace bach_polyphony {

/// What the command line sets (command_line() declares the options; these are their defaults).
struct Options {
  std::uint64_t seed = 1;
  std::string summary_path;
  examples::DataOptions data;
  examples::OutputOptions output;
  PianoRollRnnSettings settings;
  std::size_t chorale = 0;
  std::size_t primer_frames = 8;
  std::size_t frames_to_add = 24;

  /// The network's training as the options set it, drawn from --seed.
  PianoRollRnnSettings rnn_settings() const {
    PianoRollRnnSettings s = settings;
    s.seed = seed;
    return s;
  }
};

/// The command line, each option bound to a field of `o`.
inline examples::CommandLine command_line(Options& o) {
  examples::CommandLine cli(
      "bach_polyphony",
      "A recurrent network on the JSB chorales as a piano roll (88 keys, quarter-note frames, "
      "frame t predicts frame t + 1): test NLL per frame beside published results, and a "
      "polyphonic continuation of a held-out chorale (MIDI, PNG, WAV).");
  cli.standard(o.seed, o.summary_path);
  o.data.declare(cli, "folder holding jsb-chorales/");
  o.output.declare(cli, "the model, MIDI, MusicXML, PNG and WAV files");
  cli.option("hidden", o.settings.hidden, "N", "recurrent units")
      .option("epochs", o.settings.epochs, "N",
              "most training epochs (the best on validation is kept)")
      .learning_rate(o.settings.learning_rate, "Adam")
      .option("chorale", o.chorale, "N", "which test chorale to continue")
      .option("primer-length", o.primer_frames, "N", "frames of Bach the network hears first")
      .option("length", o.frames_to_add, "N", "quarter-note frames to add");
  return cli;
}

/// One epoch of training.
inline void print_epoch(const ValidatedEpoch& e) {
  std::printf("  epoch %2ld  train %.3f  validation %.3f nats/frame%s  (%.2f s)\n",
              static_cast<long>(e.training.epoch), e.training.mean_loss, e.validation,
              e.best ? "  best" : "", e.training.seconds);
  std::fflush(stdout);
}

/// Saves the model as OUT/bach_piano_roll_rnn.json, with its test NLL; returns where.
inline std::filesystem::path save_model(const PianoRollRnn& model, const Options& o, double nll) {
  const auto model_path = o.output.file("bach_piano_roll_rnn.json");
  model.save(model_path, {{"trained_by", "bach_polyphony"},
                          {"settings", o.rnn_settings().to_json()},
                          {"test_nll_per_frame", nll}});
  return model_path;
}

/// Prints what the lesson finds, writes the continuation's files, writes the summary.
class Report : public examples::LessonReport<Options> {
 public:
  explicit Report(const Options& options) : LessonReport(options) {
    summary_ = {{"program", "bach_polyphony"},
                {"seed", options.seed},
                {"settings", options.rnn_settings().to_json()}};
  }

  /// The data.
  void data(std::size_t train, std::size_t valid, std::size_t test) {
    std::printf(
        "JSB chorales, quarter-note piano rolls (C major / C minor): %zu / %zu / %zu "
        "chorales (train / valid / test)\n",
        train, valid, test);
  }

  /// The network and how it trains, before it does.
  void network() {
    const PianoRollRnnSettings& s = options_.settings;
    std::printf(
        "Training Rnn(88 → %ld, tanh) → Dense(%ld → 88) → sigmoid per key, binary "
        "cross-entropy, BPTT over %ld frames, Adam %.3g:\n",
        static_cast<long>(s.hidden), static_cast<long>(s.hidden), static_cast<long>(s.steps),
        s.learning_rate);
  }

  /// The epochs trained, for the summary.
  void trained(const std::vector<ValidatedEpoch>& epochs) {
    nlohmann::json log = nlohmann::json::array();
    for (const auto& e : epochs) {
      log.push_back({{"epoch", e.training.epoch},
                     {"train_nll", e.training.mean_loss},
                     {"validation_nll", e.validation}});
    }
    summary_["epochs"] = log;
  }

  /// The test NLL per frame beside the baselines' and the published results.
  void nll(double rnn, double independent, double markov) {
    std::printf("\nTest negative log-likelihood, nats per frame (lower is better):\n");
    std::printf("  %-44s %6.2f\n", "independent keys (counted here)", independent);
    std::printf("  %-44s %6.2f\n", "per-key Markov chains (counted here)", markov);
    std::printf("  %-44s %6.2f\n", "this RNN", rnn);
    nlohmann::json published;
    for (const auto& [name, key, figure] : examples::published_jsb_results) {
      std::printf("  published: %-32s %6.2f\n", name, figure);
      published[key] = figure;
    }
    summary_["test_nll_per_frame"] = rnn;
    summary_["independent_keys_nll"] = independent;
    summary_["per_key_markov_nll"] = markov;
    summary_["published"] = published;
  }

  /// Bach's opening and the network's continuation, written as MIDI, PNG and WAV; then where
  /// they and the model are.
  void continuation(const std::filesystem::path& model_path, const PianoRollFrames& primer,
                    const PianoRollFrames& continuation) {
    Score score;
    score.title =
        "JSB test chorale " + std::to_string(options_.chorale) + ": Bach, then the piano-roll RNN";
    score.tempo_bpm = 72;
    score.parts.push_back(part_of(primer, "Bach (primer)", 0, 0.0));
    score.parts.push_back(
        part_of(continuation, "RNN continuation", 1, static_cast<double>(primer.size())));
    const auto files = examples::write_score_files(score, options_.output, "bach_polyphony");
    std::printf("\nWrote %s\n", model_path.string().c_str());
    examples::print_score_files(files, "");
    summary_["outputs"] = {model_path.string(), files.midi.string(), files.musicxml.string(),
                           files.png.string()};
    summary_["wav"] = files.wav ? files.wav_path.string() : "";
  }
};

}  // namespace bach_polyphony
