// Tests of examples/05_algorithmic_composition/composer.hpp: the rules hold for every seed and key
// tried (scale, consonant intervals only, phrase endings on the tonic, harmony under the melody),
// and the same seed gives the same piece.

#include "05_algorithmic_composition/composer.hpp"

#include <catch2/catch.hpp>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("scale degrees map to the key's pitches", "[algorithmic_composition]") {
  const Key d_major{2, Mode::major};
  CHECK(composition::degree_pitch(d_major, 0, 4) == 62);
  CHECK(composition::degree_pitch(d_major, 2, 4) == 66);   // F#4
  CHECK(composition::degree_pitch(d_major, 7, 4) == 74);   // D5
  CHECK(composition::degree_pitch(d_major, -1, 4) == 61);  // C#4
  CHECK(composition::degree_pitch(d_major, -7, 4) == 50);  // D3
  const Key a_minor{9, Mode::minor};
  CHECK(composition::degree_pitch(a_minor, 2, 4) == 72);   // C5
  CHECK(composition::interval_weight(6) == 0.0);           // the tritone never
  CHECK(composition::interval_weight(-2) == composition::interval_weight(2));
  CHECK(composition::interval_weight(1) > composition::interval_weight(5));
}

TEST_CASE("composed pieces obey the rules for every seed", "[algorithmic_composition]") {
  for (const char* key_text : {"C major", "D major", "A minor", "Eb major", "F# minor"}) {
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
      composition::Settings settings;
      settings.key = parse_key(key_text);
      const auto piece = composition::compose(settings, seed);
      INFO(key_text << ", seed " << seed);
      REQUIRE(piece.score.parts.size() == 3);
      const auto& melody = piece.score.parts[0].notes;
      REQUIRE(!melody.empty());
      CHECK(piece.phrase_end_degrees.size() == 4);
      for (const int d : piece.phrase_end_degrees) {
        CHECK(((d % 7) + 7) % 7 == 0);
      }
      // The piece starts on a note of the tonic triad.
      const int first = ((piece.melody_degrees.front() % 7) + 7) % 7;
      CHECK((first == 0 || first == 2 || first == 4));
      for (std::size_t i = 0; i < melody.size(); ++i) {
        CHECK(in_scale(melody[i].pitch, settings.key));
        if (i > 0) {
          const int interval = melody[i].pitch - melody[i - 1].pitch;
          CHECK(composition::interval_weight(interval) > 0.0);  // never a dissonant leap
          CHECK(melody[i].start == Approx(melody[i - 1].end()));
        }
      }
      // 4 phrases of 4 bars of 4/4: 64 quarter notes, harmony and bass cover all of it.
      CHECK(piece.score.parts[0].end() == Approx(64.0));
      CHECK(piece.score.parts[1].end() == Approx(64.0));
      CHECK(piece.score.parts[2].notes.size() == 32);
      // Each phrase's cadence: V then I in the bass.
      const auto& bass = piece.score.parts[2].notes;
      CHECK(pitch_class(bass[bass.size() - 1].pitch) == settings.key.tonic);
      CHECK(pitch_class(bass[bass.size() - 2].pitch) == pitch_class(settings.key.tonic + 7));
      // Steps are the most common move.
      CHECK(piece.steps > piece.leaps);
    }
  }
}

TEST_CASE("the same seed gives the same piece, another seed another", "[algorithmic_composition]") {
  composition::Settings settings;
  CHECK(composition::compose(settings, 5).score == composition::compose(settings, 5).score);
  CHECK(!(composition::compose(settings, 5).score == composition::compose(settings, 6).score));
  settings.phrases = 0;
  CHECK_THROWS_AS(composition::compose(settings, 1), ArgumentError);
}
