// bach_feedforward: the derivation paper's section-6 experiment, rebuilt on the JSB chorales,
// then fixed. A feedforward network hears 32 notes of a chorale melody (one-hot pitch MIDI 36-81
// and one-hot duration in eighths) and predicts the next 32. The paper trained it with sigmoid
// outputs and the quadratic cost and reported (section 6.3) the right pitch for 3% of output
// notes ("1/32 notes") and a "score", called an average pitch difference, falling from 500 to
// 440. Here the same kind of model, evaluated on held-out chorales beside the baselines any
// model must beat and an untrained network, and the fix: a softmax per output note with
// cross-entropy. Our data, split and training-set size (3,541 windows; the paper: 561 examples)
// are not the paper's, so this run cannot say why the paper's figures came out as they did.
//
// The lesson comes first; figures.hpp scores the predictors, and report.hpp holds the command
// line and prints and writes.

#include "common/bach.hpp"
#include "figures.hpp"
#include "report.hpp"

namespace {

using namespace bach_feedforward;

// The lesson: a network hears 32 notes of a melody and predicts the next 32; every predictor is
// scored on the same held-out windows, at all 32 positions.
int lesson(const Options& o, Report& report) {
  // The data: the soprano lines of the JSB chorales on the paper's eighth-note grid (6.2).
  const auto jsb = examples::load_jsb_melodies(o.data.locate(examples::jsb_source()));
  const auto train = each_on_eighth_grid(jsb.train);
  const auto valid = each_on_eighth_grid(jsb.valid);
  const auto test = each_on_eighth_grid(jsb.test);

  // The paper's network: each note one-hot pitch over one-hot duration, 32 of them side by side
  // in and out; sigmoid hidden and output layers.
  WindowModel paper_model(o.paper_settings());
  const TestWindows windows = test_windows(paper_model, test);
  const NoteEmbedding& embedding = paper_model.embedding();
  report.data(embedding, windows.targets.size());

  // What any model must beat: guessing, the commonest pitch, repeating the last one.
  Results r;
  r.test_windows = windows.targets.size();
  r.horizon = o.paper.horizon;
  r.rows = baselines(train, embedding, windows, r.horizon, o.seed);

  // The paper's network untrained, then trained with the quadratic cost (7) by mini-batch
  // gradient descent (13); the epoch that predicts the validation chorales best is kept.
  r.untrained = model_figures("paper's network untrained", paper_model, windows, o.seed);
  r.rows.push_back(r.untrained.sampled);
  report.paper_network(o.paper_settings(), embedding);
  r.paper_epochs = paper_model.train(train, valid, epoch_printer("cost", " per example")).size();
  r.paper = trained_figures("paper's network", paper_model, windows, test, o.seed);
  r.rows.insert(r.rows.end(), {r.paper.sampled, r.paper.argmax});

  // The fix: the same shape, a softmax over each note's pitches and one over its durations,
  // cross-entropy (its output error is a − y), Adam, transposed copies of the melodies.
  WindowModel fixed_model(o.fixed_settings());
  report.fixed_network(o.fixed_settings(), embedding);
  r.fixed_epochs = fixed_model.train(train, valid, epoch_printer("loss")).size();
  r.fixed = trained_figures("fixed network", fixed_model, windows, test, o.seed);
  r.rows.insert(r.rows.end(), {r.fixed.sampled, r.fixed.argmax});

  report.figures(r);
  return report.finish();
}

}  // namespace

// The command line (report.hpp: each option sets a field of Options); then the lesson runs.
int main(int argc, char** argv) {
  Options options;
  examples::CommandLine cli = command_line(options);
  return examples::run_lesson<Report>(cli, argc, argv, options, lesson);
}
