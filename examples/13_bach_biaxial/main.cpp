// bach_biaxial: the biaxial piano model. For every key of the piano an LSTM runs along time (the
// same weights for all 88 keys), then, at every frame, a second LSTM runs up the keyboard, so
// each key is predicted knowing the past and the keys already chosen below it in the same chord.
// Trained on the JSB chorales (or any folder of MIDI files), measured by the JSB benchmark's
// negative log-likelihood, and heard: a generated piece as MIDI, piano-roll PNG and WAV, with
// statistics of 20 generated pieces beside Bach's and beside the piano-roll RNN's.
//
// Built with -DBACHPROP_MPI=ON it also trains across the processes of an MPI job (mpirun -np N
// bach_biaxial --batch-size M ...): every process loads the pieces and computes its block of
// each batch's shards of windows, the shards' gradients are summed in shard order
// (biaxial_shards.hpp, bachprop/mpi/exchange.hpp), and the model is the one a single process
// makes with the same shards, bit for bit. Process 0 alone prints and writes files.
//
// The lesson comes first; corpus.hpp reads the data, compare.hpp trains and measures the
// piano-roll RNN beside it, report.hpp holds the command line and prints and writes.

#include "compare.hpp"
#include "corpus.hpp"
#include "report.hpp"

#include <bachprop/music/models/biaxial_training.hpp>

#if defined(BACHPROP_WITH_MPI)
#include <bachprop/mpi.hpp>

#include <cstdio>
#endif

namespace {

using namespace bach_biaxial;

// The lesson: the time axis and the note axis, trained together to give every frame its exact
// likelihood; the test NLL is the benchmark's figure, and generation draws key by key.
int lesson(const Options& o, Report& report) {
  // The data: pieces as piano rolls that keep a held key (sounding) apart from a struck one
  // (sounding anew). The JSB files cannot tell them apart; a MIDI folder can.
  const Corpus corpus = o.midi_dir.empty() ? jsb_corpus(o.jsb_file())
                                           : midi_corpus(o.midi_dir, o.step, o.seed);
  report.data(corpus);

  // The model: Lstm → Dropout → Lstm → Dropout along time for each key (features (48), (49)),
  // transposed (50), then Lstm → Dropout → Lstm → Dropout → Dense(2) up the keyboard (51).
  BiaxialModel model = o.model_path.empty() ? BiaxialModel(o.shape(), o.seed)
                                            : BiaxialModel::load(o.model_path);
  report.network(model);
  if (o.model_path.empty()) {
    // Adadelta on windows of frames; the loss (52) is the nats per frame of both outputs.
    report.trained(train_biaxial(model, corpus.train, corpus.valid, o.training(), o.checkpoint_path,
                                 o.resume, print_epoch));
  }
  if (!o.writer) {
    return 0;  // another process of an MPI job: process 0 saves, measures and generates
  }
  if (o.model_path.empty()) {
    report.saved(save_model(model, o));
  }

  // The measurement: the play outputs' NLL on the test pieces, every frame after the first.
  const BiaxialNats test = biaxial_nats(model, corpus.test);
  report.likelihood(test, biaxial_nats(model, corpus.test, 0), biaxial_nats(model, corpus.valid));

  // Generation: hear a primer (or nothing), then draw each frame key by key, bottom to top.
  Rng rng(o.seed);
  const ArticulatedRoll primer = o.primer(corpus);
  const ArticulatedRoll piece = generate_biaxial(model, primer, o.frames, rng, o.temperature);
  report.generated(primer, piece, generation_step_seconds(model, primer));

  // Against Bach (or the held-out files): 20 pieces drawn from nothing, measured as the test
  // pieces are, beside the piano-roll RNN's (trained here on the same pieces).
  report.compared(compare_with_piano_roll_rnn(model, corpus, o, rng));
  return report.finish();
}

}  // namespace

// The command line (report.hpp: each option sets a field of Options); then the lesson runs.
int main(int argc, char** argv) {
  Options options;
#if defined(BACHPROP_WITH_MPI)
  bachprop::MpiSession mpi(argc, argv);  // MPI_Init_thread here, MPI_Finalize at the end
  bachprop::MpiExchange exchange;        // every process computes its block of the shards
  options.exchange = &exchange;
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
