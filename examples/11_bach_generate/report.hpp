#pragma once
// The bach_generate program around its lesson (main.cpp): the options it takes, what it reads
// (the model, by default the shipped one; the primer: a note string, a MIDI file or a held-out
// chorale's opening), and the report of the run — the statistics table of --stats, the
// continuation's files (MIDI, piano-roll PNG, WAV where FluidSynth is installed) and the JSON
// summary.

#include "common/bach.hpp"
#include "common/cli.hpp"
#include "common/lesson.hpp"
#include "common/model_path.hpp"
#include "common/music_files.hpp"

#include <bachprop/music/evaluate/style_statistics.hpp>
#include <bachprop/music/models/melody_continuation.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bach_generate {

using namespace bachprop;
using namespace bachprop::music;

/// What the command line sets (command_line() declares the options; these are their defaults).
struct Options {
  std::uint64_t seed = 1;
  std::string summary_path;
  std::string model_path;
  examples::MelodySource primer;
  examples::DataOptions data;
  std::size_t length = 32;
  double temperature = 0.8;
  std::size_t top_k = 0;
  double top_p = 1.0;
  bool free_key = false;
  std::string key_text;
  std::size_t max_repeats = 3;
  int lowest = 0;
  int highest = 127;
  examples::OutputOptions output;
  std::string name = "bach_generated";
  std::size_t num_outputs = 1;
  std::size_t beam_size = 1;  // > 1: beam search instead of sampling
  double tempo = 0;  // 0: a MIDI primer's own tempo, else 80
  std::size_t stats = 0;

  /// Settles the primer's source and checks the counts; throws UsageError.
  void check() {
    primer.settle();
    if (num_outputs < 1 || num_outputs > 1000) {
      throw examples::UsageError("--num-outputs must be 1..1000");
    }
    if (tempo != 0 && (tempo < 10 || tempo > 400)) {
      throw examples::UsageError("--tempo must be 10..400 quarter notes a minute (or 0)");
    }
    if (lowest > highest) {
      throw examples::UsageError("--lowest is above --highest");
    }
    if (beam_size < 1 || beam_size > 256) {
      throw examples::UsageError("--beam-size must be 1..256");
    }
    if (beam_size > 1 && (num_outputs > 1 || stats > 0)) {
      throw examples::UsageError(std::string("--beam-size finds one continuation (the likeliest "
                                             "it sees): drop ") +
                                 (stats > 0 ? "--stats" : "--num-outputs"));
    }
  }
};

/// The command line, each option bound to a field of `o`.
inline examples::CommandLine command_line(Options& o) {
  examples::CommandLine cli(
      "bach_generate",
      "Continues a melody in the style of the Bach chorales with a trained melody RNN. Primer: "
      "a note string (--primer \"C4 D4 E4/8 F4/8 G4/2\"), a MIDI or ABC file, or --chorale N "
      "(a held-out JSB chorale). Writes MIDI (primer and continuation on separate tracks), "
      "MusicXML, a piano-roll PNG, and WAV where FluidSynth is installed. --stats N "
      "compares N continuations of held-out chorales with Bach's own.");
  cli.standard(o.seed, o.summary_path)
      .option("model", o.model_path, "FILE",
              "a model saved by bach_melody (default: the shipped one)");
  o.primer.declare(cli, "primer", "primer: the opening of JSB test chorale N (needs the data)");
  o.data.declare(cli, "folder holding jsb-chorales/ (for --chorale and --stats)");
  cli.option("length", o.length, "N", "notes to add")
      .option("temperature", o.temperature, "T", "sampling temperature (0: always the likeliest)")
      .option("top-k", o.top_k, "K", "sample among the K likeliest pitches only (0: all)")
      .option("top-p", o.top_p, "P", "nucleus sampling: the likeliest pitches covering P (1: all)")
      .flag("free-key", o.free_key, "do not keep to the key of the primer")
      .option("key", o.key_text, "NAME",
              "keep to this key (\"C major\", \"F# minor\") rather than the one the primer's "
              "notes suggest")
      .option("max-repeats", o.max_repeats, "N", "at most N equal pitches in a row (0: no limit)")
      .option("num-outputs", o.num_outputs, "N",
              "continuations to write (seeds --seed, --seed+1, ...)")
      .option("beam-size", o.beam_size, "N",
              "decode by beam search, keeping the N likeliest continuations at every note (1: "
              "draw each note as --temperature, --top-k and --top-p say)")
      .option("tempo", o.tempo, "BPM",
              "quarter notes a minute of the files (0: a MIDI primer's own, else 80)")
      .option("stats", o.stats, "N", "compare N continuations of held-out chorales with Bach's");
  examples::pitch_option(cli, "lowest", o.lowest, "lowest pitch allowed");
  examples::pitch_option(cli, "highest", o.highest, "highest pitch allowed");
  o.output.declare(cli, "the MIDI, MusicXML, PNG and WAV files");
  cli.option("name", o.name, "NAME", "file name without extension");
  return cli;
}

/// The model file: --model FILE, or the model that ships with the project (made by the command
/// in models/README.md; found by common/model_path.hpp).
inline std::filesystem::path model_file(const Options& o) {
  return o.model_path.empty() ? examples::shipped_model("bach_melody_rnn.json")
                              : std::filesystem::path(o.model_path);
}

/// The key of --key, if given; throws ArgumentError where it contradicts --free-key or --stats.
inline std::optional<Key> key_option(const Options& o) {
  if (o.key_text.empty()) {
    return std::nullopt;
  }
  if (o.free_key || o.stats > 0) {
    throw examples::UsageError(o.free_key ? "--key and --free-key contradict each other"
                                          : "--stats keeps each chorale's own key: drop --key");
  }
  return examples::parse_key_option("key", o.key_text);
}

/// The JSB soprano lines (for --chorale and --stats).
inline examples::JsbMelodies load_jsb(const Options& o) {
  return examples::load_jsb_melodies(o.data.locate(examples::jsb_source()));
}

/// The primer, how to name it, and the tempo of its file (0: none).
struct Primer {
  NoteSequence notes;
  std::string described;
  double tempo_bpm = 0;
  TimeSignature meter;                 // a MIDI or ABC primer's
  double pickup = 0;                   // an ABC primer's upbeat, in quarter notes
  std::vector<double> fermata_starts;  // and its fermatas
};

/// The primer the options give: a note string, a MIDI or ABC file (its top line), or the first
/// 16 notes of JSB test chorale --chorale (0 without any). Throws UsageError for a primer
/// without notes.
inline Primer read_primer(const Options& o) {
  Primer primer;
  if (!o.primer.text.empty() || !o.primer.midi_path.empty() || !o.primer.abc_path.empty()) {
    examples::UserMelody user = examples::read_user_melody(o.primer, "primer");
    examples::from_first_note(user);
    primer = {notes_of(user.melody), std::move(user.described), user.tempo_bpm,
              user.time_signature, user.pickup, std::move(user.fermata_starts)};
  } else {
    const auto index = static_cast<std::size_t>(std::max<long>(o.primer.chorale, 0));
    const examples::JsbMelodies held = load_jsb(o);
    if (index >= held.test.size()) {
      throw examples::UsageError("--chorale must be below " + std::to_string(held.test.size()));
    }
    primer = {examples::excerpt(held.test[index], 0, 16),
              "the opening of JSB test chorale " + std::to_string(index), 0, {}, 0, {}};
  }
  if (primer.notes.empty()) {
    throw examples::UsageError("the primer has no notes");
  }
  return primer;
}

/// What --stats measured: the generated continuations, Bach's own, and (for scale) Bach's
/// training chorales.
struct StatsResults {
  std::size_t continuations = 0;
  StyleStatistics generated;
  StyleStatistics bach;
  StyleStatistics training;
};

inline void print_statistics_row(const char* name, const StyleStatistics& s,
                                 const StyleStatistics& bach) {
  std::printf("  %-24s %10.3f %10.3f %9.1f%% %8zu %9.1f %9.2f\n", name,
              histogram_distance(s.pitch_classes, bach.pitch_classes),
              histogram_distance(s.intervals, bach.intervals), 100 * s.in_key, s.longest_repeat,
              s.mean_range, s.mean_abs_interval);
}

/// Prints what the lesson finds, writes the continuation's files, writes the summary.
class Report : public examples::LessonReport<Options> {
 public:
  using LessonReport::LessonReport;

  /// The --stats table.
  void statistics(const StatsResults& s) {
    std::printf(
        "%zu continuations of held-out chorales (8 notes of Bach, then up to %zu "
        "notes; temperature %.2f) against Bach's own continuations:\n",
        s.continuations, options_.length, options_.temperature);
    std::printf("  %-24s %10s %10s %10s %8s %9s %9s\n", "", "pc dist", "int dist", "in key",
                "repeat", "range", "|step|");
    print_statistics_row("generated", s.generated, s.bach);
    print_statistics_row("Bach (held out)", s.bach, s.bach);
    print_statistics_row("Bach (training set)", s.training, s.bach);
    std::printf(
        "  pc / int dist: total-variation distance of the pitch-class (relative to the "
        "key) and interval histograms from Bach's held-out continuations (0 = same)\n");
    const auto distance = [&](const StyleStatistics& a, auto member) {
      return histogram_distance(a.*member, s.bach.*member);
    };
    summary_ = {
        {"program", "bach_generate"},
        {"stats",
         {{"continuations", s.continuations},
          {"pitch_class_distance", distance(s.generated, &StyleStatistics::pitch_classes)},
          {"interval_distance", distance(s.generated, &StyleStatistics::intervals)},
          {"training_pitch_class_distance", distance(s.training, &StyleStatistics::pitch_classes)},
          {"training_interval_distance", distance(s.training, &StyleStatistics::intervals)},
          {"in_key", s.generated.in_key},
          {"bach_in_key", s.bach.in_key},
          {"longest_repeat", s.generated.longest_repeat},
          {"bach_longest_repeat", s.bach.longest_repeat},
          {"mean_range", s.generated.mean_range},
          {"bach_mean_range", s.bach.mean_range}}}};
  }

  /// The primer and its continuation in `key` (`given_key`: --key named it; `shift`: the
  /// semitones the model heard the primer away): written as MIDI on separate tracks, a
  /// piano-roll PNG and WAV where FluidSynth is installed, and printed.
  void continuation(const Primer& primer, const NoteSequence& continuation, const Key& key,
                    bool given_key, int shift, std::uint64_t seed) {
    const Options& o = options_;
    const double tempo = o.tempo > 0 ? o.tempo : primer.tempo_bpm > 0 ? primer.tempo_bpm : 80;
    Score score =
        continuation_score("bach_generate: " + primer.described, primer.notes,
                                     "Primer", continuation, "Continuation", key, tempo,
                                     primer.meter);
    // An ABC primer's upbeat and fermatas carry into the sheet music.
    score.pickup = primer.pickup;
    examples::mark_fermatas(score, primer.fermata_starts);
    const examples::ScoreFiles files = examples::write_score_files(score, o.output, o.name);
    char sampling[64];
    std::snprintf(sampling, sizeof sampling, "seed %llu, temperature %.2f",
                  static_cast<unsigned long long>(seed), o.temperature);
    const std::string decoding =
        o.beam_size > 1 ? "beam search of width " + std::to_string(o.beam_size) : sampling;
    std::printf(
        "Model %s\nPrimer: %s (%zu notes, key %s)%s\nContinuation (%zu notes, %s%s):\n  ",
        model_file(o).string().c_str(), primer.described.c_str(), primer.notes.size(),
        key_name(key).c_str(),
        shift == 0 ? "" : (", heard " + std::to_string(shift) + " semitones away").c_str(),
        continuation.size(), decoding.c_str(),
        o.free_key  ? ", any key"
        : given_key ? (", in " + key_name(key)).c_str()
                    : ", in the primer's key");
    for (std::size_t i = 0; i < continuation.size(); ++i) {
      std::printf("%s ", pitch_name_in(continuation.pitches[i], key).c_str());
    }
    std::printf("\n");
    examples::print_score_files(files, "");
    const nlohmann::json written = {
        {"continuation",
         {{"pitches", continuation.pitches}, {"durations", continuation.durations}}},
        {"seed", seed},
        {"outputs", {files.midi.string(), files.musicxml.string(), files.png.string()}},
        {"wav", files.wav ? files.wav_path.string() : ""}};
    if (summary_.is_null()) {
      // The first continuation's figures stay at the top level, as before --num-outputs.
      summary_ = {{"program", "bach_generate"},
                  {"model", model_file(o).string()},
                  {"primer",
                   {{"source", primer.described},
                    {"pitches", primer.notes.pitches},
                    {"durations", primer.notes.durations}}},
                  {"tempo_bpm", tempo}};
      summary_.update(written);
    }
    summary_["all"].push_back(written);
  }

  /// The beam search's figures: the continuation's log-probability under the model.
  void beam(double log_probability, std::size_t notes) {
    const double per_note = log_probability / static_cast<double>(std::max<std::size_t>(1, notes));
    std::printf("Log-probability of the continuation under the model: %.3f nats (%.3f per "
                "note)\n",
                log_probability, per_note);
    summary_["beam"] = {{"width", options_.beam_size}, {"log_probability", log_probability}};
  }
};

}  // namespace bach_generate
