#pragma once
// The harmony tests' smallest setting: the tiny JSB corpus's training grids, their encoding
// (margin 1), and a look-ahead RNN of 8 units reading 2 steps ahead, untrained.

#include "music/harmony_fixtures.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>

#include <vector>

namespace harmony_test {

// The tiny corpus's training grids and the encoding fitted to them.
struct TinyHarmony {
  std::vector<bachprop::music::FourVoiceGrid> grids = bachprop::music::grids_of(
      bachprop::music::parse_jsb_chorales(tiny_corpus, "tiny_16th.json"), "train");
  bachprop::music::HarmonyEncoding encoding = bachprop::music::HarmonyEncoding::fit(grids, 1);

  // An untrained look-ahead RNN for the encoding: 8 units, 2 steps ahead, windows of 2 steps.
  bachprop::music::HarmonyRnn rnn() const {
    bachprop::music::HarmonyRnnSettings settings;
    settings.hidden = 8;
    settings.lookahead = 2;
    settings.steps = 2;
    return bachprop::music::HarmonyRnn(encoding, settings);
  }
};

}  // namespace harmony_test
