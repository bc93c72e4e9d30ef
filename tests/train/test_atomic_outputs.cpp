// The model and checkpoint writers go through io/file.hpp's atomic write: a write that fails
// part-way (a writer that throws midway, a refused diverged network, a rename that cannot
// happen) leaves the previous file whole under its name and no temporary file behind.

#include "train/resume_fixtures.hpp"

#include <limits>

using namespace bachprop;
using Catch::Matchers::Contains;

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
