// bach_eval: one table of next-note prediction on held-out Bach melodies, every model scored
// on the same notes (every note after the first of each melody, from the notes before it):
// uniform, unigram, Markov chains of order 1-4 over pitches and over intervals, the paper's
// feedforward network and its fix, and the recurrent networks: the simple RNN, the LSTM and the
// GRU. Two data sets: the JSB soprano
// lines with their train/valid/test split, and the 100 UCI melodies in 10-fold cross-validation
// by chorale (in each fold, one of the other nine folds is the validation set for early
// stopping; the Markov chains count both).
//
// The lesson comes first; scores.hpp pools the scores, and report.hpp holds the command line and
// prints and writes.

#include "common/bach.hpp"
#include "common/melody_models.hpp"
#include "report.hpp"
#include "scores.hpp"

#include <bachprop/music/models/melody_rnn.hpp>
#include <bachprop/music/models/window_model.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using namespace bach_eval;

// `count` recurrent melody models (Model: MelodyRnn, MelodyLstm or MelodyGru) trained on
// `train`, each keeping its best epoch on `valid`: the first from `seed`, the others from seeds
// 1000, 2000, ... above it (an ensemble's members).
template <class Model>
std::vector<Model> trained_models(const std::vector<NoteSequence>& train,
                                  const std::vector<NoteSequence>& valid,
                                  MelodyRnnSettings settings, std::uint64_t seed, int count = 1) {
  std::vector<Model> models;
  for (int member = 0; member < count; ++member) {
    settings.seed = seed + 1000 * static_cast<std::uint64_t>(member);
    Model model(MelodyVocabulary::fit(train, 6, 5), settings.hidden, settings.seed,
                settings.dropout);
    model.train(train, settings, valid);
    models.push_back(std::move(model));
  }
  return models;
}

// Every model trained on `train` (`valid` for early stopping) and scored on `test`: the scores
// of each, by name, in the table's order.
std::vector<examples::NamedScores> evaluate_split(const std::vector<NoteSequence>& train,
                                                  const std::vector<NoteSequence>& valid,
                                                  const std::vector<NoteSequence>& test,
                                                  const Settings& settings, std::uint64_t seed) {
  // The models without a network count the training and the validation melodies.
  std::vector<NoteSequence> counted = train;
  counted.insert(counted.end(), valid.begin(), valid.end());
  std::vector<examples::NamedScores> rows =
      examples::ngram_scores(counted, test, MelodyVocabulary::fit(counted, 6, 5),
                             settings.rnn.transpose_down, settings.rnn.transpose_up);
  // Lesson 7's networks: 32 notes in, the next 32 out; scored on the first note out.
  auto feedforward = [&](const std::string& name, WindowModelSettings window) {
    window.seed = seed;
    WindowModel model(window);
    model.train(train, valid);
    rows.push_back({name, window_scores(model, test)});
  };
  if (settings.with_feedforward) {
    feedforward("feedforward, the paper's (sigmoid, quadratic)", settings.paper);
    feedforward("feedforward, fixed (softmax, cross-entropy)", settings.fixed);
  }
  // The recurrent networks, each keeping its best epoch on the validation melodies: lesson 8's
  // simple RNN (25), then the gated ones, the LSTM (26)-(32) and the GRU (33)-(37), with dropout
  // (40) on their outputs while training; and the mean of several LSTMs' predictions, each
  // trained from its own seed (the first is the LSTM row's).
  rows.push_back(
      {"RNN", trained_models<MelodyRnn>(train, valid, settings.rnn, seed).front().evaluate(test)});
  if (settings.with_gated) {
    auto lstms = trained_models<MelodyLstm>(train, valid, settings.lstm, seed,
                                            std::max(settings.ensemble, 1));
    rows.push_back({"LSTM", lstms.front().evaluate(test)});
    auto grus = trained_models<MelodyGru>(train, valid, settings.gru, seed);
    rows.push_back({"GRU", grus.front().evaluate(test)});
    if (settings.ensemble > 1) {
      rows.push_back({"LSTM, ensemble of " + std::to_string(settings.ensemble),
                      evaluate_ensemble(lstms, test)});
    }
  }
  return rows;
}

// The lesson: every model scored on the same held-out notes, in bits per pitch, on two data
// sets: the JSB soprano lines with their published split, and the 100 UCI melodies in 10-fold
// cross-validation by chorale (the fold after the test fold validates).
int lesson(const Options& o, Report& report) {
  const Settings settings = o.model_settings();
  Tables tables;
  const auto jsb = examples::load_jsb_melodies(o.data.locate(examples::jsb_source()));
  report.jsb(jsb.train.size(), jsb.valid.size(), jsb.test.size());
  tables.add(tables.jsb, evaluate_split(jsb.train, jsb.valid, jsb.test, settings, o.seed));
  if (!o.skip_uci) {
    const auto uci = examples::load_uci_melodies(o.data.locate(examples::uci_source()));
    for (int fold = 0; fold < 10; ++fold) {
      std::vector<NoteSequence> train;
      std::vector<NoteSequence> valid;
      std::vector<NoteSequence> test;
      for (std::size_t i = 0; i < uci.size(); ++i) {
        const auto f = static_cast<int>(i % 10);
        (f == fold ? test : f == (fold + 1) % 10 ? valid : train).push_back(uci[i]);
      }
      report.uci_fold(fold, train.size(), valid.size(), test.size());
      const auto fold_seed = o.seed + static_cast<std::uint64_t>(fold);
      tables.add(tables.uci, evaluate_split(train, valid, test, settings, fold_seed));
    }
  }
  report.tables(tables);
  return report.finish();
}

}  // namespace

// The command line (report.hpp: each option sets a field of Options); then the lesson runs.
int main(int argc, char** argv) {
  Options options;
  examples::CommandLine cli = command_line(options);
  return examples::run_lesson<Report>(cli, argc, argv, options, lesson);
}
