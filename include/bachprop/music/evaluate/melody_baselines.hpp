#pragma once
/// @file
/// The yardsticks a melody model must beat, scored exactly as MelodyRnn::evaluate scores a
/// network (every note after the first of each held-out melody, from the notes before it):
///   - uniform: every pitch of the vocabulary equally likely;
///   - unigram: each pitch as often as in the training melodies;
///   - Markov chains of order n over pitches (the last n pitches predict the next);
///   - Markov chains of order n over intervals (the last n melodic steps predict the next
///     step), which do not care in which key a tune is.
/// The chains are music/generate/markov.hpp's, with Witten-Bell interpolation down to an add-k
/// unigram, so no held-out pitch has probability zero.

#include <bachprop/core/error.hpp>
#include <bachprop/music/generate/markov.hpp>
#include <bachprop/music/encoding/melody_vocabulary.hpp>
#include <bachprop/music/evaluate/melody_scores.hpp>
#include <bachprop/music/score/note_sequence.hpp>

#include <cmath>
#include <span>
#include <vector>

namespace bachprop::music {

/// Every pitch of the vocabulary equally likely: log2(pitch count) bits, and right 1/(pitch
/// count) of the time. (The argmax of a flat distribution would name one fixed pitch, and its
/// accuracy would say which pitch that is, not what guessing scores.)
inline MelodyScores uniform_pitch_scores(const MelodyVocabulary& vocabulary,
                                         const std::vector<NoteSequence>& test) {
  vocabulary.require_pitches(test, "uniform_pitch_scores");
  MelodyScoreSum sum;
  const std::vector<double> flat(static_cast<std::size_t>(vocabulary.pitch_count()),
                                 1.0 / static_cast<double>(vocabulary.pitch_count()));
  for (const auto& melody : test) {
    for (std::size_t t = 1; t < melody.size(); ++t) {
      sum.add_pitch(flat, vocabulary.pitch_index(melody.pitches[t]));
    }
  }
  MelodyScores scores = sum.scores();
  scores.pitch_accuracy = 1.0 / static_cast<double>(vocabulary.pitch_count());
  return scores;
}

/// A Markov chain of `order` over pitches (order 0: the unigram), counted on `train`.
inline MelodyScores pitch_markov_scores(int order, const std::vector<NoteSequence>& train,
                                        const std::vector<NoteSequence>& test,
                                        const MelodyVocabulary& vocabulary) {
  vocabulary.require_pitches(train, "pitch_markov_scores");
  vocabulary.require_pitches(test, "pitch_markov_scores");
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
  MelodyScoreSum sum;
  std::vector<double> distribution(static_cast<std::size_t>(vocabulary.pitch_count()));
  for (const auto& melody : test) {
    const std::vector<int> sequence = tokens(melody);
    for (std::size_t t = 1; t < sequence.size(); ++t) {
      chain.distribution(std::span<const int>(sequence).first(t), distribution);
      sum.add_pitch(distribution, sequence[t]);
    }
  }
  return sum.scores();
}

/// A Markov chain of `order` over melodic intervals (semitones from one note to the next),
/// counted on `train`. Its distribution over the next interval becomes one over pitches by
/// adding the interval to the last pitch; intervals that would leave the vocabulary are
/// dropped and the rest renormalised.
inline MelodyScores interval_markov_scores(int order, const std::vector<NoteSequence>& train,
                                           const std::vector<NoteSequence>& test,
                                           const MelodyVocabulary& vocabulary) {
  vocabulary.require_pitches(train, "interval_markov_scores");
  vocabulary.require_pitches(test, "interval_markov_scores");
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
  MelodyScoreSum sum;
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
            interval >= 0 && interval <= 2 * span
                ? over_intervals[static_cast<std::size_t>(interval)]
                : 0.0;
        total += over_pitches[static_cast<std::size_t>(i)];
      }
      for (double& p : over_pitches) {
        p /= total;
      }
      sum.add_pitch(over_pitches, vocabulary.pitch_index(melody.pitches[t]));
    }
  }
  return sum.scores();
}

}  // namespace bachprop::music
