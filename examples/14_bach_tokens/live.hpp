#pragma once
// bach_tokens --live: the model's tokens played as they are drawn. A token becomes a step (its
// chord's pitches, looked up in a table made before playing, and its duration class in quarter
// notes); the library's player (music/live/) schedules the steps against the monotonic clock,
// drawing a few ahead, and measures every message's lateness and every draw's time. The sinks:
// MIDI bytes on standard output, a recording (timing only), FluidSynth and ALSA where the build
// found them. Ctrl-C stops the performance: every note is released and the summary written.

#include "live_options.hpp"
#include "live_sinks.hpp"
#include "report.hpp"

#include <bachprop/music/live.hpp>
#include <bachprop/music/models/token_stream.hpp>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <sched.h>
#include <unistd.h>

namespace bach_tokens {

/// Set by SIGINT and SIGTERM: the player sees it within its poll time and ends.
inline std::atomic<bool> live_stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "a signal handler may only touch these");

extern "C" inline void request_live_stop(int /*signal*/) { live_stop_requested = true; }

/// For --sink stdout: standard output becomes the MIDI stream (a new stream on its file
/// descriptor, returned), and the program's text goes to standard error from now on, so that
/// no text byte lands among the MIDI bytes.
inline std::FILE* claim_stdout_for_midi() {
  std::fflush(stdout);
  const int midi = dup(STDOUT_FILENO);
  std::FILE* stream = midi < 0 ? nullptr : fdopen(midi, "wb");
  if (stream == nullptr || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    throw bachprop::IoError("--sink stdout: cannot set standard output apart for MIDI bytes");
  }
  return stream;
}

/// Asks for real-time scheduling (SCHED_FIFO, a low priority) for the playing thread, so that a
/// busy machine's other processes do not delay its wake-ups; where that is not permitted the
/// performance runs at normal priority. Says which.
inline std::string raise_live_priority() {
  sched_param realtime{};
  realtime.sched_priority = 10;
  if (sched_setscheduler(0, SCHED_FIFO, &realtime) == 0) {
    return "real-time (SCHED_FIFO 10)";
  }
  return "normal (real-time scheduling not permitted)";
}

/// Back to normal scheduling after playing.
inline void lower_live_priority() {
  sched_param normal{};
  sched_setscheduler(0, SCHED_OTHER, &normal);
}

/// What a live performance drew, kept for the summary: the first tokens (room reserved up
/// front) and a hash of all of them, so runs into different sinks can be compared.
struct DrawnRecord {
  static constexpr std::size_t kept = 64;
  std::vector<int> ids;
  std::vector<int> durations;
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a offset basis
  std::size_t count = 0;
  DrawnRecord() {
    ids.reserve(kept);
    durations.reserve(kept);
  }
  void add(const DrawnToken& t) {
    if (ids.size() < kept) {
      ids.push_back(t.id);
      durations.push_back(t.duration);
    }
    for (const int value : {t.id, t.duration}) {
      hash = (hash ^ static_cast<std::uint32_t>(value)) * 1099511628211ULL;
    }
    ++count;
  }
};

/// The chord of every vocabulary entry as a step's pitches (the unknown token, never drawn, as
/// a rest), so that playing looks pitches up instead of parsing text.
inline std::vector<LiveStep> step_table(const Vocabulary& vocabulary) {
  std::vector<LiveStep> table(vocabulary.size());
  for (std::size_t id = vocabulary.has_unknown() ? 1 : 0; id < vocabulary.size(); ++id) {
    for (const int pitch : pitches_of(vocabulary.token(static_cast<int>(id)))) {
      if (table[id].count < max_live_chord && pitch >= 0 && pitch <= 127) {
        table[id].pitches[table[id].count++] = static_cast<std::uint8_t>(pitch);
      }
    }
  }
  return table;
}

/// Plays the primer, then tokens drawn from `model` one at a time, into the sink --sink names,
/// until --seconds, Ctrl-C or a closed sink; prints and records the figures.
template <class Model>
void play_live_tokens(const Options& o, Model& model, const ChordTokens& primer,
                      const TokenGenerationSettings& settings, std::FILE* midi_out,
                      Report& report) {
  const std::vector<int> primer_ids = model.vocabulary().encode(primer.tokens);
  TokenStream<Model> stream(model, primer_ids, primer.durations, settings);
  const std::vector<LiveStep> table = step_table(model.vocabulary());
  std::vector<double> quarters(static_cast<std::size_t>(model.duration_count()));
  for (std::size_t d = 0; d < quarters.size(); ++d) {
    quarters[d] = model.durations().quarters(static_cast<int>(d));
  }
  DrawnRecord drawn;
  std::size_t primer_played = 0;
  // The source: the primer's steps as they are, then one draw per step.
  // doc:begin live-source
  auto next_step = [&](LiveStep& step) {
    if (primer_played < primer_ids.size()) {
      step = table[static_cast<std::size_t>(primer_ids[primer_played])];
      step.quarters = quarters[static_cast<std::size_t>(primer.durations[primer_played])];
      ++primer_played;
      return true;
    }
    const DrawnToken token = stream.next();
    drawn.add(token);
    step = table[static_cast<std::size_t>(token.id)];
    step.quarters = quarters[static_cast<std::size_t>(token.duration)];
    return true;
  };
  // doc:end live-source
  const LiveSettings live{.tempo_bpm = o.tempo, .ahead = o.live.ahead, .seconds = o.live.seconds};
  const std::string sink_name = o.live.chosen_sink();
  live_stop_requested = false;
  std::signal(SIGINT, request_live_stop);
  std::signal(SIGTERM, request_live_stop);
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is a failed write: the performance ends
  const std::string how_long =
      o.live.seconds > 0 ? "for " + examples::figure(o.live.seconds, "%g") + " s" : "Ctrl-C stops";
  std::printf("\nPlaying live into %s at %g quarter notes a minute, %zu steps ahead (%s)...\n",
              sink_name.c_str(), o.tempo, o.live.ahead, how_long.c_str());
  std::fflush(stdout);
  const std::string priority = o.live.normal_priority ? std::string("normal (as asked)")
                                                      : raise_live_priority();
  SteadyClock clock;
  LiveStats stats;
  std::string destination;
  // doc:begin live-play
  auto perform = [&](auto& sink) {
    stats = play_live(next_step, sink, clock, live, &live_stop_requested);
  };
  // doc:end live-play
  if (sink_name == "stdout") {
    MidiByteSink sink(midi_out);
    perform(sink);
    destination = "standard output";
  } else if (sink_name == "record") {
    RecordingSink sink(static_cast<std::size_t>(1) << 18);
    perform(sink);
    destination = std::to_string(sink.messages().size()) + " messages recorded";
  } else {
    destination = play_into_library_sink(sink_name, o, perform);
  }
  lower_live_priority();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  const char* ended = stats.stopped       ? "stopped (Ctrl-C)"
                      : stats.sink_closed ? "the sink closed"
                                          : "time limit";
  std::printf("Played %.1f s (%s): %zu steps, %zu MIDI messages into %s; %s priority\n"
              "  lateness: max %.3f ms, mean %.3f ms\n"
              "  one step of generation: mean %.4f ms, max %.4f ms, %.3f%% of the %.1f ms "
              "between sixteenths (%.3f%% at 120 bpm)\n",
              stats.seconds, ended, stats.steps_played, stats.events, destination.c_str(),
              priority.c_str(),
              stats.max_lateness_ms, stats.mean_lateness_ms, stats.step_mean_ms,
              stats.step_max_ms, 100 * stats.step_time_fraction(), stats.sixteenth_ms,
              100 * stats.step_mean_ms / 125.0);
  std::printf("  drawn: %s\n", token_text(model.vocabulary().decode(drawn.ids), drawn.durations,
                                          model.durations()).c_str());
  report.played_live({{"sink", sink_name},
                      {"destination", destination},
                      {"ended", ended},
                      {"priority", priority},
                      {"tempo_bpm", o.tempo},
                      {"ahead", o.live.ahead},
                      {"seconds", stats.seconds},
                      {"events", stats.events},
                      {"steps_played", stats.steps_played},
                      {"steps_generated", stats.steps_generated},
                      {"primer_steps", primer_ids.size()},
                      {"max_lateness_ms", stats.max_lateness_ms},
                      {"mean_lateness_ms", stats.mean_lateness_ms},
                      {"step_time_ms", {{"mean", stats.step_mean_ms}, {"max", stats.step_max_ms}}},
                      {"sixteenth_ms", stats.sixteenth_ms},
                      {"step_time_fraction", stats.step_time_fraction()},
                      {"step_time_fraction_120bpm", stats.step_mean_ms / 125.0},
                      {"drawn", drawn.count},
                      {"drawn_hash", std::to_string(drawn.hash)},
                      {"tokens", model.vocabulary().decode(drawn.ids)},
                      {"durations", drawn.durations}});
}

}  // namespace bach_tokens
