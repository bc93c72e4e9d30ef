#pragma once
/// @file
/// How train() uses its threads (and processes): data-parallel shards on replicas of the
/// network (train/data_parallel.hpp) where a step is large enough for them to pay, else one
/// network whose products are split between the threads, or kept on one thread when the step
/// is too small for either. Resolved once per run from TrainOptions by plan_parallelism.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/train/shard_exchange.hpp>
#include <bachprop/train/shards.hpp>
#include <bachprop/train/train_options.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <string>

namespace bachprop {

/// A model data-parallel steps can replicate: a Network (copied layer by layer, its layers
/// reached by index to keep the replicas' dropout in step with it).
template <class Net>
concept Replicable = std::copy_constructible<Net> && requires(Net& net, Index steps) {
  { Net::depth } -> std::convertible_to<std::size_t>;
  net.template layer<0>();
  net.set_steps(steps);
  net.set_training(true);
};

/// How train() will use its threads: resolved from TrainOptions by plan_parallelism.
struct ParallelPlan {
  bool data = false;  ///< data-parallel shards (else one network, split products)
  int threads = 1;    ///< threads a step uses (data: at most one per shard)
  Index shards = 1;   ///< shards per full batch (data only)
};

/// Whether data-parallel steps pay for `network`'s batches of `batch_size` (sequences of
/// `steps`): more than one thread and shard, and at least 64 million operations per thread and
/// step (6 per weight and sample, forward and backward; about half a millisecond). Below it the
/// wake-ups, the weights' copies and the sum cost more than the second core saves: on a 2-core
/// machine the autoencoder at batch 256 (160M per thread), the RNN (100M) and the LSTM (400M)
/// ran 1.65, 1.58 and 1.97 times faster on two threads; the autoencoder at batch 64 (40M) and
/// the book network at batch 256 (18M) had run 0.84 and 0.90 times as fast (docs/benchmarks.md).
template <class Net>
bool data_parallel_pays(const Net& network, Index batch_size, Index steps, int threads,
                        Index shards) {
  const Index team = std::min<Index>(threads, shards);
  if (team < 2) {
    return false;
  }
  const double work = 6.0 * static_cast<double>(network.parameter_count()) *
                      static_cast<double>(batch_size) *
                      static_cast<double>(std::max<Index>(steps, 1));
  return work / static_cast<double>(team) >= 64e6;
}

/// Resolves TrainOptions' parallelism, threads and shards for `network` (automatic: data
/// parallelism where data_parallel_pays and the model is Replicable). Throws ArgumentError for
/// a negative thread or shard count, or Parallelism::data for a model that cannot be replicated.
template <class Net>
ParallelPlan plan_parallelism(const Net& network, const TrainOptions& options) {
  if (options.threads < 0 || options.shards < 0) {
    throw ArgumentError("train: threads and shards must be non-negative (0: automatic), got " +
                        std::to_string(options.threads) + " and " + std::to_string(options.shards));
  }
  ParallelPlan plan;
  const int threads = options.threads > 0 ? options.threads : std::max(1, Eigen::nbThreads());
  const Index shards =
      data_parallel_shards(options.batch_size, options.shards, options.sequence_steps);
  if (options.exchange != nullptr) {
    // Several processes: always shards, this process's threads on its block of them.
    if constexpr (!Replicable<Net>) {
      throw ArgumentError(
          "train: training across processes needs a model that can be copied "
          "layer by layer (a Network)");
    }
    const Index mine =
        process_shards(shards, options.exchange->processes(), options.exchange->process()).count;
    return {.data = true,
            .threads = static_cast<int>(std::clamp<Index>(mine, 1, threads)),
            .shards = shards};
  }
  bool one_thread = false;
  if constexpr (Replicable<Net>) {
    plan.data =
        options.parallelism == Parallelism::data ||
        (options.parallelism == Parallelism::automatic &&
         data_parallel_pays(network, options.batch_size, options.sequence_steps, threads, shards));
    // A step too small for shards to pay is too small for split products too (measured: the
    // autoencoder at batch 64 and the book network at 256 ran 0.71 and 0.83 times as fast with
    // their products split between two threads): automatic runs it on one thread.
    one_thread = options.parallelism == Parallelism::automatic && !plan.data &&
                 !data_parallel_pays(network, options.batch_size, options.sequence_steps, threads,
                                     std::max<Index>(threads, 2));
  } else if (options.parallelism == Parallelism::data) {
    throw ArgumentError(
        "train: Parallelism::data needs a model that can be copied layer by "
        "layer (a Network); use Parallelism::products for this one");
  }
  plan.threads = plan.data    ? static_cast<int>(std::min<Index>(threads, shards))
                 : one_thread ? 1
                              : threads;
  plan.shards = plan.data ? shards : 1;
  return plan;
}

}  // namespace bachprop
