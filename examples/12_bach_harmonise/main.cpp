// bach_harmonise: harmonise a melody in the style of Bach's chorales. Trains MiniBach (the
// lecture's feedforward harmoniser), a recurrent harmoniser that reads the soprano with
// look-ahead, a bidirectional LSTM that reads the whole melody both ways, and a simple baseline
// on the JSB chorales; decodes the recurrent ones voice by voice and, with the rules a
// counterpoint teacher checks priced in, the whole piece at once; scores all of them on the test
// chorales (per-voice accuracy against Bach; the rules, and rhythm and line, with Bach's own
// chorales as the reference); then harmonises a melody — a note string, a MIDI or ABC file or
// the soprano of a test chorale, around notes the user fixes — into a four-track MIDI file,
// MusicXML, a piano-roll PNG, and a WAV where FluidSynth is installed. A trained model saved
// with --save harmonises later without retraining (--model).
//
// The lesson comes first; setup.hpp holds the command line and reads the melody, the chorales
// and the model files, and report.hpp prints, draws and writes.

#include "common/cli.hpp"
#include "report.hpp"
#include "setup.hpp"

#include <bachprop/music/evaluate.hpp>
#include <bachprop/music/models/decoding_tuning.hpp>
#include <bachprop/music/models/harmony_lstm.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>
#include <bachprop/music/models/minibach.hpp>

#include <chrono>
#include <optional>
#include <utility>
#include <vector>

namespace {

using namespace bach_harmonise;

// The lesson: four harmonisers learn from the JSB chorales to write the alto, tenor and bass
// under a soprano, and are scored on the test chorales against Bach and against the rules.
Trained train_and_score(const Options& o, const Chorales& all) {
  // The data: every 16th of a chorale is [S, A, T, B] (--quick: a few chorales). Each voice's
  // classes: its pitches in the training chorales, widened by --margin, and silence.
  const Chorales c = for_training(all, o.quick);
  const HarmonyEncoding encoding = HarmonyEncoding::fit(c.train, o.margin);
  print_voice_ranges(encoding, o);
  Trained t(IntervalBaseline::fit(c.train), MiniBach(encoding, o.minibach_settings()),
            HarmonyRnn(encoding, o.rnn_settings()), HarmonyLstm(encoding, o.lstm_settings()));

  // 1. The baseline: each lower voice at Bach's most frequent distance below the soprano.
  print_baseline(t.baseline);
  // 2. MiniBach: a 4-bar window of soprano one-hot in, a softmax per voice per 16th out (a
  // GroupedSoftmax with CrossEntropy, so that the output error is still δ = a − y).
  print_minibach(t.minibach, o.minibach_settings());
  const auto minibach_start = std::chrono::steady_clock::now();
  t.minibach_epochs = t.minibach.train(c.train, c.valid, print_epoch).size();
  t.minibach_seconds = seconds_since(minibach_start);
  // 3. The look-ahead RNN of (25): its state carries the past, its input the next bar.
  print_rnn(t.rnn, o.rnn_settings());
  const auto rnn_start = std::chrono::steady_clock::now();
  t.rnn_epochs = t.rnn.train(c.train, c.valid, print_epoch).size();
  t.rnn_seconds = seconds_since(rnn_start);
  // 4. The bidirectional LSTM of (26)-(28) and (46): two layers read the whole melody forwards
  // and backwards, so every step hears the phrase's end as well as its beginning.
  print_lstm(t.lstm, o.lstm_settings());
  const auto lstm_start = std::chrono::steady_clock::now();
  t.lstm_epochs = t.lstm.train(c.train, c.valid, print_epoch).size();
  t.lstm_seconds = seconds_since(lstm_start);

  // 5. The decoding: Viterbi per voice, each change of note costing λ nats, λ chosen on the
  // validation chorales (λ = 0 keeps every step's most probable note).
  if (o.smoothing()) {
    const std::vector<double> candidates{0, 0.5, 1, 1.5, 2, 3, 4, 6};
    t.minibach_trials = tune_change_penalty(t.minibach, c.valid, candidates);
    t.rnn_trials = tune_change_penalty(t.rnn, c.valid, candidates);
    t.lstm_trials = tune_change_penalty(t.lstm, c.valid, candidates);
    print_smoothing(t);
  }
  // 6. The rules, in the decoding: the alto, tenor and bass of the whole piece chosen together
  // (Viterbi over each step's likeliest chords), every broken rule costing w nats on top of λ
  // per change of note (and a further price on a change between the eighths, where Bach's lower
  // voices hardly move). The prices are chosen on the validation chorales: the fewest rules over
  // their limits (parallel fifths and octaves ≤ 1 per 100 chords, the others ≤ 2 × Bach's
  // rate), then, within a quarter of a point of the best accuracy, Bach's note lengths.
  const HarmonyRnn rnn_without_rules = t.rnn;
  const HarmonyLstm lstm_without_rules = t.lstm;
  if (o.rules()) {
    std::vector<RulePenalties> rules;
    for (const double w : {1.0, 2.0, 4.0}) {
      rules.push_back(RulePenalties::uniform(w));
    }
    const MusicChecks bach = music_checks(c.valid, {}, piece_keys(c.valid));
    t.rnn_rule_trials = tune_decoding(t.rnn, c.valid, {0.25, 0.5, 1.0}, {0.0, 1.0}, rules);
    print_rule_trials("look-ahead RNN", t.rnn_rule_trials, bach);
    t.lstm_rule_trials = tune_decoding(t.lstm, c.valid, {0.25, 0.5, 1.0}, {0.0, 1.0}, rules);
    print_rule_trials("bidirectional LSTM", t.lstm_rule_trials, bach);
  }

  // 7. The measurement: each harmoniser on the soprano of every test chorale, its voices
  // against Bach's (accuracy) and against the rules a teacher checks, and its rhythm and line
  // (Bach's own beside them; leading tones judged in the key of each of his chorales).
  t.test_chorales = c.test.size();
  for (const auto& grid : c.test) {
    t.test_steps += static_cast<double>(grid.steps());
  }
  const std::vector<Key> keys = piece_keys(c.test);
  const Index minibach_size = t.minibach.network().parameter_count();
  t.rows.push_back(bach_row(c.test, keys));
  t.bach_spread = line_spread(c.test, t.rows.front().lines);
  t.rows.push_back(score_row("interval baseline", t.baseline, c.test, keys));
  t.rows.push_back(score_row("MiniBach", without_smoothing(t.minibach), c.test, keys,
                             t.minibach_seconds, minibach_size));
  if (o.smoothing()) {
    t.rows.push_back(score_row(smoothed_name("MiniBach", t.minibach), t.minibach, c.test, keys,
                               t.minibach_seconds, minibach_size));
  }
  t.minibach_row = t.rows.size() - 1;
  // The recurrent harmonisers' rows: each step's likeliest notes, smoothed, and with the rules.
  auto recurrent_rows = [&](const std::string& name, const auto& model, const auto& smoothed,
                            double seconds) {
    const Index size = model.network().parameter_count();
    t.rows.push_back(score_row(name, without_smoothing(model), c.test, keys, seconds, size));
    if (o.smoothing()) {
      t.rows.push_back(
          score_row(smoothed_name(name, smoothed), smoothed, c.test, keys, seconds, size));
    }
    if (o.rules()) {
      t.rows.push_back(score_row(ruled_name(name), model, c.test, keys, seconds, size));
    }
    return t.rows.size() - 1;
  };
  t.rnn_row = recurrent_rows("look-ahead RNN", t.rnn, rnn_without_rules, t.rnn_seconds);
  t.lstm_row = recurrent_rows("bidirectional LSTM", t.lstm, lstm_without_rules, t.lstm_seconds);
  // And how likely each recurrent network finds Bach's own voices (whatever the decoding).
  t.rnn_nll = voice_nll(t.rnn, c.test);
  t.lstm_nll = voice_nll(t.lstm, c.test);
  return t;
}

// The program: a harmoniser (a saved one, or the one --harmoniser names, trained and scored
// above), then the melody harmonised: the user's, or a test chorale's soprano beside Bach's.
int lesson(const Options& o, Report& report) {
  Tune tune = read_tune(o);  // read first, so that a mistake in it costs no training
  const std::optional<Chorales> chorales = load_chorales(o);
  std::optional<AnyHarmoniser> harmoniser;
  if (!o.model_path.empty()) {
    harmoniser = load_harmoniser(o.model_path);
    if (o.no_rules) {  // each voice decoded on its own
      std::visit(
          [](auto& model) {
            if constexpr (requires { model.settings().rules; }) {
              model.set_rule_penalties({});
              model.set_offbeat_change_penalty(0);
            }
          },
          *harmoniser);
    }
    report.loaded(*harmoniser);
  } else {
    const Trained trained = train_and_score(o, *chorales);
    report.evaluation(trained);
    harmoniser = trained.chosen(o.use);
    if (!o.save_path.empty()) {
      const Row& row = trained.rows[o.use == "lstm"  ? trained.lstm_row
                                    : o.use == "rnn" ? trained.rnn_row
                                                     : trained.minibach_row];
      save_harmoniser(*harmoniser, o, row.accuracy->mean_accuracy());
    }
  }
  std::optional<FourVoiceGrid> bach;
  if (const long chorale = o.chorale_index(); chorale >= 0) {
    bach = chorales->test[static_cast<std::size_t>(chorale)];
    Tune chosen = chorale_tune(*bach, chorale);
    chosen.fixed_bass = std::move(tune.fixed_bass);  // --fix-bass under a chorale's soprano
    tune = std::move(chosen);
  }
  int octave_shift = 0;
  const FixedNotes fixed = fixed_notes(o, tune, static_cast<Index>(tune.soprano_line.size()), bach);
  const FourVoiceGrid grid =
      harmonise(*harmoniser, tune.soprano_line, octave_shift, o.fixes_notes() ? &fixed : nullptr);
  report.harmonisation(grid, tune, bach, harmoniser_name(*harmoniser), octave_shift,
                       o.fixes_notes() ? &fixed : nullptr);
  return report.finish();
}

}  // namespace

// The command line (setup.hpp: each option sets a field of Options); then the program runs.
int main(int argc, char** argv) {
  Options options;
  examples::CommandLine cli = command_line(options);
  return examples::run_lesson<Report>(cli, argc, argv, options, lesson);
}
