// Tests of bachprop/music/live/midi_message.hpp: the three bytes of each message, what a
// message says it is, and values out of range refused by name.

#include <bachprop/music/live/midi_message.hpp>

#include <catch2/catch.hpp>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("MIDI messages: note on, note off and all notes off as MIDI 1.0 bytes", "[live]") {
  const MidiMessage on = note_on(2, 60, 100);
  CHECK(on.bytes == std::array<std::uint8_t, 3>{0x92, 60, 100});
  CHECK(on.starts_note());
  CHECK_FALSE(on.ends_note());
  CHECK(on.channel() == 2);
  CHECK(on.pitch() == 60);
  const MidiMessage off = note_off(15, 127);
  CHECK(off.bytes == std::array<std::uint8_t, 3>{0x8F, 127, 0});
  CHECK(off.ends_note());
  CHECK(all_notes_off(0).bytes == std::array<std::uint8_t, 3>{0xB0, 123, 0});
  // A note on of velocity 0 would mean note off: note_on never writes one.
  CHECK(note_on(0, 60, 0).starts_note());
  const MidiMessage silent{{0x90, 60, 0}};
  CHECK(silent.ends_note());
}

TEST_CASE("MIDI messages: channels, pitches and velocities out of range are refused",
          "[live]") {
  CHECK_THROWS_WITH(note_on(16, 60, 80), Catch::Contains("channel 16") &&
                                             Catch::Contains("0..15"));
  CHECK_THROWS_WITH(note_off(0, 128), Catch::Contains("pitch 128"));
  CHECK_THROWS_WITH(note_on(0, 60, 200), Catch::Contains("velocity 200"));
  CHECK_THROWS_AS(all_notes_off(-1), ArgumentError);
}
