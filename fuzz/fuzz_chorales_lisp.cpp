// libFuzzer target: the UCI chorales' Lisp text (music/corpora/jsb.hpp), parsed, then each chorale
// turned into a melody, its fermatas, its key and time signature, and a score written as MIDI.

#include "fuzz_common.hpp"

#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/corpora.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bachprop;
  std::vector<music::UciChorale> chorales;
  try {
    chorales = music::parse_uci_chorales(fuzz::as_text(data, size), "chorales.lisp");
  } catch (const Error&) {
    return 0;
  }
  for (const auto& chorale : chorales) {
    const music::Melody melody = chorale.melody();
    if (chorale.fermatas().size() != melody.size()) {
      __builtin_trap();  // one fermata flag per melody event
    }
    try {
      // The parser checks every field, but a score's time signature or an event's time may
      // still be beyond what MIDI holds: the writer refuses those with ArgumentError.
      encode_midi(chorale.to_score());
    } catch (const ArgumentError&) {
    }
  }
  return 0;
}
