// bach_polyphony: the polyphonic benchmark. A recurrent network reads the JSB chorales as a
// piano roll, one quarter-note frame at a time (which of 88 keys sound), and predicts the next
// frame, each key a yes/no. Its test negative log-likelihood in nats per frame is computed the
// way published JSB results are, and printed beside them and beside two baselines counted here.
// Then it continues a held-out chorale: MIDI, piano-roll PNG, WAV where FluidSynth is installed.
//
// The lesson comes first; piano_roll.hpp counts the baselines, and report.hpp holds the command
// line and prints and writes.

#include "common/bach.hpp"
#include "piano_roll.hpp"
#include "report.hpp"

#include <bachprop/music/models/piano_roll_rnn.hpp>

#include <algorithm>
#include <vector>

namespace {

using namespace bach_polyphony;

// The lesson: a recurrent network hears one piano-roll frame at a time and gives each of the 88
// keys a probability of sounding in the next; its test NLL is the benchmark's figure.
int lesson(const Options& o, Report& report) {
  // The data, as Boulanger-Lewandowski et al. published it: quarter-note frames (the MIDI
  // pitches sounding in each), every chorale transposed to C major or C minor.
  const auto folder = o.data.locate(examples::jsb_source());
  const JsbCorpus corpus = load_jsb_chorales(folder / "jsb-chorales-quarter.json");
  const auto train = piano_rolls(corpus.train);
  const auto valid = piano_rolls(corpus.valid);
  const auto test = piano_rolls(corpus.test);
  if (o.chorale >= test.size()) {
    throw ArgumentError("--chorale must be below " + std::to_string(test.size()));
  }
  report.data(train.size(), valid.size(), test.size());

  // The network: Rnn(88 → hidden) of (25), Dense(hidden → 88), a sigmoid per key, trained with
  // binary cross-entropy (δ = a − y), so that the training loss is the NLL per frame.
  PianoRollRnn model(o.settings.hidden, lowest_key, key_count, o.seed);
  report.network();
  report.trained(model.train(train, o.rnn_settings(), valid, print_epoch));

  // The measurement: the test NLL in nats per frame, beside two baselines counted here.
  const double nll = model.nll_per_frame(test);
  const auto [independent, markov] = baseline_nll(train, test);
  report.nll(nll, independent, markov);

  // A continuation: the network hears the opening frames and draws each next frame, every key
  // on with its own predicted probability.
  const PianoRollFrames& piece = test[o.chorale];
  const PianoRollFrames primer(
      piece.begin(), piece.begin() + static_cast<long>(std::min(o.primer_frames, piece.size())));
  PianoRollFrames continuation;
  Rng rng(o.seed);
  model.reset();
  const Matrix<float>* p = nullptr;
  for (const auto& frame : primer) {
    p = &model.feed(frame);
  }
  for (std::size_t t = 0; t < o.frames_to_add; ++t) {
    std::vector<int> frame;
    for (Index k = 0; k < key_count; ++k) {
      if (rng.uniform() < static_cast<double>((*p)(k, 0))) {
        frame.push_back(lowest_key + static_cast<int>(k));
      }
    }
    continuation.push_back(frame);
    p = &model.feed(frame);
  }
  report.continuation(save_model(model, o, nll), primer, continuation);
  return report.finish();
}

}  // namespace

// The command line (report.hpp: each option sets a field of Options); then the lesson runs.
int main(int argc, char** argv) {
  Options options;
  examples::CommandLine cli = command_line(options);
  return examples::run_lesson<Report>(cli, argc, argv, options, lesson);
}
