// Tests of music/encoding/note_embedding.hpp: the paper's note embedding, the piano roll and the
// token vocabulary, each with its round trip.

#include <bachprop/music/encoding.hpp>
#include <bachprop/music/generate/note_sampling.hpp>

#include <catch2/catch.hpp>

#include <filesystem>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("the note embedding is one-hot pitch over 36..81 plus one-hot eighths", "[encoding]") {
  const NoteEmbedding paper;
  CHECK(paper.pitch_rows() == 46);
  CHECK(paper.duration_rows() == 16);
  CHECK(paper.rows() == 62);
  const Melody melody{{36, 0.5}, {60, 1.0}, {81, 8.0}, {67, 1.5}};
  const Matrix<float> x = paper.encode(melody);
  REQUIRE(x.rows() == 62);
  REQUIRE(x.cols() == 4);
  CHECK(x.colwise().sum() == RowVector<float>::Constant(4, 2.0F));
  CHECK(x(0, 0) == 1.0F);          // MIDI 36 is the first pitch row
  CHECK(x(46 + 0, 0) == 1.0F);     // one eighth
  CHECK(x(24, 1) == 1.0F);         // MIDI 60
  CHECK(x(46 + 1, 1) == 1.0F);     // two eighths
  CHECK(x(45, 2) == 1.0F);         // MIDI 81, the last pitch row
  CHECK(x(46 + 15, 2) == 1.0F);    // sixteen eighths
  CHECK(x(46 + 2, 3) == 1.0F);     // a dotted quarter is three eighths
  CHECK(paper.decode(x) == melody);
  CHECK_THROWS_WITH(paper.encode(Melody{{35, 1.0}}), Catch::Contains("pitch 35"));
  CHECK_THROWS_WITH(paper.encode(Melody{{rest_pitch, 1.0}}), Catch::Contains("with_rest"));
  CHECK_THROWS_WITH(paper.encode(Melody{{60, 0.25}}), Catch::Contains("quantise_durations"));
  CHECK_THROWS_AS(paper.encode(Melody{{60, 8.5}}), ArgumentError);
  CHECK_THROWS_AS(paper.decode(Matrix<float>::Zero(61, 2)), ShapeError);
}

TEST_CASE("rests, preallocated buffers and quantised durations", "[encoding]") {
  const NoteEmbedding embedding{.lowest_pitch = 60, .highest_pitch = 81, .max_eighths = 8,
                                .with_rest = true};
  CHECK(embedding.rows() == 23 + 8);
  const Melody melody{{60, 1.0}, {rest_pitch, 0.5}, {81, 4.0}};
  Matrix<double> buffer(embedding.rows(), 3);
  const double* before = buffer.data();
  embedding.encode(melody, buffer);
  CHECK(buffer.data() == before);  // the right shape: no reallocation
  CHECK(buffer(22, 1) == 1.0);     // the rest row is the last pitch row
  CHECK(embedding.decode(buffer) == melody);
  CHECK(embedding.row_pitches().back() == rest_pitch);
  Vector<float> column(embedding.rows());
  embedding.encode_event({62, 2.0}, column);
  CHECK(embedding.decode_event(column) == MelodyEvent{62, 2.0});
  CHECK(quantise_durations(Melody{{60, 0.25}, {62, 0.75}, {64, 1.3}}, 0.5) ==
        Melody{{60, 0.5}, {62, 1.0}, {64, 1.5}});
  CHECK_THROWS_AS(quantise_durations(melody, 0.0), ArgumentError);
}

TEST_CASE("sampling an embedding column draws pitch and duration separately", "[encoding]") {
  const NoteEmbedding embedding{.lowest_pitch = 60, .highest_pitch = 63, .max_eighths = 2};
  Vector<float> column(6);
  column << 0.0F, 0.75F, 0.25F, 0.0F,  // pitch: 61 or 62
      0.5F, 0.5F;                      // duration: 0.5 or 1.0
  Rng rng(11);
  Sampler sampler(8);
  int count_61 = 0;
  int count_half = 0;
  for (int i = 0; i < 4000; ++i) {
    const auto e = sample_event(embedding, column, rng, sampler);
    CHECK((e.pitch == 61 || e.pitch == 62));
    count_61 += e.pitch == 61 ? 1 : 0;
    count_half += e.duration == 0.5 ? 1 : 0;
  }
  CHECK(count_61 / 4000.0 == Approx(0.75).margin(0.03));
  CHECK(count_half / 4000.0 == Approx(0.5).margin(0.03));
  CHECK(embedding.decode_event(column) == MelodyEvent{61, 0.5});
  const std::array<std::uint8_t, 4> only_62{0, 0, 1, 0};
  CHECK(sample_event(embedding, column, rng, sampler, {}, only_62).pitch == 62);
}

TEST_CASE("a piano roll marks sounding cells and decodes back to the notes", "[encoding]") {
  Score score;
  score.parts.push_back(Part{"a", 0, 0, {{60, 0.0, 1.0, 80}, {64, 0.5, 0.5, 80}}});
  score.parts.push_back(Part{"b", 0, 1, {{48, 1.0, 2.0, 80}}});
  const PianoRoll roll = piano_roll(score, {.lowest_pitch = 48, .highest_pitch = 72, .step = 0.5});
  CHECK(roll.cells.rows() == 25);
  CHECK(roll.cells.cols() == 6);
  CHECK(roll.highest_pitch() == 72);
  CHECK(roll.cells(12, 0) == 1.0F);
  CHECK(roll.cells(12, 1) == 1.0F);
  CHECK(roll.cells(12, 2) == 0.0F);
  CHECK(roll.cells(16, 1) == 1.0F);
  CHECK(roll.cells(0, 2) == 1.0F);
  CHECK(roll.cells.sum() == 2 + 1 + 4);
  const Part back = piano_roll_to_part(roll);
  std::vector<Note> all{{48, 1.0, 2.0, 80}, {60, 0.0, 1.0, 80}, {64, 0.5, 0.5, 80}};
  std::sort(all.begin(), all.end(), note_order);
  CHECK(back.notes == all);
  // Repeated notes on adjacent steps merge (documented).
  Score repeated;
  repeated.parts.push_back(Part{"r", 0, 0, {{60, 0.0, 0.5, 80}, {60, 0.5, 0.5, 80}}});
  CHECK(piano_roll_to_part(piano_roll(repeated, {.step = 0.5})).notes ==
        std::vector<Note>{{60, 0.0, 1.0, 80}});
  CHECK_THROWS_WITH(piano_roll(score, {.lowest_pitch = 50}), Catch::Contains("C3"));
  CHECK_THROWS_AS(piano_roll(score, {.step = 0.0}), ArgumentError);
  Score negative;
  negative.parts.push_back(Part{"n", 0, 0, {{60, -1.0, 2.0, 80}}});
  CHECK_THROWS_WITH(piano_roll(negative), Catch::Contains("start ≥ 0"));
}

TEST_CASE("tokens: notes, chords and rests as in the article", "[encoding]") {
  CHECK(token_of({56, 45}) == "A2.G#3");
  CHECK(token_of({60}) == "C4");
  CHECK(token_of({}) == "R");
  CHECK(pitches_of("A2.G#3") == std::vector<int>{45, 56});
  CHECK(pitches_of("R").empty());
  CHECK_THROWS_AS(pitches_of("C4 E4"), FormatError);
  CHECK_THROWS_AS(pitches_of("C4/8"), FormatError);
  CHECK_THROWS_AS(pitches_of("X"), FormatError);
  Part part;
  part.add(47, 0, 1).add(45, 1, 1).add(45, 2, 1).add(56, 2, 1).add(52, 4, 1);
  const auto tokens = tokenize(part);
  CHECK(tokens == std::vector<std::string>{"B2", "A2", "A2.G#3", "R", "E3"});
  const Part back = detokenize(tokens, 1.0);
  CHECK(tokenize(back) == tokens);
  CHECK(tokenize(Melody{{60, 1.0}, {rest_pitch, 1.0}}) == std::vector<std::string>{"C4", "R"});
}

TEST_CASE("a vocabulary numbers tokens by count and handles unknown tokens", "[encoding]") {
  const std::vector<std::vector<std::string>> corpus{{"C4", "D4", "C4", "R"},
                                                     {"E4", "C4", "D4", "A2.G#3"}};
  const Vocabulary v = Vocabulary::build(corpus);
  REQUIRE(v.size() == 6);
  CHECK(v.token(0) == "<unk>");
  CHECK(v.token(1) == "C4");  // 3 times
  CHECK(v.token(2) == "D4");  // 2 times
  CHECK(v.token(3) == "A2.G#3");  // once each, in text order
  CHECK(v.token(4) == "E4");
  CHECK(v.token(5) == "R");
  CHECK(v.count(1) == 3);
  CHECK(v.id("F4") == 0);
  CHECK(!v.find("F4"));
  CHECK(v.encode({"C4", "F4", "R"}) == std::vector<int>{1, 0, 5});
  CHECK(v.decode({1, 2}) == std::vector<std::string>{"C4", "D4"});
  CHECK(v.option_pitches() == std::vector<int>{-2, 60, 62, -2, 64, -1});
  CHECK_THROWS_AS(v.token(6), ArgumentError);
  CHECK_THROWS_AS(v.token(-1), ArgumentError);

  const Vocabulary strict = Vocabulary::build(corpus, 2, false);
  CHECK(strict.size() == 2);
  CHECK_THROWS_WITH(strict.id("E4"), Catch::Contains("'E4'") && Catch::Contains("no unknown"));
  const Vocabulary pruned = Vocabulary::build(corpus, 2, true);
  CHECK(pruned.size() == 3);
  CHECK(pruned.count(0) == 3);  // E4, R and A2.G#3 fold into <unk>
  CHECK_THROWS_AS(Vocabulary::build({{"<unk>"}}), ArgumentError);
}

TEST_CASE("a vocabulary survives JSON, and bad JSON is refused", "[encoding][errors]") {
  const Vocabulary v = Vocabulary::build({{"C4", "D4", "C4"}, {"R"}});
  const auto path = std::filesystem::temp_directory_path() / "bachprop_music_vocabulary.json";
  v.save(path);
  CHECK(Vocabulary::load(path) == v);
  std::filesystem::remove(path);
  CHECK(Vocabulary::from_json(v.to_json()) == v);
  const Vocabulary strict = Vocabulary::build({{"x", "y"}}, 1, false);
  CHECK(Vocabulary::from_json(strict.to_json()) == strict);

  auto refused = [&](nlohmann::json j, const std::string& text) {
    INFO(j.dump());
    CHECK_THROWS_WITH(Vocabulary::from_json(j, "v.json"),
                      Catch::Contains("v.json") && Catch::Contains(text));
  };
  auto j = v.to_json();
  j["format"] = "other";
  refused(j, "bachprop.vocabulary");
  j = v.to_json();
  j["version"] = 2;
  refused(j, "version");
  j = v.to_json();
  j["counts"].push_back(1);
  refused(j, "equal length");
  j = v.to_json();
  j["tokens"][2] = "C4";
  refused(j, "appears twice");
  j = v.to_json();
  j["tokens"][1] = 5;
  refused(j, "tokens[1]");
  j = v.to_json();
  j["counts"][1] = -3;
  refused(j, "counts[1]");
  j = v.to_json();
  j["tokens"][0] = "C5";
  refused(j, "'<unk>' exactly at tokens[0]");
  j = strict.to_json();
  j["tokens"][1] = "<unk>";
  refused(j, "tokens[1]");
  const auto bad = std::filesystem::temp_directory_path() / "bachprop_music_bad_vocab.json";
  write_file_atomically(bad, std::string("{\"tokens\": [1, 2"));
  CHECK_THROWS_WITH(Vocabulary::load(bad), Catch::Contains("byte"));
  std::filesystem::remove(bad);
}
