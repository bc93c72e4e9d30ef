// Tests of examples/common/progress.hpp with a fake clock: the redrawn bar on a terminal, plain
// lines elsewhere, the time-left estimate and duration formatting.

#include "helpers.hpp"

#include "common/progress.hpp"

#include <sstream>

using Catch::Matchers::Contains;
using examples::TrainingProgress;

namespace {

struct FakeClock {
  double now = 100.0;
  TrainingProgress::Clock clock() {
    return [this] { return now; };
  }
};

}  // namespace

TEST_CASE("durations are written as m:ss or h:mm:ss", "[progress]") {
  CHECK(examples::format_duration(0) == "0:00");
  CHECK(examples::format_duration(7.4) == "0:07");
  CHECK(examples::format_duration(59.6) == "1:00");
  CHECK(examples::format_duration(754) == "12:34");
  CHECK(examples::format_duration(3723) == "1:02:03");
  CHECK(examples::format_duration(-5) == "0:00");
}

TEST_CASE("on a terminal the bar is redrawn in place with loss, accuracy and time left",
          "[progress]") {
  std::ostringstream out;
  FakeClock time;
  TrainingProgress progress(2, 10, true, out, time.clock());
  time.now += 1.0;
  progress.on_batch({1, 1, 10, 0.5});
  CHECK_THAT(out.str(), Contains("\repoch 1/2 [##..................] batch 1/10  loss 0.5000"));
  // One batch took a second: 19 to go.
  CHECK_THAT(out.str(), Contains("left 0:19\x1b[K"));
  // Redrawn at most ten times a second.
  const auto drawn = out.str().size();
  progress.on_batch({1, 2, 10, 0.3});
  CHECK(out.str().size() == drawn);
  time.now += 0.2;
  progress.on_batch({1, 3, 10, 0.1});
  CHECK_THAT(out.str(), Contains("batch 3/10  loss 0.3000"));  // the epoch's running mean
  progress.set_accuracy(0.9123);
  progress.line("epoch 1 done");
  CHECK_THAT(out.str(), Contains("\r\x1b[Kepoch 1 done\n"));
  progress.on_batch({2, 10, 10, 0.2});  // an epoch's last batch is always drawn
  CHECK_THAT(out.str(), Contains("epoch 2/2 [####################] batch 10/10  loss 0.2000  "
                                 "acc 91.23%  left 0:00"));
}

TEST_CASE("without a terminal only plain lines appear, and rarely", "[progress]") {
  std::ostringstream out;
  FakeClock time;
  TrainingProgress progress(3, 100, false, out, time.clock());
  progress.set_plain_interval(30);
  for (int b = 1; b <= 50; ++b) {
    time.now += 0.1;
    progress.on_batch({1, b, 100, 1.0});
  }
  CHECK(out.str().empty());
  time.now += 30;
  progress.on_batch({1, 51, 100, 1.0});
  // 51 of 300 batches in 35 s: 249 more take 171 s.
  CHECK(out.str() == "epoch 1/3 batch 51/100  loss 1.0000  left 2:51\n");
  progress.line("a permanent line");
  CHECK_THAT(out.str(), Contains("\na permanent line\n"));
  progress.set_loss_scale(0.5);
  CHECK_THAT(progress.status(), Contains("loss 0.5000"));
  CHECK(out.str().find('\r') == std::string::npos);
  CHECK(out.str().find("\x1b") == std::string::npos);
}

TEST_CASE("time left comes from the average pace so far", "[progress]") {
  FakeClock time;
  std::ostringstream out;
  TrainingProgress progress(4, 50, false, out, time.clock());
  CHECK_FALSE(progress.seconds_left().has_value());
  time.now += 10;
  progress.on_batch({2, 25, 50, 1.0});  // 75 of 200 batches in 10 s
  REQUIRE(progress.seconds_left().has_value());
  CHECK(*progress.seconds_left() == Approx(10.0 / 75.0 * 125.0));
}
