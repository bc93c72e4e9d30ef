// markov_bach: style imitation by counting. Markov chains of orders 1-4 learn which pitch
// follows which in the soprano lines of the Bach chorales (JSB training split), are scored on
// the test split (bits per note, next-note accuracy) beside the uniform and unigram baselines,
// show their order-1 transition matrix as a heat map, and generate new melodies — in key, with
// no immediate repeats, ending on the tonic — written as MIDI and a piano roll.

#include "common/audio.hpp"
#include "common/cli.hpp"
#include "common/data_path.hpp"

#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/corpora.hpp>
#include <bachprop/music/encoding.hpp>
#include <bachprop/music/generate/markov.hpp>
#include <bachprop/music/draw/piano_roll_image.hpp>
#include <bachprop/music/generate/sampling.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace music = bachprop::music;
using Sequences = std::vector<std::vector<int>>;

namespace {

// The smoothing methods compared, with their names in the table.
constexpr std::array<music::Smoothing, 3> smoothings{
    music::Smoothing::interpolated, music::Smoothing::backoff, music::Smoothing::add_k};
constexpr std::array<const char*, 3> smoothing_names{"Witten-Bell", "back-off", "add-k"};

// Pitch tokens of melodies (rests left out: one token per note), as vocabulary ids.
Sequences pitch_ids(const std::vector<music::Melody>& melodies, const music::Vocabulary& v) {
  Sequences out;
  for (const auto& m : melodies) {
    std::vector<std::string> names;
    for (const int p : music::melody_pitches(m)) {
      names.push_back(music::pitch_name(p));
    }
    out.push_back(v.encode(names));
  }
  return out;
}

std::vector<std::vector<std::string>> pitch_names(const std::vector<music::Melody>& melodies) {
  std::vector<std::vector<std::string>> out;
  for (const auto& m : melodies) {
    out.emplace_back();
    for (const int p : music::melody_pitches(m)) {
      out.back().push_back(music::pitch_name(p));
    }
  }
  return out;
}

// Duration tokens (sixteenths, as text) of the notes of melodies.
std::vector<std::vector<std::string>> duration_names(const std::vector<music::Melody>& melodies) {
  std::vector<std::vector<std::string>> out;
  for (const auto& m : melodies) {
    out.emplace_back();
    for (const auto& e : m) {
      if (!e.is_rest()) {
        out.back().push_back(std::to_string(std::lround(e.duration * 4)));
      }
    }
  }
  return out;
}

music::MarkovChain train_chain(std::size_t vocabulary, int order, music::Smoothing smoothing,
                               double k, const Sequences& train) {
  music::MarkovChain chain(vocabulary, {.order = order, .smoothing = smoothing, .k = k});
  chain.fit(train);
  return chain;
}

struct Cell {
  double bits = 0.0;
  double accuracy = 0.0;
  double k = 0.0;
};

// The k of the best validation score, then the test score with it.
Cell tuned(std::size_t vocabulary, int order, music::Smoothing smoothing, const Sequences& train,
           const Sequences& valid, const Sequences& test) {
  double best_k = 1.0;
  double best_bits = INFINITY;
  for (const double k : {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0}) {
    const double bits =
        train_chain(vocabulary, order, smoothing, k, train).evaluate(valid).bits_per_token;
    if (bits < best_bits) {
      best_bits = bits;
      best_k = k;
    }
  }
  const auto e = train_chain(vocabulary, order, smoothing, best_k, train).evaluate(test);
  return {e.bits_per_token, e.accuracy, best_k};
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 1;
  std::string summary_path;
  std::string data;
  std::string jsb_file = "Jsb16thSeparated.json";
  std::string out = "markov_bach_out";
  int max_order = 4;
  int generation_order = 2;
  int melodies = 4;
  int length = 32;
  double temperature = 1.0;
  std::size_t top_k = 0;
  double top_p = 1.0;
  int uci_folds = 10;
  bool augment = false;
  bool wav = false;
  examples::CommandLine cli(
      "markov_bach",
      "Markov chains learn the soprano lines of the Bach chorales (JSB training split), are "
      "scored on the test split in bits per note for orders 1-4 beside the uniform and unigram "
      "baselines, draw their transition matrix, and generate melodies as MIDI and piano roll.");
  cli.standard(seed, summary_path)
      .option("data", data, "DIR", "folder holding jsb-chorales/ (and bach-chorales-uci/)")
      .option("jsb-file", jsb_file, "NAME", "which JSB file to read from jsb-chorales/")
      .option("max-order", max_order, "N", "highest Markov order in the table (1..8)")
      .option("order", generation_order, "N", "order of the chain that generates")
      .option("melodies", melodies, "N", "melodies to generate")
      .option("length", length, "N", "notes per generated melody")
      .option("temperature", temperature, "T", "sampling temperature (0 = always the likeliest)")
      .option("top-k", top_k, "K", "sample among the K likeliest notes only (0 = all)")
      .option("top-p", top_p, "P", "sample among the likeliest notes holding probability P")
      .option("uci-folds", uci_folds, "N",
              "cross-validation folds on the UCI melodies, if present (0 = skip)")
      .option("out", out, "DIR", "folder for the MIDI file and pictures")
      .flag("augment", augment, "also train on every transposition that stays in range")
      .flag("wav", wav, "also render markov_bach.wav with FluidSynth (when installed)");
  if (!cli.parse(argc, argv)) {
    return cli.exit_code();
  }
  return examples::run_reporting_errors(cli.program(), [&] {
    if (max_order < 1 || max_order > 8 || generation_order < 1 || generation_order > 8 ||
        melodies < 0 || length < 2 || uci_folds < 0 || uci_folds == 1) {
      throw bachprop::ArgumentError("--max-order and --order must be 1..8, --melodies ≥ 0, "
                                    "--length ≥ 2, --uci-folds 0 or ≥ 2");
    }
    const auto folder = examples::find_data_folder(data, "jsb-chorales");
    const music::JsbCorpus corpus = music::load_jsb_chorales(folder / jsb_file);
    std::vector<music::Melody> train_lines = music::soprano_lines(corpus, "train");
    const auto valid_lines = music::soprano_lines(corpus, "valid");
    const auto test_lines = music::soprano_lines(corpus, "test");
    nlohmann::json summary;
    std::printf("JSB chorales (%s): %zu / %zu / %zu chorales in train / valid / test\n",
                jsb_file.c_str(), corpus.train.size(), corpus.valid.size(), corpus.test.size());
    const auto stats = music::melody_statistics(train_lines);
    std::printf("soprano lines, training split: %zu notes (repeated sixteenths joined), pitches "
                "%s..%s, %zu keys estimated\n",
                stats.notes, music::pitch_name(stats.lowest_pitch).c_str(),
                music::pitch_name(stats.highest_pitch).c_str(), stats.keys.size());
    summary["train_statistics"] = stats.to_json();
    if (augment) {
      std::vector<music::Melody> more;
      for (const auto& line : train_lines) {
        for (auto& t :
             music::transpositions(line, -5, 6, stats.lowest_pitch, stats.highest_pitch)) {
          more.push_back(std::move(t));
        }
      }
      std::printf("augmented: %zu training lines (every transposition by -5..+6 semitones that "
                  "stays in %s..%s)\n",
                  more.size(), music::pitch_name(stats.lowest_pitch).c_str(),
                  music::pitch_name(stats.highest_pitch).c_str());
      train_lines = std::move(more);
    }

    // One token per note: its pitch name; pitches the training split never has map to <unk>.
    const music::Vocabulary vocabulary = music::Vocabulary::build(pitch_names(train_lines));
    const Sequences train = pitch_ids(train_lines, vocabulary);
    const Sequences valid = pitch_ids(valid_lines, vocabulary);
    const Sequences test = pitch_ids(test_lines, vocabulary);
    std::size_t test_notes = 0;
    std::size_t unseen = 0;
    for (const auto& s : test) {
      test_notes += s.size();
      unseen += static_cast<std::size_t>(std::count(s.begin(), s.end(), 0));
    }
    const std::size_t v = vocabulary.size();
    std::printf("vocabulary: %zu pitches + <unk>; the test split has %zu notes, %zu of them "
                "unseen in training\n\n",
                v - 1, test_notes, unseen);

    // The table: held-out negative log-likelihood per note in bits, and next-note accuracy.
    std::printf("Held-out test split, %zu notes: bits per note (lower is better) / next-note "
                "accuracy\nk of add-k chosen on the validation split\n\n",
                test_notes);
    std::printf("  %-22s %-22s %-22s %-22s\n", "model", smoothing_names[0], smoothing_names[1],
                smoothing_names[2]);
    const double uniform_bits = std::log2(static_cast<double>(v));
    std::printf("  %-22s %5.2f bits  %4.1f%%\n", "uniform", uniform_bits, 100.0 / v);
    summary["table"]["uniform"] = {{"bits", uniform_bits}, {"accuracy", 1.0 / v}};
    // Reference numbers (ANCHORS): n-gram n = order + 1, pitch tokens, test split.
    const std::array<std::pair<double, double>, 4> anchors{
        {{0, 0}, {2.46, 36.8}, {2.17, 47.1}, {2.23, 48.7}}};
    for (int order = 0; order <= max_order; ++order) {
      const std::string name =
          order == 0 ? std::string("unigram (order 0)") : "order " + std::to_string(order);
      std::printf("  %-22s", name.c_str());
      nlohmann::json row;
      for (std::size_t s = 0; s < smoothings.size(); ++s) {
        const Cell cell = tuned(v, order, smoothings[s], train, valid, test);
        std::printf(" %5.2f bits  %4.1f%%     ", cell.bits, 100.0 * cell.accuracy);
        row[smoothing_names[s]] = {{"bits", cell.bits}, {"accuracy", cell.accuracy},
                                   {"k", cell.k}};
      }
      if (order >= 1 && order <= 3) {
        std::printf("(reference %d-gram: %.2f bits, %.1f%%)",
                    order + 1, anchors[static_cast<std::size_t>(order)].first,
                    anchors[static_cast<std::size_t>(order)].second);
      }
      std::printf("\n");
      summary["table"][name] = row;
    }
    std::printf("\n  Order 1 is the first-order chain (a bigram model); n-gram tables count n - 1 "
                "notes of context.\n\n");

    // UCI melodies: cross-validation by chorale, Witten-Bell.
    std::filesystem::path uci_file;
    try {
      uci_file = examples::find_data_folder(data, "bach-chorales-uci") / "chorales.lisp";
    } catch (const bachprop::IoError&) {
      uci_file.clear();
    }
    if (uci_folds >= 2 && !uci_file.empty() && std::filesystem::exists(uci_file)) {
      const auto chorales = music::load_uci_chorales(uci_file);
      std::vector<music::Melody> lines;
      for (const auto& c : chorales) {
        lines.push_back(c.melody());
      }
      std::printf("UCI melodies (%zu chorales), %d-fold cross-validation by chorale, "
                  "Witten-Bell (k = 0.1): bits per note / accuracy\n",
                  lines.size(), uci_folds);
      for (int order = 0; order <= max_order; ++order) {
        double bits = 0.0;
        double right = 0.0;
        double notes = 0.0;
        for (int fold = 0; fold < uci_folds; ++fold) {
          std::vector<music::Melody> fold_train;
          std::vector<music::Melody> fold_test;
          for (std::size_t i = 0; i < lines.size(); ++i) {
            (static_cast<int>(i % static_cast<std::size_t>(uci_folds)) == fold ? fold_test
                                                                               : fold_train)
                .push_back(lines[i]);
          }
          const auto fold_vocabulary = music::Vocabulary::build(pitch_names(fold_train));
          const auto chain =
              train_chain(fold_vocabulary.size(), order, music::Smoothing::interpolated, 0.1,
                          pitch_ids(fold_train, fold_vocabulary));
          const auto e = chain.evaluate(pitch_ids(fold_test, fold_vocabulary));
          bits += e.bits;
          right += e.accuracy * static_cast<double>(e.tokens);
          notes += static_cast<double>(e.tokens);
        }
        std::printf("  order %d: %5.2f bits  %4.1f%%\n", order, bits / notes,
                    100.0 * right / notes);
        summary["uci"]["order " + std::to_string(order)] = {{"bits", bits / notes},
                                                            {"accuracy", right / notes}};
      }
      std::printf("  (reference: pitch n-grams at best 2.64 bits, 37.9%%; Conklin & Witten's "
                  "multiple viewpoints about 1.8 bits)\n\n");
    }

    std::filesystem::create_directories(out);
    // The order-1 transition matrix, rows and columns in pitch order (the <unk> token left out).
    const auto first_order = train_chain(v, 1, music::Smoothing::interpolated, 0.1, train);
    std::vector<int> by_pitch;
    for (int id = 1; id < static_cast<int>(v); ++id) {
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
    const auto heat_path = std::filesystem::path(out) / "markov_bach_transitions.png";
    bachprop::write_png(heat_path,
                        music::draw_heat_map(matrix, labels, labels,
                                             {.cell = 14,
                                              .title = "P(NEXT NOTE | NOTE), JSB SOPRANO",
                                              .row_axis = "NOTE",
                                              .column_axis = "NEXT NOTE"}));
    std::printf("wrote %s (order-1 transition matrix, %zu x %zu)\n", heat_path.string().c_str(),
                by_pitch.size(), by_pitch.size());

    // Generation: pitches from an order-n chain under constraints, rhythm from an order-2 chain
    // of durations (the two are independent).
    const auto pitch_chain = train_chain(v, generation_order, music::Smoothing::interpolated,
                                         0.1, train);
    const auto duration_vocabulary =
        music::Vocabulary::build(duration_names(train_lines), 1, false);
    Sequences duration_train;
    for (const auto& names : duration_names(train_lines)) {
      duration_train.push_back(duration_vocabulary.encode(names));
    }
    const auto rhythm_chain = train_chain(duration_vocabulary.size(), 2,
                                          music::Smoothing::interpolated, 0.1, duration_train);
    const std::vector<int> option_pitches = vocabulary.option_pitches();
    const music::SamplingOptions sampling{temperature, top_k, top_p};
    bachprop::Rng rng(seed);
    music::Score generated;
    generated.title = "Markov chain melodies after Bach";
    generated.tempo_bpm = 84.0;
    double start = 0.0;
    std::vector<int> history_pitches;
    history_pitches.reserve(static_cast<std::size_t>(length) + 16);
    nlohmann::json generated_summary = nlohmann::json::array();
    for (int m = 0; m < melodies; ++m) {
      // Prime with the opening notes of a training chorale and keep to its key.
      const auto& model_line =
          train_lines[static_cast<std::size_t>(rng.below(train_lines.size()))];
      std::vector<int> pitches_in = music::melody_pitches(model_line);
      std::vector<double> durations_in;
      for (const auto& e : model_line) {
        if (!e.is_rest()) {
          durations_in.push_back(e.duration);
        }
      }
      const music::Key key =
          music::estimate_key(music::pitch_class_histogram(pitches_in, durations_in)).key;
      const std::size_t prime_length =
          std::min<std::size_t>(static_cast<std::size_t>(generation_order), pitches_in.size());
      std::vector<int> prime;
      for (std::size_t i = 0; i < prime_length; ++i) {
        prime.push_back(vocabulary.id(music::pitch_name(pitches_in[i])));
      }
      music::MelodyConstraints constraints{.key = key,
                                           .harmonic_minor = true,
                                           .lowest_pitch = stats.lowest_pitch,
                                           .highest_pitch = stats.highest_pitch,
                                           .max_repeats = 1,
                                           .allow_rest = false};
      const std::size_t total = static_cast<std::size_t>(length);
      const auto new_ids = pitch_chain.generate(
          prime, total - prime_length, rng, sampling,
          [&](std::span<const int> history, std::span<std::uint8_t> mask) {
            history_pitches.clear();
            for (const int id : history) {
              history_pitches.push_back(option_pitches[static_cast<std::size_t>(id)]);
            }
            constraints.apply(option_pitches, history_pitches, mask);
            mask[0] = 0;  // never the unknown token
            if (history.size() + 1 == total) {
              // The last note is the tonic nearest the note before it (even if that repeats it).
              const int last = history_pitches.back();
              int nearest = -1;
              for (const int p : option_pitches) {
                if (p >= 0 && music::pitch_class(p) == key.tonic &&
                    (nearest < 0 || std::abs(p - last) < std::abs(nearest - last))) {
                  nearest = p;
                }
              }
              for (std::size_t i = 0; i < mask.size(); ++i) {
                mask[i] = option_pitches[i] == nearest ? 1 : 0;
              }
            }
          });
      std::vector<int> ids = prime;
      ids.insert(ids.end(), new_ids.begin(), new_ids.end());
      const auto rhythm_ids = rhythm_chain.generate({}, ids.size(), rng, sampling);
      music::Melody melody;
      for (std::size_t i = 0; i < ids.size(); ++i) {
        double duration =
            std::stod(duration_vocabulary.token(rhythm_ids[i])) / 4.0;
        if (i + 1 == ids.size()) {
          duration = std::max(duration, 2.0);  // a final note held like a fermata
        }
        melody.push_back({option_pitches[static_cast<std::size_t>(ids[i])], duration});
      }
      const std::string name =
          "Melody " + std::to_string(m + 1) + " (" + music::key_name(key) + ")";
      music::Part part = music::melody_to_part(melody, name, 0, m % 9, start, 80);
      std::printf("%s:", name.c_str());
      for (const auto& e : melody) {
        std::printf(" %s", music::pitch_name_in(e.pitch, key).c_str());
      }
      std::printf("\n");
      generated_summary.push_back({{"key", music::key_name(key)},
                                   {"pitches", music::tokenize(melody)}});
      start += music::melody_length(melody) + 2.0;
      generated.parts.push_back(std::move(part));
    }
    if (melodies > 0) {
      const auto midi_path = std::filesystem::path(out) / "markov_bach.mid";
      const auto roll_path = std::filesystem::path(out) / "markov_bach.png";
      bachprop::music::write_midi(midi_path, generated);
      music::write_piano_roll_png(roll_path, generated,
                                  {.pixels_per_quarter = 8, .pixels_per_semitone = 5,
                                   .title = "MARKOV ORDER " + std::to_string(generation_order) +
                                            " MELODIES"});
      std::printf("wrote %s (%.0f seconds) and %s\n", midi_path.string().c_str(),
                  generated.seconds(), roll_path.string().c_str());
      if (wav) {
        std::string why;
        const auto wav_path = std::filesystem::path(out) / "markov_bach.wav";
        if (examples::render_wav(midi_path, wav_path, why)) {
          std::printf("wrote %s\n", wav_path.string().c_str());
        } else {
          std::printf("no WAV: %s\n", why.c_str());
        }
      }
      std::cout << "Listen: scripts/render_wav.sh " << midi_path.string() << "\n";
      summary["midi"] = midi_path.string();
      summary["piano_roll"] = roll_path.string();
    }
    summary["generated"] = generated_summary;
    summary["transition_matrix_png"] = heat_path.string();
    summary["vocabulary"] = v;
    summary["test_notes"] = test_notes;
    examples::write_summary(summary_path, summary);
    return 0;
  });
}
