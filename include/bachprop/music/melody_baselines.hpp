#pragma once
/// @file
/// The yardsticks a melody model must beat, scored exactly as MelodyRnn::evaluate scores a
/// network (every note after the first of each held-out melody, from the notes before it):
///   - uniform: every pitch of the vocabulary equally likely;
///   - unigram: each pitch as often as in the training melodies;
///   - Markov chains of order n over pitches (the last n pitches predict the next);
///   - Markov chains of order n over intervals (the last n melodic steps predict the next
///     step), which do not care in which key a tune is.
/// The chains are music/markov.hpp's, with Witten-Bell interpolation down to an add-k unigram,
/// so no held-out pitch has probability zero.

#include <bachprop/core/error.hpp>
#include <bachprop/music/markov.hpp>
#include <bachprop/music/melody_scores.hpp>
#include <bachprop/music/note_sequence.hpp>

#include <cmath>
#include <span>
#include <vector>

namespace bachprop::music {

namespace detail {

inline void check_in_vocabulary(const std::vector<NoteSequence>& melodies,
                                const MelodyVocabulary& vocabulary, const char* who) {
  for (std::size_t m = 0; m < melodies.size(); ++m) {
    for (const int p : melodies[m].pitches) {
      if (!vocabulary.has_pitch(p)) {
        throw ArgumentError(std::string(who) + ": melody " + std::to_string(m) + " has pitch " +
                            std::to_string(p) + ", outside the vocabulary " +
                            std::to_string(vocabulary.lowest_pitch) + ".." +
                            std::to_string(vocabulary.highest_pitch));
      }
    }
  }
}

// Adds one prediction (a distribution over the vocabulary's pitches) to the running scores.
inline void score_pitch(std::span<const double> distribution, Index truth, MelodyScores& scores) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < distribution.size(); ++i) {
    if (distribution[i] > distribution[best]) {
      best = i;
    }
  }
  scores.pitch_accuracy += static_cast<Index>(best) == truth ? 1.0 : 0.0;
  scores.bits_per_pitch -= std::log2(std::max(distribution[static_cast<std::size_t>(truth)], 1e-300));
  ++scores.notes;
}

inline MelodyScores averaged(MelodyScores scores) {
  if (scores.notes > 0) {
    scores.pitch_accuracy /= static_cast<double>(scores.notes);
    scores.bits_per_pitch /= static_cast<double>(scores.notes);
  }
  return scores;
}

}  // namespace detail

/// Every pitch of the vocabulary equally likely: log2(pitch count) bits, and right 1/(pitch
/// count) of the time. (The argmax of a flat distribution would name one fixed pitch, and its
/// accuracy would say which pitch that is, not what guessing scores.)
inline MelodyScores uniform_pitch_scores(const MelodyVocabulary& vocabulary,
                                         const std::vector<NoteSequence>& test) {
  detail::check_in_vocabulary(test, vocabulary, "uniform_pitch_scores");
  MelodyScores scores;
  const std::vector<double> flat(static_cast<std::size_t>(vocabulary.pitch_count()),
                                 1.0 / static_cast<double>(vocabulary.pitch_count()));
  for (const auto& melody : test) {
    for (std::size_t t = 1; t < melody.size(); ++t) {
      detail::score_pitch(flat, vocabulary.pitch_index(melody.pitches[t]), scores);
    }
  }
  scores = detail::averaged(scores);
  scores.pitch_accuracy = 1.0 / static_cast<double>(vocabulary.pitch_count());
  return scores;
}

/// A Markov chain of `order` over pitches (order 0: the unigram), counted on `train`.
inline MelodyScores pitch_markov_scores(int order, const std::vector<NoteSequence>& train,
                                        const std::vector<NoteSequence>& test,
                                        const MelodyVocabulary& vocabulary) {
  detail::check_in_vocabulary(train, vocabulary, "pitch_markov_scores");
  detail::check_in_vocabulary(test, vocabulary, "pitch_markov_scores");
  auto tokens = [&](const NoteSequence& melody) {
    std::vector<int> out;
    for (const int p : melody.pitches) {
      out.push_back(static_cast<int>(vocabulary.pitch_index(p)));
    }
    return out;
  };
  MarkovChain chain(static_cast<std::size_t>(vocabulary.pitch_count()), {.order = order});
  for (const auto& melody : train) {
    chain.add_sequence(tokens(melody));
  }
  MelodyScores scores;
  std::vector<double> distribution(static_cast<std::size_t>(vocabulary.pitch_count()));
  for (const auto& melody : test) {
    const std::vector<int> sequence = tokens(melody);
    for (std::size_t t = 1; t < sequence.size(); ++t) {
      chain.distribution(std::span<const int>(sequence).first(t), distribution);
      detail::score_pitch(distribution, sequence[t], scores);
    }
  }
  return detail::averaged(scores);
}

/// A Markov chain of `order` over melodic intervals (semitones from one note to the next),
/// counted on `train`. Its distribution over the next interval becomes one over pitches by
/// adding the interval to the last pitch; intervals that would leave the vocabulary are
/// dropped and the rest renormalised.
inline MelodyScores interval_markov_scores(int order, const std::vector<NoteSequence>& train,
                                           const std::vector<NoteSequence>& test,
                                           const MelodyVocabulary& vocabulary) {
  detail::check_in_vocabulary(train, vocabulary, "interval_markov_scores");
  detail::check_in_vocabulary(test, vocabulary, "interval_markov_scores");
  const int span = vocabulary.highest_pitch - vocabulary.lowest_pitch;  // largest leap
  auto intervals = [&](const NoteSequence& melody) {
    std::vector<int> out;
    for (std::size_t t = 1; t < melody.size(); ++t) {
      out.push_back(melody.pitches[t] - melody.pitches[t - 1] + span);
    }
    return out;
  };
  MarkovChain chain(static_cast<std::size_t>(2 * span + 1), {.order = order});
  for (const auto& melody : train) {
    chain.add_sequence(intervals(melody));
  }
  MelodyScores scores;
  std::vector<double> over_intervals(static_cast<std::size_t>(2 * span + 1));
  std::vector<double> over_pitches(static_cast<std::size_t>(vocabulary.pitch_count()));
  for (const auto& melody : test) {
    const std::vector<int> sequence = intervals(melody);
    for (std::size_t t = 1; t < melody.size(); ++t) {
      // Intervals 0..t−2 lead up to note t−1; interval t−1 leads to note t.
      chain.distribution(std::span<const int>(sequence).first(t - 1), over_intervals);
      const int last = melody.pitches[t - 1];
      double total = 0;
      for (Index i = 0; i < vocabulary.pitch_count(); ++i) {
        const int interval = vocabulary.pitch_at(i) - last + span;
        over_pitches[static_cast<std::size_t>(i)] =
            interval >= 0 && interval <= 2 * span ? over_intervals[static_cast<std::size_t>(interval)]
                                                  : 0.0;
        total += over_pitches[static_cast<std::size_t>(i)];
      }
      for (double& p : over_pitches) {
        p /= total;
      }
      detail::score_pitch(over_pitches, vocabulary.pitch_index(melody.pitches[t]), scores);
    }
  }
  return detail::averaged(scores);
}

}  // namespace bachprop::music
