// The kill test: a training process killed with SIGKILL (no destructor, no flush, no cleanup)
// mid-epoch, then resumed from its last checkpoint, ends with the same model file, byte for
// byte, as a run never interrupted with the same seed. The killed run is a child process
// (fork); the resume runs here. Single-threaded, so "the same" means bitwise.

#include "train/resume_fixtures.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

using namespace bachprop;
using resume_test::bitwise_equal;

namespace {

const TrainOptions base_options{.epochs = 6, .batch_size = 10, .seed = 21};

Adam<float> fresh_adam() { return Adam<float>(AdamOptions{.learning_rate = 0.01}); }

// The uninterrupted run's model file.
std::string reference_model(const resume_test::Data& data, const std::filesystem::path& path) {
  auto net = resume_test::small_network(5);
  auto adam = fresh_adam();
  train(net, CrossEntropy<float>(), adam, data.inputs, data.targets, base_options);
  save_model(net, path);
  return read_file(path);
}

// Resumes from `checkpoint` in this process and returns the final model file.
std::string resumed_model(const resume_test::Data& data, const std::filesystem::path& checkpoint,
                          const std::filesystem::path& path) {
  auto net = resume_test::small_network(5);
  auto adam = fresh_adam();
  TrainOptions options = base_options;
  options.checkpoint_path = checkpoint;
  options.resume_from = checkpoint;
  train(net, CrossEntropy<float>(), adam, data.inputs, data.targets, options);
  save_model(net, path);
  return read_file(path);
}

// Forks a child that trains with checkpoints and calls `in_child(report, pipe)` after every
// batch; the child never returns (it ends with _exit, or is killed).
template <class OnBatch>
pid_t start_training_child(const resume_test::Data& data, TrainOptions options, int pipe_out,
                           OnBatch in_child) {
  const pid_t pid = ::fork();
  if (pid != 0) {
    return pid;
  }
  try {
    auto net = resume_test::small_network(5);
    auto adam = fresh_adam();
    TrainCallbacks callbacks;
    callbacks.on_batch = [&](const BatchReport& report) { in_child(report, pipe_out); };
    train(net, CrossEntropy<float>(), adam, data.inputs, data.targets, options, callbacks);
  } catch (...) {
    ::_exit(3);
  }
  ::_exit(0);
}

}  // namespace

TEST_CASE("a run killed with SIGKILL mid-epoch resumes to the uninterrupted run's model, byte "
          "for byte", "[checkpoint][resume][kill]") {
  const auto data = resume_test::classification_data(200, 12);  // 20 batches per epoch
  test::TempFolder folder("kill-resume");
  const std::string reference = reference_model(data, folder / "reference.json");
  const auto checkpoint = folder / "run.checkpoint.json";

  // The child stops in batch 7 of epoch 4 (the checkpoint after epoch 3 is on disk), tells us,
  // and waits; we kill it from outside.
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  TrainOptions options = base_options;
  options.checkpoint_path = checkpoint;
  const pid_t child = start_training_child(data, options, fds[1],
                                           [](const BatchReport& report, int out) {
    if (report.epoch == 4 && report.batch == 7) {
      const char byte = 'k';
      if (::write(out, &byte, 1) != 1) {
        ::_exit(4);
      }
      for (;;) {
        ::pause();
      }
    }
  });
  REQUIRE(child > 0);
  ::close(fds[1]);
  char byte = 0;
  const auto got = ::read(fds[0], &byte, 1);
  ::close(fds[0]);
  REQUIRE(got == 1);  // the child reached epoch 4, batch 7
  REQUIRE(::kill(child, SIGKILL) == 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);

  {
    auto probe = resume_test::small_network(5);
    auto adam = fresh_adam();
    const TrainingPosition position = load_checkpoint(checkpoint, probe, adam);
    CHECK(position.epoch == 4);  // written after epoch 3
    CHECK(position.batch == 0);
    CHECK(adam.steps() == 3 * 20);
  }
  const std::string resumed = resumed_model(data, checkpoint, folder / "resumed.json");
  CHECK(resumed == reference);
}

TEST_CASE("a run killed at arbitrary moments, even mid-write, resumes to the same model",
          "[checkpoint][resume][kill]") {
  const auto data = resume_test::classification_data(200, 12);
  test::TempFolder folder("kill-anywhere");
  const std::string reference = reference_model(data, folder / "reference.json");
  // A checkpoint after every batch, so that most of the run's time is spent writing them and a
  // kill lands as often in a write as between writes.
  int killed_while_training = 0;
  for (const int delay_us : {300, 1000, 2500, 5000, 9000}) {
    INFO("killed " << delay_us << " µs after the first checkpoint");
    test::TempFolder round_folder("kill-anywhere-round");
    const auto checkpoint = round_folder / "run.checkpoint.json";
    TrainOptions options = base_options;
    options.checkpoint_path = checkpoint;
    options.checkpoint_every_minutes = 1e-12;
    const pid_t child =
        start_training_child(data, options, -1, [](const BatchReport&, int) {});
    REQUIRE(child > 0);
    int status = 0;
    bool exited = false;
    while (!std::filesystem::exists(checkpoint) && !exited) {
      exited = ::waitpid(child, &status, WNOHANG) == child;
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
    if (!exited) {
      ::kill(child, SIGKILL);
      REQUIRE(::waitpid(child, &status, 0) == child);
    }
    killed_while_training += WIFSIGNALED(status) ? 1 : 0;
    if (!WIFSIGNALED(status)) {
      CHECK(WEXITSTATUS(status) == 0);  // finished before the kill: fine, and nothing to redo
    }
    // Whatever the moment, the file under the final name is a whole checkpoint; a write cut
    // short leaves at most its temporary file beside it.
    CHECK(resume_test::files_in(round_folder.path()) <= 2);
    CHECK(resumed_model(data, checkpoint, round_folder / "resumed.json") == reference);
  }
  CHECK(killed_while_training >= 1);
}
