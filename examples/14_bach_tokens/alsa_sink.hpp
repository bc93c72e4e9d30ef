#pragma once
// The ALSA sequencer sink of bach_tokens --live, compiled only when CMake found libasound
// (BACH_TOKENS_WITH_ALSA): the program opens a sequencer client with one output port,
// connects it to --alsa-port CLIENT:PORT (a synthesiser, a DAW, a MIDI cable), and sends each
// message directly, unqueued, when the player sends it: the player keeps the time.

#include "common/cli.hpp"

#include <bachprop/core/error.hpp>
#include <bachprop/music/live/live_clock.hpp>
#include <bachprop/music/live/midi_message.hpp>

#include <alsa/asoundlib.h>

#include <string>

namespace bach_tokens {

/// An ALSA sequencer client whose one port is connected to the port given.
class AlsaSink {
 public:
  /// Connects to `address` ("128:0", or a client's name and a port). IoError when there is no
  /// sequencer; UsageError naming the expected form when the port is not found.
  explicit AlsaSink(const std::string& address) {
    if (const int e = snd_seq_open(&seq_, "default", SND_SEQ_OPEN_OUTPUT, 0); e < 0) {
      seq_ = nullptr;
      throw bachprop::IoError(std::string("--sink alsa: cannot open the ALSA sequencer (") +
                              snd_strerror(e) + "; is the snd-seq module loaded?)");
    }
    snd_seq_set_client_name(seq_, "bach_tokens");
    port_ = snd_seq_create_simple_port(seq_, "bach_tokens live",
                                       SND_SEQ_PORT_CAP_READ | SND_SEQ_PORT_CAP_SUBS_READ,
                                       SND_SEQ_PORT_TYPE_MIDI_GENERIC |
                                           SND_SEQ_PORT_TYPE_APPLICATION);
    snd_seq_addr_t target{};
    if (port_ < 0 || snd_seq_parse_address(seq_, &target, address.c_str()) < 0) {
      snd_seq_close(seq_);
      throw examples::UsageError("--alsa-port " + address + ": no such sequencer port; expected "
                                 "CLIENT:PORT of a port that exists (aconnect -o lists them)");
    }
    if (const int e = snd_seq_connect_to(seq_, port_, target.client, target.port); e < 0) {
      snd_seq_close(seq_);
      throw bachprop::IoError("--alsa-port " + address + ": cannot connect to it (" +
                              snd_strerror(e) + ")");
    }
  }
  AlsaSink(const AlsaSink&) = delete;
  AlsaSink& operator=(const AlsaSink&) = delete;
  ~AlsaSink() { snd_seq_close(seq_); }

  /// Sends the message at once; false when the sequencer refused it.
  bool send(const bachprop::music::MidiMessage& m, bachprop::music::LiveTime /*due*/,
            bachprop::music::LiveTime /*sent*/) {
    snd_seq_event_t event;
    snd_seq_ev_clear(&event);
    snd_seq_ev_set_source(&event, port_);
    snd_seq_ev_set_subs(&event);
    snd_seq_ev_set_direct(&event);
    const auto channel = static_cast<unsigned char>(m.channel());
    if (m.starts_note()) {
      snd_seq_ev_set_noteon(&event, channel, m.bytes[1], m.bytes[2]);
    } else if (m.ends_note()) {
      snd_seq_ev_set_noteoff(&event, channel, m.bytes[1], 0);
    } else {
      snd_seq_ev_set_controller(&event, channel, m.bytes[1], m.bytes[2]);
    }
    return snd_seq_event_output_direct(seq_, &event) >= 0;
  }
  void flush() {}  ///< direct events need no draining

 private:
  snd_seq_t* seq_ = nullptr;
  int port_ = -1;
};

}  // namespace bach_tokens
