// Tests of bachprop/music/score/midi_read.hpp: files written by mido
// (tests/fixtures/midi_mido_*.mid, made by midi_make_fixtures.py) are read note for note; one file,
// two readers, the same notes; hand-written files with running status, sysex and overlaps; and
// truncated, corrupted and hostile files give FormatError, never a crash (what the fuzzer,
// fuzz/fuzz_midi.cpp, and its review found included).

#include "helpers.hpp"
#include "music/score/midi_fixtures.hpp"

#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;
using namespace midi_test;

TEST_CASE("MIDI files written by mido are read note for note", "[midi][mido]") {
  for (const std::string stem :
       {"midi_mido_format0", "midi_mido_format1", "midi_mido_empty_track"}) {
    INFO(stem);
    const Score score = read_midi(fixtures / (stem + ".mid"));
    const json expected = json::parse(read_file(fixtures / (stem + ".json")));
    const int tpq = expected["ticks_per_quarter"];
    CHECK(score.ticks_per_quarter == tpq);
    CHECK(score.title == expected["title"].get<std::string>());
    CHECK(score.tempo_bpm == Approx(60.0e6 / expected["tempo_us"].get<double>()));
    CHECK(score.time_signature == TimeSignature{expected["time_signature"][0],
                                                expected["time_signature"][1]});
    CHECK(score.key_signature ==
          KeySignature{expected["key_sharps"],
                       expected["key_minor"].get<bool>() ? Mode::minor : Mode::major});
    REQUIRE(score.parts.size() == expected["parts"].size());
    for (std::size_t i = 0; i < score.parts.size(); ++i) {
      const auto& want = expected["parts"][i];
      INFO("part " << i);
      CHECK(score.parts[i].name == want["name"].get<std::string>());
      CHECK(score.parts[i].channel == want["channel"].get<int>());
      CHECK(score.parts[i].program == want["program"].get<int>());
      std::vector<TickNote> got = expected_ticks(score.parts[i], tpq);
      CHECK(got == mido_ticks(want["notes"]));
    }
  }
}

TEST_CASE("mido reads, we read: one file, two readers, same notes", "[midi][mido]") {
  // The fixture without an unknown chunk (mido refuses those) read by both parsers.
  const fs::path path = fixtures / "midi_mido_format0.mid";
  const json dump = mido_dump(path);
  const Score score = read_midi(path);
  std::vector<TickNote> ours;
  for (const auto& part : score.parts) {
    const auto notes = expected_ticks(part, score.ticks_per_quarter);
    ours.insert(ours.end(), notes.begin(), notes.end());
  }
  std::sort(ours.begin(), ours.end());
  CHECK(ours == mido_ticks(dump["tracks"][0]["notes"]));
  CHECK(ours.size() == 10);
}

TEST_CASE("running status, zero-velocity note offs, sysex and overlaps are read", "[midi]") {
  // Note on C4 at 0; running status: E4 on at 0, C4 off (velocity 0) at 96, E4 off at 192.
  // A sysex (F0) and an escape (F7) sit in between; a note on of D4 twice before any note off
  // (same-pitch overlap) pairs first-in first-out.
  const std::string events =
      b({0x00, 0x90, 60, 100, 0x00, 64, 90, 0x60, 60, 0, 0x00, 0xF0, 0x03, 0x7E, 0x09, 0xF7,
         0x00, 0x90, 62, 50,                    // running status was cancelled: status again
         0x30, 0x90, 62, 51, 0x30, 64, 0,       // E4 off at 192 by running status
         0x10, 0x80, 62, 0, 0x10, 62, 0,        // D4 off twice: first ends the first D4
         0x00, 0xF7, 0x02, 0x01, 0x02,          // an escape sequence, skipped
         0x00, 0xFF, 0x2F, 0x00});
  const Score score = decode_midi(file_with_track(events));
  REQUIRE(score.parts.size() == 1);
  const std::vector<Note> expected{{60, 0.0, 1.0, 100},
                                   {62, 1.0, 112.0 / 96.0, 50},
                                   {64, 0.0, 2.0, 90},
                                   {62, 1.5, 80.0 / 96.0, 51}};
  std::vector<Note> want = expected;
  std::sort(want.begin(), want.end(), note_order);
  CHECK(score.parts[0].notes == want);
  // A note never released ends where its track ends; a zero-length note is dropped.
  const Score open_end = decode_midi(file_with_track(
      b({0x00, 0x90, 60, 100, 0x00, 0x90, 61, 100, 0x00, 0x80, 61, 0, 0x60, 0xFF, 0x2F, 0x00})));
  CHECK(open_end.parts[0].notes == std::vector<Note>{{60, 0.0, 1.0, 100}});
  // Missing end-of-track at the chunk's end is accepted.
  CHECK(decode_midi(file_with_track(b({0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0})))
            .parts[0]
            .notes.size() == 1);
}

TEST_CASE("bad MIDI files give FormatError naming the file, the byte and what was expected",
          "[midi][errors]") {
  auto fails_with = [](const std::string& bytes, const std::string& text) {
    INFO("expected an error containing: " << text);
    CHECK_THROWS_AS(decode_midi(bytes, "bad.mid"), FormatError);
    CHECK_THROWS_WITH(decode_midi(bytes, "bad.mid"),
                      Catch::Contains("bad.mid: byte") && Catch::Contains(text));
  };
  fails_with("", "MThd");
  fails_with("RIFF0000WAVE", "MThd");
  fails_with(std::string("MThd\0\0\0\2\0\0", 10), "header length of at least 6");
  fails_with(std::string("MThd\0\0\0\6\0\0", 10), "fits in the file");
  fails_with(file_with_track(b({0x00, 0xFF, 0x2F, 0x00}), 2), "format 2");
  fails_with(file_with_track(b({0x00, 0xFF, 0x2F, 0x00}), 7), "format 0 or 1, got 7");
  fails_with(file_with_track(b({0x00, 0xFF, 0x2F, 0x00}), 0, 0xE728), "SMPTE");
  fails_with(file_with_track(b({0x00, 0xFF, 0x2F, 0x00}), 0, 0), "positive number of ticks");
  fails_with(file_with_track(b({0x00, 60, 100, 0x00, 0xFF, 0x2F, 0x00})), "no running status");
  fails_with(file_with_track(b({0x00, 0x90, 60, 0x90})), "data byte");
  fails_with(file_with_track(b({0x00, 0x90, 60})), "data byte, but the track chunk ends");
  fails_with(file_with_track(b({0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x90, 60, 1})),
             "at most 4 bytes");
  fails_with(file_with_track(b({0x00, 0xF3, 0x01})), "system-common");
  fails_with(file_with_track(b({0x00, 0xFF, 0x01, 0x7F, 0x41})), "fits in the track");
  fails_with(file_with_track(b({0x00, 0xF0, 0x8F, 0xFF, 0xFF, 0x7F})), "sysex length");
  fails_with(file_with_track(b({0x00, 0xFF, 0x51, 0x02, 0x01, 0x02})), "tempo event of 3");
  fails_with(file_with_track(b({0x00, 0xFF, 0x51, 0x03, 0x00, 0x00, 0x00})), "positive tempo");
  fails_with(file_with_track(b({0x00, 0xFF, 0x59, 0x02, 0x09, 0x00})), "-7..7 sharps");
  fails_with(file_with_track(b({0x00, 0xFF, 0x58, 0x04, 0x04, 0x09, 24, 8})), "denominator");
  // A chunk length far beyond the file is refused before anything is allocated.
  std::string huge = file_with_track(b({0x00, 0xFF, 0x2F, 0x00}));
  huge[18] = static_cast<char>(0x7F);
  fails_with(huge, "chunk length that fits in the file");
  // The header announces two tracks; the file holds one.
  std::string two = file_with_track(b({0x00, 0xFF, 0x2F, 0x00}), 1);
  two[11] = 2;
  fails_with(two, "track 2 of the 2");
  std::string format0_two = file_with_track(b({0x00, 0xFF, 0x2F, 0x00}), 0);
  format0_two[11] = 2;
  fails_with(format0_two, "exactly one track");
  CHECK_THROWS_AS(read_midi(test::temp_file("bachprop_music_tests", "no_such_file.mid")), IoError);
}

TEST_CASE("a file cut at every byte gives FormatError", "[midi][errors][fuzz]") {
  const std::string whole = encode_midi(lesson_score(), {1, true, true});
  REQUIRE_NOTHROW(decode_midi(whole));
  for (std::size_t size = 0; size < whole.size(); ++size) {
    INFO("cut to " << size << " of " << whole.size() << " bytes");
    CHECK_THROWS_AS(decode_midi(whole.substr(0, size), "cut.mid"), FormatError);
  }
  const std::string mido_file = read_file(fixtures / "midi_mido_format1.mid");
  for (std::size_t size = 0; size < mido_file.size(); ++size) {
    CHECK_THROWS_AS(decode_midi(mido_file.substr(0, size), "cut.mid"), FormatError);
  }
}

TEST_CASE("corrupted files decode or give FormatError, never crash", "[midi][errors][fuzz]") {
  Rng rng(2024);
  std::size_t refused = 0;
  std::size_t trials = 0;
  for (const std::string& original :
       {encode_midi(lesson_score()), encode_midi(random_score(7, 3), {0, true, true}),
        read_file(fixtures / "midi_mido_format0.mid"),
        read_file(fixtures / "midi_mido_format1.mid")}) {
    for (int trial = 0; trial < 1500; ++trial) {
      std::string bytes = original;
      const auto flips = 1 + rng.below(4);
      for (std::uint64_t f = 0; f < flips; ++f) {
        bytes[static_cast<std::size_t>(rng.below(bytes.size()))] =
            static_cast<char>(rng.below(256));
      }
      ++trials;
      try {
        const Score score = decode_midi(bytes, "fuzz.mid");
        for (const auto& part : score.parts) {
          for (const auto& n : part.notes) {
            REQUIRE(is_midi_pitch(n.pitch));
            REQUIRE(n.duration > 0.0);
            REQUIRE((n.velocity >= 1 && n.velocity <= 127));
          }
        }
      } catch (const FormatError& error) {
        ++refused;
        CHECK(std::string(error.what()).rfind("fuzz.mid: byte ", 0) == 0);
      }
    }
  }
  // Many corruptions land in note data and still decode; many do not.
  CHECK(refused > trials / 20);
  CHECK(refused < trials);
}

TEST_CASE("MIDI: what the reader accepts, the writer writes and the reader reads back",
          "[midi][fuzz]") {
  // fuzz_midi's property, on a file with running status, a zero-length note, a note never
  // released and an unknown chunk.
  const std::string track = std::string("\x00\x90\x3C\x40", 4) +  // C4 on
                            std::string("\x60\x3E\x40", 3) +      // D4 on, running status
                            std::string("\x00\x3E\x00", 3) +      // D4 off at once: dropped
                            std::string("\x60\x80\x3C\x00", 4) +  // C4 off
                            std::string("\x00\x90\x3E\x40", 4) +  // D4 on, never released
                            std::string("\x60\xFF\x2F\x00", 4);   // end of track
  std::string file = std::string("MThd\x00\x00\x00\x06\x00\x00\x00\x01\x01\xE0", 14) +
                     std::string("XTRA\x00\x00\x00\x02zz", 10) + "MTrk";
  file += std::string{static_cast<char>(0), static_cast<char>(0), static_cast<char>(0),
                      static_cast<char>(track.size())} +
          track;
  const Score score = decode_midi(file, "odd.mid");
  REQUIRE(score.parts.size() == 1);
  CHECK(score.parts[0].notes.size() == 2);  // C4, and D4 ended with its track
  const Score again = decode_midi(encode_midi(score), "again.mid");
  REQUIRE(again.parts.size() == 1);
  CHECK(again.parts[0].notes == score.parts[0].notes);
}

TEST_CASE("MIDI: a file of 100,000 notes never released is read in linear time",
          "[midi][errors]") {
  // Each note off searched every sounding note, and a file of 100,000 note ons then 100,000
  // unmatched note offs (800 KB) took minutes: a note off now finds its note at once.
  std::string track;
  for (int i = 0; i < 100000; ++i) {
    track += std::string("\x00\x90\x3C\x40", 4);  // C4 on
  }
  for (int i = 0; i < 100000; ++i) {
    track += std::string("\x00\x80\x3D\x40", 4);  // C#4 off: nothing to release
  }
  track += std::string("\x01\xFF\x2F\x00", 4);
  const auto length = static_cast<std::uint32_t>(track.size());
  std::string file = std::string("MThd\x00\x00\x00\x06\x00\x00\x00\x01\x01\xE0", 14) + "MTrk";
  for (int shift = 24; shift >= 0; shift -= 8) {
    file.push_back(static_cast<char>((length >> static_cast<unsigned>(shift)) & 0xFFU));
  }
  file += track;
  const auto started = std::chrono::steady_clock::now();
  const Score score = decode_midi(file, "many.mid");
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
  REQUIRE(score.parts.size() == 1);
  CHECK(score.parts[0].notes.size() == 100000);  // each ends with the track, one tick later
  CHECK(elapsed.count() < 5.0);
}
