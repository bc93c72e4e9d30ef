#pragma once
// bach_tokens' options for playing live (--live): which sink hears the notes, for how long, how
// far generation runs ahead. Which sinks exist depends on the build: ALSA and FluidSynth only
// when CMake found their libraries (BACH_TOKENS_WITH_ALSA, BACH_TOKENS_WITH_FLUIDSYNTH).

#include "common/cli.hpp"

#include <cctype>
#include <cstddef>
#include <string>

#ifndef BACH_TOKENS_WITH_FLUIDSYNTH
#define BACH_TOKENS_WITH_FLUIDSYNTH 0  // CMake sets 1 when pkg-config finds fluidsynth
#endif
#ifndef BACH_TOKENS_WITH_ALSA
#define BACH_TOKENS_WITH_ALSA 0  // and when it finds alsa
#endif

namespace bach_tokens {

/// The sinks --sink names, in the order the help lists them.
inline constexpr const char* live_sink_names = "stdout, record, fluidsynth, fluidsynth-file, alsa";

/// The sinks this build has.
inline constexpr const char* live_sinks_built =
    BACH_TOKENS_WITH_FLUIDSYNTH && BACH_TOKENS_WITH_ALSA ? "all"
    : BACH_TOKENS_WITH_FLUIDSYNTH                         ? "all but alsa"
    : BACH_TOKENS_WITH_ALSA                               ? "stdout, record, alsa"
                                                          : "stdout, record";

/// What --live and its companions set.
struct LiveOptions {
  bool on = false;
  double seconds = 0;  // 0: until Ctrl-C
  std::string sink;    // "" : alsa with --alsa-port, else fluidsynth
  std::string alsa_port;
  std::size_t ahead = 4;
  bool normal_priority = false;  // true: no request for real-time scheduling

  void declare(examples::CommandLine& cli) {
    cli.flag("live", on, "generate and play at once, step by step, until Ctrl-C or --seconds")
        .option("seconds", seconds, "S", "with --live: stop after S seconds (0: no limit)")
        .option("sink", sink, "NAME",
                "with --live: stdout (MIDI bytes), record (timing only), fluidsynth (audio, "
                "or a WAV file without a sound card), fluidsynth-file, alsa (this build: " +
                    std::string(live_sinks_built) + ")")
        .option("alsa-port", alsa_port, "CLIENT:PORT",
                "with --live: play to this ALSA sequencer port (aconnect -o lists them)")
        .option("ahead", ahead, "N", "with --live: steps generated ahead of the one sounding")
        .flag("normal-priority", normal_priority,
              "with --live: do not ask for real-time scheduling (SCHED_FIFO)");
  }

  /// The sink chosen: --sink, or alsa when a port is given, or fluidsynth.
  std::string chosen_sink() const {
    return !sink.empty() ? sink : !alsa_port.empty() ? "alsa" : "fluidsynth";
  }

  /// Throws UsageError for an unknown sink, a port that is not CLIENT:PORT, values out of range.
  void check() const {
    if (!on) {
      if (!sink.empty() || !alsa_port.empty() || seconds != 0) {
        throw examples::UsageError("--sink, --alsa-port and --seconds go with --live");
      }
      return;
    }
    const std::string chosen = chosen_sink();
    const std::string known = std::string(", ") + live_sink_names + ",";
    if (chosen.empty() || known.find(", " + chosen + ",") == std::string::npos) {
      throw examples::UsageError("--sink " + chosen + ": unknown sink; expected one of " +
                                 live_sink_names);
    }
    if (chosen == "alsa" && !valid_port(alsa_port)) {
      throw examples::UsageError("--alsa-port '" + alsa_port + "': expected CLIENT:PORT, a "
                                 "client number or name and a port number, such as 128:0 "
                                 "(aconnect -o lists them)");
    }
    if (!alsa_port.empty() && chosen != "alsa") {
      throw examples::UsageError("--alsa-port goes with --sink alsa, not --sink " + chosen);
    }
    if (!(seconds >= 0) || ahead < 1 || ahead > 64) {
      throw examples::UsageError("--seconds must be ≥ 0 and --ahead 1..64");
    }
  }

  // CLIENT:PORT: a client number or name, a colon, a port number.
  static bool valid_port(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
      return false;
    }
    for (std::size_t i = colon + 1; i < text.size(); ++i) {
      if (std::isdigit(static_cast<unsigned char>(text[i])) == 0) {
        return false;
      }
    }
    return true;
  }
};

}  // namespace bach_tokens
