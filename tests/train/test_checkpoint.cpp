// Tests of bachprop/train/checkpoint.hpp: an optimiser's state and a generator's state survive a
// checkpoint exactly, and a model or checkpoint write that fails part-way (a writer that throws
// midway, a refused diverged network, a rename that cannot happen) leaves the previous file whole
// under its name and no temporary file behind (through io/file.hpp's atomic write).

#include "train/resume_fixtures.hpp"

#include <bachprop/train/checkpoint.hpp>

#include <cstring>
#include <limits>

using namespace bachprop;
using Catch::Matchers::Contains;
using resume_test::bitwise_equal;

TEST_CASE("an optimiser's state and a generator's state survive a checkpoint exactly",
          "[checkpoint]") {
  Rng rng(42);
  rng.normal();  // leaves a spare normal draw behind
  Rng copy;
  copy.set_state(rng.state());
  CHECK(copy.normal() == rng.normal());
  CHECK(copy.bits() == rng.bits());
  CHECK_THROWS_AS(copy.set_state("not a state"), ArgumentError);

  const auto data = resume_test::classification_data(30, 7);
  auto net = resume_test::small_network(3);
  Adam<float> adam(0.01);
  train(net, CrossEntropy<float>(), adam, data.inputs, data.targets,
        {.epochs = 1, .batch_size = 10, .seed = 1});
  const nlohmann::json document = checkpoint_to_json(net, adam, TrainingPosition{});
  auto loaded = resume_test::small_network(4);
  Adam<float> loaded_adam(0.01);
  checkpoint_from_json(loaded, loaded_adam, nlohmann::json::parse(document.dump()));
  CHECK(bitwise_equal(loaded, net));
  CHECK(loaded_adam.steps() == adam.steps());
  REQUIRE(loaded_adam.state().size() == adam.state().size());
  for (std::size_t i = 0; i < adam.state().size(); ++i) {
    for (std::size_t slot = 0; slot < 2; ++slot) {
      CHECK(std::memcmp(loaded_adam.state().at(i, slot).data(), adam.state().at(i, slot).data(),
                        static_cast<std::size_t>(adam.state().at(i, slot).size()) *
                            sizeof(float)) == 0);
    }
  }
}

TEST_CASE("a model or checkpoint write that fails midway leaves the old file and no temporary",
          "[checkpoint][file]") {
  test::TempFolder folder("atomic-outputs");
  const auto model_path = folder / "model.json";
  const auto checkpoint = folder / "run.checkpoint.json";
  auto net = resume_test::small_network(1);
  Adam<float> adam(0.01);
  save_model(net, model_path);
  save_checkpoint(checkpoint, net, adam, TrainingPosition{});
  const std::string old_model = read_file(model_path);
  const std::string old_checkpoint = read_file(checkpoint);
  REQUIRE(resume_test::files_in(folder.path()) == 2);

  SECTION("the writer throws half-way through the new model") {
    auto other = resume_test::small_network(2);
    const std::string text = model_to_json(other).dump(1);
    CHECK_THROWS_WITH(write_file_atomically(model_path,
                                            [&](std::ostream& out) {
                                              out << text.substr(0, text.size() / 2);
                                              throw IoError("interrupted mid-write");
                                            }),
                      "interrupted mid-write");
  }
  SECTION("a diverged network is refused, for the model and for the checkpoint") {
    net.for_each_parameter([](Parameter<float>& p) {
      p.value(0, 0) = std::numeric_limits<float>::quiet_NaN();
    });
    CHECK_THROWS_WITH(save_model(net, model_path), Contains("refusing to save a diverged model"));
    CHECK_THROWS_WITH(save_checkpoint(checkpoint, net, adam, TrainingPosition{}),
                      Contains("non-finite"));
  }
  SECTION("the finished file cannot be moved into place") {
    const auto blocked = folder / "blocked.json";
    std::filesystem::create_directories(blocked / "inside");  // a non-empty folder by that name
    CHECK_THROWS_AS(save_model(net, blocked), IoError);
    CHECK_THROWS_AS(save_checkpoint(blocked, net, adam, TrainingPosition{}), IoError);
    CHECK(std::filesystem::is_directory(blocked / "inside"));
    std::filesystem::remove_all(blocked);
  }
  CHECK(read_file(model_path) == old_model);
  CHECK(read_file(checkpoint) == old_checkpoint);
  CHECK(resume_test::files_in(folder.path()) == 2);
}
