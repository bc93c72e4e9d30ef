// Tests of bachprop/music/evaluate/melody_baselines.hpp: the yardsticks score what they should.

#include "helpers.hpp"

#include <bachprop/music/evaluate/melody_baselines.hpp>

#include <cmath>

using namespace bachprop;
using namespace bachprop::music;

namespace {

const MelodyVocabulary vocabulary{60, 67, {1.0}};  // 8 pitches

NoteSequence notes(std::vector<int> pitches) {
  return {pitches, std::vector<double>(pitches.size(), 1.0)};
}

}  // namespace

TEST_CASE("uniform: log2 of the number of pitches", "[baselines]") {
  const auto s = uniform_pitch_scores(vocabulary, {notes({60, 62, 64}), notes({61, 61})});
  CHECK(s.notes == 3);  // every note after the first of each melody
  CHECK(s.bits_per_pitch == Approx(3.0));
  CHECK(s.pitch_accuracy == Approx(1.0 / 8));  // a random guess, not argmax's fixed pick
  CHECK(std::isnan(s.bits_per_note()));
}

TEST_CASE("an order-1 pitch chain learns a deterministic tune", "[baselines]") {
  std::vector<NoteSequence> train(20, notes({60, 62, 64, 65, 67}));
  const auto s = pitch_markov_scores(1, train, {notes({60, 62, 64, 65, 67})}, vocabulary);
  CHECK(s.pitch_accuracy == 1.0);
  CHECK(s.bits_per_pitch < 0.2);  // Witten-Bell leaves a little mass for the unseen
  // The unigram cannot know what comes next: at best the most common pitch.
  const auto unigram = pitch_markov_scores(0, train, {notes({60, 62, 64, 65, 67})}, vocabulary);
  CHECK(unigram.bits_per_pitch > 2.0);
}

TEST_CASE("an interval chain does not care about the key", "[baselines]") {
  // Trained on a rising whole-tone step, tested a semitone higher: intervals are the same.
  std::vector<NoteSequence> train(20, notes({60, 62, 64, 66}));
  const auto intervals = interval_markov_scores(1, train, {notes({61, 63, 65, 67})}, vocabulary);
  const auto pitches = pitch_markov_scores(1, train, {notes({61, 63, 65, 67})}, vocabulary);
  CHECK(intervals.pitch_accuracy == 1.0);
  CHECK(intervals.bits_per_pitch < 0.5);
  CHECK(pitches.bits_per_pitch > intervals.bits_per_pitch + 1.0);
  CHECK_THROWS_WITH(interval_markov_scores(1, train, {notes({60, 80})}, vocabulary),
                    Catch::Contains("melody 0 has pitch 80"));
}
