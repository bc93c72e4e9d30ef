// Tests of bachprop/music/encoding/tokens.hpp: notes, chords and rests as words, and back.

#include <bachprop/music/encoding/tokens.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

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
