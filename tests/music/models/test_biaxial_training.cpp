// Tests of bachprop/music/models/biaxial_training.hpp and biaxial_shards.hpp: windows that leave
// no frame out, training that keeps the best epoch, the time budget, a killed run resumed to
// the same weights, and batches in shards (the gradient weighted by the shards' frames).

#include "helpers.hpp"
#include "music/models/biaxial_rolls.hpp"

#include <bachprop/music/models/biaxial_shards.hpp>
#include <bachprop/music/models/biaxial_training.hpp>
#include <bachprop/train/shards.hpp>

#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

namespace {

using biaxial_test::arpeggio;
using biaxial_test::small_shape;
using biaxial_test::TrainingRoll;

BiaxialTrainingSettings small_settings() {
  return {.segment_frames = 8, .stride = 4, .batch_size = 2, .epochs = 6, .patience = 6};
}

}  // namespace

TEST_CASE("biaxial training: windows cover every frame, the last one padded", "[biaxial]") {
  const std::vector<TrainingRoll> pieces{arpeggio(19, 0), arpeggio(5, 1)};
  const auto windows = biaxial_windows(pieces, small_settings());
  // 19 frames: starts 0, 4, 8, 12 (12 + 8 ≥ 19); 5 frames: start 0 only.
  REQUIRE(windows.size() == 5);
  CHECK(windows[3].start == 12);
  CHECK(windows[4].piece == &pieces[1]);
  CHECK(windows[4].start == 0);
}

TEST_CASE("biaxial training: learns, and gives back the best epoch's weights", "[biaxial]") {
  std::vector<TrainingRoll> train;
  for (Index i = 0; i < 6; ++i) {
    train.push_back(arpeggio(20, i));
  }
  const std::vector<TrainingRoll> valid{arpeggio(20, 2)};
  BiaxialModel model(small_shape(), 3);
  const double before = biaxial_nats(model, valid).play_per_frame();
  BiaxialTrainingSettings settings = small_settings();
  settings.epochs = 25;
  settings.patience = 25;
  const auto history = train_biaxial(model, train, valid, settings);
  REQUIRE(history.size() == 25);
  double best = history.front().validation_play_nats;
  for (const auto& e : history) {
    best = std::min(best, e.validation_play_nats);
  }
  const double after = biaxial_nats(model, valid).play_per_frame();
  INFO("validation NLL before " << before << ", after " << after);
  CHECK(after == Approx(best).epsilon(1e-9));
  CHECK(after < 0.7 * before);
}

TEST_CASE("biaxial training: the time budget stops before an epoch would overrun it",
          "[biaxial]") {
  const std::vector<TrainingRoll> train{arpeggio(20, 0), arpeggio(20, 1)};
  BiaxialModel model(small_shape(), 3);
  BiaxialTrainingSettings settings = small_settings();
  settings.max_seconds = 1e-9;
  CHECK(train_biaxial(model, train, train, settings).size() == 1);
}

TEST_CASE("biaxial training: a killed run resumes to the same weights", "[biaxial]") {
  const std::vector<TrainingRoll> train{arpeggio(20, 0), arpeggio(17, 1), arpeggio(12, 2)};
  const std::vector<TrainingRoll> valid{arpeggio(16, 3)};
  const auto checkpoint =
      std::filesystem::temp_directory_path() / "bachprop_biaxial_checkpoint_test.json";
  std::filesystem::remove(checkpoint);
  BiaxialModel straight(small_shape(), 5);
  const auto full = train_biaxial(straight, train, valid, small_settings());

  BiaxialModel killed(small_shape(), 5);
  const auto kill_after_three = [](const BiaxialEpoch& e) {
    if (e.epoch == 3) {
      throw std::runtime_error("killed");
    }
  };
  CHECK_THROWS_AS(train_biaxial(killed, train, valid, small_settings(), checkpoint, false,
                                kill_after_three),
                  std::runtime_error);
  // The epoch-3 checkpoint is written after the callback: the run died before it, at epoch 2.
  BiaxialModel resumed(small_shape(), 99);  // other weights: the checkpoint must replace them
  const auto rest = train_biaxial(resumed, train, valid, small_settings(), checkpoint, true);
  CHECK(rest.size() == full.size());
  CHECK(rest.back().validation_play_nats == full.back().validation_play_nats);
  CHECK(resumed.to_json() == straight.to_json());

  BiaxialTrainingSettings other = small_settings();
  other.batch_size = 3;
  CHECK_THROWS_AS(train_biaxial(resumed, train, valid, other, checkpoint, true), ArgumentError);
  std::filesystem::remove(checkpoint);
}

namespace {

// One process alone: the sum of its shards in shard order (sum_in_shard_order), as an
// MpiExchange of one process makes it.
class OneProcess final : public ShardExchange {
 public:
  int processes() const override { return 1; }
  int process() const override { return 0; }
  Index first_difference(std::span<const std::uint64_t>) override { return -1; }
  void sum(const ShardSum<double>& sum) override { add(sum); }
  void sum(const ShardSum<float>& sum) override { add(sum); }

 private:
  template <class S>
  static void add(const ShardSum<S>& sum) {
    sum_in_shard_order<S>(sum.local, sum.weights, sum.out, 0, sum.entries);
  }
};

template <class Model>
Vector<double> gradients_of(Model& model) {
  std::vector<double> all;
  model.networks().for_each_parameter([&all](const auto& p) {
    all.insert(all.end(), p.gradient.data(), p.gradient.data() + p.gradient.size());
  });
  return Eigen::Map<Vector<double>>(all.data(), static_cast<Index>(all.size()));
}

}  // namespace

TEST_CASE("biaxial shards: the batch's gradient is the shards' weighted by their frames",
          "[biaxial]") {
  // Windows of 8 frames from pieces of 20 and 5 frames: 8, 8, 8, 5 and 5 frames (padded), in
  // 3 shards of 1, 2 and 2 windows.
  const std::vector<TrainingRoll> pieces{arpeggio(20, 0), arpeggio(5, 1), arpeggio(13, 2)};
  const std::vector<BiaxialSegment<TrainingRoll>> batch{
      {&pieces[0], 0}, {&pieces[0], 8}, {&pieces[2], 0}, {&pieces[1], 0}, {&pieces[2], 8}};
  BiaxialShape shape = small_shape();
  shape.dropout = 0.0;  // masks would differ from the whole batch's
  BasicBiaxialModel<double> whole(shape, 3);
  BasicBiaxialModel<double> sharded(shape, 3);
  const BiaxialNats expected = whole.compute_gradients(batch, 8);
  OneProcess alone;
  BiaxialShards<double, TrainingRoll> shards(sharded, 3, alone);
  const BiaxialNats nats = shards.compute_gradients(batch, 8);
  CHECK(nats.frames == expected.frames);
  CHECK(nats.frames == 34);
  CHECK_THAT(nats.play, Catch::Matchers::WithinRel(expected.play, 1e-12));
  CHECK_THAT(nats.articulate, Catch::Matchers::WithinRel(expected.articulate, 1e-12));
  const Vector<double> g = gradients_of(whole);
  CHECK(g.norm() > 1e-3);
  CHECK(gradients_of(sharded).isApprox(g, 1e-10));
  CHECK_THROWS_AS((BiaxialShards<double, TrainingRoll>(sharded, 0, alone)), ArgumentError);
}

TEST_CASE("biaxial training in shards: dropout masks per shard, resumed to the same weights",
          "[biaxial]") {
  std::vector<TrainingRoll> train;
  for (Index i = 0; i < 5; ++i) {
    train.push_back(arpeggio(20, i));
  }
  const std::vector<TrainingRoll> valid{arpeggio(20, 2)};
  OneProcess alone;
  BiaxialTrainingSettings settings = small_settings();
  settings.batch_size = 4;
  settings.epochs = 3;
  settings.exchange = &alone;
  settings.shards = 3;
  BiaxialModel a(small_shape(), 3);
  const auto history = train_biaxial(a, train, valid, settings);
  REQUIRE(history.size() == 3);
  CHECK(history.back().train_nats < history.front().train_nats);
  CHECK(settings.to_json().at("shards") == 3);
  // Killed in its second epoch and resumed from the first's checkpoint: the same weights.
  const auto checkpoint =
      std::filesystem::temp_directory_path() / "bachprop_biaxial_shards_checkpoint_test.json";
  std::filesystem::remove(checkpoint);
  BiaxialModel killed(small_shape(), 3);
  const auto kill_after_two = [](const BiaxialEpoch& e) {
    if (e.epoch == 2) {
      throw std::runtime_error("killed");
    }
  };
  CHECK_THROWS_AS(train_biaxial(killed, train, valid, settings, checkpoint, false, kill_after_two),
                  std::runtime_error);
  BiaxialModel resumed(small_shape(), 99);
  train_biaxial(resumed, train, valid, settings, checkpoint, true);
  CHECK(resumed.to_json() == a.to_json());
  // The shards are part of the run: a checkpoint does not resume with others.
  BiaxialTrainingSettings other = settings;
  other.shards = 2;
  CHECK_THROWS_AS(train_biaxial(resumed, train, valid, other, checkpoint, true), ArgumentError);
  std::filesystem::remove(checkpoint);
}
