// Tests of bachprop/train/early_stopping.hpp: training ends with the best validation epoch's
// weights, and stops when patience runs out.

#include "helpers.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/train/early_stopping.hpp>

#include <nlohmann/json.hpp>

using namespace bachprop;

TEST_CASE("training ends with the weights of the best validation epoch", "[early_stopping]") {
  Network net{Dense<double>(2, 1)};
  net.initialise(1);
  const Matrix<double> x = test::random_matrix(2, 8, 2);
  const Matrix<double> y = test::random_matrix(1, 8, 3);
  Sgd<double> sgd(0.1);
  // Scores by epoch: 3, 1, 2, 4 → epoch 2 is the best.
  const std::vector<double> scores{3, 1, 2, 4};
  std::size_t call = 0;
  Matrix<double> weights_after_epoch_2;
  const auto results = train_keeping_best(
      net, Quadratic<double>(), sgd, x, y, {.epochs = 4, .batch_size = 8},
      [&] {
        if (call == 1) {
          weights_after_epoch_2 = net.layer<0>().weights().value;
        }
        return scores[call++];
      });
  REQUIRE(results.size() == 4);
  CHECK(results[1].best);
  CHECK_FALSE(results[2].best);
  CHECK(net.layer<0>().weights().value == weights_after_epoch_2);

  // Patience: stop after 2 epochs without improvement.
  call = 0;
  const std::vector<double> worse{1, 2, 3, 4, 5};
  const auto stopped = train_keeping_best(
      net, Quadratic<double>(), sgd, x, y, {.epochs = 5, .batch_size = 8},
      [&] { return worse[call++]; }, 2);
  CHECK(stopped.size() == 3);
}

TEST_CASE("early stopping: a checkpoint's state with a negative count or a wrong result is "
          "refused",
          "[early_stopping][errors]") {
  Network net{Dense<double>(2, 1)};
  net.initialise(1);
  BestEpoch<decltype(net)> best(net);
  best.record(net, {1, 0.5, 0.1}, 2.0);
  nlohmann::json state = best.to_json();
  BestEpoch<decltype(net)> restored(net);
  restored.from_json(state, "c.json");
  CHECK(restored.to_json() == state);

  // A negative count of epochs since the best once made patience never run out.
  state["since_best"] = -3;
  CHECK_THAT(test::format_error_of([&] { restored.from_json(state, "c.json"); }),
             Catch::Matchers::Contains("c.json: expected \"since_best\""));
  state["since_best"] = 2.5;
  CHECK_THROWS_AS(restored.from_json(state, "c.json"), FormatError);

  // A resumed train_keeping_best reads the results so far: each must be
  // [epoch, loss, seconds, validation, best], or the error names the checkpoint.
  const Matrix<double> x = test::random_matrix(2, 8, 2);
  const Matrix<double> y = test::random_matrix(1, 8, 3);
  const auto checkpoint = test::temp_file("bachprop_early_stopping", "checkpoint.json");
  Sgd<double> sgd(0.1);
  TrainOptions options{.epochs = 2, .batch_size = 4, .checkpoint_path = checkpoint};
  train_keeping_best(net, Quadratic<double>{}, sgd, x, y, options, [] { return 1.0; });
  nlohmann::json document = nlohmann::json::parse(read_file(checkpoint));
  REQUIRE(document.contains("extra"));
  document["extra"]["results"][0][1] = "loss";  // once a JSON type_error, not a FormatError
  const auto forged = test::temp_file("bachprop_early_stopping", "forged.json");
  write_file_atomically(forged, document.dump());
  TrainOptions resume = options;
  resume.checkpoint_path.clear();
  resume.resume_from = forged;
  CHECK_THAT(test::format_error_of([&] {
               train_keeping_best(net, Quadratic<double>{}, sgd, x, y, resume, [] { return 1.0; });
             }),
             Catch::Matchers::Contains("a result should be [epoch, loss, seconds, validation, "
                                       "best]"));
}
