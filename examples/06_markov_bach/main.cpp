// markov_bach: style imitation by counting. Markov chains of orders 1-4 learn which pitch
// follows which in the soprano lines of the Bach chorales (JSB training split), are scored on
// the test split (bits per note, next-note accuracy) beside the uniform and unigram baselines,
// show their order-1 transition matrix as a heat map, and generate new melodies — in key, with
// no immediate repeats, ending on the tonic — written as MIDI and a piano roll.
//
// The lesson comes first; the command line is at the end. chains.hpp holds the lesson's
// building blocks (tokens, chains, scores, the generator); report.hpp prints and writes files.

#include "chains.hpp"
#include "common/data_path.hpp"
#include "report.hpp"

#include <vector>

namespace {

namespace music = bachprop::music;
using markov_bach::Options;
using markov_bach::Report;
using markov_bach::Sequences;

int lesson(const Options& o, Report& report) {
  // The data: the soprano line of every chorale (voice 0 of the sixteenth-note grid, equal
  // consecutive sixteenths joined into one note), in the corpus's train / valid / test split.
  const auto folder = examples::find_data_folder(o.data, "jsb-chorales");
  const music::JsbCorpus corpus = music::load_jsb_chorales(folder / o.jsb_file);
  std::vector<music::Melody> train_lines = music::soprano_lines(corpus, "train");
  const auto valid_lines = music::soprano_lines(corpus, "valid");
  const auto test_lines = music::soprano_lines(corpus, "test");
  const auto stats = music::melody_statistics(train_lines);
  report.corpus(corpus, stats);
  if (o.augment) {
    train_lines = markov_bach::transposed_lines(train_lines, stats.lowest_pitch,
                                                stats.highest_pitch);
    report.augmented(train_lines.size(), stats);
  }

  // One token per note: its pitch name; pitches the training split never has map to <unk>.
  const auto vocabulary = music::Vocabulary::build(markov_bach::pitch_names(train_lines));
  const Sequences train = markov_bach::pitch_ids(train_lines, vocabulary);
  const Sequences valid = markov_bach::pitch_ids(valid_lines, vocabulary);
  const Sequences test = markov_bach::pitch_ids(test_lines, vocabulary);
  const std::size_t v = vocabulary.size();
  report.vocabulary(v, test);

  // The chains: for each order, count which note follows each context of that many notes in
  // the training split, smooth the counts three ways (add-k's k chosen on the validation
  // split), and score the test split in bits per note, −log2 P(note | context) on average.
  for (int order = 0; order <= o.max_order; ++order) {
    std::vector<markov_bach::Cell> cells;
    for (const music::Smoothing smoothing : markov_bach::smoothings) {
      cells.push_back(markov_bach::tuned(v, order, smoothing, train, valid, test));
    }
    report.table_row(order, cells);
  }
  report.table_end();

  // The UCI melodies (another edition, with real durations), where present: cross-validated
  // by chorale.
  if (const auto uci_file = markov_bach::uci_file(o.data); o.uci_folds >= 2 && !uci_file.empty()) {
    const auto lines = markov_bach::uci_melodies(uci_file);
    report.uci_heading(lines.size());
    for (int order = 0; order <= o.max_order; ++order) {
      report.uci_row(order, markov_bach::cross_validated(lines, order, o.uci_folds));
    }
    report.uci_end();
  }

  // The order-1 chain's transition matrix, P(next note | note), as a picture.
  report.transitions(
      markov_bach::train_chain(v, 1, music::Smoothing::interpolated, 0.1, train), vocabulary);

  // Generation: pitches from a chain of order --order, durations from an order-2 chain of
  // durations, each melody primed with the opening notes of a random training chorale and
  // kept to that chorale's key.
  const auto pitch_chain = markov_bach::train_chain(v, o.generation_order,
                                                    music::Smoothing::interpolated, 0.1, train);
  const auto durations = markov_bach::duration_names(train_lines);
  const auto duration_vocabulary = music::Vocabulary::build(durations, 1, false);
  const auto rhythm_chain =
      markov_bach::train_chain(duration_vocabulary.size(), 2, music::Smoothing::interpolated,
                               0.1, markov_bach::encode(durations, duration_vocabulary));
  const markov_bach::MelodyGenerator generator{
      pitch_chain, vocabulary, rhythm_chain, duration_vocabulary,
      {o.temperature, o.top_k, o.top_p}, stats.lowest_pitch, stats.highest_pitch};
  bachprop::Rng rng(o.seed);
  for (int m = 0; m < o.melodies; ++m) {
    const auto& model = train_lines[static_cast<std::size_t>(rng.below(train_lines.size()))];
    const music::Key key = markov_bach::key_of(model);
    report.melody(key, generator.generate(model, key, static_cast<std::size_t>(o.length), rng));
  }
  report.generated();
  return report.finish();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  examples::CommandLine cli(
      "markov_bach",
      "Markov chains learn the soprano lines of the Bach chorales (JSB training split), are "
      "scored on the test split in bits per note for orders 1-4 beside the uniform and unigram "
      "baselines, draw their transition matrix, and generate melodies as MIDI and piano roll.");
  cli.standard(o.seed, o.summary_path)
      .option("data", o.data, "DIR", "folder holding jsb-chorales/ (and bach-chorales-uci/)")
      .option("jsb-file", o.jsb_file, "NAME", "which JSB file to read from jsb-chorales/")
      .option("max-order", o.max_order, "N", "highest Markov order in the table (1..8)")
      .option("order", o.generation_order, "N", "order of the chain that generates")
      .option("melodies", o.melodies, "N", "melodies to generate")
      .option("length", o.length, "N", "notes per generated melody")
      .option("temperature", o.temperature, "T",
              "sampling temperature (0 = always the likeliest)")
      .option("top-k", o.top_k, "K", "sample among the K likeliest notes only (0 = all)")
      .option("top-p", o.top_p, "P", "sample among the likeliest notes holding probability P")
      .option("uci-folds", o.uci_folds, "N",
              "cross-validation folds on the UCI melodies, if present (0 = skip)")
      .flag("augment", o.augment, "also train on every transposition that stays in range");
  o.output.declare(cli, "the MIDI, MusicXML and WAV files and the pictures");
  return examples::run_lesson<Report>(cli, argc, argv, o, lesson);
}
