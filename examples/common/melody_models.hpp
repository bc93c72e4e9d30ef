#pragma once
// The melody models more than one Bach program trains or scores: the derivation paper's
// feedforward network and its fix, as bach_feedforward and bach_eval set them up, and the n-gram
// contenders that bach_melody and bach_eval score beside the recurrent network.

#include <bachprop/music/evaluate/melody_baselines.hpp>
#include <bachprop/music/models/melody_rnn.hpp>
#include <bachprop/music/models/window_model.hpp>

#include <string>
#include <vector>

namespace examples {

/// The paper's network (section 6): 32 notes in, 32 out, 100 sigmoid hidden neurons, sigmoid
/// outputs with the quadratic cost (7), gradient descent (13) with η = 1, at most 20 epochs.
inline bachprop::music::WindowModelSettings paper_window_settings() {
  bachprop::music::WindowModelSettings paper;
  paper.output = bachprop::music::WindowOutput::paper;
  paper.hidden = 100;
  paper.epochs = 20;
  paper.learning_rate = 1.0;
  return paper;
}

/// Its fix: 256 hidden neurons, a softmax per note's pitch and per its duration with
/// cross-entropy, Adam 10⁻³, every transposition from -5 to +6 semitones.
inline bachprop::music::WindowModelSettings fixed_window_settings() {
  bachprop::music::WindowModelSettings fixed;
  fixed.output = bachprop::music::WindowOutput::softmax;
  fixed.hidden = 256;
  fixed.epochs = 20;
  fixed.learning_rate = 1e-3;
  fixed.transpose_down = 5;
  fixed.transpose_up = 6;
  return fixed;
}

/// A model's name and its next-note scores on the test melodies.
struct NamedScores {
  std::string name;
  bachprop::music::MelodyScores scores;
};

/// The contenders that need no network, counted on `training` and scored on `test` over
/// `vocabulary`: uniform, unigram, pitch Markov chains of order 1-4 (counted over the
/// transpositions from -down to +up semitones that the RNN trains on) and interval Markov
/// chains of order 1-4 (which need no transposing).
inline std::vector<NamedScores> ngram_scores(
    const std::vector<bachprop::music::NoteSequence>& training,
    const std::vector<bachprop::music::NoteSequence>& test,
    const bachprop::music::MelodyVocabulary& vocabulary, int down, int up) {
  using namespace bachprop::music;
  std::vector<NamedScores> rows;
  const auto transposed_training = augmented(training, vocabulary, down, up);
  rows.push_back({"uniform", uniform_pitch_scores(vocabulary, test)});
  rows.push_back({"unigram", pitch_markov_scores(0, training, test, vocabulary)});
  for (int order = 1; order <= 4; ++order) {
    rows.push_back({"pitch Markov, order " + std::to_string(order),
                    pitch_markov_scores(order, transposed_training, test, vocabulary)});
  }
  for (int order = 1; order <= 4; ++order) {
    rows.push_back({"interval Markov, order " + std::to_string(order),
                    interval_markov_scores(order, training, test, vocabulary)});
  }
  return rows;
}

}  // namespace examples
