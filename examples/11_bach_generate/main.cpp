// bach_generate: continue a melody in the style of Bach's chorales with a trained melody model
// (a simple RNN, an LSTM or a GRU).
// The primer is a note string ("C4 D4 E4/8 F4/8 G4/2"), a MIDI file, or a held-out chorale; the
// output is a MIDI file with the primer and the continuation on separate tracks, a piano-roll
// PNG, and a WAV where FluidSynth is installed. Without --model it uses the small model that
// ships with the project, so it needs neither the data sets nor a network. With --stats N it
// generates N continuations of held-out chorales and compares their statistics with Bach's own.
//
// The lesson comes first; report.hpp holds the command line, reads the model and the primer, and
// prints and writes.

#include "common/bach.hpp"
#include "report.hpp"

#include <bachprop/music/evaluate/style_statistics.hpp>
#include <bachprop/music/models/melody_beam_search.hpp>
#include <bachprop/music/models/melody_continuation.hpp>
#include <bachprop/music/models/melody_rnn.hpp>

#include <optional>
#include <variant>

namespace {

using namespace bach_generate;

// The lesson, 1: how each next note is drawn. The network's distribution over the next pitch is
// sharpened or flattened by the temperature, cut to the k likeliest pitches (top-k) or to the
// likeliest covering p (nucleus), and kept to a key (the primer's, or --key), a range and a
// limit on repeats; the duration is drawn at the same temperature.
ContinuationSettings generation_settings(const Options& o, const std::optional<Key>& key) {
  ContinuationSettings settings;
  settings.notes = o.length;
  settings.seed = o.seed;
  settings.pitch_sampling = {o.temperature, o.top_k, o.top_p};
  settings.duration_sampling = {o.temperature, 0, 1.0};
  settings.stay_in_primer_key = !o.free_key && !key;
  settings.constraints.key = key;
  settings.constraints.max_repeats = o.max_repeats;
  settings.constraints.lowest_pitch = o.lowest;
  settings.constraints.highest_pitch = o.highest;
  return settings;
}

// The lesson, 2: the network hears the primer, then continues it note by note. A primer
// outside the model's range is heard whole octaves away and the continuation moved back
// (`shift`: the semitones it was moved).
template <class Model>
NoteSequence continue_primer(Model& model, const NoteSequence& primer,
                             const ContinuationSettings& settings, int& shift) {
  shift = octave_shift_into(primer, model.vocabulary());
  return transposed(continue_melody(model, transposed(primer, shift), settings), -shift);
}

// The lesson, 2b (--beam-size N): rather than drawing each note, keep the N likeliest
// continuations so far and extend them all; the likeliest at the end is the answer. The same
// constraints hold; temperature and top-k/top-p do not apply, and there is no seed to vary.
template <class Model>
NoteSequence beam_primer(Model& model, const NoteSequence& primer,
                         const ContinuationSettings& settings, std::size_t width, int& shift,
                         double& log_probability) {
  shift = octave_shift_into(primer, model.vocabulary());
  BeamSearchSettings beam;
  beam.notes = settings.notes;
  beam.width = width;
  beam.constraints = settings.constraints;
  beam.stay_in_primer_key = settings.stay_in_primer_key;
  const BeamContinuation found = beam_continue_melody(model, transposed(primer, shift), beam);
  log_probability = found.log_probability;
  return transposed(found.notes, -shift);
}

// The lesson, 3 (--stats): is it Bach's style? Continuations of held-out chorales (test, then
// validation) after 8 notes of Bach, as long as Bach's own (at most --length), against his.
template <class Model>
StatsResults compare_with_bach(Model& model, const ContinuationSettings& settings,
                               const Options& o) {
  const examples::JsbMelodies jsb = load_jsb(o);
  std::vector<NoteSequence> pool = jsb.test;
  pool.insert(pool.end(), jsb.valid.begin(), jsb.valid.end());
  std::vector<NoteSequence> generated;
  std::vector<NoteSequence> bach;
  std::vector<Key> keys;
  const std::size_t primer_length = 8;
  for (std::size_t i = 0; generated.size() < o.stats; ++i) {
    const NoteSequence& melody = pool[i % pool.size()];
    if (melody.size() < primer_length + 8) {
      continue;
    }
    const std::size_t rest = std::min(o.length, melody.size() - primer_length);
    ContinuationSettings one = settings;
    one.notes = rest;
    one.seed = o.seed + i;
    generated.push_back(continue_melody(model, examples::excerpt(melody, 0, primer_length), one));
    bach.push_back(examples::excerpt(melody, primer_length, primer_length + rest));
    keys.push_back(melody_key(melody));
  }
  // A reference point: Bach's training chorales against his held-out continuations.
  return {generated.size(), style_statistics(generated, keys), style_statistics(bach, keys),
          style_statistics(jsb.train)};
}

// The lesson: the model continues the primer (or, with --stats, the openings of held-out
// chorales, measured against Bach's own continuations).
int lesson(const Options& o, Report& report) {
  // The model: a melody model saved by bach_melody (on a simple RNN, an LSTM or a GRU), with its
  // vocabulary (by default the small one shipped in models/).
  AnyMelodyModel any_model = load_any_melody_model(model_file(o));
  const std::optional<Key> given_key = key_option(o);
  const ContinuationSettings settings = generation_settings(o, given_key);
  return std::visit(
      [&](auto& model) {
        if (o.stats > 0) {
          report.statistics(compare_with_bach(model, settings, o));
          return report.finish();
        }
        const Primer primer = read_primer(o);
        const Key key = given_key ? *given_key : melody_key(primer.notes);
        // --num-outputs N: N continuations of the same primer, with seeds --seed, --seed+1, ...
        if (o.beam_size > 1) {
          int shift = 0;
          double log_probability = 0;
          const NoteSequence continuation =
              beam_primer(model, primer.notes, settings, o.beam_size, shift, log_probability);
          report.continuation(primer, continuation, key, given_key.has_value(), shift, o.seed);
          report.beam(log_probability, continuation.size());
          return report.finish();
        }
        for (std::size_t n = 0; n < o.num_outputs; ++n) {
          ContinuationSettings one = settings;
          one.seed = o.seed + n;
          int shift = 0;
          const NoteSequence continuation = continue_primer(model, primer.notes, one, shift);
          report.continuation(primer, continuation, key, given_key.has_value(), shift, one.seed);
        }
        return report.finish();
      },
      any_model);
}

}  // namespace

// The command line (report.hpp: each option sets a field of Options); then the lesson runs.
int main(int argc, char** argv) {
  Options options;
  examples::CommandLine cli = command_line(options);
  return examples::run_lesson<Report>(cli, argc, argv, options, lesson);
}
