// Tests of bachprop/music/theory/key.hpp: signatures, spelling, scales and Krumhansl-Schmuckler
// key estimation.

#include <bachprop/music/theory/key.hpp>

#include <catch2/catch.hpp>

#include <vector>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("key signatures name their keys", "[key]") {
  CHECK(key_of({0, Mode::major}) == Key{0, Mode::major});
  CHECK(key_of({1, Mode::major}) == Key{7, Mode::major});    // G major
  CHECK(key_of({-1, Mode::minor}) == Key{2, Mode::minor});   // D minor
  CHECK(key_of({-3, Mode::major}) == Key{3, Mode::major});   // Eb major
  CHECK(key_of({3, Mode::minor}) == Key{6, Mode::minor});    // F# minor
  CHECK(key_of({7, Mode::major}) == Key{1, Mode::major});    // C# major
  CHECK(key_of({-7, Mode::major}) == Key{11, Mode::major});  // Cb major
  for (int sharps = -5; sharps <= 6; ++sharps) {
    for (const Mode mode : {Mode::major, Mode::minor}) {
      const KeySignature signature{sharps, mode};
      CHECK(signature_of(key_of(signature)) == signature);
    }
  }
  CHECK(key_name({7, Mode::major}) == "G major");
  CHECK(key_name({10, Mode::major}) == "Bb major");
  CHECK(key_name({0, Mode::minor}) == "C minor");
  CHECK(key_name({6, Mode::minor}) == "F# minor");
  CHECK_THROWS_AS(key_of({8, Mode::major}), ArgumentError);
}

TEST_CASE("pitches are spelled as the key spells them", "[key]") {
  const Key d_minor{2, Mode::minor}, c_minor{0, Mode::minor}, c_major{0, Mode::major};
  CHECK(pitch_name_in(70, d_minor) == "Bb4");  // the signature's flat
  CHECK(pitch_name_in(61, d_minor) == "C#4");  // the leading tone, not Db
  CHECK(pitch_name_in(71, c_minor) == "B4");   // the leading tone of a flat key: B natural
  CHECK(pitch_name_in(66, c_minor) == "Gb4");  // another black key in a flat key
  CHECK(pitch_name_in(70, {11, Mode::major}) == "A#4");  // B major's own A#
  CHECK(pitch_name_in(70, c_major) == "A#4");            // C major: sharps
  CHECK(pitch_name_in(65, {6, Mode::major}) == "E#4");   // F# major spells F as E#
  CHECK(pitch_name_in(66, {6, Mode::major}) == "F#4");
  CHECK(pitch_name_in(62, {3, Mode::minor}) == "D4");    // D# minor: no double sharps
  CHECK(pitch_name_in(60, {5, Mode::major}) == "C4");    // naturals stay natural
  CHECK(pitch_name_in(60, d_minor) == "C4");
  CHECK_THROWS_AS(pitch_name_in(128, c_major), ArgumentError);
  // Every spelling, in every key, reads back as the same pitch.
  for (int tonic = 0; tonic < 12; ++tonic) {
    for (const Mode mode : {Mode::major, Mode::minor}) {
      for (int pitch = 0; pitch < 128; ++pitch) {
        const std::string name = pitch_name_in(pitch, {tonic, mode});
        INFO(name << " in " << key_name({tonic, mode}));
        REQUIRE(parse_pitch(name) == pitch);
      }
    }
  }
}

TEST_CASE("a key is spelled with the letters of the signature it is written with", "[key]") {
  // Gb major (6 flats) and F# major (6 sharps) are one key: signature_of picks sharps, a score
  // written in 6 flats spells Cb and Gb.
  const Key gb_major = key_of({-6, Mode::major});
  CHECK(detail::spelled_name(detail::spelling_in(11, gb_major)) == "B");
  CHECK(detail::spelled_name(detail::spelling_in(11, gb_major, -6)) == "Cb");
  CHECK(detail::spelled_name(detail::spelling_in(6, gb_major, -6)) == "Gb");
  CHECK(detail::spelled_name(detail::spelling_in(5, gb_major, -6)) == "F");
  const Key eb_minor = key_of({-6, Mode::minor});
  CHECK(detail::spelled_name(detail::spelling_in(3, eb_minor, -6)) == "Eb");
  CHECK(detail::spelled_name(detail::spelling_in(2, eb_minor, -6)) == "D");  // leading tone
  CHECK(detail::spelled_name(detail::spelling_in(0, key_of({7, Mode::major}), 7)) == "B#");
  // For every signature, its key spells each pitch class with a name that reads back as it.
  for (int sharps = -7; sharps <= 7; ++sharps) {
    for (const Mode mode : {Mode::major, Mode::minor}) {
      const Key key = key_of({sharps, mode});
      for (int pc = 0; pc < 12; ++pc) {
        const auto spelling = detail::spelling_in(pc, key, sharps);
        INFO(sharps << " sharps, pitch class " << pc);
        CHECK(pitch_class(detail::natural_pitch_classes[spelling.letter] + spelling.alteration) ==
              pc);
      }
    }
  }
}

TEST_CASE("key names are parsed", "[key]") {
  CHECK(parse_key("G major") == Key{7, Mode::major});
  CHECK(parse_key("f# minor") == Key{6, Mode::minor});
  CHECK(parse_key("Bb Major") == Key{10, Mode::major});
  CHECK(parse_key("Cb major") == Key{11, Mode::major});
  CHECK(parse_key("D m") == Key{2, Mode::minor});
  for (int tonic = 0; tonic < 12; ++tonic) {
    for (const Mode mode : {Mode::major, Mode::minor}) {
      CHECK(parse_key(key_name({tonic, mode})) == Key{tonic, mode});
    }
  }
  CHECK_THROWS_WITH(parse_key("H major"), Catch::Contains("'H major'"));
  CHECK_THROWS_AS(parse_key("G"), FormatError);
  CHECK_THROWS_AS(parse_key("G dorian"), FormatError);
  CHECK_THROWS_AS(parse_key("G## major"), FormatError);
  CHECK_THROWS_AS(parse_key(""), FormatError);
}

TEST_CASE("scales hold the right pitch classes", "[key]") {
  CHECK(scale_pitch_classes({0, Mode::major}) == std::array<int, 7>{0, 2, 4, 5, 7, 9, 11});
  CHECK(scale_pitch_classes({9, Mode::minor}) == std::array<int, 7>{9, 11, 0, 2, 4, 5, 7});
  CHECK(scale_pitch_classes({7, Mode::major}) == std::array<int, 7>{7, 9, 11, 0, 2, 4, 6});
  CHECK(in_scale(66, {7, Mode::major}));   // F# in G major
  CHECK(!in_scale(65, {7, Mode::major}));  // F natural is not
  CHECK(!in_scale(68, {9, Mode::minor}));  // G# is not in natural A minor
  CHECK(in_scale(68, {9, Mode::minor}, /*harmonic_minor=*/true));
}

TEST_CASE("key estimation finds the key of scales and tunes", "[key]") {
  for (int tonic = 0; tonic < 12; ++tonic) {
    for (const Mode mode : {Mode::major, Mode::minor}) {
      // A scale with the tonic triad weighted, as a melody would stress it.
      std::vector<int> pitches;
      std::vector<double> durations;
      const auto pcs = scale_pitch_classes({tonic, mode});
      for (std::size_t i = 0; i < 7; ++i) {
        pitches.push_back(60 + pcs[i]);
        durations.push_back(i == 0 ? 4.0 : (i == 2 || i == 4) ? 2.0 : 1.0);
      }
      const auto estimate = estimate_key(pitch_class_histogram(pitches, durations));
      INFO(key_name({tonic, mode}) << " estimated as " << key_name(estimate.key));
      CHECK(estimate.key == Key{tonic, mode});
      CHECK(estimate.correlation > 0.7);
    }
  }
  // "Twinkle twinkle" in G major.
  const std::vector<int> twinkle{67, 67, 74, 74, 76, 76, 74, 72, 72, 71, 71, 69, 69, 67};
  const std::vector<double> lengths{1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 2};
  CHECK(estimate_key(pitch_class_histogram(twinkle, lengths)).key == Key{7, Mode::major});
  CHECK_THROWS_AS(estimate_key(std::array<double, 12>{}), ArgumentError);
  CHECK_THROWS_AS(pitch_class_histogram(twinkle, std::vector<double>{1.0}), ArgumentError);
}
