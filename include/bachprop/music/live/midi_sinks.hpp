#pragma once
/// @file
/// Where a live performance's messages go. A sink takes each message with the time it was due
/// and the time it was sent (both on the performance's clock), and says whether it can take
/// more; flush() ends a group of messages due at the same moment. Two sinks need nothing but
/// the standard library: MIDI bytes written to a C stream (standard output, a pipe, a file), and
/// a recording kept in memory for tests and reports. Sinks with outside libraries (ALSA's
/// sequencer, FluidSynth) live with the program that links them.
///
/// The byte format: raw MIDI 1.0 channel messages, three bytes each, every one with its status
/// byte (no running status), no timing bytes and no file header: a byte arrives when its
/// message is due, as on a MIDI cable.

#include <bachprop/music/live/live_clock.hpp>
#include <bachprop/music/live/midi_message.hpp>

#include <concepts>
#include <cstddef>
#include <cstdio>
#include <vector>

namespace bachprop::music {

/// A destination for live MIDI messages: send() returns false once it can take no more (a
/// closed pipe), which ends the performance; flush() pushes out what was sent.
template <class S>
concept MidiSink = requires(S sink, const MidiMessage& m, LiveTime due, LiveTime sent) {
  { sink.send(m, due, sent) } -> std::convertible_to<bool>;
  sink.flush();
};

/// MIDI bytes on a C stream, three per message. The stream should be unbuffered or flushed at
/// every group, which flush() does, so that each byte leaves when it is due.
class MidiByteSink {
 public:
  /// Writes to `stream` (not owned; stays open).
  explicit MidiByteSink(std::FILE* stream) : stream_(stream) {}
  /// Writes the message's three bytes; false when the stream refused them.
  bool send(const MidiMessage& m, LiveTime /*due*/, LiveTime /*sent*/) {
    ok_ = ok_ && std::fwrite(m.bytes.data(), 1, m.bytes.size(), stream_) == m.bytes.size();
    return ok_;
  }
  /// Flushes the stream, so the group's bytes leave now.
  void flush() { ok_ = ok_ && std::fflush(stream_) == 0; }
  /// Whether every write so far succeeded.
  bool ok() const { return ok_; }

 private:
  std::FILE* stream_;
  bool ok_ = true;
};

/// A message as a RecordingSink kept it: when it was due and when it was sent.
struct RecordedMessage {
  MidiMessage message{};  ///< the message
  LiveTime due{};         ///< its time in the schedule
  LiveTime sent{};        ///< the clock's time when the player sent it
};

/// Keeps every message with its times, in memory reserved up front (`capacity` messages), so
/// that recording allocates nothing while playing; messages beyond the capacity are counted,
/// not kept.
class RecordingSink {
 public:
  /// Room for `capacity` messages.
  explicit RecordingSink(std::size_t capacity = 1 << 16) { messages_.reserve(capacity); }
  /// Keeps the message (or counts it when full); always true.
  bool send(const MidiMessage& m, LiveTime due, LiveTime sent) {
    if (messages_.size() < messages_.capacity()) {
      messages_.push_back({m, due, sent});
    } else {
      ++dropped_;
    }
    return true;
  }
  /// Counts the groups (a flush after each moment's messages).
  void flush() { ++groups_; }
  /// The messages kept, in the order sent.
  const std::vector<RecordedMessage>& messages() const { return messages_; }
  /// Messages sent after the recording was full.
  std::size_t dropped() const { return dropped_; }
  /// Groups flushed.
  std::size_t groups() const { return groups_; }

 private:
  std::vector<RecordedMessage> messages_;
  std::size_t dropped_ = 0;
  std::size_t groups_ = 0;
};

}  // namespace bachprop::music
