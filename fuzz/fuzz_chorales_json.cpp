// libFuzzer target: the JSB chorales' JSON (music/corpora/jsb.hpp), parsed on a sixteenth-note grid
// with the layout inferred, then used as the examples use it: every voice line of every chorale
// and the chorale as a score, written as MIDI.

#include "fuzz_common.hpp"

#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/corpora.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bachprop;
  music::JsbCorpus corpus;
  try {
    corpus = music::parse_jsb_chorales(fuzz::as_text(data, size), "fuzz_16th.json");
  } catch (const Error&) {
    return 0;
  }
  for (const char* split : {"train", "valid", "test"}) {
    for (const auto& chorale : corpus.split(split)) {
      for (int voice = 0; voice < 4; ++voice) {
        music::voice_line(chorale, corpus, voice);
      }
      // A parsed chorale is valid music: making a score of it and writing it may not throw.
      encode_midi(music::chorale_to_score(chorale, corpus));
    }
  }
  return 0;
}
