// Tests of bachprop/train/shard_exchange.hpp: which process computes which shards (blocks in
// order, whatever the count), which take part in a short batch, the checksum, and the check
// that every process trains the same run, with an exchange that stands for the others.

#include "helpers.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/train/shard_exchange.hpp>

using namespace bachprop;

namespace {

// One process of several whose values differ from process 0's at `differs` (−1: none).
class FakeExchange final : public ShardExchange {
 public:
  explicit FakeExchange(Index differs) : differs_(differs) {}
  int processes() const override { return 3; }
  int process() const override { return 1; }
  Index first_difference(std::span<const std::uint64_t> values) override {
    seen_ = static_cast<Index>(values.size());
    return differs_;
  }
  void sum(const ShardSum<double>&) override {}
  void sum(const ShardSum<float>&) override {}
  Index seen() const { return seen_; }

 private:
  Index differs_;
  Index seen_ = 0;
};

}  // namespace

TEST_CASE("processes compute blocks of shards in order, whatever their count",
          "[shard_exchange]") {
  for (const int processes : {1, 2, 3, 4, 7}) {
    Index next = 0;
    for (int p = 0; p < processes; ++p) {
      const ShardRange mine = process_shards(6, processes, p);
      CHECK(mine.first == next);
      next += mine.count;
    }
    CHECK(next == 6);
  }
  CHECK(process_shards(6, 3, 1).first == 2);
  CHECK(process_shards(6, 3, 1).count == 2);
  CHECK(process_shards(2, 3, 0).count == 0);  // more processes than shards: one stands idle
  // A batch of 4 samples in 6 shards leaves two shards empty (shard_range: 0 and 3); each
  // block of two still holds a sample.
  CHECK(process_used_shards(4, 6, 3, 0) == 1);
  CHECK(process_used_shards(4, 6, 3, 1) == 1);
  CHECK(process_used_shards(4, 6, 3, 2) == 2);
  CHECK(process_used_shards(1, 6, 3, 0) == 0);  // one sample: only the last shard has it
  CHECK(process_used_shards(1, 6, 3, 2) == 1);
}

TEST_CASE("the checksum sees every byte", "[shard_exchange]") {
  const Matrix<double> x = test::normal_matrix<double>(7, 5, 1);
  Matrix<double> y = x;
  CHECK(checksum(x.data(), x.size()) == checksum(y.data(), y.size()));
  y(6, 4) = std::nextafter(y(6, 4), 10.0);
  CHECK(checksum(x.data(), x.size()) != checksum(y.data(), y.size()));
  CHECK(checksum(x.data(), 3) != checksum(x.data(), 4));
}

TEST_CASE("processes that differ are told what differs, not left to train apart",
          "[shard_exchange][trainer]") {
  Network net{Dense<double>(4, 3), Softmax<double>()};
  net.initialise(1);
  const Matrix<double> x = test::normal_matrix<double>(4, 20, 2);
  const Matrix<double> y = test::one_hot_matrix<double>(3, 20, 3);
  TrainOptions options{.batch_size = 10};
  FakeExchange agree(-1);
  require_same_run_everywhere(agree, net, x, y, options, 2);
  CHECK(agree.seen() == 14);
  FakeExchange weights(2);
  CHECK_THROWS_WITH(require_same_run_everywhere(weights, net, x, y, options, 2),
                    Catch::Matchers::Contains("the 3 processes disagree on the model's weights") &&
                        Catch::Matchers::Contains("same seed"));
  // Through train(): the check comes before the first step, and changes nothing.
  options.exchange = &weights;
  Sgd<double> sgd(0.1);
  const Network before = net;
  CHECK_THROWS_AS(train(net, CrossEntropy<double>(), sgd, x, y, options), ArgumentError);
  CHECK(net.layer<0>().weights().value == before.layer<0>().weights().value);
}
