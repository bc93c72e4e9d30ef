#pragma once
/// @file
/// The MIDI 1.0 channel messages a live performance sends: note on, note off and "all notes
/// off", three bytes each with their status byte always written (no running status), so that a
/// reader can start anywhere on a message boundary and every message stands alone.

#include <bachprop/core/error.hpp>

#include <array>
#include <cstdint>
#include <string>

namespace bachprop::music {

/// One MIDI channel message of three bytes: status (kind and channel), then two data bytes.
struct MidiMessage {
  std::array<std::uint8_t, 3> bytes{};  ///< status, data 1, data 2

  /// The kind of message: the status byte's high nibble (0x90 note on, 0x80 note off, ...).
  std::uint8_t kind() const { return static_cast<std::uint8_t>(bytes[0] & 0xF0); }
  /// The channel, 0 to 15.
  int channel() const { return bytes[0] & 0x0F; }
  /// A note on with a velocity above zero (a note on of velocity 0 means note off in MIDI).
  bool starts_note() const { return kind() == 0x90 && bytes[2] > 0; }
  /// A note off, or a note on of velocity 0.
  bool ends_note() const { return kind() == 0x80 || (kind() == 0x90 && bytes[2] == 0); }
  /// The pitch of a note message (the first data byte).
  int pitch() const { return bytes[1]; }
  /// The same three bytes.
  friend bool operator==(const MidiMessage&, const MidiMessage&) = default;
};

namespace detail {

inline void check_midi_range(const char* what, int value, int most) {
  if (value < 0 || value > most) {
    throw ArgumentError(std::string("MIDI message: ") + what + " " + std::to_string(value) +
                        " is outside 0.." + std::to_string(most));
  }
}

}  // namespace detail

/// Note on: status 0x90 | channel, pitch, velocity (1..127).
inline MidiMessage note_on(int channel, int pitch, int velocity) {
  detail::check_midi_range("channel", channel, 15);
  detail::check_midi_range("pitch", pitch, 127);
  detail::check_midi_range("velocity", velocity, 127);
  return {{static_cast<std::uint8_t>(0x90 | channel), static_cast<std::uint8_t>(pitch),
           static_cast<std::uint8_t>(velocity == 0 ? 1 : velocity)}};
}

/// Note off: status 0x80 | channel, pitch, release velocity 0 (a true note off rather than a
/// note on of velocity 0, so the bytes say what they mean).
inline MidiMessage note_off(int channel, int pitch) {
  detail::check_midi_range("channel", channel, 15);
  detail::check_midi_range("pitch", pitch, 127);
  return {{static_cast<std::uint8_t>(0x80 | channel), static_cast<std::uint8_t>(pitch), 0}};
}

/// Control change 123, "all notes off", on `channel`: the last word of a performance, in case a
/// receiver missed a note off.
inline MidiMessage all_notes_off(int channel) {
  detail::check_midi_range("channel", channel, 15);
  return {{static_cast<std::uint8_t>(0xB0 | channel), 123, 0}};
}

}  // namespace bachprop::music
