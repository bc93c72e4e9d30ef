// bach_melody: the main demo. Trains the recurrent next-note model (equation 25, trained by
// backpropagation through time) on the soprano lines of the JSB chorales, compares it on the
// held-out chorales with the classic n-gram models, saves it, and continues a held-out chorale
// melody: MIDI (Bach's opening and the network's continuation on separate tracks), a piano-roll
// picture, and WAV where FluidSynth is installed.

#include "common/audio.hpp"
#include "common/bach.hpp"
#include "common/cli.hpp"

#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/evaluate/melody_baselines.hpp>
#include <bachprop/music/models/melody_continuation.hpp>
#include <bachprop/music/models/melody_rnn.hpp>
#include <bachprop/music/draw/piano_roll_image.hpp>
#include <bachprop/music/evaluate/style_statistics.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace {

using namespace bachprop;
using namespace bachprop::music;

// One melody as a part starting at `start` quarter notes.
Part part_of(const NoteSequence& notes, const std::string& name, int channel, double start) {
  return melody_to_part(melody_of(notes), name, 52 /* choir aahs */, channel, start);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 1;
  std::string summary_path;
  std::string data;
  bool download = false;
  std::string out_dir = "bach_output";
  std::string save_path;
  MelodyRnnSettings settings;
  std::size_t chorale = 0;
  std::size_t primer_notes = 16;
  std::size_t continuation_notes = 32;
  double temperature = 0.8;
  std::string checkpoint_path;
  bool resume = false;
  examples::CommandLine cli(
      "bach_melody",
      "Trains a recurrent network on the soprano lines of the JSB chorales, compares it with "
      "n-gram models on the held-out chorales, saves it, and continues a held-out melody "
      "(MIDI, PNG piano roll, and WAV where FluidSynth is installed).");
  cli.standard(seed, summary_path)
      .option("data", data, "DIR", "folder holding jsb-chorales/ (default: see README)")
      .flag("download", download, "download the chorales if no copy is found (checksummed)")
      .option("out", out_dir, "DIR", "folder for the model, MIDI, PNG and WAV")
      .option("save", save_path, "FILE",
              "where to save the model (default: OUT/bach_melody_rnn.json)")
      .option("hidden", settings.hidden, "N", "recurrent units")
      .option("epochs", settings.epochs, "N", "training epochs (the best on validation is kept)")
      .option("learning-rate", settings.learning_rate, "ETA", "Adam's learning rate")
      .option("chorale", chorale, "N", "which test-split chorale to continue")
      .option("primer", primer_notes, "N", "notes of Bach's melody the network hears first")
      .option("notes", continuation_notes, "N", "notes the network adds")
      .option("temperature", temperature, "T", "sampling temperature (0: always the likeliest)")
      .checkpoints(checkpoint_path, resume,
                   "weights, Adam's state, the best epoch so far, shuffling state, epoch");
  if (!cli.parse(argc, argv)) {
    return cli.exit_code();
  }
  return examples::run_reporting_errors(cli.program(), [&] {
    settings.seed = seed;
    examples::check_checkpoint_options(checkpoint_path, resume);
    const auto start = std::chrono::steady_clock::now();
    const auto folder = examples::locate_or_download(
        examples::jsb_source(), {data, download, examples::interactive_session()});
    const examples::JsbMelodies jsb = examples::load_jsb_melodies(folder);
    if (chorale >= jsb.test.size()) {
      throw ArgumentError("--chorale must be below " + std::to_string(jsb.test.size()));
    }
    const MelodyVocabulary vocabulary = MelodyVocabulary::fit(jsb.train, 6, 5);
    std::printf("JSB chorales from %s: %zu / %zu / %zu soprano lines (train / valid / test)\n",
                folder.string().c_str(), jsb.train.size(), jsb.valid.size(), jsb.test.size());
    std::printf("Vocabulary: pitches %s..%s (%ld), %ld durations; training on every transposition "
                "from -%d to +%d semitones\n\n",
                pitch_name(vocabulary.lowest_pitch).c_str(),
                pitch_name(vocabulary.highest_pitch).c_str(),
                static_cast<long>(vocabulary.pitch_count()),
                static_cast<long>(vocabulary.duration_count()), settings.transpose_down,
                settings.transpose_up);

    // 1. Train, keeping the epoch that predicts the validation chorales best.
    MelodyRnn model(vocabulary, settings.hidden, seed);
    std::printf("Training: Rnn(%ld → %ld, tanh) → Dense(%ld → %ld) → softmax over the next pitch "
                "and over its duration; BPTT over %ld notes, Adam %.3g, clipping at %.0f\n",
                static_cast<long>(vocabulary.size()), static_cast<long>(settings.hidden),
                static_cast<long>(settings.hidden), static_cast<long>(vocabulary.size()),
                static_cast<long>(settings.steps), settings.learning_rate, settings.clip_norm);
    if (!checkpoint_path.empty()) {
      std::printf("%s %s\n", resume ? "Resuming from the checkpoint" : "Checkpoints:",
                  checkpoint_path.c_str());
    }
    const auto print_epoch = [](const ValidatedEpoch& e) {
      std::printf("  epoch %2ld  loss %.3f  validation %.3f bits/note%s  (%.1f s)\n",
                  static_cast<long>(e.training.epoch), e.training.mean_loss, e.validation,
                  e.best ? "  best so far" : "", e.training.seconds);
      std::fflush(stdout);
    };
    const std::vector<ValidatedEpoch> epochs =
        model.train(jsb.train, settings, jsb.valid, print_epoch, {checkpoint_path, resume});

    // 2. Held-out comparison, every model scored on the same notes.
    struct Row {
      std::string name;
      MelodyScores scores;
    };
    std::vector<Row> rows;
    const auto augmented_train = augmented(jsb.train, vocabulary, settings.transpose_down,
                                           settings.transpose_up);
    rows.push_back({"uniform", uniform_pitch_scores(vocabulary, jsb.test)});
    rows.push_back({"unigram", pitch_markov_scores(0, jsb.train, jsb.test, vocabulary)});
    for (int order = 1; order <= 4; ++order) {
      rows.push_back({"pitch Markov, order " + std::to_string(order),
                      pitch_markov_scores(order, augmented_train, jsb.test, vocabulary)});
    }
    for (int order = 1; order <= 4; ++order) {
      rows.push_back({"interval Markov, order " + std::to_string(order),
                      interval_markov_scores(order, jsb.train, jsb.test, vocabulary)});
    }
    const MelodyScores rnn = model.evaluate(jsb.test);
    rows.push_back({"RNN (this run)", rnn});
    std::printf("\nNext-note prediction on the %zu test chorales (%zu notes):\n", jsb.test.size(),
                rnn.notes);
    std::printf("  %-26s %9s %14s %13s\n", "model", "accuracy", "bits/pitch", "bits/note");
    for (const auto& row : rows) {
      std::printf("  %-26s %8.1f%% %14s %13s\n", row.name.c_str(), 100 * row.scores.pitch_accuracy,
                  examples::figure(row.scores.bits_per_pitch).c_str(),
                  examples::figure(row.scores.bits_per_note()).c_str());
    }
    double best_markov = 1e9;
    for (const auto& row : rows) {
      if (row.name.find("Markov") != std::string::npos) {
        best_markov = std::min(best_markov, row.scores.bits_per_pitch);
      }
    }
    std::printf("  The RNN needs %.3f bits per pitch, the best Markov chain %.3f.\n",
                rnn.bits_per_pitch, best_markov);

    // 3. Save the model with its vocabulary: bach_generate can use it without the data.
    std::filesystem::create_directories(out_dir);
    const std::filesystem::path out(out_dir);
    const std::filesystem::path model_path =
        save_path.empty() ? out / "bach_melody_rnn.json" : std::filesystem::path(save_path);
    if (model_path.has_parent_path()) {
      std::filesystem::create_directories(model_path.parent_path());
    }
    model.save(model_path, {{"trained_by", "bach_melody"},
                            {"settings", settings.to_json()},
                            {"test", {{"bits_per_pitch", rnn.bits_per_pitch},
                                      {"pitch_accuracy", rnn.pitch_accuracy},
                                      {"bits_per_note", rnn.bits_per_note()}}}});

    // 4. Continue a held-out chorale's melody.
    const NoteSequence& melody = jsb.test[chorale];
    const std::size_t heard = std::min(primer_notes, melody.size());
    NoteSequence primer{
        {melody.pitches.begin(), melody.pitches.begin() + static_cast<long>(heard)},
        {melody.durations.begin(), melody.durations.begin() + static_cast<long>(heard)}};
    ContinuationSettings generation;
    generation.notes = continuation_notes;
    generation.seed = seed;
    generation.pitch_sampling.temperature = temperature;
    generation.duration_sampling.temperature = temperature;
    generation.constraints.max_repeats = 3;
    const NoteSequence continuation = continue_melody(model, primer, generation);
    const Key key = melody_key(primer);

    Score score;
    score.title = "JSB test chorale " + std::to_string(chorale) + ": Bach, then the RNN";
    score.tempo_bpm = 80;
    score.key_signature = signature_of(key);
    score.parts.push_back(part_of(primer, "Bach (primer)", 0, 0.0));
    score.parts.push_back(
        part_of(continuation, "RNN continuation", 1, melody_length(melody_of(primer))));
    const auto midi_path = out / "bach_continuation.mid";
    const auto png_path = out / "bach_continuation.png";
    const auto wav_path = out / "bach_continuation.wav";
    write_midi(midi_path, score);
    PianoRollImageOptions picture;
    picture.title = score.title;
    write_piano_roll_png(png_path, score, picture);
    std::string why;
    const bool wav = examples::render_wav(midi_path, wav_path, why);

    const StyleStatistics generated = style_statistics({continuation}, {key});
    std::printf("\nContinuation of test chorale %zu (key %s): %zu notes of Bach, then %zu by the "
                "network (temperature %.2f, seed %llu):\n  ",
                chorale, key_name(key).c_str(), heard, continuation.size(), temperature,
                static_cast<unsigned long long>(seed));
    for (std::size_t i = 0; i < continuation.size(); ++i) {
      std::printf("%s ", pitch_name_in(continuation.pitches[i], key).c_str());
    }
    std::printf("\n  %.0f%% of its notes in the key, longest repeated note %zu, range %.0f "
                "semitones\n",
                100 * generated.in_key, generated.longest_repeat, generated.mean_range);
    std::printf("\nWrote %s\n      %s\n      %s\n      %s\n", model_path.string().c_str(),
                midi_path.string().c_str(), png_path.string().c_str(),
                wav ? wav_path.string().c_str() : ("(no WAV: " + why + ")").c_str());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("Done in %.0f s. Listen: open the MIDI or WAV; generate more with "
                "build/bin/bach_generate --model %s\n",
                seconds, model_path.string().c_str());

    nlohmann::json table = nlohmann::json::array();
    for (const auto& row : rows) {
      table.push_back({{"model", row.name},
                       {"accuracy", row.scores.pitch_accuracy},
                       {"bits_per_pitch", row.scores.bits_per_pitch},
                       {"bits_per_note", std::isnan(row.scores.bits_per_note())
                                             ? nlohmann::json(nullptr)
                                             : nlohmann::json(row.scores.bits_per_note())}});
    }
    nlohmann::json epoch_log = nlohmann::json::array();
    for (const auto& e : epochs) {
      epoch_log.push_back({{"epoch", e.training.epoch},
                           {"loss", e.training.mean_loss},
                           {"validation_bits_per_note", e.validation},
                           {"seconds", e.training.seconds}});
    }
    examples::write_summary(
        summary_path, {{"program", "bach_melody"},
                       {"seed", seed},
                       {"settings", settings.to_json()},
                       {"epochs", epoch_log},
                       {"test_notes", rnn.notes},
                       {"table", table},
                       {"continuation",
                        {{"chorale", chorale},
                         {"pitches", continuation.pitches},
                         {"durations", continuation.durations},
                         {"in_key", generated.in_key}}},
                       {"outputs", {model_path.string(), midi_path.string(), png_path.string()}},
                       {"wav", wav ? wav_path.string() : ""},
                       {"seconds", seconds}});
    return 0;
  });
}
