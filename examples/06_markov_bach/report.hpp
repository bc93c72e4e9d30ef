#pragma once
// The markov_bach program around its lesson (main.cpp): the options it takes, and the report of
// the run — the data and the table of scores it prints, the transition-matrix picture, the
// generated melodies as text, MIDI, piano roll and WAV, and the JSON summary.

#include "chains.hpp"
#include "common/lesson.hpp"
#include "common/music_files.hpp"

#include <bachprop/draw/png.hpp>
#include <bachprop/music/draw/piano_roll_image.hpp>
#include <bachprop/music/score/midi_write.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace markov_bach {

/// What the command line sets (main.cpp declares the options; these are their defaults).
struct Options {
  std::uint64_t seed = 1;
  std::string summary_path;
  std::string data;
  std::string jsb_file = "Jsb16thSeparated.json";
  examples::OutputOptions output;
  int max_order = 4;         // highest order in the table
  int generation_order = 2;  // order of the chain that generates
  int melodies = 4;
  int length = 32;           // notes per generated melody
  double temperature = 1.0;
  std::size_t top_k = 0;
  double top_p = 1.0;
  int uci_folds = 10;
  bool augment = false;

  /// Throws ArgumentError for values the lesson cannot use.
  void check() const {
    if (max_order < 1 || max_order > 8 || generation_order < 1 || generation_order > 8 ||
        melodies < 0 || length < 2 || uci_folds < 0 || uci_folds == 1) {
      throw bachprop::ArgumentError("--max-order and --order must be 1..8, --melodies ≥ 0, "
                                    "--length ≥ 2, --uci-folds 0 or ≥ 2");
    }
  }
};

/// Prints what the lesson finds, draws and writes the files, writes the summary.
class Report : public examples::LessonReport<Options> {
 public:
  explicit Report(const Options& options) : LessonReport(options) {
    score_.title = "Markov chain melodies after Bach";
    score_.tempo_bpm = 84.0;
  }

  void corpus(const music::JsbCorpus& corpus, const music::MelodyStatistics& stats) {
    std::printf("JSB chorales (%s): %zu / %zu / %zu chorales in train / valid / test\n",
                options_.jsb_file.c_str(), corpus.train.size(), corpus.valid.size(),
                corpus.test.size());
    std::printf("soprano lines, training split: %zu notes (repeated sixteenths joined), pitches "
                "%s..%s, %zu keys estimated\n",
                stats.notes, music::pitch_name(stats.lowest_pitch).c_str(),
                music::pitch_name(stats.highest_pitch).c_str(), stats.keys.size());
    summary_["train_statistics"] = stats.to_json();
  }

  void augmented(std::size_t lines, const music::MelodyStatistics& stats) {
    std::printf("augmented: %zu training lines (every transposition by -5..+6 semitones that "
                "stays in %s..%s)\n",
                lines, music::pitch_name(stats.lowest_pitch).c_str(),
                music::pitch_name(stats.highest_pitch).c_str());
  }

  /// The vocabulary, the test split's notes and the head of the table of scores.
  void vocabulary(std::size_t tokens, const Sequences& test) {
    v_ = tokens;
    std::size_t unseen = 0;
    for (const auto& s : test) {
      test_notes_ += s.size();
      unseen += static_cast<std::size_t>(std::count(s.begin(), s.end(), 0));
    }
    std::printf("vocabulary: %zu pitches + <unk>; the test split has %zu notes, %zu of them "
                "unseen in training\n\n",
                v_ - 1, test_notes_, unseen);
    summary_["vocabulary"] = v_;
    summary_["test_notes"] = test_notes_;
    // The table: held-out negative log-likelihood per note in bits, and next-note accuracy.
    std::printf("Held-out test split, %zu notes: bits per note (lower is better) / next-note "
                "accuracy\nk of add-k chosen on the validation split\n\n",
                test_notes_);
    std::printf("  %-22s %-22s %-22s %-22s\n", "model", smoothing_names[0], smoothing_names[1],
                smoothing_names[2]);
    const double uniform_bits = std::log2(static_cast<double>(v_));
    std::printf("  %-22s %5.2f bits  %4.1f%%\n", "uniform", uniform_bits, 100.0 / v_);
    summary_["table"]["uniform"] = {{"bits", uniform_bits}, {"accuracy", 1.0 / v_}};
  }

  /// A row of the table: the chains of one order, a cell per smoothing method.
  void table_row(int order, const std::vector<Cell>& cells) {
    const std::string name =
        order == 0 ? std::string("unigram (order 0)") : "order " + std::to_string(order);
    std::printf("  %-22s", name.c_str());
    nlohmann::json row;
    for (std::size_t s = 0; s < cells.size(); ++s) {
      std::printf(" %5.2f bits  %4.1f%%     ", cells[s].bits, 100.0 * cells[s].accuracy);
      row[smoothing_names[s]] = {{"bits", cells[s].bits}, {"accuracy", cells[s].accuracy},
                                 {"k", cells[s].k}};
    }
    // Reference numbers (ANCHORS): n-gram n = order + 1, pitch tokens, test split.
    const std::array<std::pair<double, double>, 4> anchors{
        {{0, 0}, {2.46, 36.8}, {2.17, 47.1}, {2.23, 48.7}}};
    if (order >= 1 && order <= 3) {
      std::printf("(reference %d-gram: %.2f bits, %.1f%%)", order + 1,
                  anchors[static_cast<std::size_t>(order)].first,
                  anchors[static_cast<std::size_t>(order)].second);
    }
    std::printf("\n");
    summary_["table"][name] = row;
  }

  void table_end() {
    std::printf("\n  Order 1 is the first-order chain (a bigram model); n-gram tables count n - 1 "
                "notes of context.\n\n");
  }

  void uci_heading(std::size_t chorales) {
    std::printf("UCI melodies (%zu chorales), %d-fold cross-validation by chorale, "
                "Witten-Bell (k = 0.1): bits per note / accuracy\n",
                chorales, options_.uci_folds);
  }

  void uci_row(int order, const Cell& cell) {
    std::printf("  order %d: %5.2f bits  %4.1f%%\n", order, cell.bits, 100.0 * cell.accuracy);
    summary_["uci"]["order " + std::to_string(order)] = {{"bits", cell.bits},
                                                         {"accuracy", cell.accuracy}};
  }

  void uci_end() {
    std::printf("  (reference: pitch n-grams at best 2.64 bits, 37.9%%; Conklin & Witten's "
                "multiple viewpoints about 1.8 bits)\n\n");
  }

  /// Creates the output folder and draws the order-1 chain's transition matrix, rows and
  /// columns in pitch order (the <unk> token left out).
  void transitions(const music::MarkovChain& first_order, const music::Vocabulary& vocabulary) {
    std::vector<int> by_pitch;
    for (int id = 1; id < static_cast<int>(v_); ++id) {
      by_pitch.push_back(id);
    }
    std::sort(by_pitch.begin(), by_pitch.end(), [&](int a, int b) {
      return music::parse_pitch(vocabulary.token(a)) < music::parse_pitch(vocabulary.token(b));
    });
    const bachprop::Matrix<double> full = first_order.transition_matrix();
    bachprop::Matrix<double> matrix(static_cast<bachprop::Index>(by_pitch.size()),
                                    static_cast<bachprop::Index>(by_pitch.size()));
    std::vector<std::string> labels;
    for (std::size_t r = 0; r < by_pitch.size(); ++r) {
      labels.push_back(vocabulary.token(by_pitch[r]));
      for (std::size_t c = 0; c < by_pitch.size(); ++c) {
        matrix(static_cast<bachprop::Index>(r), static_cast<bachprop::Index>(c)) =
            full(by_pitch[r], by_pitch[c]);
      }
    }
    const auto heat_path = options_.output.file("markov_bach_transitions.png");
    bachprop::write_png(heat_path,
                        music::draw_heat_map(matrix, labels, labels,
                                             {.cell = 14,
                                              .title = "P(NEXT NOTE | NOTE), JSB SOPRANO",
                                              .row_axis = "NOTE",
                                              .column_axis = "NEXT NOTE"}));
    std::printf("wrote %s (order-1 transition matrix, %zu x %zu)\n", heat_path.string().c_str(),
                by_pitch.size(), by_pitch.size());
    summary_["transition_matrix_png"] = heat_path.string();
  }

  /// A generated melody, its pitches spelled as its key spells them; the melodies follow one
  /// another in the score, two quarter notes apart.
  void melody(const music::Key& key, const music::Melody& melody) {
    const int m = static_cast<int>(generated_.size());
    const std::string name =
        "Melody " + std::to_string(m + 1) + " (" + music::key_name(key) + ")";
    std::printf("%s:", name.c_str());
    for (const auto& e : melody) {
      std::printf(" %s", music::pitch_name_in(e.pitch, key).c_str());
    }
    std::printf("\n");
    generated_.push_back({{"key", music::key_name(key)}, {"pitches", music::tokenize(melody)}});
    score_.parts.push_back(music::melody_to_part(melody, name, 0, m % 9, start_, 80));
    start_ += music::melody_length(melody) + 2.0;
  }

  /// The generated melodies as MIDI, MusicXML, piano roll and (where FluidSynth is installed)
  /// WAV, when there are any.
  void generated() {
    summary_["generated"] = generated_;
    if (options_.melodies > 0) {
      examples::ScoreFiles files = examples::score_file_names(options_.output, "markov_bach");
      bachprop::music::write_midi(files.midi, score_);
      examples::write_beside_midi(
          files, score_, options_.output, true,
          {.pixels_per_quarter = 8, .pixels_per_semitone = 5,
           .title = "MARKOV ORDER " + std::to_string(options_.generation_order) + " MELODIES"});
      std::printf("%.0f seconds of music:\n", score_.seconds());
      examples::print_score_files(files, "");
      std::printf("Listen: scripts/render_wav.sh %s\n", files.midi.string().c_str());
      summary_["midi"] = files.midi.string();
      summary_["musicxml"] = files.musicxml.string();
      summary_["piano_roll"] = files.png.string();
    }
  }

 private:
  nlohmann::json generated_ = nlohmann::json::array();
  music::Score score_;  // the generated melodies
  double start_ = 0.0;  // where the next one starts, in quarter notes
  std::size_t v_ = 0;           // tokens in the vocabulary, <unk> included
  std::size_t test_notes_ = 0;
};

}  // namespace markov_bach
