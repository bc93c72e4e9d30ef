// Tests of bachprop/music/score/four_voice_grid.hpp: a grid as a four-part score, transposition,
// melodies on the 16th grid, and the files a harmonisation becomes (harmony_score): written as
// MIDI and read back by the library's reader and by an independent one (mido, through
// tests/fixtures/midi_dump.py run by /usr/bin/python3): one named track per voice, the chosen
// program, every note where it belongs, repeated soprano notes struck again.

#include "helpers.hpp"
#include "music/harmony_fixtures.hpp"

#include <bachprop/io/file.hpp>
#include <bachprop/music/corpora.hpp>
#include <bachprop/music/evaluate.hpp>
#include <bachprop/music/score.hpp>
#include <bachprop/music/score/four_voice_grid.hpp>
#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

using namespace bachprop;
using namespace bachprop::music;
namespace fs = std::filesystem;

TEST_CASE("a grid becomes a four-part score and moves by semitones", "[harmony][data]") {
  const JsbCorpus corpus = parse_jsb_chorales(tiny_corpus, "tiny_16th.json");
  const FourVoiceGrid g = grid_of(corpus.train[0], corpus);
  const Score score = grid_to_score(g, 19, 90);
  REQUIRE(score.parts.size() == 4);
  CHECK(score.tempo_bpm == 90);
  for (int v = 0; v < voice_count; ++v) {
    CHECK(score.parts[static_cast<std::size_t>(v)].name ==
          voice_names[static_cast<std::size_t>(v)]);
    CHECK(score.parts[static_cast<std::size_t>(v)].program == 19);
    CHECK(score.parts[static_cast<std::size_t>(v)].channel == v);
  }
  // The soprano holds C5 for two 16ths (one note of an eighth), then D5; then silence.
  REQUIRE(score.parts[soprano].notes.size() == 2);
  CHECK(score.parts[soprano].notes[0] == Note{72, 0.0, 0.5, 80});
  CHECK(score.parts[soprano].notes[1] == Note{74, 0.5, 0.25, 80});

  const FourVoiceGrid up = transposed(g, 3);
  CHECK(up.voices[soprano] == std::vector<int>{75, 75, 77, -1});
  CHECK(up.voices[bass] == std::vector<int>{51, 51, 50, -1});
  CHECK_THROWS_AS(transposed(g, 60), ArgumentError);

  FourVoiceGrid ragged = g;
  ragged.voices[tenor].pop_back();
  CHECK_THROWS_AS(ragged.check(), ArgumentError);
  FourVoiceGrid bad = g;
  bad.voices[alto][1] = -7;
  CHECK_THROWS_AS(grid_to_score(bad), ArgumentError);
}

TEST_CASE("a melody on the 16th grid", "[harmony][data]") {
  // A quarter, an eighth, an eighth rest, a half: 4 + 2 + 2 + 8 steps.
  const Melody melody{{60, 1.0}, {62, 0.5}, {rest_pitch, 0.5}, {64, 2.0}};
  const std::vector<int> steps = melody_steps(melody);
  const std::vector<int> expected{60, 60, 60, 60, 62, 62, -1, -1, 64, 64, 64, 64, 64, 64, 64, 64};
  CHECK(steps == expected);
  // Triplet eighths (1/3 of a quarter): rounding follows the running time, so three of them
  // fill exactly one quarter (1 + 2 + 1 steps) instead of drifting.
  const std::vector<int> triplets = melody_steps({{60, 1.0 / 3}, {62, 1.0 / 3}, {64, 1.0 / 3}});
  CHECK(triplets == std::vector<int>{60, 62, 62, 64});
  // A grace-note length still gets one step.
  CHECK(melody_steps({{60, 0.01}, {62, 1.0}}) == std::vector<int>{60, 62, 62, 62});
  CHECK(melody_steps({{60, 1.0}}, 2) == std::vector<int>{60, 60});
  CHECK_THROWS_AS(melody_steps({{60, 0.0}}), ArgumentError);
  CHECK_THROWS_AS(melody_steps({{200, 1.0}}), ArgumentError);

  const FourVoiceGrid g = soprano_only(steps);
  CHECK(g.steps() == 16);
  CHECK(g.voices[bass] == std::vector<int>(16, silent_voice));
}

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
