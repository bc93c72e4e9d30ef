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
  std::string notes_text;
  std::string midi_path;
  int track = 0;
  long chorale = -1;
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
  std::string out_dir = ".";
  std::string name = "bach_generated";
  std::size_t stats = 0;
};

/// The command line, each option bound to a field of `o`.
inline examples::CommandLine command_line(Options& o) {
  examples::CommandLine cli(
      "bach_generate",
      "Continues a melody in the style of the Bach chorales with a trained melody RNN. Primer: "
      "--notes \"C4 D4 E4/8 F4/8 G4/2\" (pitch names, /N note values, R for a rest), --midi "
      "FILE, or --chorale N (a held-out JSB chorale). Writes MIDI (primer and continuation on "
      "separate tracks), a piano-roll PNG, and WAV where FluidSynth is installed. --stats N "
      "compares N continuations of held-out chorales with Bach's own.");
  cli.standard(o.seed, o.summary_path)
      .option("model", o.model_path, "FILE",
              "a model saved by bach_melody (default: the shipped one)")
      .option("notes", o.notes_text, "TEXT", "primer as a note string")
      .option("midi", o.midi_path, "FILE", "primer from a MIDI file (its top line)")
      .option("track", o.track, "N", "with --midi: which part with notes to use")
      .option("chorale", o.chorale, "N",
              "primer: the opening of JSB test chorale N (needs the data)");
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
      .option("lowest", o.lowest, "MIDI", "lowest pitch allowed")
      .option("highest", o.highest, "MIDI", "highest pitch allowed")
      .option("out", o.out_dir, "DIR", "folder for the files")
      .option("name", o.name, "NAME", "file name without extension")
      .option("stats", o.stats, "N", "compare N continuations of held-out chorales with Bach's");
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
    throw ArgumentError(o.free_key ? "--key and --free-key contradict each other"
                                   : "--stats keeps each chorale's own key: drop --key");
  }
  return parse_key(o.key_text);
}

/// The JSB soprano lines (for --chorale and --stats).
inline examples::JsbMelodies load_jsb(const Options& o) {
  return examples::load_jsb_melodies(o.data.locate(examples::jsb_source()));
}

/// The primer and how to name it.
struct Primer {
  NoteSequence notes;
  std::string described;
};

/// Throws ArgumentError when more than one primer is given.
inline void require_one_primer(const Options& o) {
  const int sources =
      (o.notes_text.empty() ? 0 : 1) + (o.midi_path.empty() ? 0 : 1) + (o.chorale >= 0 ? 1 : 0);
  if (sources > 1) {
    throw ArgumentError("give one primer: --notes, --midi or --chorale");
  }
}

/// The primer the options give: --notes, --midi (its top line) or the first 16 notes of JSB
/// test chorale --chorale (0 without any). Throws ArgumentError for a primer without notes.
inline Primer read_primer(const Options& o) {
  Primer primer;
  if (!o.notes_text.empty()) {
    primer = {notes_of(examples::melody_from_text(o.notes_text)),
              "the notes \"" + o.notes_text + "\""};
  } else if (!o.midi_path.empty()) {
    primer = {notes_of(examples::melody_from_midi(o.midi_path, std::max(o.track, 0))), o.midi_path};
  } else {
    const auto index = static_cast<std::size_t>(std::max<long>(o.chorale, 0));
    const examples::JsbMelodies held = load_jsb(o);
    if (index >= held.test.size()) {
      throw ArgumentError("--chorale must be below " + std::to_string(held.test.size()));
    }
    primer = {examples::excerpt(held.test[index], 0, 16),
              "the opening of JSB test chorale " + std::to_string(index)};
  }
  if (primer.notes.empty()) {
    throw ArgumentError("the primer has no notes");
  }
  return primer;
}

/// The octave shift that brings every pitch of `notes` into the model's range (0 if none
/// needed); throws ArgumentError when no shift by whole octaves fits.
inline int octave_shift_into(const NoteSequence& notes, const MelodyVocabulary& vocabulary) {
  const auto [low, high] = std::minmax_element(notes.pitches.begin(), notes.pitches.end());
  for (int shift : {0, 12, -12, 24, -24, 36, -36}) {
    if (vocabulary.has_pitch(*low + shift) && vocabulary.has_pitch(*high + shift)) {
      return shift;
    }
  }
  throw ArgumentError("the primer spans " + pitch_name(*low) + ".." + pitch_name(*high) +
                      ", wider than the model's range " + pitch_name(vocabulary.lowest_pitch) +
                      ".." + pitch_name(vocabulary.highest_pitch));
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
                    bool given_key, int shift) {
    const Options& o = options_;
    const examples::ScoreFiles files = examples::write_score_files(
        examples::continuation_score("bach_generate: " + primer.described, primer.notes, "Primer",
                                     continuation, "Continuation", key),
        o.out_dir, o.name);
    std::printf(
        "Model %s\nPrimer: %s (%zu notes, key %s)%s\nContinuation (%zu notes, seed "
        "%llu, temperature %.2f%s):\n  ",
        model_file(o).string().c_str(), primer.described.c_str(), primer.notes.size(),
        key_name(key).c_str(),
        shift == 0 ? "" : (", heard " + std::to_string(shift) + " semitones away").c_str(),
        continuation.size(), static_cast<unsigned long long>(o.seed), o.temperature,
        o.free_key  ? ", any key"
        : given_key ? (", in " + key_name(key)).c_str()
                    : ", in the primer's key");
    for (std::size_t i = 0; i < continuation.size(); ++i) {
      std::printf("%s ", pitch_name_in(continuation.pitches[i], key).c_str());
    }
    std::printf("\nWrote %s, %s, %s%s\n", files.midi.string().c_str(),
                files.musicxml.string().c_str(), files.png.string().c_str(),
                files.wav ? (", " + files.wav_path.string()).c_str()
                          : ("\n(no WAV: " + files.why_no_wav + ")").c_str());
    summary_ = {{"program", "bach_generate"},
                {"model", model_file(o).string()},
                {"primer",
                 {{"source", primer.described},
                  {"pitches", primer.notes.pitches},
                  {"durations", primer.notes.durations}}},
                {"continuation",
                 {{"pitches", continuation.pitches}, {"durations", continuation.durations}}},
                {"seed", o.seed},
                {"outputs", {files.midi.string(), files.musicxml.string(), files.png.string()}},
                {"wav", files.wav ? files.wav_path.string() : ""}};
  }
};

}  // namespace bach_generate
