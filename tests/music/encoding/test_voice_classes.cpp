// Tests of bachprop/music/encoding/voice_classes.hpp: each voice's pitches then silence, the
// transpositions that fit, the JSON form, and octave shifts into a voice's range.

#include "helpers.hpp"
#include "music/harmony_fixtures.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/music/encoding/voice_classes.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("voice classes: the pitches, then silence", "[harmony][data]") {
  const JsbCorpus corpus = parse_jsb_chorales(tiny_corpus, "tiny_16th.json");
  const auto grids = grids_of(corpus, "train");
  const HarmonyEncoding encoding = HarmonyEncoding::fit(grids, 1);
  CHECK(encoding.voice(soprano).lowest == 71);
  CHECK(encoding.voice(soprano).highest == 75);
  CHECK(encoding.voice(bass).lowest == 46);
  CHECK(encoding.voice(bass).highest == 49);
  const VoiceClasses& s = encoding.voice(soprano);
  CHECK(s.size() == 6);  // 71..75 and silence
  CHECK(s.silence() == 5);
  CHECK(s.class_of(71) == 0);
  CHECK(s.class_of(75) == 4);
  CHECK(s.class_of(silent_voice) == 5);
  for (Index c = 0; c < s.size(); ++c) {
    CHECK(s.class_of(s.value_of(c)) == c);
  }
  CHECK_THROWS_AS(s.class_of(70), ArgumentError);
  CHECK_THROWS_AS(s.value_of(6), ArgumentError);
  CHECK(s.has(silent_voice));
  CHECK_FALSE(s.has(76));

  // Transpositions that keep every voice in range: the soprano 72..74 in 71..75 allows -1..+1,
  // the bass 47..48 in 46..49 allows -1..+1, the alto 65..67 in 64..68 too.
  CHECK(encoding.shifts_that_fit(grids[0], 6, 5) == std::vector<int>{-1, 0, 1});
  CHECK(encoding.fits(grids[0], 1));
  CHECK_FALSE(encoding.fits(grids[0], 2));

  // JSON round trip; malformed documents refused.
  CHECK(HarmonyEncoding::from_json(encoding.to_json(), "x") == encoding);
  CHECK_THROWS_AS(HarmonyEncoding::from_json(nlohmann::json::parse(R"({"voices": [[1, 2]]})"), "x"),
                  FormatError);
  CHECK_THROWS_AS(
      HarmonyEncoding::from_json(
          nlohmann::json::parse(R"({"voices": [[1, 2], [3, 4], [5, 4], [6, 7]]})"), "x"),
      FormatError);
  CHECK_THROWS_AS(HarmonyEncoding::fit({soprano_only({60, 62})}), ArgumentError);  // no alto
}

TEST_CASE("voice classes: a pitch that would wrap to a MIDI pitch in 32 bits is refused",
          "[harmony][data][errors]") {
  // 4294967356 = 2^32 + 60: read as an int it would be middle C, and the file accepted.
  const auto document = nlohmann::json::parse(
      R"({"voices": [[4294967356, 60], [48, 72], [40, 64], [30, 60]]})");
  CHECK_THAT(test::format_error_of([&] { HarmonyEncoding::from_json(document, "h.json"); }),
             Catch::Matchers::Contains(
                 "h.json: encoding voices[0]: expected [lowest, highest], MIDI pitches lowest ≤ "
                 "highest, got [4294967356,60]"));
  auto negative = document;
  negative["voices"][0] = {-1, 60};
  CHECK_THROWS_AS(HarmonyEncoding::from_json(negative, "h.json"), FormatError);
  negative["voices"][0] = {60.5, 72};
  CHECK_THROWS_AS(HarmonyEncoding::from_json(negative, "h.json"), FormatError);
}

TEST_CASE("octave shifts bring a melody into a voice's range", "[harmony][data]") {
  const VoiceClasses s{58, 83};
  CHECK(octave_shift_into({60, 72, silent_voice}, s) == 0);
  CHECK(octave_shift_into({84, 90}, s) == -12);
  CHECK(octave_shift_into({40, 50}, s) == 24);
  CHECK_THROWS_AS(octave_shift_into({40, 90}, s), ArgumentError);
  CHECK(shifted({60, silent_voice, 62}, 12) == std::vector<int>{72, silent_voice, 74});
}
