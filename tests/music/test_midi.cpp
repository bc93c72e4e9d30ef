// Tests of music/score/midi.hpp. The files the library writes are read by an independent parser
// (mido, through tests/fixtures/midi_dump.py run by /usr/bin/python3) and compared note for note;
// files written by mido (tests/fixtures/midi_mido_*.mid, made by midi_make_fixtures.py) are read by
// the library and compared with what the generator put in them; every score survives
// write → read; truncated and corrupted files give FormatError, never a crash.

#include "helpers.hpp"

#include <bachprop/core/random.hpp>
#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/corpora.hpp>
#include <bachprop/music/encoding.hpp>
#include <bachprop/music/score/stream.hpp>

#include "05_algorithmic_composition/composer.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <tuple>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;
using nlohmann::json;
namespace fs = std::filesystem;

namespace Catch {
template <>
struct StringMaker<Note> {
  static std::string convert(const Note& n) {
    return "{" + std::to_string(n.pitch) + " at " + std::to_string(n.start) + " for " +
           std::to_string(n.duration) + " v" + std::to_string(n.velocity) + "}";
  }
};
}  // namespace Catch

namespace {

const fs::path fixtures{BACHPROP_FIXTURE_DIR};


// What mido makes of a file: the JSON printed by midi_dump.py.
json mido_dump(const fs::path& midi) {
  const fs::path out = fs::path(midi).replace_extension(".mido.json");
  const std::string command = "/usr/bin/python3 '" + (fixtures / "midi_dump.py").string() +
                              "' '" + midi.string() + "' > '" + out.string() + "'";
  const int status = std::system(command.c_str());
  INFO("command: " << command << " (needs Debian's python3-mido: scripts/setup.sh)");
  REQUIRE(status == 0);
  const json result = json::parse(read_file(out));
  fs::remove(out);
  return result;
}

// mido's name of a key signature.
std::string mido_key(const KeySignature& k) {
  static const char* major[] = {"Cb", "Gb", "Db", "Ab", "Eb", "Bb", "F", "C",
                                "G",  "D",  "A",  "E",  "B",  "F#", "C#"};
  static const char* minor[] = {"Abm", "Ebm", "Bbm", "Fm", "Cm",  "Gm",  "Dm", "Am",
                                "Em",  "Bm",  "F#m", "C#m", "G#m", "D#m", "A#m"};
  return (k.mode == Mode::major ? major : minor)[k.sharps + 7];
}

// A note as (channel, start tick, end tick, pitch, velocity), the form both readers agree on.
using TickNote = std::tuple<int, std::int64_t, std::int64_t, int, int>;

std::vector<TickNote> expected_ticks(const Part& part, int tpq) {
  std::vector<TickNote> out;
  for (const auto& n : part.notes) {
    const auto start = to_ticks(n.start, tpq);
    const auto end = std::max(to_ticks(n.end(), tpq), start + 1);
    out.emplace_back(part.channel, start, end, n.pitch, n.velocity);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<TickNote> mido_ticks(const json& track_notes) {
  std::vector<TickNote> out;
  for (const auto& n : track_notes) {
    out.emplace_back(n["channel"].get<int>(), n["start"].get<std::int64_t>(),
                     n["end"].get<std::int64_t>(), n["pitch"].get<int>(),
                     n["velocity"].get<int>());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A varied score from a seed: chords, repeated notes, touching and overlapping notes, several
// channels and programs, triplet and sixteenth starts, velocities 1..127.
Score random_score(std::uint64_t seed, int parts, int ticks_per_quarter = 480) {
  Rng rng(seed);
  Score score;
  score.title = "random " + std::to_string(seed);
  score.ticks_per_quarter = ticks_per_quarter;
  score.tempo_bpm = 60.0e6 / static_cast<double>(300000 + rng.below(700000));
  score.time_signature = {static_cast<int>(1 + rng.below(12)), 1 << rng.below(5)};
  score.key_signature = {static_cast<int>(rng.below(15)) - 7,
                         rng.below(2) == 0 ? Mode::major : Mode::minor};
  const int grid = ticks_per_quarter / 12;  // sixteenths and triplets both land on it
  for (int p = 0; p < parts; ++p) {
    Part part;
    part.name = "part " + std::to_string(p) + (p % 2 == 0 ? " (é)" : "");
    part.channel = p == 0 ? 0 : static_cast<int>((p * 5) % 16);
    part.program = static_cast<int>(rng.below(128));
    std::int64_t t = static_cast<std::int64_t>(rng.below(4)) * grid;
    const int count = 5 + static_cast<int>(rng.below(40));
    for (int i = 0; i < count; ++i) {
      const int chord = rng.below(4) == 0 ? 3 : 1;
      const std::int64_t length = (1 + static_cast<std::int64_t>(rng.below(24))) * grid;
      const int root = 30 + static_cast<int>(rng.below(70));
      for (int c = 0; c < chord; ++c) {
        part.notes.push_back({root + 4 * c, to_quarters(t, ticks_per_quarter),
                              to_quarters(length, ticks_per_quarter),
                              1 + static_cast<int>(rng.below(127))});
      }
      // Sometimes the next note starts before this one ends (a different pitch), sometimes
      // after a rest, usually right at its end.
      const auto step = rng.below(5);
      t += step == 0 ? length / 2 : step == 1 ? length + 2 * grid : length;
    }
    // MIDI cannot tell which of two overlapping notes of one pitch on one channel a note off
    // ends: such overlaps (tested on their own) are kept out of these scores.
    std::sort(part.notes.begin(), part.notes.end(), note_order);
    std::vector<Note> kept;
    for (const auto& n : part.notes) {
      const bool overlaps = std::any_of(kept.begin(), kept.end(), [&](const Note& k) {
        return k.pitch == n.pitch && k.end() > n.start;
      });
      if (!overlaps) {
        kept.push_back(n);
      }
    }
    part.notes = kept;
    score.parts.push_back(part);
  }
  return score;
}

void require_same_scores(const Score& read, const Score& written, bool exact = true) {
  CHECK(read.title == written.title);
  CHECK(read.ticks_per_quarter == written.ticks_per_quarter);
  CHECK(read.tempo_bpm == Approx(60.0e6 / std::llround(60.0e6 / written.tempo_bpm)));
  CHECK(read.time_signature == written.time_signature);
  CHECK(read.key_signature == written.key_signature);
  REQUIRE(read.parts.size() == written.parts.size());
  for (std::size_t i = 0; i < read.parts.size(); ++i) {
    Part expected = written.parts[i];
    expected.sort();
    INFO("part " << i);
    CHECK(read.parts[i].name == expected.name);
    CHECK(read.parts[i].channel == expected.channel);
    CHECK(read.parts[i].program == expected.program);
    // Equal in ticks always; equal as numbers when every time was a whole number of ticks.
    CHECK(expected_ticks(read.parts[i], read.ticks_per_quarter) ==
          expected_ticks(expected, written.ticks_per_quarter));
    if (exact) {
      CHECK(read.parts[i].notes == expected.notes);
    }
  }
}

void check_against_mido(const Score& score, const MidiWriteOptions& options,
                        const std::string& stem) {
  const fs::path path = test::temp_file("bachprop_music_tests", stem + ".mid");
  write_midi(path, score, options);
  const json dump = mido_dump(path);
  CHECK(dump["format"] == options.format);
  CHECK(dump["ticks_per_quarter"] == score.ticks_per_quarter);
  CHECK(dump["tempo"] == std::llround(60.0e6 / score.tempo_bpm));
  CHECK(dump["time_signature"] ==
        json::array({score.time_signature.numerator, score.time_signature.denominator}));
  CHECK(dump["key_signature"] == mido_key(score.key_signature));
  const auto& tracks = dump["tracks"];
  if (options.format == 1) {
    REQUIRE(tracks.size() == score.parts.size() + 1);
    // An empty title or name is not written (mido then reports none).
    CHECK(tracks[0]["name"] == (score.title.empty() ? json(nullptr) : json(score.title)));
    CHECK(tracks[0]["notes"].empty());
    for (std::size_t i = 0; i < score.parts.size(); ++i) {
      const auto& part = score.parts[i];
      INFO("part " << i << " '" << part.name << "'");
      CHECK(tracks[i + 1]["name"] == (part.name.empty() ? json(nullptr) : json(part.name)));
      CHECK(tracks[i + 1]["programs"] == json::array({json::array({part.channel, part.program})}));
      CHECK(mido_ticks(tracks[i + 1]["notes"]) == expected_ticks(part, score.ticks_per_quarter));
    }
  } else {
    REQUIRE(tracks.size() == 1);
    CHECK(tracks[0]["name"] == (score.title.empty() ? json(nullptr) : json(score.title)));
    std::vector<TickNote> all;
    for (const auto& part : score.parts) {
      const auto notes = expected_ticks(part, score.ticks_per_quarter);
      all.insert(all.end(), notes.begin(), notes.end());
      if (!part.name.empty()) {
        CHECK(tracks[0]["instrument_names"][std::to_string(part.channel)] == part.name);
      }
    }
    std::sort(all.begin(), all.end());
    CHECK(mido_ticks(tracks[0]["notes"]) == all);
  }
  fs::remove(path);
}

Score lesson_score() {
  Stream s("Piano", 0, 0);
  s.note("C4").note("E4", 0.5).note("E4", 0.5).rest(0.5).chord({"C4", "E4", "G4"}, 1.5);
  s.append("D4/8 E4/8 F4/4. R/8 G4:0.33333333 A4:0.66666667");
  Score score = s.score(90.0, {3, 4}, {-2, Mode::minor});
  score.title = "first lesson";
  Stream bass("Bass", 32, 1);
  bass.note("C2", 3.0).note("G2", 3.0).note("C2", 2.0);
  score.parts.push_back(bass.part());
  return score;
}

}  // namespace

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

namespace {

// A hand-written file around one track's event bytes.
std::string file_with_track(const std::string& events, unsigned format = 0,
                            unsigned division = 96) {
  std::string f("MThd\0\0\0\6", 8);
  f += static_cast<char>(0);
  f += static_cast<char>(format);
  f += std::string("\0\1", 2);
  f += static_cast<char>(division >> 8U);
  f += static_cast<char>(division & 0xFFU);
  f += "MTrk";
  const auto n = static_cast<std::uint32_t>(events.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    f += static_cast<char>((n >> static_cast<unsigned>(shift)) & 0xFFU);
  }
  return f + events;
}

std::string b(std::initializer_list<int> bytes) {
  std::string s;
  for (const int x : bytes) {
    s += static_cast<char>(x);
  }
  return s;
}

}  // namespace

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
