#pragma once
// A tiny chorale written out by hand, and a reader of one-hot blocks: shared by the tests of the
// harmonisers' data (music/corpora/jsb.hpp, music/score/four_voice_grid.hpp,
// music/encoding/voice_classes.hpp) and of their networks' columns (music/models/).

#include <bachprop/core/types.hpp>

#include <catch2/catch.hpp>

// Four steps of a separated JSB file: S, A, T, B per 16th, -1 silent; some pitches as floats.
inline constexpr const char* tiny_corpus = R"({
  "train": [[[72, 67, 64, 48], [72, 67, 64.0, 48], [74, 65, 62, 47], [-1, -1, -1, -1]]],
  "valid": [],
  "test": [[[60, 55, 52, 48]]]
})";

// The index of the 1 in a one-hot block (-1 if none, -2 if several).
bachprop::Index hot_row(const auto& block) {
  bachprop::Index found = -1;
  for (bachprop::Index i = 0; i < block.size(); ++i) {
    if (block(i) == 1.0F) {
      found = found == -1 ? i : -2;
    } else {
      REQUIRE(block(i) == 0.0F);
    }
  }
  return found;
}
