// Tests of bachprop/train/shards.hpp: the cut of a batch into shards, which depends on the
// batch alone, and the sum in shard order.

#include <bachprop/train/shards.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <span>

using namespace bachprop;

TEST_CASE("shards come from the batch: at most 4, of 128 columns and 16 samples or more",
          "[shards]") {
  CHECK(data_parallel_shards(10) == 1);
  CHECK(data_parallel_shards(32) == 1);
  CHECK(data_parallel_shards(64) == 1);
  CHECK(data_parallel_shards(256) == 2);  // of 128 columns each
  CHECK(data_parallel_shards(1024) == 4);
  CHECK(data_parallel_shards(32, 0, 32) == 2);  // 32 sequences of 32 steps: 16 a shard
  CHECK(data_parallel_shards(256, 6) == 6);     // as asked
  CHECK(data_parallel_shards(3, 6) == 3);       // never more than the samples
}

TEST_CASE("shard ranges cover the batch in order, with even sizes", "[shards]") {
  Index next = 0;
  for (Index j = 0; j < 4; ++j) {
    const ShardRange range = shard_range(22, 4, j);
    CHECK(range.first == next);
    CHECK((range.count == 5 || range.count == 6));
    next += range.count;
  }
  CHECK(next == 22);
  CHECK(shard_range(2, 4, 0).count == 0);  // fewer samples than shards: some are empty
}

TEST_CASE("the sum runs over the shards in their order, weighted, wherever it is cut",
          "[shards]") {
  const std::array<double, 3> a{1, 2, 3};
  const std::array<double, 3> b{10, 20, 30};
  const std::array<const double*, 2> shards{a.data(), b.data()};
  const std::array<double, 2> weights{0.25, 0.75};
  std::array<double, 3> out{};
  sum_in_shard_order<double>(shards, weights, out.data(), 0, 1);
  sum_in_shard_order<double>(shards, weights, out.data(), 1, 3);
  CHECK(out == std::array<double, 3>{7.75, 15.5, 23.25});
  CHECK(shard_seed(5, 0) != shard_seed(5, 1));
  CHECK(shard_seed(5, 0) != shard_seed(6, 0));
}
