#pragma once
/// @file
/// The hook through which several processes train one network together (TrainOptions::
/// exchange): every process holds the whole model, computes the gradients of its block of each
/// batch's shards (train/shards.hpp) and hands them to a ShardExchange, which sums every
/// process's shards in shard order, as one process would have summed them, and gives every
/// process the same result. train/ knows only this interface; the MPI room (mpi/) implements
/// it, so that the neural core needs no <mpi.h>.
///
/// The shards of a batch belong to the processes in blocks, in order: process p computes
/// shards [p·S/P, (p+1)·S/P). The shard count S comes from the batch (TrainOptions::shards),
/// never from P, so any number of processes gives the same shards, the same sum and the same
/// weights as one process running them all. More processes than shards leave some idle.

#include <bachprop/core/bit_cast.hpp>
#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/train/shards.hpp>
#include <bachprop/train/train_options.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

namespace bachprop {

/// One batch's sum across processes: Σ_j w_j g_j over the batch's shards j in their order
/// (section 4.3's mean ∇C̄ = Σ_j (m_j / m) ∇C̄_j, with the mean loss as one more entry).
template <class S>
struct ShardSum {
  Index batch = 0;   ///< samples in the batch (which shards have samples)
  Index shards = 0;  ///< shards per batch (which process holds which)
  /// This process's shards that have samples, in shard order: `entries` values each.
  std::span<const S* const> local{};
  /// m_j / m of every process's shards that have samples, in shard order.
  std::span<const S> weights{};
  S* out = nullptr;              ///< receives the sum over every process's shards
  Index entries = 0;             ///< values per shard (the gradients, then the loss)
};

/// The processes that share every batch. Every call is collective: each process makes it, in
/// the same order, or the processes wait on each other.
class ShardExchange {
 public:
  virtual ~ShardExchange() = default;
  /// Processes sharing each batch.
  virtual int processes() const = 0;
  /// This process's number, 0 … processes() − 1; process 0 writes the checkpoints.
  virtual int process() const = 0;
  /// The first i at which some process passed a value other than process 0's values[i], or −1
  /// when all agree. Every process must pass as many values.
  virtual Index first_difference(std::span<const std::uint64_t> values) = 0;
  /// Writes the sum (ShardSum) into `sum.out` on every process, the same bits everywhere.
  virtual void sum(const ShardSum<double>& sum) = 0;
  /// The same in single precision.
  virtual void sum(const ShardSum<float>& sum) = 0;
};

/// The shards of `shards` that process `process` of `processes` computes: a block
/// [first, first + count), the blocks in process order.
inline ShardRange process_shards(Index shards, int processes, int process) {
  return shard_range(shards, processes, process);
}

/// How many of process `process`'s shards hold samples in a batch of `batch` samples (a short
/// batch leaves some shards empty).
inline Index process_used_shards(Index batch, Index shards, int processes, int process) {
  const ShardRange mine = process_shards(shards, processes, process);
  Index used = 0;
  for (Index j = mine.first; j < mine.first + mine.count; ++j) {
    used += shard_range(batch, shards, j).count > 0 ? 1 : 0;
  }
  return used;
}

/// A 64-bit checksum of `count` values (FNV-1a over 8-byte words, then SplitMix64's
/// finaliser): processes that load different data or start from different weights are told so
/// instead of training apart.
template <class S>
std::uint64_t checksum(const S* values, Index count, std::uint64_t hash = 0xCBF29CE484222325ULL) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(values);
  const auto size = static_cast<std::uint64_t>(count) * sizeof(S);
  std::uint64_t at = 0;
  for (; at + 8 <= size; at += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes + at, 8);  // the machine's byte order: the processes share it
    hash = (hash ^ word) * 0x100000001B3ULL;
  }
  for (; at < size; ++at) {
    hash = (hash ^ bytes[at]) * 0x100000001B3ULL;
  }
  hash = (hash ^ (hash >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  hash = (hash ^ (hash >> 27U)) * 0x94D049BB133111EBULL;
  return hash ^ (hash >> 31U);
}

/// Throws ArgumentError, on every process alike, unless every process trains the same network
/// (its size, scalar type and initial weights) on the same data with the same settings: a
/// process that differs would otherwise train apart from the others, or wait on them forever.
/// Collective; `shards` is the resolved shard count.
template <class Net, class S>
void require_same_run_everywhere(ShardExchange& exchange, const Net& network,
                                 const Matrix<S>& inputs, const Matrix<S>& targets,
                                 const TrainOptions& options, Index shards) {
  std::uint64_t weights = 0xCBF29CE484222325ULL;
  network.for_each_parameter(
      [&weights](const auto& p) { weights = checksum(p.value.data(), p.value.size(), weights); });
  const std::array<std::uint64_t, 14> values{
      static_cast<std::uint64_t>(network.parameter_count()),
      sizeof(S),
      weights,
      static_cast<std::uint64_t>(inputs.rows()),
      static_cast<std::uint64_t>(inputs.cols()),
      checksum(inputs.data(), inputs.size()),
      checksum(targets.data(), targets.size()),
      static_cast<std::uint64_t>(options.batch_size),
      options.seed,
      static_cast<std::uint64_t>(options.shuffle),
      static_cast<std::uint64_t>(options.sequence_steps),
      static_cast<std::uint64_t>(shards),
      static_cast<std::uint64_t>(options.epochs),
      bachprop::bit_cast<std::uint64_t>(options.clip_norm)};
  static constexpr std::array<const char*, 14> names{
      "the model's parameter count", "the scalar type's size", "the model's weights",
      "the input rows", "the sample count", "the inputs", "the targets", "the batch size",
      "the seed", "shuffle", "the sequence steps", "the shards per batch", "the epochs",
      "the clipping norm"};
  const Index differs = exchange.first_difference(values);
  if (differs >= 0) {
    throw ArgumentError("train: the " + std::to_string(exchange.processes()) +
                        " processes disagree on " + names[static_cast<std::size_t>(differs)] +
                        " (process " + std::to_string(exchange.process()) + " has " +
                        std::to_string(values[static_cast<std::size_t>(differs)]) +
                        "); every process must build the same model (same seed) and load the "
                        "same data with the same options");
  }
}

}  // namespace bachprop
