// Tests of bachprop/music/models/melody_beam_search.hpp: a beam wide enough to keep every
// prefix finds the likeliest continuation of all (checked against every one, enumerated); a
// beam of one is greedy decoding (continue_melody at temperature 0); the log-probability it
// reports is the model's own for the notes it returns; wider beams find likelier continuations;
// constraints hold; and the hypotheses side by side are the melodies one at a time (the
// reordered recurrent state of MelodyModel::reorder and feed_batch).

#include "helpers.hpp"

#include <bachprop/music/models/melody_beam_search.hpp>
#include <bachprop/music/models/melody_continuation.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

namespace {

// The model's log-probability of `continuation` after `primer` (nats), one note at a time.
template <class Model>
double log_probability(Model& model, const NoteSequence& primer,
                       const NoteSequence& continuation) {
  const MelodyVocabulary& v = model.vocabulary();
  model.reset();
  const Matrix<float>* p = nullptr;
  for (std::size_t i = 0; i < primer.size(); ++i) {
    p = &model.feed(primer.pitches[i], primer.durations[i]);
  }
  double total = 0;
  for (std::size_t i = 0; i < continuation.size(); ++i) {
    total += std::log((*p)(v.pitch_index(continuation.pitches[i]), 0));
    total += std::log((*p)(v.pitch_count() + v.duration_index(continuation.durations[i]), 0));
    p = &model.feed(continuation.pitches[i], continuation.durations[i]);
  }
  return total;
}

const NoteSequence primer{{60, 62, 61, 63}, {1, 1, 2, 1}};

BeamSearchSettings unconstrained(std::size_t notes, std::size_t width) {
  BeamSearchSettings s;
  s.notes = notes;
  s.width = width;
  s.stay_in_primer_key = false;
  s.constraints.max_repeats = 0;
  return s;
}

}  // namespace

TEST_CASE("beam search: a beam keeping every prefix finds the likeliest continuation of all",
          "[generation][beam]") {
  // 4 pitches × 2 durations: 8 notes a step, 512 continuations of 3 notes, 64 prefixes of 2.
  MelodyLstm model({60, 63, {1.0, 2.0}}, 12, 5);
  const BeamContinuation found = beam_continue_melody(model, primer, unconstrained(3, 64));
  double best = -1e300;
  NoteSequence best_notes;
  for (int code = 0; code < 512; ++code) {
    NoteSequence c;
    for (int k = 0, rest = code; k < 3; ++k, rest /= 8) {
      c.pitches.push_back(60 + rest % 4);
      c.durations.push_back(rest / 4 % 2 == 0 ? 1.0 : 2.0);
    }
    const double value = log_probability(model, primer, c);
    if (value > best) {
      best = value;
      best_notes = c;
    }
  }
  CHECK(found.notes == best_notes);
  CHECK(found.log_probability == Approx(best).epsilon(1e-6));
  // A narrow beam can do no better than the whole search.
  CHECK(beam_continue_melody(model, primer, unconstrained(3, 2)).log_probability <=
        best + 1e-6);
}

TEST_CASE("beam search: width 1 is greedy decoding, and the score is the model's own",
          "[generation][beam]") {
  for (const std::uint64_t seed : {3, 4, 5}) {
    INFO("seed " << seed);
    MelodyLstm lstm({48, 84, {0.5, 1.0, 2.0}}, 16, seed);
    const NoteSequence c_major{{60, 62, 64, 65, 67, 65, 64, 62, 60}, {1, 1, 1, 1, 2, 1, 1, 1, 2}};
    BeamSearchSettings beam;
    beam.notes = 12;
    beam.width = 1;
    ContinuationSettings greedy;
    greedy.notes = 12;
    greedy.pitch_sampling = {0.0, 0, 1.0};
    greedy.duration_sampling = {0.0, 0, 1.0};
    const BeamContinuation one = beam_continue_melody(lstm, c_major, beam);
    CHECK(one.notes == continue_melody(lstm, c_major, greedy));
    CHECK(one.log_probability == Approx(log_probability(lstm, c_major, one.notes)).epsilon(1e-6));
    // Wider beams: each result scored by the model as reported, and likelier than greedy here.
    for (const std::size_t width : {4, 16}) {
      beam.width = width;
      const BeamContinuation wide = beam_continue_melody(lstm, c_major, beam);
      CHECK(wide.notes.size() == 12);
      CHECK(wide.log_probability ==
            Approx(log_probability(lstm, c_major, wide.notes)).epsilon(1e-6));
      CHECK(wide.log_probability >= one.log_probability - 1e-6);
    }
  }
}

TEST_CASE("beam search: keys, ranges and repeats hold; bad settings are refused",
          "[generation][beam]") {
  MelodyGru model({48, 84, {0.5, 1.0, 2.0}}, 16, 2);
  const NoteSequence c_major{{60, 62, 64, 65, 67}, {1, 1, 1, 1, 2}};
  BeamSearchSettings s;
  s.notes = 40;
  s.width = 3;
  s.constraints.lowest_pitch = 60;
  s.constraints.highest_pitch = 72;
  s.constraints.max_repeats = 2;
  const BeamContinuation found = beam_continue_melody(model, c_major, s);
  REQUIRE(found.notes.size() == 40);
  int run = 1;
  for (std::size_t i = 0; i < found.notes.size(); ++i) {
    const int p = found.notes.pitches[i];
    CHECK(p >= 60);
    CHECK(p <= 72);
    CHECK(in_scale(p, Key{0, Mode::major}));  // the primer's key, C major
    run = i > 0 && p == found.notes.pitches[i - 1] ? run + 1 : 1;
    CHECK(run <= 2);
  }
  CHECK_THROWS_AS(beam_continue_melody(model, NoteSequence{}, s), ArgumentError);
  s.width = 0;
  CHECK_THROWS_AS(beam_continue_melody(model, c_major, s), ArgumentError);
  s.width = 2;
  s.constraints.lowest_pitch = 61;
  s.constraints.highest_pitch = 61;  // C#4: not in C major
  CHECK_THROWS_WITH(beam_continue_melody(model, c_major, s),
                    Catch::Contains("forbid every pitch at note 1"));
  const NoteSequence outside{{30}, {1}};
  CHECK_THROWS_AS(beam_continue_melody(model, outside, unconstrained(4, 2)), ArgumentError);
}

TEMPLATE_TEST_CASE("melodies side by side, reordered, are the melodies one at a time",
                   "[generation][beam]", MelodyRnn, MelodyLstm, MelodyGru) {
  TestType model({48, 84, {0.5, 1.0, 2.0}}, 16, 9);
  const std::vector<int> a{60, 64, 67};
  const std::vector<int> b{62, 65, 69};
  // Alone: A then 71, and B then 71.
  auto alone = [&](const std::vector<int>& notes) {
    model.reset();
    for (const int p : notes) {
      model.feed(p, 1.0);
    }
    return Matrix<float>(model.feed(71, 0.5));
  };
  const Matrix<float> after_a = alone(a);
  const Matrix<float> after_b = alone(b);
  // Side by side, then reordered to (B, A, B) and grown to three.
  model.reset(2);
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::vector<int> pitches{a[i], b[i]};
    const std::vector<double> durations{1.0, 1.0};
    model.feed_batch(pitches, durations);
  }
  const std::vector<Index> from{1, 0, 1};
  model.reorder(from);
  const std::vector<int> next{71, 71, 71};
  const std::vector<double> half{0.5, 0.5, 0.5};
  const Matrix<float> together = model.feed_batch(next, half);
  REQUIRE(together.cols() == 3);
  CHECK(together.col(0).isApprox(after_b.col(0), 1e-6F));
  CHECK(together.col(1).isApprox(after_a.col(0), 1e-6F));
  CHECK(together.col(2).isApprox(after_b.col(0), 1e-6F));
  CHECK_THROWS_AS(model.reorder(std::vector<Index>{0, 3}), ShapeError);
  CHECK_THROWS_AS(model.reorder(std::vector<Index>{}), ShapeError);
}
