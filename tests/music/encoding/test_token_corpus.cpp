// Tests of bachprop/music/encoding/token_corpus.hpp: a folder of MIDI files written here (with a
// broken file, reported by name and skipped) as chord tokens split by file with a seed; the
// vocabulary from the training pieces only, rare tokens mapped to the unknown token.

#include <bachprop/music/encoding/token_corpus.hpp>
#include <bachprop/music/score/midi_write.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;
namespace fs = std::filesystem;

namespace {

// A piece of a few chords over a bass, moved by `seed` semitones.
Score token_corpus_test_piece(int seed) {
  Score score;
  Part part;
  for (int bar = 0; bar < 4; ++bar) {
    const double start = 4.0 * bar;
    part.add_chord({48 + seed, 64 + seed, 67 + seed}, start, 1.0);
    part.add(72 + seed, start + 1.0, 0.5).add(74 + seed, start + 1.5, 0.5);
    part.add(76 + seed + (bar == 3 ? 1 : 0), start + 2.0, 1.0);  // one rare note
  }
  score.parts = {part};
  return score;
}

}  // namespace

TEST_CASE("Token corpus: a MIDI folder split by file, a broken file named and skipped",
          "[token_corpus]") {
  const fs::path folder = fs::temp_directory_path() /
                          ("bachprop-test-token-corpus-" + std::to_string(::getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder);
  for (int i = 0; i < 10; ++i) {
    write_midi(folder / ("piece" + std::to_string(i) + ".mid"), token_corpus_test_piece(i % 2));
  }
  {
    std::ofstream broken(folder / "broken.mid", std::ios::binary);
    broken << "MThd not really";
  }
  TokenCorpusOptions options;
  options.min_count = 3;
  options.seed = 7;
  const TokenCorpus corpus = midi_token_corpus(folder, options);
  REQUIRE(corpus.skipped.size() == 1);
  CHECK(corpus.skipped[0].path == "broken.mid");
  CHECK(corpus.train.size() == 9);
  CHECK(corpus.valid.size() == 1);
  CHECK(corpus.train[0].size() == 19);  // four tokens a bar, a rest between bars
  // The vocabulary counts the training pieces only, with the unknown token first.
  CHECK(corpus.vocabulary.has_unknown());
  CHECK(corpus.token_count(corpus.train) == 9 * 19);
  const auto again = midi_token_corpus(folder, options);
  CHECK(again.valid[0].name == corpus.valid[0].name);
  options.seed = 8;
  CHECK(midi_token_corpus(folder, options).skipped.size() == 1);
  fs::remove_all(folder);
  CHECK_THROWS_AS(midi_token_corpus(folder), ArgumentError);
}

TEST_CASE("Token corpus: the vocabulary's minimum count maps rare tokens to <unk>",
          "[token_corpus]") {
  const std::vector<ChordTokens> train = {
      {"a", {"C4", "D4", "C4", "E4.G4", "C4"}, {1, 1, 1, 3, 3}},
      {"b", {"C4", "D4", "R", "F4"}, {1, 1, 1, 3}}};
  const std::vector<ChordTokens> valid = {{"c", {"C4", "B4", "D4"}, {1, 1, 3}}};
  TokenCorpusOptions options;
  options.min_count = 2;
  const TokenCorpus corpus = token_corpus(train, valid, options, "test");
  CHECK(corpus.distinct_tokens == 5);
  // <unk>, C4 (4), D4 (2): E4.G4, R and F4 were seen once.
  CHECK(corpus.vocabulary.size() == 3);
  CHECK(corpus.vocabulary.token(1) == "C4");
  CHECK(corpus.vocabulary.count(0) == 3);
  CHECK(corpus.ids(corpus.valid)[0] == std::vector<int>{1, 0, 2});
  CHECK(corpus.unknown_in_validation() == 1);
  CHECK(TokenCorpus::duration_ids(corpus.valid)[0] == std::vector<int>{1, 1, 3});
  CHECK_THROWS_AS(token_corpus({}, valid, options, "empty"), ArgumentError);
}
