#pragma once
// What the MIDI tests share: an independent reader (mido, through tests/fixtures/midi_dump.py run
// by /usr/bin/python3, Debian's python3-mido), notes as ticks to compare with it, varied scores
// from a seed, the first lesson's score, and hand-written files. Shared by the tests of
// music/score/midi_write.hpp and music/score/midi_read.hpp.

#include "helpers.hpp"

#include <bachprop/core/random.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/score/stream.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

// Notes print as {pitch at start for duration vvelocity} in failure messages.
namespace Catch {
template <>
struct StringMaker<bachprop::music::Note> {
  static std::string convert(const bachprop::music::Note& n) {
    return "{" + std::to_string(n.pitch) + " at " + std::to_string(n.start) + " for " +
           std::to_string(n.duration) + " v" + std::to_string(n.velocity) + "}";
  }
};
}  // namespace Catch

namespace midi_test {

using namespace bachprop;
using namespace bachprop::music;
using nlohmann::json;
namespace fs = std::filesystem;

inline const fs::path fixtures{BACHPROP_FIXTURE_DIR};


// What mido makes of a file: the JSON printed by midi_dump.py.
inline json mido_dump(const fs::path& midi) {
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
inline std::string mido_key(const KeySignature& k) {
  static const char* major[] = {"Cb", "Gb", "Db", "Ab", "Eb", "Bb", "F", "C",
                                "G",  "D",  "A",  "E",  "B",  "F#", "C#"};
  static const char* minor[] = {"Abm", "Ebm", "Bbm", "Fm", "Cm",  "Gm",  "Dm", "Am",
                                "Em",  "Bm",  "F#m", "C#m", "G#m", "D#m", "A#m"};
  return (k.mode == Mode::major ? major : minor)[k.sharps + 7];
}

// A note as (channel, start tick, end tick, pitch, velocity), the form both readers agree on.
using TickNote = std::tuple<int, std::int64_t, std::int64_t, int, int>;

inline std::vector<TickNote> expected_ticks(const Part& part, int tpq) {
  std::vector<TickNote> out;
  for (const auto& n : part.notes) {
    const auto start = to_ticks(n.start, tpq);
    const auto end = std::max(to_ticks(n.end(), tpq), start + 1);
    out.emplace_back(part.channel, start, end, n.pitch, n.velocity);
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::vector<TickNote> mido_ticks(const json& track_notes) {
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
inline Score random_score(std::uint64_t seed, int parts, int ticks_per_quarter = 480) {
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

inline void require_same_scores(const Score& read, const Score& written, bool exact = true) {
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

inline void check_against_mido(const Score& score, const MidiWriteOptions& options,
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

inline Score lesson_score() {
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

// A hand-written file around one track's event bytes.
inline std::string file_with_track(const std::string& events, unsigned format = 0,
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

inline std::string b(std::initializer_list<int> bytes) {
  std::string s;
  for (const int x : bytes) {
    s += static_cast<char>(x);
  }
  return s;
}

}  // namespace midi_test
