// Tests of bachprop/train/resume.hpp: a run stopped at an epoch boundary or mid-epoch and resumed
// ends with the same weights, bit for bit, as one never stopped (Sgd with momentum, Adam,
// Adadelta, sequences with clipping, a sequence model with dropout, early stopping); a
// checkpoint that does not fit the run is refused by name; and a process killed with SIGKILL
// resumes to the same model file.

#include "helpers.hpp"
#include "train/resume_fixtures.hpp"

#include <bachprop/train/resume.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

using namespace bachprop;
using Catch::Matchers::Contains;
using resume_test::bitwise_equal;
using resume_test::SimulatedCrash;

namespace {

// Trains a fresh network for `epochs` epochs and returns it, optionally checkpointing, resuming
// and crashing (a SimulatedCrash thrown after batch `crash_batch` of epoch `crash_epoch`).
template <class Optimiser>
resume_test::SmallNet run(const resume_test::Data& data, Optimiser optimiser, TrainOptions options,
                          Index crash_epoch = 0, Index crash_batch = 0) {
  auto net = resume_test::small_network(7);
  TrainCallbacks callbacks;
  callbacks.on_batch = [&](const BatchReport& report) {
    if (report.epoch == crash_epoch && report.batch == crash_batch) {
      throw SimulatedCrash{};
    }
  };
  train(net, CrossEntropy<float>(), optimiser, data.inputs, data.targets, options, callbacks);
  return net;
}

}  // namespace

TEST_CASE("resuming from an epoch's checkpoint gives the uninterrupted run's weights, bit for bit",
          "[checkpoint][resume]") {
  const auto data = resume_test::classification_data(97, 3);  // a ragged last batch
  test::TempFolder folder("checkpoint-epochs");
  const auto checkpoint = folder / "run.checkpoint.json";
  const TrainOptions plain{.epochs = 5, .batch_size = 8, .seed = 11};

  auto check = [&](auto optimiser) {
    const auto uninterrupted = run(data, optimiser, plain);
    // Crash in epoch 4, batch 5: the checkpoint written after epoch 3 is the one to resume.
    TrainOptions with_checkpoints = plain;
    with_checkpoints.checkpoint_path = checkpoint;
    CHECK_THROWS_AS(run(data, optimiser, with_checkpoints, 4, 5), SimulatedCrash);
    auto stopped = resume_test::small_network(7);
    auto probe = optimiser;
    const TrainingPosition position = load_checkpoint(checkpoint, stopped, probe);
    CHECK(position.epoch == 4);
    CHECK(position.batch == 0);
    CHECK_FALSE(position.finished);

    TrainOptions resume = with_checkpoints;
    resume.resume_from = checkpoint;
    const auto resumed = run(data, optimiser, resume);
    CHECK(bitwise_equal(resumed, uninterrupted));
    // The fresh network it started from differs: the weights came from the checkpoint.
    CHECK_FALSE(bitwise_equal(resume_test::small_network(7), uninterrupted));
  };
  SECTION("Sgd with momentum and weight decay") {
    check(Sgd<float>(SgdOptions{.learning_rate = 0.05, .momentum = 0.9, .weight_decay = 1e-3}));
  }
  SECTION("Adam") { check(Adam<float>(AdamOptions{.learning_rate = 0.01, .weight_decay = 1e-4})); }
  SECTION("Adadelta") {
    check(Adadelta<float>(AdadeltaOptions{.learning_rate = 0.5, .weight_decay = 1e-4}));
  }
}

TEST_CASE("a sequence model with dropout resumes mid-epoch to the same weights with Adadelta",
          "[checkpoint][resume][dropout][adadelta]") {
  // Embedding → LSTM → dropout → LSTM → dense → softmax: the masks of the resumed run continue
  // from the checkpoint (its seed and masks drawn), so the weights match bit for bit.
  const Index steps = 5;
  const Index samples = 24;
  Matrix<float> ids(1, steps * samples);
  Rng rng(1);
  for (Index j = 0; j < ids.cols(); ++j) {
    ids(0, j) = static_cast<float>(rng.below(5));
  }
  const Matrix<float> targets = test::one_hot_matrix<float>(5, steps * samples, 2);
  auto network = [] {
    Network net{Embedding<float>(5, 4), Lstm<float>(4, 6), Dropout<float>(0.3),
                Lstm<float>(6, 6), Dense<float>(6, 5), Softmax<float>()};
    net.initialise(3);
    return net;
  };
  test::TempFolder folder("checkpoint-dropout");
  const auto checkpoint = folder / "dropout.json";
  const TrainOptions plain{.epochs = 3, .batch_size = 4, .seed = 5, .sequence_steps = steps};
  const Adadelta<float> adadelta(AdadeltaOptions{.learning_rate = 1.0, .rho = 0.95});

  auto reference = network();
  Adadelta<float> reference_optimiser = adadelta;
  train(reference, CrossEntropy<float>(), reference_optimiser, ids, targets, plain);

  TrainOptions options = plain;
  options.checkpoint_path = checkpoint;
  options.checkpoint_every_minutes = 1e-12;  // after every batch
  auto crashed = network();
  Adadelta<float> crashed_optimiser = adadelta;
  TrainCallbacks crash;
  crash.on_batch = [](const BatchReport& report) {
    if (report.epoch == 2 && report.batch == 4) {
      throw SimulatedCrash{};
    }
  };
  CHECK_THROWS_AS(train(crashed, CrossEntropy<float>(), crashed_optimiser, ids, targets, options,
                        crash),
                  SimulatedCrash);
  options.resume_from = checkpoint;
  auto resumed = network();
  Adadelta<float> resumed_optimiser = adadelta;
  train(resumed, CrossEntropy<float>(), resumed_optimiser, ids, targets, options);
  CHECK(bitwise_equal(resumed, reference));
  CHECK(resumed.layer<2>().masks_drawn() == reference.layer<2>().masks_drawn());
  CHECK(reference.layer<2>().masks_drawn() == 3 * 6);
  for (std::size_t i = 0; i < reference_optimiser.state().size(); ++i) {
    CHECK(resumed_optimiser.state().at(i, 1) == reference_optimiser.state().at(i, 1));
  }
  // Other masks give other weights: the dropout matters here.
  auto other_masks = network();
  Adadelta<float> other_optimiser = adadelta;
  other_masks.layer<2>().set_seed(99);
  train(other_masks, CrossEntropy<float>(), other_optimiser, ids, targets, plain);
  CHECK_FALSE(bitwise_equal(other_masks, reference));
  // Resuming with another ρ is refused by name, and changes nothing.
  auto refused = network();
  const auto before = refused;
  Adadelta<float> other_rho(AdadeltaOptions{.rho = 0.9});
  CHECK_THROWS_WITH(train(refused, CrossEntropy<float>(), other_rho, ids, targets, options),
                    Contains(checkpoint.string()) &&
                        Contains("rho = 0.95 but this optimiser has 0.9"));
  CHECK(bitwise_equal(refused, before));
}

TEST_CASE("resuming from a mid-epoch checkpoint continues that epoch's order and loss",
          "[checkpoint][resume]") {
  const auto data = resume_test::classification_data(90, 4);
  test::TempFolder folder("checkpoint-mid-epoch");
  const auto checkpoint = folder / "mid.json";
  const TrainOptions plain{.epochs = 3, .batch_size = 10, .seed = 5};
  Adam<float> adam(0.02);

  auto reference = resume_test::small_network(7);
  Adam<float> reference_adam = adam;
  const auto reference_reports = train(reference, CrossEntropy<float>(), reference_adam,
                                       data.inputs, data.targets, plain);

  // A checkpoint after every batch (the clock's interval is far below a batch's time) and a
  // crash in the observer of batch 6 of epoch 2, which runs before that batch's checkpoint: the
  // last checkpoint holds epoch 2 with 5 of its 9 batches done.
  TrainOptions options = plain;
  options.checkpoint_path = checkpoint;
  options.checkpoint_every_minutes = 1e-12;
  CHECK_THROWS_AS(run(data, adam, options, 2, 6), SimulatedCrash);
  {
    auto net = resume_test::small_network(7);
    Adam<float> probe = adam;
    const TrainingPosition position = load_checkpoint(checkpoint, net, probe);
    CHECK(position.epoch == 2);
    CHECK(position.batch == 5);
    CHECK(position.loss_sum > 0);
    CHECK(probe.steps() == 9 + 5);  // 9 batches per epoch
  }
  options.resume_from = checkpoint;
  auto resumed = resume_test::small_network(7);
  Adam<float> resumed_adam = adam;
  const auto reports =
      train(resumed, CrossEntropy<float>(), resumed_adam, data.inputs, data.targets, options);
  CHECK(bitwise_equal(resumed, reference));
  CHECK(resumed_adam.steps() == reference_adam.steps());
  // The resumed run reports epochs 2 and 3; epoch 2's mean loss includes the batches run
  // before the crash, so it equals the uninterrupted run's exactly.
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].epoch == 2);
  CHECK(reports[0].mean_loss == reference_reports[1].mean_loss);
  CHECK(reports[1].mean_loss == reference_reports[2].mean_loss);
}

TEST_CASE("a finished run's checkpoint resumes to nothing, or to more epochs", "[checkpoint]") {
  const auto data = resume_test::classification_data(40, 5);
  test::TempFolder folder("checkpoint-finished");
  const auto checkpoint = folder / "done.json";
  Sgd<float> sgd(SgdOptions{.learning_rate = 0.1, .momentum = 0.5});
  const auto six = run(data, sgd, {.epochs = 6, .batch_size = 8, .seed = 2});

  TrainOptions options{.epochs = 4, .batch_size = 8, .seed = 2, .checkpoint_path = checkpoint,
                       .checkpoint_every_epochs = 0};  // only after the last epoch
  const auto four = run(data, sgd, options);
  options.resume_from = checkpoint;
  auto again = resume_test::small_network(7);
  Sgd<float> again_sgd = sgd;
  CHECK(train(again, CrossEntropy<float>(), again_sgd, data.inputs, data.targets, options)
            .empty());
  CHECK(bitwise_equal(again, four));
  options.epochs = 6;  // train on: the same as six epochs in one go
  CHECK(bitwise_equal(run(data, sgd, options), six));
}

TEST_CASE("sequences with clipping, and early stopping's best weights, resume exactly",
          "[checkpoint][resume][rnn]") {
  constexpr Index steps = 6;  // constexpr: the lambdas below read it without capturing it
  Rng rng(9);
  Matrix<float> x = Matrix<float>::Zero(5, 30 * steps);
  Matrix<float> y = Matrix<float>::Zero(5, 30 * steps);
  for (Index c = 0; c < x.cols(); ++c) {
    const auto k = static_cast<Index>(rng.below(5));
    x(k, c) = 1;
    y((k + 1) % 5, c) = 1;
  }
  auto make = [] {
    Network net{Rnn<float>(5, 7), Dense<float>(7, 5), Softmax<float>()};
    net.initialise(4);
    return net;
  };
  test::TempFolder folder("checkpoint-rnn");
  const auto checkpoint = folder / "rnn.json";
  TrainOptions options{.epochs = 6, .batch_size = 4, .seed = 8, .sequence_steps = steps,
                       .clip_norm = 0.5};
  // A validation score that moves up and down, so that the best epoch is not the last.
  auto score_of = [&](auto& net) {
    return [&net, &x, &y] {
      net.set_steps(steps);
      return static_cast<double>(net.loss(x, y, CrossEntropy<float>())) +
             0.01 * std::sin(static_cast<double>(net.template layer<1>().weights().value(0, 0)) *
                             1000);
    };
  };
  auto reference = make();
  Adam<float> reference_adam(0.05);
  const auto reference_results = train_keeping_best(reference, CrossEntropy<float>(),
                                                    reference_adam, x, y, options,
                                                    score_of(reference));

  options.checkpoint_path = checkpoint;
  {
    auto crashed = make();
    Adam<float> adam(0.05);
    auto score = score_of(crashed);
    CHECK_THROWS_AS(train_keeping_best(crashed, CrossEntropy<float>(), adam, x, y, options,
                                       [&] {
                                         if (adam.steps() > 4 * 8) {  // during epoch 5's scoring
                                           throw SimulatedCrash{};
                                         }
                                         return score();
                                       }),
                    SimulatedCrash);
  }
  options.resume_from = checkpoint;
  auto resumed = make();
  Adam<float> adam(0.05);
  const auto results = train_keeping_best(resumed, CrossEntropy<float>(), adam, x, y, options,
                                          score_of(resumed));
  CHECK(bitwise_equal(resumed, reference));
  REQUIRE(results.size() == reference_results.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    CHECK(results[i].training.epoch == reference_results[i].training.epoch);
    CHECK(results[i].training.mean_loss == reference_results[i].training.mean_loss);
    CHECK(results[i].validation == reference_results[i].validation);
    CHECK(results[i].best == reference_results[i].best);
  }
}

TEST_CASE("a checkpoint that does not fit is refused by name, and nothing changes",
          "[checkpoint][errors]") {
  const auto data = resume_test::classification_data(40, 6);
  test::TempFolder folder("checkpoint-errors");
  const auto checkpoint = folder / "errors.json";
  TrainOptions options{.epochs = 2, .batch_size = 8, .seed = 3, .checkpoint_path = checkpoint};
  run(data, Adam<float>(0.01), options);
  options.resume_from = checkpoint;
  auto net = resume_test::small_network(1);
  const auto before = net;
  auto refuses = [&](auto optimiser, const TrainOptions& o, const std::string& what) {
    INFO(what);
    CHECK_THROWS_WITH(train(net, CrossEntropy<float>(), optimiser, data.inputs, data.targets, o),
                      Contains(o.resume_from.string() + ": ") && Contains(what));
    CHECK(bitwise_equal(net, before));
  };
  SECTION("another batch size") {
    TrainOptions o = options;
    o.batch_size = 4;
    refuses(Adam<float>(0.01), o, "batch_size = 8 but this run has 4");
  }
  SECTION("another seed") {
    TrainOptions o = options;
    o.seed = 4;
    refuses(Adam<float>(0.01), o, "seed = 3 but this run has 4");
  }
  SECTION("another optimiser") {
    refuses(Sgd<float>(0.01), options, "optimiser \"adam\" but training uses sgd");
  }
  SECTION("another optimiser's checkpoint, Adadelta") {
    refuses(Adadelta<float>(0.01), options, "optimiser \"adam\" but training uses adadelta");
  }
  SECTION("other Adam settings") {
    refuses(Adam<float>(AdamOptions{.beta2 = 0.99}), options,
            "beta2 = 0.999 but this optimiser has 0.99");
  }
  SECTION("another network") {
    Network other{Dense<float>(8, 5), Tanh<float>(), Dense<float>(5, 3), Softmax<float>()};
    other.initialise(1);
    const auto other_before = other;
    Adam<float> adam(0.01);
    CHECK_THROWS_WITH(train(other, CrossEntropy<float>(), adam, data.inputs, data.targets,
                            options),
                      Contains(checkpoint.string()) && Contains("layer 0") &&
                          Contains("outputs = 12 but the network's layer has 5"));
    CHECK(bitwise_equal(other, other_before));
    CHECK(adam.steps() == 0);
  }
  SECTION("no such file") {
    TrainOptions o = options;
    o.resume_from = folder / "missing.json";
    Adam<float> adam(0.01);
    CHECK_THROWS_AS(train(net, CrossEntropy<float>(), adam, data.inputs, data.targets, o),
                    IoError);
  }
  SECTION("not a checkpoint") {
    save_model(net, folder / "model.json");
    TrainOptions o = options;
    o.resume_from = folder / "model.json";
    refuses(Adam<float>(0.01), o, "not a bachprop checkpoint");
    auto probe = resume_test::small_network(1);
    Adam<float> adam(0.01);
    CHECK_THROWS_WITH(load_checkpoint(folder / "model.json", probe, adam),
                      Contains("model.json: not a bachprop checkpoint"));
  }
}

// The kill test: a training process killed with SIGKILL (no destructor, no flush, no cleanup)
// mid-epoch, then resumed from its last checkpoint, ends with the same model file, byte for
// byte, as a run never interrupted with the same seed. The killed run is a child process
// (fork); the resume runs here. Single-threaded, so "the same" means bitwise.

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
