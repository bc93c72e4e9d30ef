// Tests of the files a harmonisation becomes: the four-part score
// (music/score/four_voice_grid.hpp's harmony_score) written as MIDI is read back by the library's
// reader and by an independent one (mido, through tests/fixtures/midi_dump.py run by
// /usr/bin/python3): one named track per voice, the chosen program, every note where it belongs,
// repeated soprano notes struck again.

#include "helpers.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/evaluate.hpp>
#include <bachprop/music/score.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

using namespace bachprop;
using namespace bachprop::music;
namespace fs = std::filesystem;

namespace {


// Ode to Joy's first phrase, with its repeated notes.
Melody ode() {
  Melody m;
  for (const auto& e : parse_notes("E4 E4 F4 G4 G4 F4 E4 D4 C4 C4 D4 E4 E4/4. D4/8 D4/2")) {
    m.push_back({e.pitches.front(), e.quarter_length});
  }
  return m;
}

}  // namespace

TEST_CASE("a harmonisation's score: four named parts, the melody as given", "[harmony][midi]") {
  const Melody melody = ode();
  const std::vector<int> line = melody_steps(melody);
  REQUIRE(line.size() == 64);  // 16 quarters of 16ths
  const FourVoiceGrid grid = IntervalBaseline({0, 2, 5, 14}).harmonise(line);
  const Score score = harmony_score(grid, melody, 19, 90);
  REQUIRE(score.parts.size() == 4);
  CHECK(score.parts[soprano].name == "Soprano");
  CHECK(score.parts[bass].name == "Bass");
  CHECK(score.parts[alto].program == 19);
  CHECK(score.parts[tenor].channel == 2);
  // The soprano keeps its 15 notes (E4 E4 struck twice); the grid alone would join them.
  CHECK(score.parts[soprano].notes.size() == 15);
  CHECK(grid_to_score(grid).parts[soprano].notes.size() == 10);
  CHECK(score.parts[soprano].notes[1] == Note{64, 1.0, 1.0, 80});
  // The lower voices follow the grid: the bass two octaves below in the key of the tune, which
  // reads as E minor (the phrase dwells on E); the closing D, not in E harmonic minor, counts as
  // the C below it, so the bass ends on C2 (held from the dotted quarter's end: one grid note).
  CHECK(soprano_key(line) == Key{4, Mode::minor});
  CHECK(score.parts[bass].notes.front().pitch == 64 - 24);
  CHECK(score.parts[bass].notes.back() == Note{36, 13.5, 2.5, 80});
  // A melody that does not span the grid is refused.
  CHECK_THROWS_AS(harmony_score(grid, {{60, 1.0}}), ArgumentError);
}

TEST_CASE("the harmonisation's MIDI file reads back, by us and by mido", "[harmony][midi]") {
  const Melody melody = ode();
  const FourVoiceGrid grid = IntervalBaseline({0, 2, 5, 14}).harmonise(melody_steps(melody));
  Score score = harmony_score(grid, melody, 52, 72);
  score.title = "Ode to Joy, harmonised";
  score.key_signature = signature_of(soprano_key(grid.voices[soprano]));
  const fs::path file = test::temp_file("bachprop_harmony_tests", "ode_harmonised.mid");
  write_midi(file, score);

  // Our reader: the same four parts and notes.
  const Score back = read_midi(file);
  REQUIRE(back.parts.size() == 4);
  for (std::size_t v = 0; v < 4; ++v) {
    CHECK(back.parts[v].name == score.parts[v].name);
    CHECK(back.parts[v].program == 52);
    CHECK(back.parts[v].notes == score.parts[v].notes);
  }
  CHECK(back.tempo_bpm == Approx(72));

  // mido: a conductor track, then one named track per voice with its notes and program.
  const fs::path dump = test::temp_file("bachprop_harmony_tests", "ode_harmonised.mido.json");
  const std::string command = "/usr/bin/python3 '" + std::string(BACHPROP_FIXTURE_DIR) +
                              "/midi_dump.py' '" + file.string() + "' > '" + dump.string() + "'";
  INFO("command: " << command << " (needs Debian's python3-mido)");
  REQUIRE(std::system(command.c_str()) == 0);
  const nlohmann::json mido = nlohmann::json::parse(read_file(dump));
  REQUIRE(mido["tracks"].size() == 5);
  CHECK(mido["tracks"][0]["name"] == "Ode to Joy, harmonised");
  for (std::size_t v = 0; v < 4; ++v) {
    const auto& track = mido["tracks"][v + 1];
    CHECK(track["name"] == std::string(voice_names[v]));
    CHECK(track["programs"] == nlohmann::json::array({nlohmann::json::array({v, 52})}));
    REQUIRE(track["notes"].size() == score.parts[v].notes.size());
    for (std::size_t i = 0; i < score.parts[v].notes.size(); ++i) {
      const Note& n = score.parts[v].notes[i];
      CHECK(track["notes"][i]["pitch"] == n.pitch);
      CHECK(track["notes"][i]["start"] == to_ticks(n.start, score.ticks_per_quarter));
      CHECK(track["notes"][i]["end"] == to_ticks(n.end(), score.ticks_per_quarter));
      CHECK(track["notes"][i]["channel"] == v);
    }
  }
  CHECK(mido["key_signature"] == "Em");
  fs::remove(file);
  fs::remove(dump);
}
