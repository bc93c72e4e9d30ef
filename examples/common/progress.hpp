#pragma once
// A training progress display for the example programs: on a terminal, one line redrawn in
// place (epoch, a bar, batch, the epoch's running loss, the latest accuracy, time left); when the
// output goes to a file or a pipe, no redrawing: only the permanent lines the program prints,
// plus a plain status line every half minute so that a long epoch still shows signs of life.
// Not part of the library: it only serves the examples.

#include <bachprop/core/types.hpp>
#include <bachprop/train/trainer.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <utility>

namespace examples {

/// True when standard output is a terminal (redrawing a line in place makes sense).
inline bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) != 0; }

/// "0:07", "12:34", "1:02:03": a duration for people (rounded to whole seconds).
inline std::string format_duration(double seconds) {
  const long total = std::lround(std::max(0.0, seconds));
  const long hours = total / 3600;
  const long minutes = (total / 60) % 60;
  const long secs = total % 60;
  char text[32];
  if (hours > 0) {
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", hours, minutes, secs);
  } else {
    std::snprintf(text, sizeof text, "%ld:%02ld", minutes, secs);
  }
  return text;
}

/// Shows how training advances. Feed it every BatchReport (TrainCallbacks::on_batch); print the
/// program's own lines through line() so that they do not mix with the bar.
class TrainingProgress {
 public:
  /// Seconds since some fixed start: the clock (replaceable for tests).
  using Clock = std::function<double()>;

  /// For `epochs` epochs of `batches` batches each, drawn on `out`; `terminal` chooses the
  /// redrawn bar (true) or plain lines (false).
  TrainingProgress(bachprop::Index epochs, bachprop::Index batches, bool terminal,
                   std::ostream& out = std::cout, Clock clock = steady_seconds)
      : epochs_(std::max<bachprop::Index>(epochs, 1)),
        batches_(std::max<bachprop::Index>(batches, 1)),
        terminal_(terminal),
        out_(out),
        clock_(std::move(clock)),
        start_(clock_()),
        // Plain lines wait a full interval; the bar draws at once.
        last_draw_(terminal ? -1e300 : start_) {}

  /// Records one batch and redraws (at most ten times a second, and at an epoch's last batch).
  void on_batch(const bachprop::BatchReport& report) {
    if (report.epoch != epoch_) {
      epoch_ = report.epoch;
      epoch_loss_sum_ = 0;
      epoch_batches_ = 0;
    }
    batch_ = report.batch;
    epoch_loss_sum_ += report.loss;
    ++epoch_batches_;
    const double now = clock_();
    const bool last = report.batch == report.batches;
    if (terminal_) {
      if (last || now - last_draw_ >= 0.1) {
        out_ << '\r' << status() << "\x1b[K" << std::flush;
        drawn_ = true;
        last_draw_ = now;
      }
    } else if (now - last_draw_ >= plain_interval_) {
      out_ << status() << '\n' << std::flush;
      last_draw_ = now;
    }
  }

  /// The accuracy (a share in [0, 1]) shown from now on, e.g. the latest test accuracy.
  void set_accuracy(double accuracy) { accuracy_ = accuracy; }

  /// Prints a permanent line, removing the bar first on a terminal (it comes back with the next
  /// batch).
  void line(const std::string& text) {
    clear();
    out_ << text << '\n' << std::flush;
  }

  /// Removes the bar from a terminal.
  void clear() {
    if (terminal_ && drawn_) {
      out_ << "\r\x1b[K" << std::flush;
      drawn_ = false;
    }
  }

  /// Shows the loss multiplied by `scale` (e.g. 1/784 for a loss summed over 784 pixels,
  /// shown per pixel).
  void set_loss_scale(double scale) { loss_scale_ = scale; }

  /// Seconds a plain (non-terminal) status line waits after the previous one.
  void set_plain_interval(double seconds) { plain_interval_ = seconds; }

  /// The status text: "epoch 3/30 [#####.....] batch 2400/6000  loss 0.0123  acc 94.12%
  /// left 1:05" (the accuracy only once one is known).
  std::string status() const {
    std::string text = "epoch " + std::to_string(epoch_) + "/" + std::to_string(epochs_) + " ";
    if (terminal_) {
      constexpr int width = 20;
      const auto filled = static_cast<int>(width * batch_ / batches_);
      text += "[" + std::string(static_cast<std::size_t>(filled), '#') +
              std::string(static_cast<std::size_t>(width - filled), '.') + "] ";
    }
    char numbers[128];
    std::snprintf(numbers, sizeof numbers, "batch %ld/%ld  loss %.4f", static_cast<long>(batch_),
                  static_cast<long>(batches_),
                  epoch_batches_ > 0
                      ? loss_scale_ * epoch_loss_sum_ / static_cast<double>(epoch_batches_)
                      : 0.0);
    text += numbers;
    if (accuracy_) {
      std::snprintf(numbers, sizeof numbers, "  acc %.2f%%", *accuracy_ * 100.0);
      text += numbers;
    }
    if (const auto left = seconds_left()) {
      text += "  left " + format_duration(*left);
    }
    return text;
  }

  /// Estimated seconds to the end of the last epoch, from the average pace so far (none before
  /// the first batch).
  std::optional<double> seconds_left() const {
    const double done = static_cast<double>((epoch_ - 1) * batches_ + batch_);
    if (epoch_ < 1 || done <= 0) {
      return std::nullopt;
    }
    const double total = static_cast<double>(epochs_ * batches_);
    return (clock_() - start_) / done * (total - done);
  }

  /// The default clock: seconds of std::chrono::steady_clock.
  static double steady_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

 private:
  bachprop::Index epochs_;
  bachprop::Index batches_;
  bool terminal_;
  std::ostream& out_;
  Clock clock_;
  double start_;
  double last_draw_;
  double plain_interval_ = 30.0;
  double loss_scale_ = 1.0;
  bool drawn_ = false;
  bachprop::Index epoch_ = 0;
  bachprop::Index batch_ = 0;
  double epoch_loss_sum_ = 0;
  bachprop::Index epoch_batches_ = 0;
  std::optional<double> accuracy_;
};

}  // namespace examples
