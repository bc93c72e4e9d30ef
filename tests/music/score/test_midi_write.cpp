// Tests of bachprop/music/score/midi_write.hpp. The files the library writes are read by an
// independent parser (mido, through tests/fixtures/midi_dump.py run by /usr/bin/python3) and
// compared note for note, for scores made by every music header; every score survives write then
// read; the writer's layout and what it refuses.

#include "helpers.hpp"
#include "music/score/midi_fixtures.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/music/encoding.hpp>
#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>

#include "05_algorithmic_composition/composer.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;
using namespace midi_test;

TEST_CASE("MIDI written by the library is read note for note by mido", "[midi][mido]") {
  const Score lesson = lesson_score();
  check_against_mido(lesson, {}, "lesson_format1");
  check_against_mido(lesson, {.format = 0}, "lesson_format0");
  check_against_mido(lesson, {.format = 1, .running_status = true,
                              .note_off_as_zero_velocity = true},
                     "lesson_running");
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    INFO("seed " << seed);
    const Score score = random_score(seed, 1 + static_cast<int>(seed % 4),
                                     seed % 2 == 0 ? 480 : 96);
    check_against_mido(score, {.format = static_cast<int>(seed % 2)},
                       "random_" + std::to_string(seed));
    check_against_mido(score, {.format = 1, .running_status = true,
                               .note_off_as_zero_velocity = seed % 3 == 0},
                       "random_rs_" + std::to_string(seed));
  }
}

TEST_CASE("scores made by every music header survive MIDI, read by us and by mido",
          "[midi][mido]") {
  std::vector<Score> scores;
  scores.push_back(lesson_score());
  // A JSB-style chorale (four voices, a silent soprano step) and a UCI melody with an upbeat.
  const JsbCorpus corpus = parse_jsb_chorales(
      R"({"train": [[[72, 67, 64, 48], [72, 67, 64, 48], [-1, 67, 64, 48], [74, 65, 62, 47]]],
          "valid": [], "test": []})",
      "mini-16th.json");
  scores.push_back(chorale_to_score(corpus.train[0], corpus));
  const auto uci = parse_uci_chorales(
      "(1 ((st 8) (pitch 67) (dur 4) (keysig 1) (timesig 12) (fermata 0))"
      "((st 12) (pitch 71) (dur 8) (keysig 1) (timesig 12) (fermata 1)))",
      "mini.lisp");
  scores.push_back(uci[0].to_score());
  // A composed piece, a melody, a decoded piano roll and detokenized tokens.
  scores.push_back(composition::compose({}, 3).score);
  Score melody;
  melody.parts.push_back(melody_to_part({{60, 1.0}, {rest_pitch, 0.5}, {62, 0.5}, {64, 2.0}}));
  scores.push_back(melody);
  Score roll;
  roll.parts.push_back(piano_roll_to_part(piano_roll(scores[1], {.step = 0.25})));
  scores.push_back(roll);
  Score tokens;
  tokens.parts.push_back(detokenize({"B2", "A2", "A2.G#3", "R", "E3"}, 0.5));
  scores.push_back(tokens);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    INFO("score " << i << " '" << scores[i].title << "'");
    // The lesson has times that are not whole ticks: equal in ticks, not as numbers.
    require_same_scores(decode_midi(encode_midi(scores[i])), scores[i], i != 0);
    check_against_mido(scores[i], {}, "made_" + std::to_string(i));
    check_against_mido(scores[i], {.format = 0}, "made0_" + std::to_string(i));
  }
}

TEST_CASE("every score survives write then read", "[midi]") {
  const Score lesson = lesson_score();
  for (const int format : {0, 1}) {
    for (const bool running : {false, true}) {
      for (const bool zero_off : {false, true}) {
        const MidiWriteOptions options{format, running, zero_off};
        INFO("format " << format << " running status " << running << " zero-velocity off "
                       << zero_off);
        require_same_scores(decode_midi(encode_midi(lesson, options)), lesson, false);
        for (std::uint64_t seed = 10; seed < 30; ++seed) {
          INFO("seed " << seed);
          const Score score = random_score(seed, 1 + static_cast<int>(seed % 5));
          require_same_scores(decode_midi(encode_midi(score, options)), score);
        }
      }
    }
  }
  const fs::path path = test::temp_file("bachprop_music_tests", "round_trip.mid");
  write_midi(path, lesson);
  require_same_scores(read_midi(path), lesson, false);
  fs::remove(path);
}

TEST_CASE("running status makes files smaller and changes nothing read", "[midi]") {
  const Score score = random_score(3, 2);
  const std::string plain = encode_midi(score);
  const std::string compact = encode_midi(score, {1, true, true});
  CHECK(compact.size() < plain.size() * 9 / 10);
  CHECK(decode_midi(compact) == decode_midi(plain));
}

TEST_CASE("the writer's layout: header, conductor track, times rounded to ticks", "[midi]") {
  Score score;
  score.ticks_per_quarter = 4;
  score.parts.push_back(Part{"x", 5, 2, {{60, 0.0, 0.125, 80}, {62, 0.125, 0.25, 81}}});
  const std::string bytes = encode_midi(score);
  CHECK(bytes.substr(0, 14) == std::string("MThd\0\0\0\6\0\1\0\2\0\4", 14));
  const Score back = decode_midi(bytes);
  // 0.125 quarter = 0.5 tick -> the note ends at tick 1 (halves round away from zero); the
  // second starts at 1 and ends at round(1.5) = 2.
  REQUIRE(back.parts.size() == 1);
  CHECK(back.parts[0].notes[0] == Note{60, 0.0, 0.25, 80});
  CHECK(back.parts[0].notes[1] == Note{62, 0.25, 0.25, 81});
  // A note shorter than half a tick still lasts one tick.
  score.parts[0].notes = {{60, 0.0, 0.01, 80}};
  CHECK(decode_midi(encode_midi(score)).parts[0].notes[0].duration == 0.25);
}

TEST_CASE("the writer refuses what MIDI cannot hold", "[midi][errors]") {
  Score score = lesson_score();
  CHECK_THROWS_WITH(encode_midi(score, {.format = 2}), Catch::Contains("format must be 0 or 1"));
  score.parts[0].channel = 16;
  CHECK_THROWS_WITH(encode_midi(score), Catch::Contains("channel 16"));
  score = lesson_score();
  score.parts[1].program = 128;
  CHECK_THROWS_WITH(encode_midi(score), Catch::Contains("program 128"));
  score = lesson_score();
  score.tempo_bpm = 0.0;
  CHECK_THROWS_WITH(encode_midi(score), Catch::Contains("tempo"));
  score = lesson_score();
  score.tempo_bpm = 1.0;  // 60,000,000 microseconds per quarter: more than 24 bits
  CHECK_THROWS_WITH(encode_midi(score), Catch::Contains("tempo"));
  score = lesson_score();
  score.parts[0].notes[0].velocity = 0;
  CHECK_THROWS_WITH(encode_midi(score), Catch::Contains("velocity 0"));
  score = lesson_score();
  score.key_signature.sharps = 9;
  CHECK_THROWS_AS(encode_midi(score), ArgumentError);
  score = lesson_score();
  score.ticks_per_quarter = 0;
  CHECK_THROWS_AS(encode_midi(score), ArgumentError);
  score = lesson_score();
  score.parts[0].notes[0].start = 1.0e7;
  CHECK_THROWS_WITH(encode_midi(score), Catch::Contains("2^28"));
}
