// libFuzzer target: Standard MIDI files (music/score/midi.hpp). The bytes are decoded from memory;
// a file that decodes is also written back and decoded again, as a program that edits MIDI would.

#include "fuzz_common.hpp"

#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bachprop::music::Score score;
  try {
    score = bachprop::music::decode_midi(fuzz::as_text(data, size), "fuzz.mid");
  } catch (const bachprop::Error&) {
    return 0;
  }
  std::string again;
  try {
    // Writing what was read may refuse (ArgumentError, for a tempo or a length MIDI cannot
    // hold), but never crash.
    again = bachprop::music::encode_midi(score);
  } catch (const bachprop::Error&) {
    return 0;
  }
  // What the writer makes, the reader must read: a FormatError here escapes, a finding.
  bachprop::music::decode_midi(again, "fuzz-rewritten.mid");
  return 0;
}
