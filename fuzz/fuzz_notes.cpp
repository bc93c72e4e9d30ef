// libFuzzer target: note names and note strings (music/theory/pitch.hpp): the whole input as one
// pitch name (parse_pitch), then as a note string (parse_notes) appended to a Stream
// (music/score/stream.hpp), as music_basics does, and written as MIDI, as bach_generate --notes and
// bach_harmonise --notes turn a tune into a file.

#include "fuzz_common.hpp"

#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/theory/pitch.hpp>
#include <bachprop/music/score/stream.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bachprop;
  const std::string_view text = fuzz::as_text(data, size);
  try {
    const int pitch = music::parse_pitch(text);
    if (!music::is_midi_pitch(pitch) || music::parse_pitch(music::pitch_name(pitch)) != pitch) {
      __builtin_trap();  // a name read outside the MIDI range, or not read back
    }
  } catch (const Error&) {
  }
  try {
    const auto events = music::parse_notes(text);
    for (const auto& event : events) {
      if (!(event.quarter_length > 0.0) || event.position >= text.size()) {
        __builtin_trap();
      }
    }
    music::Stream stream("fuzz");
    stream.append(text);
    encode_midi(stream.score());
  } catch (const Error&) {
  }
  return 0;
}
