// bach_melody: the main demo. Trains the recurrent next-note model (an LSTM, equations 26-32,
// trained by backpropagation through time; or the GRU or the simple RNN) on the soprano lines
// of the JSB chorales, compares it on the held-out chorales with the classic n-gram models,
// saves it, and continues a held-out chorale melody: MIDI (Bach's opening and the network's
// continuation on separate tracks), a piano-roll picture, and WAV where FluidSynth is installed.
//
// Built with -DBACHPROP_MPI=ON it also trains across the processes of an MPI job (mpirun -np N
// bach_melody ...): every process loads the chorales and computes its block of each batch's
// shards, the shards' gradients are summed in shard order (bachprop/mpi/exchange.hpp), and the
// model is the one a single process makes with the same shards, bit for bit. Process 0 alone
// prints and writes files (docs/scaling.md).
//
// The lesson comes first; report.hpp holds the command line, saves the model, and prints and
// writes.

#include "common/bach.hpp"
#include "common/melody_models.hpp"
#include "report.hpp"

#include <bachprop/music/models/melody_continuation.hpp>
#include <bachprop/music/models/melody_rnn.hpp>

#if defined(BACHPROP_WITH_MPI)
#include <bachprop/mpi.hpp>

#include <cstdio>
#endif

namespace {

using namespace bach_melody;

// The lesson: the recurrent network learns the soprano lines, is measured against the n-gram
// models on the held-out chorales, and continues one of them. `Model` is the melody model on
// the recurrent layer --cell names: MelodyLstm (the default), MelodyGru or MelodyRnn.
template <class Model>
int learn_and_continue(const Options& o, Report& report) {
  // The data: the soprano lines of the JSB chorales, each note a pitch and a duration. The
  // vocabulary: the training pitches widened by 6 semitones each way, and the durations that
  // occur at least 5 times.
  const std::filesystem::path folder = o.data.locate(examples::jsb_source());
  const examples::JsbMelodies jsb = examples::load_jsb_melodies(folder);
  if (o.chorale >= jsb.test.size()) {
    throw ArgumentError("--chorale must be below " + std::to_string(jsb.test.size()));
  }
  const MelodyVocabulary vocabulary = MelodyVocabulary::fit(jsb.train, 6, 5);
  report.data(folder, jsb, vocabulary);

  // 1. The recurrent network, reading one note per step: the LSTM of (26)-(32) by default (or
  // the GRU of (33)-(37), or the simple RNN of (25), h_t = tanh(W_xh x_t + W_hh h_{t-1} + b)),
  // dropout on its outputs while training, then a softmax over the next pitch and one over its
  // duration; trained by backpropagation through time on every transposition, keeping the
  // epoch that predicts the validation chorales best.
  MelodyRnnSettings settings = o.rnn_settings();
#if defined(BACHPROP_WITH_MPI)
  // Every process of the MPI job (one, without mpirun) computes its block of each batch's
  // shards; the sum of all of them, in shard order, is every process's gradient.
  bachprop::MpiExchange exchange;
  settings.exchange = &exchange;
#endif
  Model model(vocabulary, settings.hidden, o.seed, settings.dropout);
  report.network(vocabulary, Model::cell());
  report.trained(
      model.train(jsb.train, settings, jsb.valid, print_epoch, {o.checkpoint_path, o.resume}));
  if (!o.writer) {
    return 0;  // another process of an MPI job: process 0 compares, saves and continues
  }

  // 2. Held-out comparison, every model scored on the same notes: the n-gram models (the pitch
  // chains count the same transpositions as the network), then the network.
  std::vector<examples::NamedScores> rows = examples::ngram_scores(
      jsb.train, jsb.test, vocabulary, settings.transpose_down, settings.transpose_up);
  rows.push_back({cell_title(Model::cell()) + " (this run)", model.evaluate(jsb.test)});
  report.comparison(rows, jsb.test.size());

  // 3. Save the model with its vocabulary: bach_generate can use it without the data.
  const std::filesystem::path model_path = save_model(model, o, rows.back().scores);

  // 4. Continue a held-out chorale's melody: the network hears Bach's opening, then draws each
  // next note at the temperature, in the opening's key, at most 3 equal pitches in a row.
  const NoteSequence primer = examples::excerpt(jsb.test[o.chorale], 0, o.primer_notes);
  ContinuationSettings generation;
  generation.notes = o.continuation_notes;
  generation.seed = o.seed;
  generation.pitch_sampling.temperature = o.temperature;
  generation.duration_sampling.temperature = o.temperature;
  generation.constraints.max_repeats = 3;
  report.continuation(model_path, primer, continue_melody(model, primer, generation));
  return report.finish();
}

int lesson(const Options& o, Report& report) {
  if (o.cell == "rnn") {
    return learn_and_continue<MelodyRnn>(o, report);
  }
  if (o.cell == "gru") {
    return learn_and_continue<MelodyGru>(o, report);
  }
  return learn_and_continue<MelodyLstm>(o, report);
}

}  // namespace

// The command line (report.hpp: each option sets a field of Options); then the lesson runs.
int main(int argc, char** argv) {
  Options options;
#if defined(BACHPROP_WITH_MPI)
  bachprop::MpiSession mpi(argc, argv);  // MPI_Init_thread here, MPI_Finalize at the end
  options.writer = mpi.rank() == 0;
  if (!options.writer && std::freopen("/dev/null", "w", stdout) == nullptr) {
    return 1;  // the other processes print nothing: their output would repeat process 0's
  }
#endif
  examples::CommandLine cli = command_line(options);
  const int code = examples::run_lesson<Report>(cli, argc, argv, options, lesson);
#if defined(BACHPROP_WITH_MPI)
  if (code != 0 && mpi.size() > 1) {
    bachprop::MpiSession::abort(code);  // the other processes may be waiting for this one
  }
#endif
  return code;
}
