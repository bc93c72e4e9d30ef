// bach_eval: one table of next-note prediction on held-out Bach melodies, every model scored
// on the same notes (every note after the first of each melody, from the notes before it):
// uniform, unigram, Markov chains of order 1-4 over pitches and over intervals, the paper's
// feedforward network and its fix, and the recurrent network. Two data sets: the JSB soprano
// lines with their train/valid/test split, and the 100 UCI melodies in 10-fold cross-validation
// by chorale (in each fold, one of the other nine folds is the validation set for early
// stopping; the Markov chains count both).

#include "common/bach.hpp"
#include "common/cli.hpp"

#include <bachprop/music/evaluate/melody_baselines.hpp>
#include <bachprop/music/models/melody_rnn.hpp>
#include <bachprop/music/models/window_model.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>

namespace {

using namespace bachprop;
using namespace bachprop::music;

// Sums of per-note figures, so folds can be pooled (every note weighs the same).
struct Pooled {
  double notes = 0;
  double right = 0;
  double pitch_bits = 0;
  double note_bits = 0;
  bool has_durations = false;

  void add(const MelodyScores& s) {
    const auto n = static_cast<double>(s.notes);
    notes += n;
    right += s.pitch_accuracy * n;
    pitch_bits += s.bits_per_pitch * n;
    if (!std::isnan(s.bits_per_duration)) {
      note_bits += s.bits_per_note() * n;
      has_durations = true;
    }
  }
  double accuracy() const { return right / notes; }
  double bits_per_pitch() const { return pitch_bits / notes; }
  double bits_per_note() const {
    return has_durations ? note_bits / notes : std::numeric_limits<double>::quiet_NaN();
  }
};

struct Settings {
  MelodyRnnSettings rnn;
  WindowModelSettings paper;
  WindowModelSettings fixed;
  bool with_feedforward = true;
};

// The next-note scores of a window model: bits per pitch from its position-1 pitch outputs;
// the duration half is on the eighth-note grid of the paper's embedding.
MelodyScores window_scores(WindowModel& model, const std::vector<NoteSequence>& test) {
  MelodyScores s;
  s.duration_accuracy = 0;
  s.bits_per_duration = 0;
  for (const auto& original : test) {
    const NoteSequence notes = on_eighth_grid(original);
    const Matrix<float> pitches = model.next_pitch_distributions(notes);
    const Matrix<float> durations = model.next_duration_distributions(notes);
    for (Index t = 1; t < static_cast<Index>(notes.size()); ++t) {
      const auto i = static_cast<std::size_t>(t);
      const Index pitch = model.embedding().pitch_row(notes.pitches[i]);
      const Index duration = model.embedding().duration_row(notes.durations[i]);
      Index best = 0;
      pitches.col(t - 1).maxCoeff(&best);
      s.pitch_accuracy += best == pitch ? 1 : 0;
      s.bits_per_pitch -= std::log2(std::max(1e-12, double(pitches(pitch, t - 1))));
      s.bits_per_duration -= std::log2(std::max(1e-12, double(durations(duration, t - 1))));
      ++s.notes;
    }
  }
  const auto n = static_cast<double>(std::max<std::size_t>(s.notes, 1));
  s.pitch_accuracy /= n;
  s.bits_per_pitch /= n;
  s.bits_per_duration /= n;
  return s;
}

// Every model trained on `train` (validation for early stopping) and scored on `test`; adds
// each model's scores to `table` under its row name.
void evaluate_split(const std::vector<NoteSequence>& train, const std::vector<NoteSequence>& valid,
                    const std::vector<NoteSequence>& test, const Settings& settings,
                    std::uint64_t seed, std::map<std::string, Pooled>& table,
                    std::vector<std::string>& order) {
  auto add = [&](const std::string& name, const MelodyScores& s) {
    if (std::find(order.begin(), order.end(), name) == order.end()) {
      order.push_back(name);
    }
    table[name].add(s);
  };
  std::vector<NoteSequence> counted = train;  // the Markov chains count train and valid
  counted.insert(counted.end(), valid.begin(), valid.end());
  const MelodyVocabulary vocabulary = MelodyVocabulary::fit(counted, 6, 5);
  const auto augmented_counted =
      augmented(counted, vocabulary, settings.rnn.transpose_down, settings.rnn.transpose_up);
  add("uniform", uniform_pitch_scores(vocabulary, test));
  add("unigram", pitch_markov_scores(0, counted, test, vocabulary));
  for (int order_n = 1; order_n <= 4; ++order_n) {
    add("pitch Markov, order " + std::to_string(order_n),
        pitch_markov_scores(order_n, augmented_counted, test, vocabulary));
  }
  for (int order_n = 1; order_n <= 4; ++order_n) {
    add("interval Markov, order " + std::to_string(order_n),
        interval_markov_scores(order_n, counted, test, vocabulary));
  }
  if (settings.with_feedforward) {
    WindowModelSettings paper = settings.paper;
    paper.seed = seed;
    WindowModel paper_model(paper);
    paper_model.train(train, valid);
    add("feedforward, the paper's (sigmoid, quadratic)", window_scores(paper_model, test));
    WindowModelSettings fixed = settings.fixed;
    fixed.seed = seed;
    WindowModel fixed_model(fixed);
    fixed_model.train(train, valid);
    add("feedforward, fixed (softmax, cross-entropy)", window_scores(fixed_model, test));
  }
  MelodyRnnSettings rnn = settings.rnn;
  rnn.seed = seed;
  MelodyRnn model(MelodyVocabulary::fit(train, 6, 5), rnn.hidden, seed);
  model.train(train, rnn, valid);
  add("RNN", model.evaluate(test));
}

void print_table(const std::vector<std::string>& order,
                 const std::map<std::string, Pooled>& jsb,
                 const std::map<std::string, Pooled>& uci) {
  std::printf("\n  %-46s | %-29s | %-29s\n", "", "JSB soprano, test split",
              "UCI melodies, 10-fold CV");
  std::printf("  %-46s | %8s %10s %9s | %8s %10s %9s\n", "model", "accuracy", "bits/pitch",
              "bits/note", "accuracy", "bits/pitch", "bits/note");
  for (const auto& name : order) {
    auto cells = [&](const std::map<std::string, Pooled>& t) {
      const auto found = t.find(name);
      if (found == t.end()) {
        return std::string(30, ' ');
      }
      char text[64];
      std::snprintf(text, sizeof text, "%7.1f%% %10s %9s", 100 * found->second.accuracy(),
                    examples::figure(found->second.bits_per_pitch()).c_str(),
                    examples::figure(found->second.bits_per_note()).c_str());
      return std::string(text);
    };
    std::printf("  %-46s | %s | %s\n", name.c_str(), cells(jsb).c_str(), cells(uci).c_str());
  }
}

nlohmann::json table_json(const std::map<std::string, Pooled>& t) {
  nlohmann::json rows = nlohmann::json::object();
  for (const auto& [name, p] : t) {
    rows[name] = {
        {"notes", p.notes},
        {"accuracy", p.accuracy()},
        {"bits_per_pitch", p.bits_per_pitch()},
        {"bits_per_note", std::isnan(p.bits_per_note()) ? nlohmann::json(nullptr)
                                                        : nlohmann::json(p.bits_per_note())}};
  }
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 1;
  std::string summary_path;
  std::string data;
  bool download = false;
  bool quick = false;
  bool skip_uci = false;
  Settings settings;
  settings.paper.output = WindowOutput::paper;
  settings.paper.hidden = 100;
  settings.paper.epochs = 20;
  settings.paper.learning_rate = 1.0;
  settings.fixed.output = WindowOutput::softmax;
  settings.fixed.hidden = 256;
  settings.fixed.epochs = 20;
  settings.fixed.learning_rate = 1e-3;
  settings.fixed.transpose_down = 5;
  settings.fixed.transpose_up = 6;
  bool no_feedforward = false;
  examples::CommandLine cli(
      "bach_eval",
      "Next-note prediction on held-out Bach melodies (JSB test split; UCI melodies in 10-fold "
      "cross-validation): uniform, unigram, Markov chains over pitches and intervals (orders "
      "1-4), the paper's feedforward network and its fix, and the recurrent network.");
  cli.standard(seed, summary_path)
      .option("data", data, "DIR", "folder holding jsb-chorales/ and bach-chorales-uci/")
      .flag("download", download, "download the data if no copy is found (checksummed)")
      .flag("quick", quick, "a fast, rough run (few epochs, small networks) for testing")
      .flag("skip-uci", skip_uci, "only the JSB split")
      .flag("no-feedforward", no_feedforward, "leave out the two feedforward networks (slowest)")
      .option("hidden", settings.rnn.hidden, "N", "recurrent units of the RNN")
      .option("epochs", settings.rnn.epochs, "N", "RNN epochs (the best on validation is kept)");
  if (!cli.parse(argc, argv)) {
    return cli.exit_code();
  }
  return examples::run_reporting_errors(cli.program(), [&] {
    const auto start = std::chrono::steady_clock::now();
    settings.with_feedforward = !no_feedforward;
    if (quick) {
      settings.rnn.epochs = 2;
      settings.rnn.hidden = 32;
      settings.paper.epochs = 1;
      settings.fixed.epochs = 1;
      settings.fixed.hidden = 32;
      settings.fixed.transpose_down = 0;
      settings.fixed.transpose_up = 0;
    }
    std::map<std::string, Pooled> jsb_table;
    std::map<std::string, Pooled> uci_table;
    std::vector<std::string> order;

    const auto jsb_folder = examples::locate_or_download(
        examples::jsb_source(), {data, download, examples::interactive_session()});
    const examples::JsbMelodies jsb = examples::load_jsb_melodies(jsb_folder);
    std::printf("JSB: training on %zu soprano lines (validation %zu), testing on %zu ...\n",
                jsb.train.size(), jsb.valid.size(), jsb.test.size());
    std::fflush(stdout);
    evaluate_split(jsb.train, jsb.valid, jsb.test, settings, seed, jsb_table, order);

    if (!skip_uci) {
      const auto uci_folder = examples::locate_or_download(
          examples::uci_source(), {data, download, examples::interactive_session()});
      const auto uci = examples::load_uci_melodies(uci_folder);
      for (int fold = 0; fold < 10; ++fold) {
        std::vector<NoteSequence> train;
        std::vector<NoteSequence> valid;
        std::vector<NoteSequence> test;
        for (std::size_t i = 0; i < uci.size(); ++i) {
          const auto f = static_cast<int>(i % 10);
          (f == fold ? test : f == (fold + 1) % 10 ? valid : train).push_back(uci[i]);
        }
        std::printf("UCI fold %d: training on %zu melodies (validation %zu), testing on %zu ...\n",
                    fold + 1, train.size(), valid.size(), test.size());
        std::fflush(stdout);
        evaluate_split(train, valid, test, settings, seed + static_cast<std::uint64_t>(fold),
                       uci_table, order);
      }
    }
    print_table(order, jsb_table, uci_table);
    std::printf("\n  Every note after the first of each held-out melody, predicted from the notes "
                "before it (JSB test: %.0f notes; UCI: %.0f). Bits per note add the duration, for "
                "the models that predict it (the feedforward networks' on the paper's eighth-note "
                "grid). Published for the UCI melodies: about 1.8 bits per pitch (Conklin & "
                "Witten 1995, multiple-viewpoint models).\n",
                jsb_table.at("RNN").notes, skip_uci ? 0.0 : uci_table.at("RNN").notes);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("  (%.0f s)\n", seconds);
    examples::write_summary(summary_path,
                            {{"program", "bach_eval"},
                             {"seed", seed},
                             {"quick", quick},
                             {"order", order},
                             {"jsb_test", table_json(jsb_table)},
                             {"uci_cross_validation", table_json(uci_table)},
                             {"seconds", seconds}});
    return 0;
  });
}
