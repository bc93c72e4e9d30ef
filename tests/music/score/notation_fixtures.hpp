#pragma once
// What the sheet-music tests share (tests of music/score/notation.hpp, musicxml.hpp and
// lilypond.hpp): hand-made scores, a real JSB chorale, the external programs that read what the
// writers write (MuseScore 3, `mscore3`, converts MusicXML to MIDI; `lilypond` engraves a .ly
// file and writes its MIDI), and the comparison of the notes those MIDI files hold, read with
// the library's read_midi, with the notes of the score.

#include "helpers.hpp"

#include <bachprop/io/file.hpp>
#include <bachprop/music/corpora/jsb.hpp>
#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/score.hpp>
#include <bachprop/music/theory/key.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace notation_test {

using namespace bachprop;
using namespace bachprop::music;
namespace fs = std::filesystem;

// A folder of its own for each test's files.
inline fs::path scratch(const std::string& name) {
  const fs::path folder = fs::temp_directory_path() / "bachprop_notation_tests" / name;
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

// True when `program` is on the PATH.
inline bool installed(const std::string& program) {
  return std::system(("command -v " + program + " > /dev/null 2>&1").c_str()) == 0;
}

// Runs `command` with its output in `log`; the exit status (0 when it succeeded).
inline int run(const std::string& command, const fs::path& log) {
  const std::string line = command + " > '" + log.string() + "' 2>&1";
  return std::system(line.c_str());
}

// A melody in F major, 3/4, on two parts: a dotted quarter, a note tied across the barline, a
// chord, rests, Bb and a B natural, eighth triplets; and a bass with two voices (a long note
// under shorter ones).
inline Score hand_made_score() {
  Score score;
  score.title = "Sheet music test: F major & <friends>";
  score.tempo_bpm = 90;
  score.time_signature = {3, 4};
  score.key_signature = {-1, Mode::major};
  Part melody;
  melody.name = "Melody";
  melody.program = 52;
  melody.add(70, 0, 1.5).add(69, 1.5, 0.5).add(71, 2, 2.25);  // Bb dotted; B natural tied over
  melody.add_chord({60, 64, 67}, 5, 1);                       // after a dotted-eighth rest
  melody.add(72, 6, 1.0 / 3).add(74, 6 + 1.0 / 3, 2.0 / 3).add(70, 7, 1.25);
  Part bass;
  bass.name = "Bass";
  bass.program = 32;
  bass.channel = 1;
  bass.add(41, 0, 3).add(36, 3, 6).add(48, 3, 1).add(50, 4, 1);
  score.parts = {melody, bass};
  return score;
}

// A melody in E major, 6/8, with D# and A# (sharps in a sharp key) and an upbeat rest.
inline Score six_eight_score() {
  Score score;
  score.title = "six-eight";
  score.tempo_bpm = 60;
  score.time_signature = {6, 8};
  score.key_signature = {4, Mode::major};
  Part part;
  part.name = "Flute";
  part.program = 73;
  part.add(64, 1, 0.5).add(63, 1.5, 1.5).add(70, 3, 0.5).add(71, 3.5, 1).add(76, 4.5, 3);
  score.parts = {part};
  return score;
}

// A chorale phrase in G major, 4/4, opening with a one-beat pickup (measure 0), with fermatas at
// the phrase end (a half note in each part) and on the last note (the soprano's) and chord (the
// bass's, one of whose notes carries it), both tied over the bar line; the bass's pickup is a
// rest.
inline Score pickup_score() {
  Score score;
  score.title = "pickup and fermatas";
  score.tempo_bpm = 72;
  score.time_signature = {4, 4};
  score.key_signature = {1, Mode::major};
  score.pickup = 1;
  Part soprano;
  soprano.name = "Soprano";
  soprano.program = 52;
  soprano.add(67, 0, 1).add(71, 1, 1).add(69, 2, 1).add(67, 3, 1).add(69, 4, 1).add(71, 5, 2);
  soprano.notes.back().fermata = true;
  soprano.add(71, 7, 1).add(72, 8, 1).add(74, 9, 1).add(72, 10, 1).add(71, 11, 1).add(69, 12, 2);
  soprano.notes.back().fermata = true;
  Part bass;
  bass.name = "Bass";
  bass.program = 52;
  bass.channel = 1;
  bass.add(55, 1, 1).add(54, 2, 1).add(52, 3, 1).add(50, 4, 1).add(43, 5, 2);
  bass.notes.back().fermata = true;
  bass.add(55, 7, 1).add(57, 8, 1).add(59, 9, 1).add(57, 10, 1).add(55, 11, 1);
  bass.add_chord({50, 54}, 12, 2);
  bass.notes.back().fermata = true;
  score.parts = {soprano, bass};
  return score;
}


// The first test chorale of the JSB corpus in ../shared/data, in the key its notes suggest, or
// nothing when the data is absent.
inline std::optional<Score> jsb_chorale(std::size_t index = 0) {
  const fs::path file = test::shared_data / "jsb-chorales" / "Jsb16thSeparated.json";
  if (!fs::exists(file)) {
    WARN("no JSB chorales at " << file.string() << ": skipped");
    return std::nullopt;
  }
  const JsbCorpus corpus = load_jsb_chorales(file);
  Score score = chorale_to_score(corpus.test.at(index), corpus);
  std::vector<int> pitches;
  std::vector<double> durations;
  for (const auto& part : score.parts) {
    for (const auto& n : part.notes) {
      pitches.push_back(n.pitch);
      durations.push_back(n.duration);
    }
  }
  score.key_signature = signature_of(estimate_key(pitch_class_histogram(pitches, durations)).key);
  score.title = "JSB test chorale " + std::to_string(index);
  return score;
}

// A part's notes as (start, pitch, duration), sorted.
inline std::vector<std::tuple<double, int, double>> notes_of(const Part& part) {
  std::vector<std::tuple<double, int, double>> out;
  for (const auto& n : part.notes) {
    out.emplace_back(n.start, n.pitch, n.duration);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Checks that `read` (a MIDI file another program wrote from our sheet music) holds the notes of
// `written`, part for part: the same pitches, starts equal, and each duration equal or up to
// `shortened` quarter notes short (MuseScore ends every note a tick early).
inline void require_same_notes(const Score& read, const Score& written, double shortened) {
  REQUIRE(read.parts.size() == written.parts.size());
  for (std::size_t p = 0; p < written.parts.size(); ++p) {
    INFO("part " << p << " '" << written.parts[p].name << "'");
    const auto got = notes_of(read.parts[p]);
    const auto want = notes_of(written.parts[p]);
    REQUIRE(got.size() == want.size());
    int differences = 0;
    for (std::size_t i = 0; i < want.size(); ++i) {
      const auto& [start, pitch, duration] = want[i];
      const auto& [got_start, got_pitch, got_duration] = got[i];
      const bool same = got_pitch == pitch && std::abs(got_start - start) < 1e-6 &&
                        got_duration <= duration + 1e-6 &&
                        got_duration >= duration - shortened - 1e-6;
      if (!same && ++differences <= 5) {
        FAIL_CHECK("note " << i << ": wrote " << pitch << " at " << start << " for " << duration
                           << ", read " << got_pitch << " at " << got_start << " for "
                           << got_duration);
      }
    }
    CHECK(differences == 0);
  }
}

}  // namespace notation_test
