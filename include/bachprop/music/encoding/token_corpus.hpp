#pragma once
/// @file
/// A corpus of chord tokens (chord_tokens.hpp) ready for a next-token model: pieces from any
/// folder of MIDI files (split by file with a seed, the files that cannot be read named and
/// skipped) or from the JSB chorales (their own split), a vocabulary built from the training
/// pieces alone with a minimum count (rarer tokens become the unknown token), and the pieces as
/// ids.

#include <bachprop/core/error.hpp>
#include <bachprop/music/corpora/jsb.hpp>
#include <bachprop/music/corpora/midi_folder.hpp>
#include <bachprop/music/encoding/chord_tokens.hpp>
#include <bachprop/music/encoding/vocabulary.hpp>
#include <bachprop/music/theory/key.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bachprop::music {

/// The semitones (−6..5) that move `score` from the key its notes suggest (Krumhansl-Kessler,
/// weighted by duration) to C major, or A minor for a minor key.
inline int shift_to_c(const Score& score) {
  std::array<double, 12> histogram{};
  for (const Part& part : score.parts) {
    for (const Note& n : part.notes) {
      if (part.channel != 9) {
        histogram[static_cast<std::size_t>(n.pitch % 12)] += n.duration;
      }
    }
  }
  const Key key = estimate_key(histogram).key;
  const int target = key.mode == Mode::major ? 0 : 9;
  int shift = ((target - key.tonic) % 12 + 12) % 12;
  return shift >= 6 ? shift - 12 : shift;
}

/// The score moved into C major or A minor (shift_to_c), unless that would leave the MIDI range.
inline Score in_c(const Score& score) {
  try {
    return transposed(score, shift_to_c(score));
  } catch (const ArgumentError&) {
    return score;
  }
}

/// How a token corpus is made.
struct TokenCorpusOptions {
  /// Move every piece into C major or A minor first (its key estimated from its notes): the
  /// same music in another key becomes the same tokens.
  bool to_c = false;
  /// Augmentation: each training piece also moved by every shift from −transpose to +transpose
  /// semitones (those that keep its notes in the MIDI range). Validation pieces stay as they are.
  int transpose = 0;
  /// Tokens seen fewer times than this in the training pieces map to the unknown token.
  std::size_t min_count = 2;
  double validation_share = 0.1;  ///< of a MIDI folder's files (the JSB chorales have a split)
  std::uint64_t seed = 1;         ///< the split of a MIDI folder's files
  DurationClasses durations{};    ///< the duration classes
  ChordTokenOptions tokens{};     ///< onsets that count as together, shortest rest
};

/// Pieces as chord tokens, split for training and validation, with their vocabulary.
struct TokenCorpus {
  std::string source{};                   ///< "JSB chorales", "MIDI folder songs/"
  std::vector<ChordTokens> train{};       ///< the training pieces
  std::vector<ChordTokens> valid{};       ///< the validation pieces
  Vocabulary vocabulary{};                ///< from the training pieces, with the unknown token
  DurationClasses durations{};            ///< the duration classes
  std::size_t distinct_tokens = 0;        ///< distinct tokens in the training pieces
  std::vector<SkippedFile> skipped{};     ///< MIDI files that could not be read
  std::size_t ignored = 0;                ///< other files in the folder
  std::string report{};                   ///< the folder reader's account ("" for JSB)

  /// Tokens in the pieces of `split` ("train" or "valid").
  std::size_t token_count(const std::vector<ChordTokens>& split) const {
    std::size_t n = 0;
    for (const auto& piece : split) {
      n += piece.size();
    }
    return n;
  }
  /// The vocabulary ids of each piece of `split`.
  std::vector<std::vector<int>> ids(const std::vector<ChordTokens>& split) const {
    std::vector<std::vector<int>> out;
    out.reserve(split.size());
    for (const auto& piece : split) {
      out.push_back(vocabulary.encode(piece.tokens));
    }
    return out;
  }
  /// The duration classes of each piece of `split`.
  static std::vector<std::vector<int>> duration_ids(const std::vector<ChordTokens>& split) {
    std::vector<std::vector<int>> out;
    out.reserve(split.size());
    for (const auto& piece : split) {
      out.push_back(piece.durations);
    }
    return out;
  }
  /// Tokens of the validation pieces that map to the unknown token.
  std::size_t unknown_in_validation() const {
    std::size_t n = 0;
    for (const auto& piece : valid) {
      for (const auto& t : piece.tokens) {
        n += vocabulary.contains(t) ? 0 : 1;
      }
    }
    return n;
  }
};

/// `score` as chord tokens named `name` (moved into C first when asked), appended to `out`;
/// with `augment`, also every transposition of it options.transpose asks for.
inline void add_tokenised(const Score& score, const std::string& name,
                          const TokenCorpusOptions& options, bool augment,
                          std::vector<ChordTokens>& out) {
  const Score base = options.to_c ? in_c(score) : score;
  const int reach = augment ? std::max(options.transpose, 0) : 0;
  for (int shift = -reach; shift <= reach; ++shift) {
    Score moved;
    try {
      moved = shift == 0 ? base : transposed(base, shift);
    } catch (const ArgumentError&) {
      continue;  // a note would leave the MIDI range
    }
    ChordTokens piece = chord_tokens(moved, options.durations, options.tokens);
    piece.name = shift == 0 ? name : name + " moved " + std::to_string(shift);
    out.push_back(std::move(piece));
  }
}

/// A corpus of already tokenised pieces: the training and validation pieces as given, the
/// vocabulary built from the training pieces (options.min_count). ArgumentError when no
/// training piece has a token.
inline TokenCorpus token_corpus(std::vector<ChordTokens> train, std::vector<ChordTokens> valid,
                                const TokenCorpusOptions& options, std::string source) {
  TokenCorpus corpus;
  corpus.source = std::move(source);
  corpus.durations = options.durations;
  corpus.train = std::move(train);
  corpus.valid = std::move(valid);
  std::vector<std::vector<std::string>> texts;
  for (const auto& piece : corpus.train) {
    texts.push_back(piece.tokens);
  }
  if (corpus.token_count(corpus.train) == 0) {
    throw ArgumentError(corpus.source + ": the training pieces have no notes");
  }
  corpus.distinct_tokens = Vocabulary::build(texts, 1, false).size();
  corpus.vocabulary = Vocabulary::build(texts, std::max<std::size_t>(options.min_count, 1), true);
  return corpus;
}

/// Every MIDI file under `folder` as chord tokens, split by file (options.seed,
/// options.validation_share; at least one validation file when there are two or more), the
/// files that cannot be read recorded in `skipped`. ArgumentError when no file can be read.
inline TokenCorpus midi_token_corpus(const std::filesystem::path& folder,
                                     const TokenCorpusOptions& options = {}) {
  const MidiFolder read = read_midi_folder(folder);
  if (read.files.empty()) {
    throw ArgumentError(folder.string() + ": no MIDI file could be read (" +
                        midi_folder_report(read) + ")");
  }
  FileSplit split =
      split_by_file(read.files.size(), options.validation_share, 0.0, options.seed);
  if (split.valid.empty() && split.train.size() >= 2) {
    split.valid.push_back(split.train.back());
    split.train.pop_back();
  }
  std::vector<ChordTokens> train;
  std::vector<ChordTokens> valid;
  for (const std::size_t i : split.train) {
    add_tokenised(read.files[i].score, read.files[i].path.generic_string(), options, true, train);
  }
  for (const std::size_t i : split.valid) {
    add_tokenised(read.files[i].score, read.files[i].path.generic_string(), options, false,
                  valid);
  }
  TokenCorpus corpus = token_corpus(std::move(train), std::move(valid), options,
                                    "MIDI folder " + folder.string());
  corpus.skipped = read.skipped;
  corpus.ignored = read.ignored.size();
  corpus.report = midi_folder_report(read);
  return corpus;
}

/// The JSB chorales (a corpus with the four voices, such as Jsb16thSeparated.json) as chord
/// tokens: each chorale's score (chorale_to_score), their own training and validation split.
inline TokenCorpus jsb_token_corpus(const JsbCorpus& chorales,
                                    const TokenCorpusOptions& options = {}) {
  auto tokens_of = [&](const std::vector<JsbChorale>& split, const char* name, bool augment) {
    std::vector<ChordTokens> out;
    for (std::size_t i = 0; i < split.size(); ++i) {
      add_tokenised(chorale_to_score(split[i], chorales),
                    std::string(name) + " chorale " + std::to_string(i), options, augment, out);
    }
    return out;
  };
  return token_corpus(tokens_of(chorales.train, "training", true),
                      tokens_of(chorales.valid, "validation", false), options, "JSB chorales");
}

}  // namespace bachprop::music
