#pragma once
/// @file
/// Reading Standard MIDI Files (SMF) into the score model of music/score/score.hpp.
///
/// The file's layout is described in music/score/midi_write.hpp.
///
/// Formats 0 and 1 are read (format 2 and SMPTE time division are refused with a clear error).
/// Running status is honoured; a note on with velocity 0 is a note off; sysex (F0, F7) and meta
/// events are skipped by their length except those below; unknown chunks are skipped; MTrk
/// chunks beyond the number the header announces are ignored. Notes pair first-in first-out:
/// when the same pitch is struck again on the same channel before it was released, the next note
/// off ends the earliest sounding one. Notes still sounding at the end of their track end there;
/// notes of zero length are dropped. Each (track, channel) with notes becomes a Part (the parts
/// of one track in the order their channels first appear: channel prefix, program change or
/// note) named by the instrument-name event for that channel if there is one, else by the track
/// name; a format-1 track other than the first without notes becomes an empty Part (so named or
/// programmed parts survive a round trip). A part's program is the first program change on its
/// channel in its track. The score takes the first tempo, time signature and key signature of
/// the file (the earliest in time; later changes are not kept) and the title from the first
/// track's name.
///
/// Every length in the file is checked against the bytes that remain before anything is read or
/// allocated; a bad or truncated file throws FormatError naming the file, the byte offset and
/// what was expected there.

#include <bachprop/core/error.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/music/score/score.hpp>
#include <bachprop/music/theory/key.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop::music {

namespace detail::midi {

/// Reads one file's bytes, keeping the position for error messages.
class Parser {
 public:
  Parser(std::string_view bytes, std::string name) : bytes_(bytes), name_(std::move(name)) {}

  [[noreturn]] void fail(std::size_t offset, const std::string& expected) const {
    throw FormatError(name_ + ": byte " + std::to_string(offset) + ": expected " + expected);
  }

  /// The byte at `pos`, which must lie before `end` (the end of the file, or of the track chunk
  /// being read when `in_track`).
  std::uint8_t byte_at(std::size_t pos, std::size_t end, const char* what,
                       bool in_track = false) const {
    if (pos >= end) {
      fail(pos, std::string(what) + ", but the " + (in_track ? "track chunk" : "file") + " ends");
    }
    return static_cast<std::uint8_t>(bytes_[pos]);
  }

  std::uint32_t u32(std::size_t pos) const {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      v = (v << 8U) | byte_at(pos + i, bytes_.size(), "a 4-byte length");
    }
    return v;
  }
  unsigned u16(std::size_t pos) const {
    return (static_cast<unsigned>(byte_at(pos, bytes_.size(), "a 2-byte number")) << 8U) |
           byte_at(pos + 1, bytes_.size(), "a 2-byte number");
  }

  /// A variable-length quantity of at most 4 bytes at `pos` (advanced past it).
  std::uint32_t vlq(std::size_t& pos, std::size_t end) const {
    const std::size_t start = pos;
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const std::uint8_t b = byte_at(pos, end, "a variable-length quantity", true);
      ++pos;
      value = (value << 7U) | (b & 0x7FU);
      if ((b & 0x80U) == 0) {
        return value;
      }
    }
    fail(start, "a variable-length quantity of at most 4 bytes");
  }

  std::string_view bytes() const { return bytes_; }

 private:
  std::string_view bytes_;
  std::string name_{};
};

/// A note struck and not yet released.
struct OpenNote {
  std::int64_t tick = 0;
  int velocity = 0;
  unsigned channel = 0;
  unsigned pitch = 0;
  bool released = false;  ///< a note off has ended it
};

struct ChannelNotes {
  bool seen = false;
  std::size_t first_seen = 0;  // order of the channel's first appearance in the file
  int program = -1;
  std::vector<Note> notes{};
};

/// First value of a setting in the file: the earliest tick wins, then the earliest track.
template <class T>
struct FirstSeen {
  bool seen = false;
  std::int64_t tick = 0;
  T value{};
  void offer(std::int64_t t, const T& v) {
    if (!seen || t < tick) {
      seen = true;
      tick = t;
      value = v;
    }
  }
};

struct TrackResult {
  std::string name{};
  bool has_name = false;
  std::array<std::string, 16> instrument_names{};
  std::array<ChannelNotes, 16> channels;
  int first_channel = -1;  // of any channel message
};

}  // namespace detail::midi

/// Parses the bytes of a Standard MIDI File into a Score (rules in the file comment); `name`
/// (the file name, or "<memory>") leads every error message.
inline Score decode_midi(std::string_view bytes, const std::string& name = "<memory>") {
  using namespace detail::midi;
  const Parser p(bytes, name);
  if (bytes.size() < 4 || bytes.substr(0, 4) != "MThd") {
    p.fail(0, "the 'MThd' header chunk a MIDI file starts with");
  }
  const std::uint32_t header_length = p.u32(4);
  if (header_length < 6) {
    p.fail(4, "a header length of at least 6, got " + std::to_string(header_length));
  }
  if (header_length > bytes.size() - 8) {
    p.fail(4, "a header length that fits in the file (" + std::to_string(header_length) +
                  " bytes announced, " + std::to_string(bytes.size() - 8) + " left)");
  }
  const unsigned format = p.u16(8);
  const unsigned track_count = p.u16(10);
  const unsigned division = p.u16(12);
  if (format == 2) {
    p.fail(8, "format 0 or 1 (format 2, independent sequences, is not supported)");
  }
  if (format > 2) {
    p.fail(8, "format 0 or 1, got " + std::to_string(format));
  }
  if ((division & 0x8000U) != 0) {
    p.fail(12, "ticks per quarter note (SMPTE frame-based time division is not supported)");
  }
  if (division == 0) {
    p.fail(12, "a positive number of ticks per quarter note, got 0");
  }
  if (format == 0 && track_count != 1) {
    p.fail(10, "exactly one track in a format-0 file, got " + std::to_string(track_count));
  }
  const int tpq = static_cast<int>(division);

  FirstSeen<std::uint32_t> tempo;
  FirstSeen<TimeSignature> time_signature;
  FirstSeen<KeySignature> key_signature;
  std::vector<TrackResult> tracks;
  std::size_t appearance_counter = 0;

  // The notes sounding on each (channel, pitch), earliest first, as indices into the track's
  // `struck` list; `released` counts those a note off has ended. A note off finds its note at
  // once: searching every sounding note made a file of 100,000 unreleased notes take minutes.
  std::vector<std::vector<std::size_t>> sounding(16 * 128);
  std::vector<std::size_t> released(16 * 128, 0);

  std::size_t pos = 8 + header_length;
  while (pos < bytes.size() && tracks.size() < track_count) {
    if (bytes.size() - pos < 8) {
      p.fail(pos, "an 8-byte chunk header (type and length), but only " +
                      std::to_string(bytes.size() - pos) + " bytes are left");
    }
    const std::string_view type = bytes.substr(pos, 4);
    const std::uint32_t length = p.u32(pos + 4);
    if (length > bytes.size() - pos - 8) {
      p.fail(pos + 4, "a chunk length that fits in the file (" + std::to_string(length) +
                          " bytes announced, " + std::to_string(bytes.size() - pos - 8) +
                          " left)");
    }
    const std::size_t begin = pos + 8;
    const std::size_t end = begin + length;
    pos = end;
    if (type != "MTrk") {
      continue;  // an unknown chunk: skipped, as the standard asks
    }
    TrackResult track;
    // Every note struck in the track, in order: the earliest sounding one is released first.
    std::vector<OpenNote> struck;
    std::int64_t tick = 0;
    unsigned running = 0;
    int prefix_channel = -1;
    std::size_t at = begin;
    bool ended = false;
    while (at < end && !ended) {
      tick += p.vlq(at, end);
      const std::size_t event_offset = at;
      std::uint8_t status = p.byte_at(at, end, "an event", true);
      if ((status & 0x80U) != 0) {
        ++at;
      } else if (running != 0) {
        status = static_cast<std::uint8_t>(running);  // running status: the data byte stays
      } else {
        p.fail(event_offset, "a status byte (a data byte with no running status before it)");
      }
      if (status < 0xF0U) {
        running = status;
        const unsigned kind = status & 0xF0U;
        const unsigned channel = status & 0x0FU;
        const int data_count = (kind == 0xC0U || kind == 0xD0U) ? 1 : 2;
        std::array<unsigned, 2> data{};
        for (int i = 0; i < data_count; ++i) {
          const std::uint8_t d = p.byte_at(at, end, "a data byte", true);
          if ((d & 0x80U) != 0) {
            p.fail(at, "a data byte (0..127) of a channel message, got a status byte");
          }
          data[static_cast<std::size_t>(i)] = d;
          ++at;
        }
        if (track.first_channel < 0) {
          track.first_channel = static_cast<int>(channel);
        }
        auto& slot = track.channels[channel];
        if (!slot.seen) {
          slot.seen = true;
          slot.first_seen = appearance_counter++;
        }
        if (kind == 0xC0U) {
          if (slot.program < 0) {
            slot.program = static_cast<int>(data[0]);
          }
        } else if (kind == 0x90U && data[1] > 0) {
          sounding[channel * 128 + data[0]].push_back(struck.size());
          struck.push_back({tick, static_cast<int>(data[1]), channel, data[0]});
        } else if (kind == 0x80U || kind == 0x90U) {
          const auto& queue = sounding[channel * 128 + data[0]];
          auto& done = released[channel * 128 + data[0]];
          if (done < queue.size()) {
            OpenNote& started = struck[queue[done++]];
            started.released = true;
            if (tick > started.tick) {
              slot.notes.push_back({static_cast<int>(data[0]),
                                    to_quarters(started.tick, tpq),
                                    to_quarters(tick - started.tick, tpq),
                                    started.velocity});
            }
          }
        }
        continue;
      }
      running = 0;  // meta and sysex events cancel running status
      if (status == 0xFFU) {
        const std::uint8_t meta_type = p.byte_at(at, end, "a meta event type", true);
        ++at;
        const std::size_t length_offset = at;
        const std::uint32_t meta_length = p.vlq(at, end);
        if (meta_length > end - at) {
          p.fail(length_offset, "a meta event length that fits in the track (" +
                                    std::to_string(meta_length) + " bytes announced, " +
                                    std::to_string(end - at) + " left)");
        }
        const std::string_view payload = bytes.substr(at, meta_length);
        switch (meta_type) {
          case 0x2F:
            ended = true;
            break;
          case 0x03:
            if (!track.has_name) {
              track.name = std::string(payload);
              track.has_name = true;
            }
            break;
          case 0x04:
            if (prefix_channel >= 0 &&
                track.instrument_names[static_cast<std::size_t>(prefix_channel)].empty()) {
              track.instrument_names[static_cast<std::size_t>(prefix_channel)] =
                  std::string(payload);
            }
            break;
          case 0x20:
            if (meta_length != 1 || static_cast<std::uint8_t>(payload[0]) > 15) {
              p.fail(length_offset, "a channel prefix of one byte 0..15");
            }
            prefix_channel = static_cast<std::uint8_t>(payload[0]);
            if (auto& slot = track.channels[static_cast<std::size_t>(prefix_channel)];
                !slot.seen) {
              slot.seen = true;
              slot.first_seen = appearance_counter++;
            }
            break;
          case 0x51: {
            if (meta_length != 3) {
              p.fail(length_offset, "a tempo event of 3 bytes, got " +
                                        std::to_string(meta_length));
            }
            const std::uint32_t us = (static_cast<std::uint32_t>(
                                          static_cast<std::uint8_t>(payload[0]))
                                      << 16U) |
                                     (static_cast<std::uint32_t>(
                                          static_cast<std::uint8_t>(payload[1]))
                                      << 8U) |
                                     static_cast<std::uint8_t>(payload[2]);
            if (us == 0) {
              p.fail(at, "a positive tempo (microseconds per quarter note), got 0");
            }
            tempo.offer(tick, us);
            break;
          }
          case 0x58: {
            if (meta_length < 2) {
              p.fail(length_offset, "a time signature of at least 2 bytes");
            }
            const int numerator = static_cast<std::uint8_t>(payload[0]);
            const int exponent = static_cast<std::uint8_t>(payload[1]);
            if (numerator < 1 || exponent > 7) {
              p.fail(at, "a time signature with a positive numerator and a denominator 2^0.."
                         "2^7, got " + std::to_string(numerator) + "/2^" +
                             std::to_string(exponent));
            }
            time_signature.offer(tick, {numerator, 1 << exponent});
            break;
          }
          case 0x59: {
            if (meta_length != 2) {
              p.fail(length_offset, "a key signature of 2 bytes, got " +
                                        std::to_string(meta_length));
            }
            const int sharps = static_cast<signed char>(payload[0]);
            const int mode = static_cast<std::uint8_t>(payload[1]);
            if (sharps < -7 || sharps > 7 || mode > 1) {
              p.fail(at, "a key signature of -7..7 sharps and mode 0 or 1, got " +
                             std::to_string(sharps) + " and " + std::to_string(mode));
            }
            key_signature.offer(tick, {sharps, mode == 1 ? Mode::minor
                                                         : Mode::major});
            break;
          }
          default:
            break;  // text, markers, lyrics, sequencer-specific data...: not kept
        }
        at += meta_length;
      } else if (status == 0xF0U || status == 0xF7U) {
        const std::size_t length_offset = at;
        const std::uint32_t sysex_length = p.vlq(at, end);
        if (sysex_length > end - at) {
          p.fail(length_offset, "a sysex length that fits in the track (" +
                                    std::to_string(sysex_length) + " bytes announced, " +
                                    std::to_string(end - at) + " left)");
        }
        at += sysex_length;
      } else {
        p.fail(event_offset, "a channel message, sysex (F0, F7) or meta event (FF); status " +
                                 std::to_string(status) +
                                 " is a real-time or system-common message, which a file "
                                 "cannot hold");
      }
    }
    // Notes never released end where the track ends.
    for (const auto& started : struck) {
      if (!started.released && tick > started.tick) {
        track.channels[started.channel].notes.push_back(
            {static_cast<int>(started.pitch), to_quarters(started.tick, tpq),
             to_quarters(tick - started.tick, tpq), started.velocity});
      }
      sounding[started.channel * 128 + started.pitch].clear();  // ready for the next track
      released[started.channel * 128 + started.pitch] = 0;
    }
    tracks.push_back(std::move(track));
  }
  if (tracks.size() < track_count) {
    p.fail(bytes.size(), "track " + std::to_string(tracks.size() + 1) + " of the " +
                             std::to_string(track_count) +
                             " the header announces, but the file ends");
  }

  Score score;
  score.ticks_per_quarter = tpq;
  if (tempo.seen) {
    score.tempo_bpm = 60.0e6 / tempo.value;
  }
  if (time_signature.seen) {
    score.time_signature = time_signature.value;
  }
  if (key_signature.seen) {
    score.key_signature = key_signature.value;
  }
  if (!tracks.empty()) {
    score.title = tracks.front().name;
  }
  for (std::size_t t = 0; t < tracks.size(); ++t) {
    auto& track = tracks[t];
    std::vector<unsigned> used;
    for (unsigned ch = 0; ch < 16; ++ch) {
      if (!track.channels[ch].notes.empty()) {
        used.push_back(ch);
      }
    }
    std::sort(used.begin(), used.end(), [&](unsigned a, unsigned b) {
      return track.channels[a].first_seen < track.channels[b].first_seen;
    });
    if (used.empty()) {
      if (format == 1 && t > 0) {
        Part part;
        part.name = track.name;
        part.channel = std::max(track.first_channel, 0);
        part.program = std::max(track.channels[static_cast<std::size_t>(part.channel)].program, 0);
        score.parts.push_back(std::move(part));
      }
      continue;
    }
    for (const unsigned ch : used) {
      Part part;
      part.name = track.instrument_names[ch].empty() ? track.name : track.instrument_names[ch];
      part.channel = static_cast<int>(ch);
      part.program = std::max(track.channels[ch].program, 0);
      part.notes = std::move(track.channels[ch].notes);
      part.sort();
      score.parts.push_back(std::move(part));
    }
  }
  return score;
}

/// Reads a Standard MIDI File. Throws IoError when it cannot be read and FormatError (naming the
/// file, the byte offset and what was expected) when it is not a valid MIDI file.
inline Score read_midi(const std::filesystem::path& path) {
  return decode_midi(read_file(path), path.string());
}

}  // namespace bachprop::music
