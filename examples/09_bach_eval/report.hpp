#pragma once
// The bach_eval program around its lesson (main.cpp): the options it takes (--quick's small
// settings among them), and the report of the run — the table of both data sets side by side
// and the JSON summary.

#include "common/bach.hpp"
#include "common/cli.hpp"
#include "common/lesson.hpp"
#include "common/melody_models.hpp"
#include "scores.hpp"

#include <bachprop/music/models/melody_rnn.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace bach_eval {

/// The gated networks' training: as the RNN's, with dropout 0.2 on their outputs.
inline MelodyRnnSettings gated_settings() {
  MelodyRnnSettings s;
  s.dropout = 0.2;
  return s;
}

/// The models' settings.
struct Settings {
  MelodyRnnSettings rnn;
  MelodyRnnSettings lstm = gated_settings();
  MelodyRnnSettings gru = gated_settings();
  bool with_gated = true;
  int ensemble = 5;  // LSTMs averaged in the ensemble row (1 or less: no ensemble row)
  WindowModelSettings paper = examples::paper_window_settings();
  WindowModelSettings fixed = examples::fixed_window_settings();
  bool with_feedforward = true;
};

/// What the command line sets (command_line() declares the options; these are their defaults).
struct Options {
  std::uint64_t seed = 1;
  std::string summary_path;
  examples::DataOptions data;
  bool quick = false;
  bool skip_uci = false;
  bool no_feedforward = false;
  bool no_gated = false;
  Settings settings;

  /// The models' settings as the options set them (--quick: few epochs, small networks).
  Settings model_settings() const {
    Settings s = settings;
    s.with_feedforward = !no_feedforward;
    s.with_gated = !no_gated;
    s.gru.hidden = s.lstm.hidden;  // --gated-hidden and --dropout set both gated networks
    s.gru.dropout = s.lstm.dropout;
    if (quick) {
      s.rnn.epochs = 2;
      s.rnn.hidden = 32;
      s.lstm.epochs = 1;
      s.lstm.hidden = 16;
      s.gru.epochs = 1;
      s.gru.hidden = 16;
      s.ensemble = std::min(s.ensemble, 2);
      s.paper.epochs = 1;
      s.fixed.epochs = 1;
      s.fixed.hidden = 32;
      s.fixed.transpose_down = 0;
      s.fixed.transpose_up = 0;
    }
    return s;
  }
};

/// The command line, each option bound to a field of `o`.
inline examples::CommandLine command_line(Options& o) {
  examples::CommandLine cli(
      "bach_eval",
      "Next-note prediction on held-out Bach melodies (JSB test split; UCI melodies in 10-fold "
      "cross-validation): uniform, unigram, Markov chains over pitches and intervals (orders "
      "1-4), the paper's feedforward network and its fix, and the recurrent networks (simple "
      "RNN, LSTM, GRU, an ensemble of LSTMs).");
  cli.standard(o.seed, o.summary_path);
  o.data.declare(cli, "folder holding jsb-chorales/ and bach-chorales-uci/", "the data");
  cli.quick(o.quick, "few epochs, small networks")
      .flag("skip-uci", o.skip_uci, "only the JSB split")
      .flag("no-feedforward", o.no_feedforward, "leave out the two feedforward networks (slowest)")
      .flag("no-gated", o.no_gated, "leave out the LSTM, the GRU and the ensemble")
      .option("hidden", o.settings.rnn.hidden, "N", "recurrent units of the RNN")
      .option("epochs", o.settings.rnn.epochs, "N", "RNN epochs (the best on validation is kept)")
      .option("gated-hidden", o.settings.lstm.hidden, "N", "units of the LSTM and the GRU")
      .option("dropout", o.settings.lstm.dropout, "P",
              "dropout rate on the LSTM's and the GRU's outputs while training")
      .option("ensemble", o.settings.ensemble, "N",
              "LSTMs (seeds) averaged in the ensemble row (1: no ensemble row)");
  return cli;
}

/// Both tables side by side, then what they count.
inline void print_tables(const Tables& t, bool skip_uci) {
  std::printf("\n  %-46s | %-29s | %-29s\n", "", "JSB soprano, test split",
              "UCI melodies, 10-fold CV");
  std::printf("  %-46s | %8s %10s %9s | %8s %10s %9s\n", "model", "accuracy", "bits/pitch",
              "bits/note", "accuracy", "bits/pitch", "bits/note");
  for (const auto& name : t.order) {
    auto cells = [&](const Table& table) {
      const auto found = table.find(name);
      if (found == table.end()) {
        return std::string(30, ' ');
      }
      char text[64];
      std::snprintf(text, sizeof text, "%7.1f%% %10s %9s", 100 * found->second.accuracy(),
                    examples::figure(found->second.bits_per_pitch()).c_str(),
                    examples::figure(found->second.bits_per_note()).c_str());
      return std::string(text);
    };
    std::printf("  %-46s | %s | %s\n", name.c_str(), cells(t.jsb).c_str(), cells(t.uci).c_str());
  }
  std::printf(
      "\n  Every note after the first of each held-out melody, predicted from the notes "
      "before it (JSB test: %.0f notes; UCI: %.0f). Bits per note add the duration, for "
      "the models that predict it (the feedforward networks' on the paper's eighth-note "
      "grid). Published for the UCI melodies: about 1.8 bits per pitch (Conklin & "
      "Witten 1995, multiple-viewpoint models).\n",
      t.jsb.at("RNN").notes, skip_uci ? 0.0 : t.uci.at("RNN").notes);
}

/// One table as JSON.
inline nlohmann::json table_json(const Table& table) {
  nlohmann::json rows = nlohmann::json::object();
  for (const auto& [name, p] : table) {
    rows[name] = {
        {"notes", p.notes},
        {"accuracy", p.accuracy()},
        {"bits_per_pitch", p.bits_per_pitch()},
        {"bits_per_note", std::isnan(p.bits_per_note()) ? nlohmann::json(nullptr)
                                                        : nlohmann::json(p.bits_per_note())}};
  }
  return rows;
}

/// Every model in the table's order with its headline figures: bits per pitch on the JSB test
/// split and in the UCI cross-validation (null where the model was not scored there).
inline nlohmann::json models_json(const Tables& t) {
  auto figure = [](const Table& table, const std::string& name, auto score) {
    const auto found = table.find(name);
    return found == table.end() ? nlohmann::json(nullptr) : nlohmann::json(score(found->second));
  };
  auto bits = [](const Pooled& p) { return p.bits_per_pitch(); };
  auto accuracy = [](const Pooled& p) { return p.accuracy(); };
  nlohmann::json models = nlohmann::json::array();
  for (const auto& name : t.order) {
    models.push_back({{"name", name},
                      {"test_bits_per_pitch", figure(t.jsb, name, bits)},
                      {"cv_bits_per_pitch", figure(t.uci, name, bits)},
                      {"test_accuracy", figure(t.jsb, name, accuracy)},
                      {"cv_accuracy", figure(t.uci, name, accuracy)}});
  }
  return models;
}

/// Prints what the lesson finds and writes the summary.
class Report : public examples::LessonReport<Options> {
 public:
  explicit Report(const Options& options)
      : LessonReport(options), start_(std::chrono::steady_clock::now()) {}

  /// The JSB split about to be trained on and tested.
  void jsb(std::size_t train, std::size_t valid, std::size_t test) {
    std::printf("JSB: training on %zu soprano lines (validation %zu), testing on %zu ...\n", train,
                valid, test);
    std::fflush(stdout);
  }

  /// UCI fold `fold` (from 0), about to be trained on and tested.
  void uci_fold(int fold, std::size_t train, std::size_t valid, std::size_t test) {
    std::printf("UCI fold %d: training on %zu melodies (validation %zu), testing on %zu ...\n",
                fold + 1, train, valid, test);
    std::fflush(stdout);
  }

  /// The tables, the time taken, and the summary.
  void tables(const Tables& t) {
    print_tables(t, options_.skip_uci);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::printf("  (%.0f s)\n", seconds);
    summary_ = {{"program", "bach_eval"},
                {"seed", options_.seed},
                {"quick", options_.quick},
                {"order", t.order},
                {"models", models_json(t)},
                {"jsb_test", table_json(t.jsb)},
                {"uci_cross_validation", table_json(t.uci)},
                {"seconds", seconds}};
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace bach_eval
