#pragma once
// The sinks of bach_tokens --live that need outside libraries, chosen by name: each compiled in
// only when CMake found its library; without it, a clear error says so and how to get it.

#include "common/cli.hpp"
#include "live_options.hpp"  // BACH_TOKENS_WITH_*, defaulted to 0
#include "report.hpp"

#if BACH_TOKENS_WITH_FLUIDSYNTH
#include "fluidsynth_sink.hpp"
#endif
#if BACH_TOKENS_WITH_ALSA
#include "alsa_sink.hpp"
#endif

#include <cstdio>
#include <string>

namespace bach_tokens {

/// Whether this build has the sink (fluidsynth, fluidsynth-file, alsa).
inline bool library_sink_built(const std::string& name) {
  if (name == "alsa") {
    return BACH_TOKENS_WITH_ALSA != 0;
  }
  return BACH_TOKENS_WITH_FLUIDSYNTH != 0;
}

/// Runs `perform(sink)` with the sink named `name` (fluidsynth, fluidsynth-file or alsa) and
/// returns where the music went. UsageError when this build has no such sink.
template <class Perform>
std::string play_into_library_sink(const std::string& name, const Options& o, Perform&& perform) {
  if (!library_sink_built(name)) {
    throw examples::UsageError(
        "--sink " + name + " is unavailable in this build: CMake found no " +
        (name == "alsa" ? std::string("alsa") : std::string("fluidsynth")) +
        " library through pkg-config (./scripts/setup.sh --with-live installs it; then "
        "reconfigure); --sink stdout and --sink record need nothing");
  }
#if BACH_TOKENS_WITH_FLUIDSYNTH
  if (name == "fluidsynth" || name == "fluidsynth-file") {
    const auto wav = o.output.file(o.name + "_live.wav");
    FluidSynthSink sink(name == "fluidsynth-file", wav);
    if (sink.used_file() && name == "fluidsynth") {
      std::printf("  (no audio device opened: FluidSynth's file driver writes %s instead)\n",
                  wav.string().c_str());
      std::fflush(stdout);
    }
    perform(sink);
    return sink.used_file() ? "FluidSynth, into " + wav.string() : "FluidSynth's audio driver";
  }
#endif
#if BACH_TOKENS_WITH_ALSA
  if (name == "alsa") {
    AlsaSink sink(o.live.alsa_port);
    perform(sink);
    return "ALSA sequencer port " + o.live.alsa_port;
  }
#endif
  static_cast<void>(o);
  static_cast<void>(perform);
  return "";
}

}  // namespace bach_tokens
