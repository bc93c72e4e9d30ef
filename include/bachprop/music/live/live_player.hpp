#pragma once
/// @file
/// Plays a stream of steps (a chord or a rest, and how long until the next step) as MIDI
/// messages at their times, generating the steps a few ahead of the one sounding. The source of
/// steps is any callable, so this room knows nothing of the models that feed it. One thread
/// does both jobs: a step is generated only in a gap before the next due message that is wide
/// enough for it (twice the slowest step so far, plus a guard), so generation never makes a
/// message late, and the buffer of steps ahead absorbs a slow one. Every message's lateness
/// (the time it was sent minus the time it was due) and every step's generation time are
/// measured. Nothing is allocated once playing starts: the steps ahead, the sounding notes and
/// the figures live in fixed arrays.

#include <bachprop/core/error.hpp>
#include <bachprop/music/live/live_clock.hpp>
#include <bachprop/music/live/midi_message.hpp>
#include <bachprop/music/live/midi_sinks.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

namespace bachprop::music {

/// The most notes of one step (a chord), and the most steps generated ahead.
inline constexpr std::size_t max_live_chord = 16;
inline constexpr std::size_t max_live_ahead = 64;  ///< see max_live_chord

/// One step of a performance: the notes that start now (none: a rest) and the time until the
/// next step, when they stop.
struct LiveStep {
  std::array<std::uint8_t, max_live_chord> pitches{};  ///< MIDI pitches, the first `count`
  std::size_t count = 0;                               ///< notes in the chord (0: a rest)
  double quarters = 1.0;                               ///< quarter notes until the next step
};

/// How a stream of steps is played.
struct LiveSettings {
  double tempo_bpm = 120;  ///< quarter notes a minute
  int channel = 0;         ///< MIDI channel 0..15
  int velocity = 80;       ///< of every note on
  std::size_t ahead = 4;   ///< steps generated ahead of the one sounding (1..max_live_ahead)
  double seconds = 0;      ///< stop at this time of the performance (0: no limit)
  /// The busy last part of every wait: the operating system's wake-up delay is mostly below
  /// it, so a sleep that ends this much early is finished by spinning, on time.
  LiveTime spin{std::chrono::microseconds(1500)};
  /// The room left before a due message when deciding to generate a step (twice the slowest
  /// step so far comes on top).
  LiveTime guard{std::chrono::milliseconds(2)};
  /// The longest single sleep, so that a stop request is seen within this time.
  LiveTime poll{std::chrono::milliseconds(20)};
};

/// What a performance measured.
struct LiveStats {
  std::size_t events = 0;           ///< MIDI messages sent
  std::size_t steps_played = 0;     ///< steps whose notes were sent
  std::size_t steps_generated = 0;  ///< steps the source gave (played or ahead at the end)
  double max_lateness_ms = 0;       ///< the latest message: sent minus due
  double mean_lateness_ms = 0;      ///< the mean over every message
  double step_mean_ms = 0;          ///< mean time of one call of the source
  double step_max_ms = 0;           ///< the slowest call
  double seconds = 0;               ///< from the first step's time to the last message
  double sixteenth_ms = 0;          ///< the time between sixteenths at the tempo
  bool stopped = false;             ///< ended by the stop request
  bool source_ended = false;        ///< ended because the source gave no more steps
  bool sink_closed = false;         ///< ended because the sink took no more
  /// Generation time against the time between sixteenths at the tempo played.
  double step_time_fraction() const {
    return sixteenth_ms > 0 ? step_mean_ms / sixteenth_ms : 0.0;
  }
};

namespace detail {

inline double milliseconds(LiveTime t) {
  return std::chrono::duration<double, std::milli>(t).count();
}

// One performance: the ring of steps ahead, the notes sounding, the figures.
template <class Source, class Sink, class Clock>
class LivePerformance {
 public:
  LivePerformance(Source& source, Sink& sink, Clock& clock, const LiveSettings& settings,
                  const std::atomic<bool>* stop)
      : source_(source), sink_(sink), clock_(clock), settings_(settings), stop_(stop) {}

  LiveStats run() {
    stats_.sixteenth_ms = 60e3 / settings_.tempo_bpm / 4;
    while (count_ < settings_.ahead && generate()) {
    }
    origin_ = clock_.now();
    const bool limited = settings_.seconds > 0;
    const LiveTime limit = seconds_to_time(settings_.seconds);
    for (;;) {
      if (count_ == 0 && !generate()) {
        stats_.source_ended = true;
        break;
      }
      const LiveTime onset = time_of(played_quarters_);
      if (limited && onset >= limit) {
        break;
      }
      const LiveTime due = origin_ + onset;
      while (count_ < settings_.ahead && !source_done_ &&
             due - clock_.now() > settings_.guard + 2 * slowest_step_) {
        generate();
      }
      if (!wait_until(due)) {
        stats_.stopped = true;
        break;
      }
      const LiveStep& step = ring_[head_];
      if (!play(step, due)) {
        stats_.sink_closed = true;
        break;
      }
      played_quarters_ += step.quarters;
      head_ = (head_ + 1) % max_live_ahead;
      --count_;
      ++stats_.steps_played;
    }
    finish(limited ? std::min(time_of(played_quarters_), limit) : time_of(played_quarters_));
    return stats_;
  }

 private:
  static LiveTime seconds_to_time(double seconds) {
    return LiveTime(static_cast<LiveTime::rep>(std::llround(seconds * 1e9)));
  }
  LiveTime time_of(double quarters) const {
    return seconds_to_time(quarters * 60.0 / settings_.tempo_bpm);
  }
  bool stop_requested() const { return stop_ != nullptr && stop_->load(); }

  // Asks the source for the next step into the ring; false once it has no more.
  bool generate() {
    if (source_done_) {
      return false;
    }
    LiveStep& slot = ring_[(head_ + count_) % max_live_ahead];
    const LiveTime before = clock_.now();
    const bool got = source_(slot);
    const LiveTime spent = clock_.now() - before;
    if (!got) {
      source_done_ = true;
      return false;
    }
    if (slot.count > max_live_chord || !(slot.quarters > 0) || !std::isfinite(slot.quarters)) {
      throw ArgumentError("play_live: a step needs at most " + std::to_string(max_live_chord) +
                          " notes and a positive length, not " + std::to_string(slot.count) +
                          " notes of " + std::to_string(slot.quarters) + " quarters");
    }
    slowest_step_ = std::max(slowest_step_, spent);
    step_total_ms_ += milliseconds(spent);
    ++stats_.steps_generated;
    stats_.step_mean_ms = step_total_ms_ / static_cast<double>(stats_.steps_generated);
    stats_.step_max_ms = milliseconds(slowest_step_);
    ++count_;
    return true;
  }

  // Sleeps in slices of at most `poll` until `spin` before `due`, then spins to it; false when
  // a stop was requested first.
  bool wait_until(LiveTime due) {
    for (;;) {
      if (stop_requested()) {
        return false;
      }
      const LiveTime now = clock_.now();
      if (due - now <= settings_.spin) {
        break;
      }
      clock_.sleep_until(std::min(due - settings_.spin, now + settings_.poll));
    }
    clock_.spin_until(due);
    return true;
  }

  bool send(const MidiMessage& message, LiveTime due) {
    const LiveTime sent = clock_.now();
    const double late = milliseconds(sent - due);
    ++stats_.events;
    lateness_total_ms_ += late;
    stats_.max_lateness_ms = std::max(stats_.max_lateness_ms, late);
    stats_.mean_lateness_ms = lateness_total_ms_ / static_cast<double>(stats_.events);
    return sink_.send(message, due, sent);
  }

  // The notes sounding stop, then the step's notes start: one group, flushed.
  bool play(const LiveStep& step, LiveTime due) {
    bool open = release(due);
    for (std::size_t i = 0; i < step.count && open; ++i) {
      open = send(note_on(settings_.channel, step.pitches[i], settings_.velocity), due);
      sounding_[i] = step.pitches[i];
      sounding_count_ = i + 1;
    }
    sink_.flush();
    return open;
  }

  bool release(LiveTime due) {
    bool open = true;
    for (std::size_t i = 0; i < sounding_count_ && open; ++i) {
      open = send(note_off(settings_.channel, sounding_[i]), due);
    }
    sounding_count_ = 0;
    return open;
  }

  // The end: at `end` (or now, after a stop request or a closed sink) every sounding note
  // stops, then "all notes off" for any receiver that missed one.
  void finish(LiveTime end) {
    LiveTime due = clock_.now();
    if (!stats_.stopped && !stats_.sink_closed) {
      if (wait_until(origin_ + end)) {
        due = origin_ + end;
      } else {
        stats_.stopped = true;
        due = clock_.now();
      }
    }
    if (!stats_.sink_closed) {
      if (!release(due) || !send(all_notes_off(settings_.channel), due)) {
        stats_.sink_closed = true;
      }
      sink_.flush();
    }
    stats_.seconds = std::chrono::duration<double>(clock_.now() - origin_).count();
  }

  Source& source_;
  Sink& sink_;
  Clock& clock_;
  const LiveSettings settings_;
  const std::atomic<bool>* stop_;
  std::array<LiveStep, max_live_ahead> ring_{};
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  bool source_done_ = false;
  std::array<std::uint8_t, max_live_chord> sounding_{};
  std::size_t sounding_count_ = 0;
  LiveTime origin_{0};
  double played_quarters_ = 0;
  LiveTime slowest_step_{0};
  double step_total_ms_ = 0;
  double lateness_total_ms_ = 0;
  LiveStats stats_;
};

}  // namespace detail

/// Plays the steps `next_step` gives (a callable taking a LiveStep& to fill and returning false
/// when there are no more) into `sink` on `clock`'s time, until the source ends, the
/// performance reaches settings.seconds, the sink closes, or `*stop` becomes true (a signal
/// handler may set it). The first settings.ahead steps are generated before the first note.
/// Every note is released at the end, then "all notes off" is sent. ArgumentError for settings
/// out of range or a step with too many notes or no length.
template <class Source, MidiSink Sink, LiveClock Clock>
  requires std::predicate<Source&, LiveStep&>
LiveStats play_live(Source&& next_step, Sink& sink, Clock& clock, const LiveSettings& settings,
                    const std::atomic<bool>* stop = nullptr) {
  if (settings.ahead < 1 || settings.ahead > max_live_ahead || !(settings.tempo_bpm > 0) ||
      !(settings.seconds >= 0) || settings.channel < 0 || settings.channel > 15 ||
      settings.velocity < 1 || settings.velocity > 127) {
    throw ArgumentError("play_live: needs 1.." + std::to_string(max_live_ahead) +
                        " steps ahead, a positive tempo, seconds ≥ 0, channel 0..15 and "
                        "velocity 1..127");
  }
  detail::LivePerformance<std::remove_reference_t<Source>, Sink, Clock> performance(
      next_step, sink, clock, settings, stop);
  return performance.run();
}

}  // namespace bachprop::music
