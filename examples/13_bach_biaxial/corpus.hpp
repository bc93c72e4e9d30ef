#pragma once
// bach_biaxial's data: the pieces as piano rolls that keep held and struck notes apart, from the
// JSB chorales (the benchmark's quarter-note split, or the sixteenth-note voices) or from any
// folder of MIDI files (split by file with the seed, bad files named and skipped); and the
// pieces the lesson generates, as rolls and as a score.

#include <bachprop/music/corpora/jsb.hpp>
#include <bachprop/music/corpora/midi_folder.hpp>
#include <bachprop/music/encoding/articulated_roll.hpp>
#include <bachprop/music/score.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bach_biaxial {

using namespace bachprop;
using namespace bachprop::music;

/// The pieces, split three ways, and where they came from.
struct Corpus {
  std::string source;  // "JSB chorales, quarter notes", "MIDI folder songs/"
  double step = 1.0;   // quarter notes per frame
  std::vector<ArticulatedRoll> train, valid, test;
  std::vector<SkippedFile> skipped;         // MIDI files that could not be read
  std::size_t ignored = 0;                  // other files in the folder
  std::size_t dropped_notes = 0;            // notes outside the 88 keys or on the drum channel
  std::string report;                       // the folder reader's account
};

/// The JSB chorales from `file` (jsb-chorales-quarter.json or Jsb16thSeparated.json) on 88 keys.
inline Corpus jsb_corpus(const std::filesystem::path& file) {
  const JsbCorpus chorales = load_jsb_chorales(file);
  Corpus corpus;
  corpus.step = 1.0 / static_cast<double>(chorales.steps_per_quarter);
  corpus.source = chorales.steps_per_quarter == 1
                      ? "JSB chorales, quarter-note frames (C major / C minor)"
                      : "JSB chorales, sixteenth-note frames (the four voices, original keys)";
  corpus.train = articulated_rolls(chorales, "train");
  corpus.valid = articulated_rolls(chorales, "valid");
  corpus.test = articulated_rolls(chorales, "test");
  return corpus;
}

/// Every MIDI file under `folder` on a grid of `step` quarter notes, split by file with `seed`
/// (10% validation, 10% test). A split left empty by a tiny folder borrows the training pieces
/// (said in the source line), so that a handful of files still trains and evaluates.
inline Corpus midi_corpus(const std::filesystem::path& folder, double step, std::uint64_t seed) {
  const MidiFolder read = read_midi_folder(folder);
  Corpus corpus;
  corpus.step = step;
  corpus.skipped = read.skipped;
  corpus.ignored = read.ignored.size();
  corpus.report = midi_folder_report(read);
  if (read.files.empty()) {
    throw ArgumentError("--midi-dir " + folder.string() + ": no MIDI file could be read (" +
                        corpus.report + ")");
  }
  std::vector<ArticulatedRoll> rolls;
  for (const auto& file : read.files) {
    ArticulatedRollResult result = articulated_roll(file.score, {.step = step});
    result.roll.name = file.path.generic_string();
    corpus.dropped_notes += result.out_of_range + result.percussion;
    rolls.push_back(std::move(result.roll));
  }
  const FileSplit split = split_by_file(rolls.size(), 0.1, 0.1, seed);
  for (const std::size_t i : split.train) {
    corpus.train.push_back(rolls[i]);
  }
  for (const std::size_t i : split.valid) {
    corpus.valid.push_back(rolls[i]);
  }
  for (const std::size_t i : split.test) {
    corpus.test.push_back(rolls[i]);
  }
  corpus.source = "MIDI folder " + folder.string();
  if (corpus.valid.empty() || corpus.test.empty()) {
    corpus.source += " (too few files to hold some out: validation and test are the training "
                     "files)";
    if (corpus.valid.empty()) {
      corpus.valid = corpus.train;
    }
    if (corpus.test.empty()) {
      corpus.test = corpus.train;
    }
  }
  return corpus;
}

/// The first `frames` frames of `roll` (all of it when shorter).
inline ArticulatedRoll opening(const ArticulatedRoll& roll, Index frames) {
  ArticulatedRoll part = roll;
  const Index n = std::min(frames, roll.frames());
  part.play = roll.play.leftCols(n);
  part.articulate = roll.articulate.leftCols(n);
  return part;
}

}  // namespace bach_biaxial
