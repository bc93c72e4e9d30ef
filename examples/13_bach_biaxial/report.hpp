#pragma once
// The bach_biaxial program around its lesson (main.cpp): the options it takes, and the report of
// the run — the data (and the files a MIDI folder could not give), the network, each epoch with
// the time left, the test NLL beside published results, the generated piece's files (MIDI,
// piano-roll PNG, WAV where FluidSynth is installed), the comparison with Bach and the piano-roll
// RNN, and the JSON summary.

#include "common/bach.hpp"
#include "common/cli.hpp"
#include "common/lesson.hpp"
#include "common/music_files.hpp"
#include "common/progress.hpp"
#include "compare.hpp"
#include "corpus.hpp"

#include <bachprop/music/models/biaxial_training.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace bach_biaxial {

/// What the command line sets (command_line() declares the options; these are their defaults).
struct Options {
  std::uint64_t seed = 1;
  std::string summary_path;
  examples::DataOptions data;
  std::string grid = "quarter";
  std::string midi_dir;
  double step = 0.25;
  examples::OutputOptions output;
  std::string save;
  std::string model_path;
  std::string checkpoint_path;
  bool resume = false;
  bool quick = false;
  BiaxialShape shape_settings;
  BiaxialTrainingSettings settings{.batch_size = 1};
  double minutes = 28;
  long chorale = 0;
  std::string primer_midi;
  Index primer_frames = 8;
  Index frames = 64;
  double temperature = 1.0;
  Index pieces = 20;
  /// The other processes of an MPI job, or none (main.cpp).
  bachprop::ShardExchange* exchange = nullptr;
  /// Whether this process prints and writes files: false on every process of an MPI job but
  /// the first (main.cpp).
  bool writer = true;

  /// The model's sizes (--quick: a tiny model).
  BiaxialShape shape() const {
    if (quick) {
      return {.time_hidden_1 = 16, .time_hidden_2 = 16, .note_hidden_1 = 16, .note_hidden_2 = 8,
              .dropout = shape_settings.dropout};
    }
    return shape_settings;
  }
  /// The training as the options set it (--quick: two short epochs).
  BiaxialTrainingSettings training() const {
    BiaxialTrainingSettings s = settings;
    s.seed = seed;
    s.exchange = exchange;
    s.max_seconds = minutes * 60.0;
    if (quick) {
      s.epochs = 2;
      s.segment_frames = 16;
      s.stride = 16;
    }
    return s;
  }
  /// The JSB file of --grid.
  std::filesystem::path jsb_file() const {
    return data.locate(examples::jsb_source()) /
           (grid == "16th" ? "Jsb16thSeparated.json" : "jsb-chorales-quarter.json");
  }
  /// Where the model is saved (--save FILE, else chosen by check(): OUT/bach_biaxial.json,
  /// numbered if that exists and --force is not given).
  std::filesystem::path save_path() const { return save; }
  /// What the saved model keeps besides its weights.
  nlohmann::json model_metadata() const {
    return {{"trained_by", "bach_biaxial"}, {"settings", training().to_json()},
            {"data", midi_dir.empty() ? "jsb-" + grid : "midi folder"}};
  }
  /// The primer, as the summary names it: "test:N" or the MIDI file.
  std::string primer_name() const {
    return primer_midi.empty() ? "test:" + std::to_string(chorale) : primer_midi;
  }
  /// The primer: the opening --primer-length frames of test piece --chorale or of
  /// --primer-midi FILE (none with --primer-length 0).
  ArticulatedRoll primer(const Corpus& corpus) const {
    if (primer_midi.empty()) {
      if (static_cast<std::size_t>(chorale) >= corpus.test.size()) {
        throw examples::UsageError("--chorale must be below " +
                                   std::to_string(corpus.test.size()) + ", the test pieces");
      }
      return opening(corpus.test[static_cast<std::size_t>(chorale)], primer_frames);
    }
    ArticulatedRoll roll = articulated_roll(read_midi(primer_midi), {.step = corpus.step}).roll;
    roll.frames_per_bar = corpus.test.front().frames_per_bar;
    return opening(roll, primer_frames);
  }
  /// Throws ArgumentError for options that do not fit together; chooses where the model goes.
  void check() {
    if (save.empty()) {
      save = output.file("bach_biaxial.json").string();
    }
    examples::check_checkpoint_options(checkpoint_path, resume, !model_path.empty(),
                                       "--model only evaluates and generates");
    if (grid != "quarter" && grid != "16th") {
      throw ArgumentError("--grid must be quarter or 16th, not '" + grid + "'");
    }
    if (!(minutes > 0.0) || frames < 1 || pieces < 1 || primer_frames < 0 || chorale < 0) {
      throw ArgumentError("--minutes, --length and --pieces must be positive, --primer-length "
                          "and --chorale not negative");
    }
  }
};

/// The command line, each option bound to a field of `o`.
inline examples::CommandLine command_line(Options& o) {
  examples::CommandLine cli(
      "bach_biaxial",
      "The biaxial piano model: an LSTM along time for every key, an LSTM up the keyboard at "
      "every frame. Trains on the JSB chorales (or --midi-dir DIR), reports the test NLL per "
      "frame beside published results, generates a piece (MIDI, PNG, WAV) and compares 20 "
      "generated pieces with the held-out ones and with the piano-roll RNN's.");
  cli.standard(o.seed, o.summary_path);
  o.data.declare(cli, "folder holding jsb-chorales/ (default: see README)");
  o.output.declare(cli, "the model, MIDI, MusicXML, PNG and WAV files");
  cli.option("grid", o.grid, "NAME", "JSB frames: quarter (the benchmark) or 16th")
      .option("midi-dir", o.midi_dir, "DIR", "train on every MIDI file under DIR instead")
      .option("step", o.step, "Q", "--midi-dir's grid, in quarter notes per frame")
      .option("save", o.save, "FILE", "where to save the model (default OUT/bach_biaxial.json)")
      .option("model", o.model_path, "FILE", "load this model instead of training one")
      .option("time-hidden", o.shape_settings.time_hidden_1, "N",
              "units of the first time-axis LSTM")
      .option("time-hidden-2", o.shape_settings.time_hidden_2, "N",
              "units of the second time-axis LSTM")
      .option("note-hidden", o.shape_settings.note_hidden_1, "N",
              "units of the first note-axis LSTM")
      .option("note-hidden-2", o.shape_settings.note_hidden_2, "N",
              "units of the second note-axis LSTM")
      .option("dropout", o.shape_settings.dropout, "P", "dropout after every LSTM in training")
      .option("epochs", o.settings.epochs, "N", "most epochs (the best on validation is kept)")
      .option("window", o.settings.segment_frames, "N", "frames per training window")
      .option("stride", o.settings.stride, "N", "frames between a piece's windows")
      .option("batch-size", o.settings.batch_size, "M", "windows per Adadelta step")
      .option("shards", o.settings.shards, "N",
              "across MPI processes: shards per batch (0: one a window); a multiple of the "
              "process count keeps them all busy")
      .learning_rate(o.settings.learning_rate, "Adadelta")
      .option("patience", o.settings.patience, "N",
              "stop after N epochs without a better validation NLL")
      .option("minutes", o.minutes, "M", "stop training before an epoch would pass M minutes")
      .quick(o.quick, "a tiny model, two short epochs")
      .option("chorale", o.chorale, "N", "the primer: the opening of test piece N")
      .option("primer-midi", o.primer_midi, "FILE", "the primer: the opening of a MIDI file")
      .option("primer-length", o.primer_frames, "N", "frames of the primer heard (0: none)")
      .option("length", o.frames, "N", "frames to generate")
      .option("temperature", o.temperature, "T", "sampling temperature (1: the model's own)")
      .option("pieces", o.pieces, "N", "pieces per model drawn for the comparison")
      .checkpoints(o.checkpoint_path, o.resume,
                   "weights, Adadelta's state, the best epoch, shuffling state, epoch");
  return cli;
}

/// One epoch of training, with the time left.
inline void print_epoch(const BiaxialEpoch& e) {
  std::printf("  epoch %3ld  train %.3f  validation %.3f nats/frame%s  (%s, about %s left)\n",
              static_cast<long>(e.epoch), e.train_nats, e.validation_play_nats,
              e.best ? "  best" : "", examples::format_duration(e.seconds).c_str(),
              examples::format_duration(std::max(0.0, e.seconds_left)).c_str());
  std::fflush(stdout);
}

/// Saves the model to --save FILE or OUT/bach_biaxial.json (its folder made if missing), with
/// the run's settings; returns where.
inline std::filesystem::path save_model(const BiaxialModel& model, const Options& o) {
  const std::filesystem::path path = o.save_path();
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path());
  }
  model.save(path, o.model_metadata());
  return path;
}

/// Prints what the lesson finds, writes the generated piece's files, writes the summary.
class Report : public examples::LessonReport<Options> {
 public:
  explicit Report(const Options& options)
      : LessonReport(options), started_(std::chrono::steady_clock::now()) {
    summary_ = {{"program", "bach_biaxial"}, {"seed", options.seed}, {"quick", options.quick}};
  }

  /// The data, and what a MIDI folder could not give.
  void data(const Corpus& corpus) {
    std::printf("%s: %zu / %zu / %zu pieces (train / validation / test)\n", corpus.source.c_str(),
                corpus.train.size(), corpus.valid.size(), corpus.test.size());
    nlohmann::json skipped = nlohmann::json::array();
    if (!corpus.report.empty()) {
      std::printf("  %s\n", corpus.report.c_str());
      for (const auto& file : corpus.skipped) {
        std::printf("  skipped %s: %s\n", file.path.generic_string().c_str(), file.reason.c_str());
        skipped.push_back({{"file", file.path.generic_string()}, {"reason", file.reason}});
      }
      if (corpus.dropped_notes > 0) {
        std::printf("  %zu notes outside the 88 keys or on the drum channel left out\n",
                    corpus.dropped_notes);
      }
    }
    summary_["data"] = {{"source", corpus.source}, {"quarter_notes_per_frame", corpus.step},
                        {"train", corpus.train.size()}, {"valid", corpus.valid.size()},
                        {"test", corpus.test.size()}, {"skipped", skipped},
                        {"ignored", corpus.ignored}, {"dropped_notes", corpus.dropped_notes}};
  }

  /// The network, before it trains.
  void network(const BiaxialModel& model) {
    const BiaxialShape& s = model.shape();
    std::printf(
        "Network: time axis Lstm(79 → %ld) → Lstm(%ld) for each of %ld keys, transposed; note "
        "axis Lstm(%ld + 2 → %ld) → Lstm(%ld) → Dense(2) up the keyboard; dropout %.2g; %ld "
        "parameters\n",
        static_cast<long>(s.time_hidden_1), static_cast<long>(s.time_hidden_2),
        static_cast<long>(s.keys), static_cast<long>(s.time_hidden_2),
        static_cast<long>(s.note_hidden_1), static_cast<long>(s.note_hidden_2), s.dropout,
        static_cast<long>(model.networks().parameter_count()));
    summary_["shape"] = {{"time_hidden", {s.time_hidden_1, s.time_hidden_2}},
                         {"note_hidden", {s.note_hidden_1, s.note_hidden_2}},
                         {"dropout", s.dropout}, {"keys", s.keys}};
    summary_["parameters"] = model.networks().parameter_count();
    if (options_.model_path.empty()) {
      const auto t = options_.training();
      std::printf("Training: Adadelta (η %.3g) on windows of %ld frames, %ld per step, at most "
                  "%ld epochs or %.0f minutes:\n",
                  t.learning_rate, static_cast<long>(t.segment_frames),
                  static_cast<long>(t.batch_size), static_cast<long>(t.epochs), options_.minutes);
      summary_["settings"] = t.to_json();
    } else {
      std::printf("Model %s loaded (no training)\n", options_.model_path.c_str());
    }
    std::fflush(stdout);
  }

  /// Every epoch trained, and how long training took.
  void trained(const std::vector<BiaxialEpoch>& epochs) {
    nlohmann::json log = nlohmann::json::array();
    for (const auto& e : epochs) {
      log.push_back(e.to_json());
    }
    summary_["epochs"] = log;
    summary_["training_seconds"] = epochs.empty() ? 0.0 : epochs.back().seconds;
    summary_["training_minutes"] = epochs.empty() ? 0.0 : epochs.back().seconds / 60.0;
  }

  /// Where the model went.
  void saved(const std::filesystem::path& path) { outputs_.push_back(path.string()); }

  /// The test NLL beside the published results.
  void likelihood(const BiaxialNats& test, const BiaxialNats& with_first,
                  const BiaxialNats& validation) {
    std::printf("\nTest negative log-likelihood of the play outputs, nats per frame (lower is "
                "better):\n  %-44s %6.2f\n", "this biaxial model", test.play_per_frame());
    std::printf("  (%.2f counting each piece's first frame too; the strike outputs: %.3f)\n",
                with_first.play_per_frame(), test.articulate / std::max(1.0, test.frames));
    summary_["test_nll_nats_per_frame_with_first_frames"] = with_first.play_per_frame();
    summary_["test_nll_nats_per_frame"] = test.play_per_frame();
    summary_["test_articulate_nats_per_frame"] = test.articulate / std::max(1.0, test.frames);
    summary_["validation_nll_nats_per_frame"] = validation.play_per_frame();
    summary_["test_frames"] = test.frames;
  }

  /// The generated piece (after its primer), written as MIDI, PNG and WAV.
  void generated(const ArticulatedRoll& primer, const ArticulatedRoll& piece, double step_seconds) {
    Score score;
    score.title = "The biaxial model" + std::string(primer.frames() > 0 ? " after its primer" : "");
    score.tempo_bpm = piece.step >= 1.0 ? 80 : 100;
    if (primer.frames() > 0) {
      score.parts.push_back(part_of(primer, "Primer"));
    }
    Part continuation = part_of(piece, "Biaxial model");
    continuation.channel = 1;
    for (auto& note : continuation.notes) {
      note.start += static_cast<double>(primer.frames()) * piece.step;
    }
    score.parts.push_back(continuation);
    const auto files = examples::write_score_files(score, options_.output, "bach_biaxial");
    outputs_.push_back(files.midi.string());
    outputs_.push_back(files.musicxml.string());
    outputs_.push_back(files.png.string());
    const double sixteenth_at_120 = 0.125;
    std::printf("\nGenerated %ld frames after a primer of %ld (%s), temperature %.2g: one frame "
                "of all keys in %.2f ms, %.0f× faster than sixteenths at 120 bpm\n",
                static_cast<long>(piece.frames()), static_cast<long>(primer.frames()),
                options_.primer_name().c_str(), options_.temperature, step_seconds * 1e3,
                sixteenth_at_120 / step_seconds);
    examples::print_score_files(files, "");
    summary_["generation"] = {{"primer", options_.primer_name()},
                              {"primer_frames", primer.frames()},
                              {"frames", piece.frames()},
                              {"temperature", options_.temperature},
                              {"notes", part_of(piece, "x").notes.size()},
                              {"step_ms", step_seconds * 1e3},
                              {"times_faster_than_sixteenths_at_120_bpm",
                               sixteenth_at_120 / step_seconds}};
    summary_["wav"] = files.wav ? files.wav_path.string() : "";
  }

  /// The piano-roll RNN's NLL, and the drawn pieces' statistics beside the held-out pieces'.
  void compared(const Comparison& c) {
    std::printf("\n  %-44s %6.2f\n", "piano-roll RNN (lesson 10), trained here",
                c.piano_roll_rnn_nll);
    nlohmann::json published = nlohmann::json::object();
    if (options_.midi_dir.empty() && options_.grid == "quarter") {  // the benchmark's data only
      for (const auto& [name, key, figure] : examples::published_jsb_results) {
        std::printf("  published: %-32s %6.2f\n", name, figure);
        published[key] = figure;
      }
    }
    std::printf("\n%ld pieces of %ld frames drawn from nothing by each model, beside the test "
                "pieces:\n", static_cast<long>(c.pieces), static_cast<long>(c.frames));
    std::printf("  %-16s %10s %10s %9s %12s %10s\n", "", "keys/frame", "pc dist.", "in key",
                "note length", "range");
    auto row = [&](const char* name, const RollStatistics& s) {
      std::printf("  %-16s %10.2f %10.3f %8.1f%% %12.2f %10.1f\n", name, s.keys_per_frame,
                  histogram_distance(s.pitch_classes, c.held_out.pitch_classes), 100 * s.in_key,
                  s.mean_note_length, s.mean_range);
    };
    row("held out", c.held_out);
    row("biaxial model", c.biaxial);
    row("piano-roll RNN", c.piano_roll_rnn);
    summary_["piano_roll_rnn_test_nll_nats_per_frame"] = c.piano_roll_rnn_nll;
    summary_["published"] = published;
    summary_["generated_statistics"] = {
        {"pieces", c.pieces}, {"frames", c.frames},
        {"held_out", c.held_out.to_json()}, {"biaxial", c.biaxial.to_json()},
        {"piano_roll_rnn", c.piano_roll_rnn.to_json()},
        {"pitch_class_distance",
         {{"biaxial", histogram_distance(c.biaxial.pitch_classes, c.held_out.pitch_classes)},
          {"piano_roll_rnn",
           histogram_distance(c.piano_roll_rnn.pitch_classes, c.held_out.pitch_classes)}}}};
    summary_["outputs"] = outputs_;
    const double total =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    std::printf("\nThe whole run took %s.\n", examples::format_duration(total).c_str());
    summary_["total_seconds"] = total;
    summary_["total_minutes"] = total / 60.0;
  }

 private:
  std::chrono::steady_clock::time_point started_;
  std::vector<std::string> outputs_;
};

}  // namespace bach_biaxial
