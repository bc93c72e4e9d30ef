#pragma once
/// @file
/// Continuing a melody by beam search: rather than drawing each next note, keep the `width`
/// likeliest continuations so far and extend them all, so that the continuation returned is the
/// likeliest the search saw, scored as the model scores a melody: the sum over its notes of
/// log p(pitch) + log p(duration) under the model's two softmaxes (the probability of the whole
/// continuation given the primer, in nats). Width 1 is greedy (argmax) decoding. The musical
/// constraints of sampling (key, range, repeats) hold as in continue_melody.
///
/// The hypotheses run side by side as the columns of one batch (MelodyModel::feed_batch), and a
/// step ends by reordering the recurrent state so that column j continues its parent
/// (MelodyModel::reorder), so one step costs one batched forward pass. Ties between candidates
/// of equal score go to the earlier hypothesis, then the lower pitch, then the shorter
/// duration, so the result does not depend on anything but the model and the primer.
/// Allocates nothing per step once the buffers have grown (the first two steps).

#include <bachprop/core/error.hpp>
#include <bachprop/music/generate/sampling.hpp>
#include <bachprop/music/models/melody_continuation.hpp>
#include <bachprop/music/models/melody_rnn.hpp>
#include <bachprop/music/score/note_sequence.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace bachprop::music {

/// How beam_continue_melody searches.
struct BeamSearchSettings {
  std::size_t notes = 32;          ///< notes to add after the primer
  std::size_t width = 4;           ///< hypotheses kept at every step (1: greedy)
  MelodyConstraints constraints;   ///< key, range and repeats, as in sampling
  bool stay_in_primer_key = true;  ///< keep to the key the primer suggests
};

/// A continuation found by beam search and its log-probability under the model (nats).
struct BeamContinuation {
  NoteSequence notes;           ///< the continuation (not including the primer)
  double log_probability = 0;   ///< Σ log p(pitch) + log p(duration) over its notes
};

namespace detail::beam {

/// One way to extend a hypothesis: its parent, the note, and the score it would have.
struct Candidate {
  double score = 0;
  Index parent = 0;
  Index pitch = 0;     // vocabulary index
  Index duration = 0;  // vocabulary index
};

/// Higher score first; ties to the earlier parent, the lower pitch, the shorter duration.
inline bool better(const Candidate& a, const Candidate& b) {
  if (a.score != b.score) {
    return a.score > b.score;
  }
  if (a.parent != b.parent) {
    return a.parent < b.parent;
  }
  return a.pitch != b.pitch ? a.pitch < b.pitch : a.duration < b.duration;
}

}  // namespace detail::beam

/// The likeliest continuation of `primer` that a beam of `settings.width` hypotheses finds.
/// Throws ArgumentError when the primer is empty or has a pitch outside the model's vocabulary,
/// when the width or the number of notes is 0, or when the constraints forbid every pitch.
template <class Cell>
BeamContinuation beam_continue_melody(MelodyModel<Cell>& model, const NoteSequence& primer,
                                      const BeamSearchSettings& settings) {
  using detail::beam::Candidate;
  using S = typename MelodyModel<Cell>::S;
  if (primer.empty()) {
    throw ArgumentError("beam_continue_melody: the primer has no notes");
  }
  if (settings.width == 0 || settings.notes == 0) {
    throw ArgumentError("beam_continue_melody: the width and the number of notes must be positive");
  }
  const MelodyVocabulary& vocabulary = model.vocabulary();
  vocabulary.require_pitches({primer}, "beam_continue_melody");
  const Index pitches = vocabulary.pitch_count();
  const Index durations = vocabulary.duration_count();
  MelodyConstraints constraints = settings.constraints;
  if (settings.stay_in_primer_key) {
    constraints.key = melody_key(primer);
  }
  constraints.allow_rest = false;  // the model's notes have no rests (see note_sequence.hpp)
  std::vector<int> option_pitches(static_cast<std::size_t>(pitches));
  for (Index i = 0; i < pitches; ++i) {
    option_pitches[static_cast<std::size_t>(i)] = vocabulary.pitch_at(i);
  }

  // The hypotheses: their pitch histories (primer first, for the constraints), durations and
  // scores; `next_*` are the same for the step being built.
  const std::size_t width = settings.width;
  const std::size_t length = primer.size() + settings.notes;
  std::vector<std::vector<int>> history(width), next_history(width);
  std::vector<std::vector<double>> lengths(width), next_lengths(width);
  for (std::size_t b = 0; b < width; ++b) {
    for (auto* v : {&history[b], &next_history[b]}) {
      v->reserve(length);
    }
    for (auto* v : {&lengths[b], &next_lengths[b]}) {
      v->reserve(length);
    }
  }
  std::vector<double> score(width, 0.0);
  std::vector<Candidate> candidates;
  candidates.reserve(width * static_cast<std::size_t>(pitches * durations));
  std::vector<std::uint8_t> mask(static_cast<std::size_t>(pitches));
  std::vector<Index> parents(width);
  std::vector<int> chosen_pitches(width);
  std::vector<double> chosen_durations(width);

  model.reset(1);
  const Matrix<S>* prediction = nullptr;
  for (std::size_t i = 0; i < primer.size(); ++i) {
    prediction = &model.feed(primer.pitches[i], primer.durations[i]);
  }
  history[0] = primer.pitches;
  lengths[0] = primer.durations;
  std::size_t live = 1;
  for (std::size_t n = 0; n < settings.notes; ++n) {
    // Every allowed (pitch, duration) after every hypothesis, scored.
    candidates.clear();
    for (std::size_t b = 0; b < live; ++b) {
      std::fill(mask.begin(), mask.end(), std::uint8_t{1});
      constraints.apply(option_pitches, history[b], mask);
      const S* column = prediction->data() + static_cast<Index>(b) * prediction->rows();
      for (Index p = 0; p < pitches; ++p) {
        if (mask[static_cast<std::size_t>(p)] == 0 || !(column[p] > S(0))) {
          continue;
        }
        const double pitch_score = score[b] + std::log(static_cast<double>(column[p]));
        for (Index d = 0; d < durations; ++d) {
          const S probability = column[pitches + d];
          if (probability > S(0)) {
            candidates.push_back({pitch_score + std::log(static_cast<double>(probability)),
                                  static_cast<Index>(b), p, d});
          }
        }
      }
    }
    if (candidates.empty()) {
      throw ArgumentError("beam_continue_melody: the constraints forbid every pitch at note " +
                          std::to_string(n + 1));
    }
    const std::size_t kept = std::min(width, candidates.size());
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(kept),
                      candidates.end(), detail::beam::better);
    for (std::size_t j = 0; j < kept; ++j) {
      const Candidate& c = candidates[j];
      const auto parent = static_cast<std::size_t>(c.parent);
      parents[j] = c.parent;
      chosen_pitches[j] = vocabulary.pitch_at(c.pitch);
      chosen_durations[j] = vocabulary.duration_at(c.duration);
      next_history[j] = history[parent];
      next_history[j].push_back(chosen_pitches[j]);
      next_lengths[j] = lengths[parent];
      next_lengths[j].push_back(chosen_durations[j]);
      score[j] = c.score;
    }
    history.swap(next_history);
    lengths.swap(next_lengths);
    live = kept;
    if (n + 1 < settings.notes) {
      // Column j continues its parent, then hears its new note.
      model.reorder(std::span<const Index>(parents.data(), live));
      prediction = &model.feed_batch(std::span<const int>(chosen_pitches.data(), live),
                                     std::span<const double>(chosen_durations.data(), live));
    }
  }
  // The hypotheses are sorted best first.
  BeamContinuation best;
  best.log_probability = score[0];
  best.notes.pitches.assign(history[0].begin() + static_cast<std::ptrdiff_t>(primer.size()),
                            history[0].end());
  best.notes.durations.assign(lengths[0].begin() + static_cast<std::ptrdiff_t>(primer.size()),
                              lengths[0].end());
  return best;
}

}  // namespace bachprop::music
