#pragma once
/// @file
/// The clocks a live performance keeps time by. Times are nanoseconds since the clock's own
/// origin. SteadyClock is the monotonic clock (std::chrono::steady_clock, which no change of
/// the wall-clock time moves): it sleeps until shortly before a deadline, because a sleep may
/// overshoot by the operating system's wake-up delay, and spins for the rest, so that an event
/// leaves within microseconds of its time. ManualClock is for tests: time moves only when the
/// test or the player says, by exact amounts, with an optional lag added to every wait to play
/// a late machine.

#include <chrono>
#include <concepts>
#include <thread>

namespace bachprop::music {

/// Nanoseconds since a clock's origin.
using LiveTime = std::chrono::nanoseconds;

/// A clock a performance can be played against: the time now, a sleep until a time (which may
/// end early or late), and a busy wait until a time (which should end on it).
template <class C>
concept LiveClock = requires(C clock, LiveTime t) {
  { clock.now() } -> std::convertible_to<LiveTime>;
  clock.sleep_until(t);
  clock.spin_until(t);
};

/// The monotonic clock, from the moment it was made.
class SteadyClock {
 public:
  SteadyClock() : origin_(std::chrono::steady_clock::now()) {}
  /// Nanoseconds since the clock was made.
  LiveTime now() const {
    return std::chrono::duration_cast<LiveTime>(std::chrono::steady_clock::now() - origin_);
  }
  /// Sleeps until `t` (or a little after: the operating system wakes the thread when it can).
  void sleep_until(LiveTime t) const { std::this_thread::sleep_until(origin_ + t); }
  /// Busy-waits until `t`: costs a core for as long, so only for the last fraction of a wait.
  void spin_until(LiveTime t) const {
    while (now() < t) {
    }
  }

 private:
  std::chrono::steady_clock::time_point origin_;
};

/// A clock for tests: starts at 0 and moves only by advance() and by the waits, which end
/// exactly on their time plus `lag` (never before it).
class ManualClock {
 public:
  /// `lag`: how late every sleep and spin ends, to play a busy machine.
  explicit ManualClock(LiveTime lag = LiveTime{0}) : lag_(lag) {}
  LiveTime now() const { return now_; }                 ///< the time now
  void advance(LiveTime by) { now_ += by; }             ///< time spent working (a model's step)
  void sleep_until(LiveTime t) { wait_until(t); }       ///< jumps to t (+ lag)
  void spin_until(LiveTime t) { wait_until(t); }        ///< jumps to t (+ lag)
  void set_lag(LiveTime lag) { lag_ = lag; }            ///< the lag of the waits from now on

 private:
  void wait_until(LiveTime t) {
    if (t + lag_ > now_) {
      now_ = t + lag_;
    }
  }
  LiveTime now_{0};
  LiveTime lag_;
};

}  // namespace bachprop::music
