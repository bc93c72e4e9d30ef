// Tests of bachprop/music/models/biaxial_shards.hpp across MPI processes, run by mpirun on 1, 2
// and 3 processes: the biaxial model trained with its batches' shards spread over the
// processes ends with the weights of one process computing every shard (MpiExchange on
// MPI_COMM_SELF), bit for bit, dropout included; processes that load other pieces are told so.

#include "helpers.hpp"
#include "music/models/biaxial_rolls.hpp"

#include <bachprop/mpi.hpp>
#include <bachprop/music/models/biaxial_training.hpp>

#include <vector>

using namespace bachprop;
using namespace bachprop::music;

namespace {

using biaxial_test::arpeggio;
using biaxial_test::small_shape;
using Roll = biaxial_test::TrainingRoll;

// Two epochs over 7 pieces (some windows padded) in batches of 5 windows, 6 shards a batch.
nlohmann::json trained(ShardExchange& exchange, const std::vector<Roll>& train) {
  const std::vector<Roll> valid{arpeggio(16, 2)};
  BiaxialTrainingSettings settings{
      .segment_frames = 8, .stride = 4, .batch_size = 5, .epochs = 2, .patience = 2};
  settings.shards = 6;
  settings.exchange = &exchange;
  BiaxialModel model(small_shape(), 3);
  train_biaxial(model, train, valid, settings);
  return model.to_json();
}

std::vector<Roll> pieces(Index first_offset) {
  std::vector<Roll> train;
  for (Index i = 0; i < 7; ++i) {
    train.push_back(arpeggio(14 + i, first_offset + i));
  }
  return train;
}

}  // namespace

TEST_CASE("the biaxial model trained across processes ends as one process's, bit for bit",
          "[mpi][biaxial]") {
  MpiExchange world;
  MpiExchange alone(MPI_COMM_SELF);
  const std::vector<Roll> train = pieces(0);
  const nlohmann::json together = trained(world, train);
  const nlohmann::json one = trained(alone, train);
  CHECK(together == one);
  CHECK(together != BiaxialModel(small_shape(), 3).to_json());
}

TEST_CASE("processes that train the biaxial model on other pieces are told so",
          "[mpi][biaxial][errors]") {
  MpiExchange world;
  if (world.processes() < 2) {
    SUCCEED("one process agrees with itself");
    return;
  }
  const std::vector<Roll> train = pieces(world.process() == 1 ? 1 : 0);
  CHECK_THROWS_WITH(trained(world, train),
                    Catch::Matchers::Contains("differ in the training and validation pieces"));
}
