#pragma once
// The markov_bach lesson's building blocks: melodies as sequences of tokens (and the UCI
// melodies where present), Markov chains fitted to them by counting and scored on held-out
// melodies, and a generator that samples new melodies from a chain of pitches and a chain of
// durations under the constraints of a key.

#include "common/data_path.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/music/encoding.hpp>
#include <bachprop/music/generate/markov.hpp>
#include <bachprop/music/generate/sampling.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace markov_bach {

namespace music = bachprop::music;
using Sequences = std::vector<std::vector<int>>;

/// The smoothing methods compared, and their names in the table.
inline constexpr std::array<music::Smoothing, 3> smoothings{
    music::Smoothing::interpolated, music::Smoothing::backoff, music::Smoothing::add_k};
inline constexpr std::array<const char*, 3> smoothing_names{"Witten-Bell", "back-off", "add-k"};

/// The pitch names of the notes of melodies (rests left out: one token per note).
inline std::vector<std::vector<std::string>> pitch_names(
    const std::vector<music::Melody>& melodies) {
  std::vector<std::vector<std::string>> out;
  for (const auto& m : melodies) {
    out.emplace_back();
    for (const int p : music::melody_pitches(m)) {
      out.back().push_back(music::pitch_name(p));
    }
  }
  return out;
}

/// Duration tokens (sixteenths, as text) of the notes of melodies.
inline std::vector<std::vector<std::string>> duration_names(
    const std::vector<music::Melody>& melodies) {
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

/// Token sequences as vocabulary ids (<unk> for a token the vocabulary lacks).
inline Sequences encode(const std::vector<std::vector<std::string>>& tokens,
                        const music::Vocabulary& vocabulary) {
  Sequences out;
  for (const auto& names : tokens) {
    out.push_back(vocabulary.encode(names));
  }
  return out;
}

/// The pitches of melodies as vocabulary ids.
inline Sequences pitch_ids(const std::vector<music::Melody>& melodies,
                           const music::Vocabulary& vocabulary) {
  return encode(pitch_names(melodies), vocabulary);
}

/// Every transposition of the lines by -5..+6 semitones that stays within `lowest`..`highest`.
inline std::vector<music::Melody> transposed_lines(const std::vector<music::Melody>& lines,
                                                  int lowest, int highest) {
  std::vector<music::Melody> more;
  for (const auto& line : lines) {
    for (auto& t : music::transpositions(line, -5, 6, lowest, highest)) {
      more.push_back(std::move(t));
    }
  }
  return more;
}

/// A chain of `order` over `vocabulary` tokens, fitted to `train` by counting.
inline music::MarkovChain train_chain(std::size_t vocabulary, int order,
                                      music::Smoothing smoothing, double k,
                                      const Sequences& train) {
  music::MarkovChain chain(vocabulary, {.order = order, .smoothing = smoothing, .k = k});
  chain.fit(train);
  return chain;
}

/// A chain's held-out score, and the add-k constant it was fitted with.
struct Cell {
  double bits = 0.0;      // bits per token
  double accuracy = 0.0;  // how often the likeliest token was the right one
  double k = 0.0;
};

/// The chain of `order` and `smoothing` with the k of the best validation score, scored on
/// `test`.
inline Cell tuned(std::size_t vocabulary, int order, music::Smoothing smoothing,
                  const Sequences& train, const Sequences& valid, const Sequences& test) {
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

/// Cross-validation by melody: line i is tested in fold i mod `folds`, with a Witten-Bell chain
/// of `order` (k = 0.1) fitted to the other folds. Bits per note and accuracy over all folds.
inline Cell cross_validated(const std::vector<music::Melody>& lines, int order, int folds) {
  double bits = 0.0;
  double right = 0.0;
  double notes = 0.0;
  for (int fold = 0; fold < folds; ++fold) {
    std::vector<music::Melody> fold_train;
    std::vector<music::Melody> fold_test;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      (static_cast<int>(i % static_cast<std::size_t>(folds)) == fold ? fold_test : fold_train)
          .push_back(lines[i]);
    }
    const auto vocabulary = music::Vocabulary::build(pitch_names(fold_train));
    const auto chain = train_chain(vocabulary.size(), order, music::Smoothing::interpolated, 0.1,
                                   pitch_ids(fold_train, vocabulary));
    const auto e = chain.evaluate(pitch_ids(fold_test, vocabulary));
    bits += e.bits;
    right += e.accuracy * static_cast<double>(e.tokens);
    notes += static_cast<double>(e.tokens);
  }
  return {bits / notes, right / notes, 0.1};
}

/// The UCI chorales file under --data's bach-chorales-uci/, or an empty path where there is
/// none.
inline std::filesystem::path uci_file(const std::string& data) {
  std::filesystem::path file;
  try {
    file = examples::find_data_folder(data, "bach-chorales-uci") / "chorales.lisp";
  } catch (const bachprop::IoError&) {
    file.clear();
  }
  return std::filesystem::exists(file) ? file : std::filesystem::path();
}

/// The melodies of the UCI chorales.
inline std::vector<music::Melody> uci_melodies(const std::filesystem::path& file) {
  std::vector<music::Melody> lines;
  for (const auto& c : music::load_uci_chorales(file)) {
    lines.push_back(c.melody());
  }
  return lines;
}

/// The key of a melody, estimated from its notes' pitch classes weighted by duration.
inline music::Key key_of(const music::Melody& melody) {
  std::vector<double> durations;
  for (const auto& e : melody) {
    if (!e.is_rest()) {
      durations.push_back(e.duration);
    }
  }
  return music::estimate_key(
             music::pitch_class_histogram(music::melody_pitches(melody), durations))
      .key;
}

/// Samples melodies: pitches from a chain over pitch names, durations from a chain over
/// duration tokens (the two independent), the pitches kept to a key and a range.
struct MelodyGenerator {
  const music::MarkovChain& pitch_chain;
  const music::Vocabulary& pitch_vocabulary;
  const music::MarkovChain& rhythm_chain;
  const music::Vocabulary& duration_vocabulary;
  music::SamplingOptions sampling;
  int lowest_pitch = 0;
  int highest_pitch = 127;

  /// A melody of `length` notes: the first notes of `model` (as many as the pitch chain's
  /// order), then pitches of the scale of `key` (harmonic minor), never the same twice in a
  /// row, and last the tonic nearest the note before; the last note held like a fermata.
  music::Melody generate(const music::Melody& model, const music::Key& key, std::size_t length,
                         bachprop::Rng& rng) const {
    const std::vector<int> model_pitches = music::melody_pitches(model);
    const std::size_t prime_length =
        std::min<std::size_t>(static_cast<std::size_t>(pitch_chain.order()), model_pitches.size());
    std::vector<int> prime;
    for (std::size_t i = 0; i < prime_length; ++i) {
      prime.push_back(pitch_vocabulary.id(music::pitch_name(model_pitches[i])));
    }
    const std::vector<int> option_pitches = pitch_vocabulary.option_pitches();
    music::MelodyConstraints constraints{.key = key,
                                         .harmonic_minor = true,
                                         .lowest_pitch = lowest_pitch,
                                         .highest_pitch = highest_pitch,
                                         .max_repeats = 1,
                                         .allow_rest = false};
    std::vector<int> history_pitches;
    const auto new_ids = pitch_chain.generate(
        prime, length - prime_length, rng, sampling,
        [&](std::span<const int> history, std::span<std::uint8_t> mask) {
          history_pitches.clear();
          for (const int id : history) {
            history_pitches.push_back(option_pitches[static_cast<std::size_t>(id)]);
          }
          constraints.apply(option_pitches, history_pitches, mask);
          mask[0] = 0;  // never the unknown token
          if (history.size() + 1 == length) {
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
      double duration = std::stod(duration_vocabulary.token(rhythm_ids[i])) / 4.0;
      if (i + 1 == ids.size()) {
        duration = std::max(duration, 2.0);  // a final note held like a fermata
      }
      melody.push_back({option_pitches[static_cast<std::size_t>(ids[i])], duration});
    }
    return melody;
  }
};

}  // namespace markov_bach
