#pragma once
// The FluidSynth sink of bach_tokens --live, compiled only when CMake found libfluidsynth
// (BACH_TOKENS_WITH_FLUIDSYNTH): the messages go straight to FluidSynth's synthesiser, which
// its audio driver plays, or, with no sound card (or --sink fluidsynth-file), its file driver
// writes to a WAV file in real time. A General MIDI soundfont is required.

#include "common/audio.hpp"
#include "common/cli.hpp"

#include <bachprop/core/error.hpp>
#include <bachprop/music/live/live_clock.hpp>
#include <bachprop/music/live/midi_message.hpp>

#include <fluidsynth.h>
#if BACH_TOKENS_WITH_ALSA
#include <alsa/asoundlib.h>
#endif

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

namespace bach_tokens {

#if BACH_TOKENS_WITH_ALSA
// Drops ALSA's own error lines: when there is no sound card, the failed try of the audio driver
// is expected, and the program says in one line what it does instead.
extern "C" inline void quiet_alsa_error(const char*, int, const char*, int, const char*, ...) {}
#endif

/// A FluidSynth synthesiser and its audio (or file) driver, fed MIDI messages.
class FluidSynthSink {
 public:
  /// Opens the default audio driver, or the file driver writing `wav` when `to_file` or when no
  /// audio driver opens (`used_file` then says so). bachprop::IoError without a soundfont.
  FluidSynthSink(bool to_file, const std::filesystem::path& wav) {
    const std::filesystem::path font = soundfont();
    fluid_set_log_function(FLUID_WARN, nullptr, nullptr);  // its warnings would go to stdout
    fluid_set_log_function(FLUID_INFO, nullptr, nullptr);
    settings_ = new_fluid_settings();
    fluid_settings_setnum(settings_, "synth.gain", 0.6);
    synth_ = new_fluid_synth(settings_);
    if (synth_ == nullptr || fluid_synth_sfload(synth_, font.c_str(), 1) == FLUID_FAILED) {
      release();
      throw bachprop::IoError(font.string() + ": FluidSynth could not load this soundfont");
    }
    if (!to_file) {
      // A failed try is not an error here (the file driver follows): its messages are dropped.
      fluid_set_log_function(FLUID_ERR, nullptr, nullptr);
#if BACH_TOKENS_WITH_ALSA
      snd_lib_error_set_handler(quiet_alsa_error);
#endif
      driver_ = new_fluid_audio_driver(settings_, synth_);
#if BACH_TOKENS_WITH_ALSA
      snd_lib_error_set_handler(nullptr);
#endif
      fluid_set_log_function(FLUID_ERR, fluid_default_log_function, nullptr);
    }
    if (driver_ == nullptr) {
      used_file_ = true;
      fluid_settings_setstr(settings_, "audio.driver", "file");
      fluid_settings_setstr(settings_, "audio.file.name", wav.c_str());
      fluid_settings_setstr(settings_, "audio.file.type", "wav");
      driver_ = new_fluid_audio_driver(settings_, synth_);
      if (driver_ == nullptr) {
        release();
        throw bachprop::IoError(wav.string() + ": FluidSynth's file driver could not write it");
      }
    }
  }
  FluidSynthSink(const FluidSynthSink&) = delete;
  FluidSynthSink& operator=(const FluidSynthSink&) = delete;
  /// Lets the last notes ring out briefly, then closes the driver (which ends the WAV file).
  ~FluidSynthSink() {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    release();
  }

  /// Plays the message now; false if FluidSynth refused it.
  bool send(const bachprop::music::MidiMessage& m, bachprop::music::LiveTime /*due*/,
            bachprop::music::LiveTime /*sent*/) {
    const int channel = m.channel();
    if (m.starts_note()) {
      return fluid_synth_noteon(synth_, channel, m.pitch(), m.bytes[2]) != FLUID_FAILED;
    }
    if (m.ends_note()) {
      fluid_synth_noteoff(synth_, channel, m.pitch());  // fails only for a note not sounding
      return true;
    }
    if (m.kind() == 0xB0) {
      return fluid_synth_cc(synth_, channel, m.bytes[1], m.bytes[2]) != FLUID_FAILED;
    }
    return true;
  }
  void flush() {}  ///< FluidSynth takes each message as it comes

  /// Whether the file driver is in use (no sound card, or asked for).
  bool used_file() const { return used_file_; }

  /// The first General MIDI soundfont found; IoError naming where it looked.
  static std::filesystem::path soundfont() {
    std::string looked;
    for (const auto& candidate : examples::soundfont_candidates()) {
      if (std::filesystem::exists(candidate)) {
        return candidate;
      }
      looked += (looked.empty() ? "" : ", ") + candidate.string();
    }
    throw bachprop::IoError("--sink fluidsynth: no General MIDI soundfont found (looked for " +
                            looked + "; Debian: apt-get install fluid-soundfont-gm, or set "
                            "BACHPROP_SOUNDFONT)");
  }

 private:
  void release() {
    if (driver_ != nullptr) {
      delete_fluid_audio_driver(driver_);
      driver_ = nullptr;
    }
    if (synth_ != nullptr) {
      delete_fluid_synth(synth_);
      synth_ = nullptr;
    }
    if (settings_ != nullptr) {
      delete_fluid_settings(settings_);
      settings_ = nullptr;
    }
  }

  fluid_settings_t* settings_ = nullptr;
  fluid_synth_t* synth_ = nullptr;
  fluid_audio_driver_t* driver_ = nullptr;
  bool used_file_ = false;
};

}  // namespace bach_tokens
