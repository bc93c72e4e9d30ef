#pragma once
/// @file
/// Writing Standard MIDI Files (SMF) from the score model of music/score/score.hpp.
///
/// A MIDI file is a header chunk ("MThd": format, number of tracks, ticks per quarter note) and
/// track chunks ("MTrk"), each a list of events separated by delta times in ticks, written as
/// variable-length quantities (7 bits per byte, high bit = "more follows", at most 4 bytes).
///
/// Format 1 (the default) writes a conductor track (the score's title as track name,
/// time signature, key signature, tempo) followed by one track per part (track name, program
/// change, notes on the part's channel). Format 0 writes everything into one track: the title as
/// track name, and before each part's notes a channel-prefix meta event and an instrument-name
/// meta event carrying the part's name. Times are rounded to ticks by to_ticks (starts
/// and ends separately); a note that rounds to zero ticks is given one. At the same tick, note
/// offs come before note ons, so a repeated note is re-struck rather than cut short. Files are
/// written through write_file_atomically.

#include <bachprop/core/error.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/music/score/score.hpp>
#include <bachprop/music/theory/key.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop::music {

/// How write_midi lays out a file.
struct MidiWriteOptions {
  /// 0: one track; 1: a conductor track plus one track per part.
  int format = 1;
  /// Leave out a channel message's status byte when it repeats the previous one (smaller files;
  /// every reader must accept it).
  bool running_status = false;
  /// Write note offs as note ons with velocity 0 (common in the wild, and with running status
  /// the most compact form).
  bool note_off_as_zero_velocity = false;
};

namespace detail::midi {

/// The largest value a variable-length quantity of four bytes holds.
inline constexpr std::uint32_t max_vlq = 0x0FFFFFFF;

inline void put_u16(std::string& out, unsigned value) {
  out.push_back(static_cast<char>((value >> 8U) & 0xFFU));
  out.push_back(static_cast<char>(value & 0xFFU));
}

inline void put_u32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> static_cast<unsigned>(shift)) & 0xFFU));
  }
}

inline void put_vlq(std::string& out, std::uint32_t value) {
  if (value > max_vlq) {
    throw ArgumentError("MIDI: value " + std::to_string(value) +
                        " is too large for a variable-length quantity (max 2^28 - 1)");
  }
  std::array<char, 4> bytes{};
  int count = 0;
  do {
    bytes[static_cast<std::size_t>(count++)] = static_cast<char>(value & 0x7FU);
    value >>= 7U;
  } while (value != 0);
  for (int i = count - 1; i >= 0; --i) {
    char b = bytes[static_cast<std::size_t>(i)];
    if (i > 0) {
      b = static_cast<char>(static_cast<unsigned char>(b) | 0x80U);
    }
    out.push_back(b);
  }
}

/// One event waiting to be written: its absolute tick, a rank that orders events at the same
/// tick (meta 0, program 1, note off 2, note on 3) and its bytes (status first).
struct PendingEvent {
  std::int64_t tick = 0;
  int rank = 0;
  std::string bytes{};
};

inline std::string meta(std::uint8_t type, std::string_view data) {
  std::string e;
  e.push_back(static_cast<char>(0xFF));
  e.push_back(static_cast<char>(type));
  put_vlq(e, static_cast<std::uint32_t>(data.size()));
  e.append(data);
  return e;
}

inline std::string channel_message(unsigned status, unsigned channel, unsigned a) {
  return {static_cast<char>(status | channel), static_cast<char>(a)};
}

inline std::string channel_message(unsigned status, unsigned channel, unsigned a, unsigned b) {
  return {static_cast<char>(status | channel), static_cast<char>(a), static_cast<char>(b)};
}

inline void add_part_events(std::vector<PendingEvent>& events, const Part& part,
                            int ticks_per_quarter, const MidiWriteOptions& options) {
  const auto ch = static_cast<unsigned>(part.channel);
  events.push_back({0, 1, channel_message(0xC0U, ch, static_cast<unsigned>(part.program))});
  for (const auto& note : part.notes) {
    const std::int64_t start = to_ticks(note.start, ticks_per_quarter);
    std::int64_t end = to_ticks(note.end(), ticks_per_quarter);
    end = std::max(end, start + 1);
    const auto pitch = static_cast<unsigned>(note.pitch);
    events.push_back(
        {start, 3, channel_message(0x90U, ch, pitch, static_cast<unsigned>(note.velocity))});
    events.push_back({end, 2,
                      options.note_off_as_zero_velocity ? channel_message(0x90U, ch, pitch, 0)
                                                        : channel_message(0x80U, ch, pitch, 64)});
  }
}

inline std::string track_chunk(std::vector<PendingEvent> events, const MidiWriteOptions& options) {
  std::stable_sort(events.begin(), events.end(), [](const PendingEvent& a, const PendingEvent& b) {
    return a.tick != b.tick ? a.tick < b.tick : a.rank < b.rank;
  });
  std::string data;
  std::int64_t now = 0;
  unsigned running = 0;
  for (const auto& e : events) {
    put_vlq(data, static_cast<std::uint32_t>(e.tick - now));
    now = e.tick;
    const auto status = static_cast<unsigned char>(e.bytes[0]);
    if (status < 0xF0U) {
      if (options.running_status && status == running) {
        data.append(e.bytes, 1);
      } else {
        data.append(e.bytes);
      }
      running = status;
    } else {
      data.append(e.bytes);
      running = 0;  // meta and sysex events cancel running status
    }
  }
  put_vlq(data, 0);
  data.append(meta(0x2F, {}));
  std::string chunk = "MTrk";
  if (data.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw ArgumentError("MIDI: a track of " + std::to_string(data.size()) +
                        " bytes does not fit in a chunk");
  }
  put_u32(chunk, static_cast<std::uint32_t>(data.size()));
  chunk += data;
  return chunk;
}

inline void validate_for_writing(const Score& score, const MidiWriteOptions& options) {
  if (options.format != 0 && options.format != 1) {
    throw ArgumentError("write_midi: format must be 0 or 1, got " +
                        std::to_string(options.format));
  }
  if (score.ticks_per_quarter < 1 || score.ticks_per_quarter > 32767) {
    throw ArgumentError("write_midi: ticks per quarter " +
                        std::to_string(score.ticks_per_quarter) + " is outside 1..32767");
  }
  if (!(score.tempo_bpm > 0.0) || !std::isfinite(score.tempo_bpm) ||
      std::llround(60.0e6 / score.tempo_bpm) < 1 ||
      std::llround(60.0e6 / score.tempo_bpm) > 0xFFFFFF) {
    throw ArgumentError("write_midi: tempo " + std::to_string(score.tempo_bpm) +
                        " bpm cannot be written (MIDI stores 1..16777215 microseconds per "
                        "quarter: about 3.6 bpm and up)");
  }
  require_valid(score.time_signature);
  require_valid(score.key_signature);
  if (options.format == 1 && score.parts.size() > 65534) {
    throw ArgumentError("write_midi: " + std::to_string(score.parts.size()) +
                        " parts is more than a MIDI file can hold (65534)");
  }
  for (const auto& part : score.parts) {
    if (part.channel < 0 || part.channel > 15) {
      throw ArgumentError("write_midi: part '" + part.name + "' has channel " +
                          std::to_string(part.channel) + ", outside 0..15");
    }
    if (part.program < 0 || part.program > 127) {
      throw ArgumentError("write_midi: part '" + part.name + "' has program " +
                          std::to_string(part.program) + ", outside 0..127");
    }
    for (const auto& note : part.notes) {
      require_valid(note);
    }
  }
}

inline std::vector<PendingEvent> conductor_events(const Score& score) {
  std::vector<PendingEvent> events;
  if (!score.title.empty()) {
    events.push_back({0, 0, meta(0x03, score.title)});
  }
  const auto& ts = score.time_signature;
  int exponent = 0;
  while ((1 << exponent) < ts.denominator) {
    ++exponent;
  }
  events.push_back({0, 0,
                    meta(0x58, std::string{static_cast<char>(ts.numerator),
                                           static_cast<char>(exponent), 24, 8})});
  events.push_back(
      {0, 0,
       meta(0x59,
            std::string{static_cast<char>(static_cast<signed char>(score.key_signature.sharps)),
                        static_cast<char>(score.key_signature.mode == Mode::minor)})});
  const auto microseconds = static_cast<std::uint32_t>(std::llround(60.0e6 / score.tempo_bpm));
  events.push_back({0, 0,
                    meta(0x51, std::string{static_cast<char>((microseconds >> 16U) & 0xFFU),
                                           static_cast<char>((microseconds >> 8U) & 0xFFU),
                                           static_cast<char>(microseconds & 0xFFU)})});
  return events;
}

}  // namespace detail::midi

/// The bytes of a Standard MIDI File holding `score` (layout in the file comment). Throws
/// ArgumentError for anything MIDI cannot hold (pitch, velocity, channel, program, tempo, ...).
inline std::string encode_midi(const Score& score, const MidiWriteOptions& options = {}) {
  using namespace detail::midi;
  validate_for_writing(score, options);
  std::vector<std::string> tracks;
  if (options.format == 1) {
    tracks.push_back(track_chunk(conductor_events(score), options));
    for (const auto& part : score.parts) {
      std::vector<PendingEvent> events;
      if (!part.name.empty()) {
        events.push_back({0, 0, meta(0x03, part.name)});
      }
      add_part_events(events, part, score.ticks_per_quarter, options);
      tracks.push_back(track_chunk(std::move(events), options));
    }
  } else {
    std::vector<PendingEvent> events = conductor_events(score);
    for (const auto& part : score.parts) {
      if (!part.name.empty()) {
        events.push_back({0, 0, meta(0x20, std::string(1, static_cast<char>(part.channel)))});
        events.push_back({0, 0, meta(0x04, part.name)});
      }
      add_part_events(events, part, score.ticks_per_quarter, options);
    }
    tracks.push_back(track_chunk(std::move(events), options));
  }
  std::string file = "MThd";
  put_u32(file, 6);
  put_u16(file, static_cast<unsigned>(options.format));
  put_u16(file, static_cast<unsigned>(tracks.size()));
  put_u16(file, static_cast<unsigned>(score.ticks_per_quarter));
  for (const auto& t : tracks) {
    file += t;
  }
  return file;
}

/// Writes `score` to `path` as a Standard MIDI File, atomically.
inline void write_midi(const std::filesystem::path& path, const Score& score,
                       const MidiWriteOptions& options = {}) {
  write_file_atomically(path, encode_midi(score, options));
}

}  // namespace bachprop::music
