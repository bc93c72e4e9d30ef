#pragma once
/// @file
/// The shards' gradients of every process summed in shard order over MPI (MpiExchange, the
/// ShardExchange of train/shard_exchange.hpp), so that the sum depends neither on MPI's choice
/// of algorithm nor on the number of processes: each batch's mean gradient
///
///     ∇C̄ = Σ_j (m_j / m) ∇C̄_j,   j = 0, 1, …, S − 1 in that order,
///
/// is the very sum one process makes. An MPI_Allreduce would add the processes' partial sums in
/// an order of its own (a tree, a ring), and floating-point addition is not associative: the
/// weights would then depend on the process count and the library. Instead MPI only moves
/// values, and the additions are made here, in shard order:
///
/// 1. the gradient's entries are cut into N slices, one per process; every process sends each
///    other process that slice of each of its shards (MPI_Alltoallv), so process d holds slice d
///    of every shard of the batch, in shard order;
/// 2. process d sums its slice over the shards in their order (sum_in_shard_order: the
///    operations one process makes on those entries);
/// 3. the summed slices are gathered by every process (MPI_Allgatherv).
///
/// With one shard a process this moves what a ring allreduce moves, 2(N−1)/N of the gradient
/// per process; with k shards a process, step 1 moves k times its share (docs/scaling.md).

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/mpi/session.hpp>
#include <bachprop/train/shard_exchange.hpp>
#include <bachprop/train/shards.hpp>

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace bachprop {

/// The processes of an MPI communicator as one ShardExchange: pass its address as
/// TrainOptions::exchange on every process of the communicator.
class MpiExchange final : public ShardExchange {
 public:
  /// The processes of `communicator` (which must outlive this object).
  explicit MpiExchange(MPI_Comm communicator = MPI_COMM_WORLD) : communicator_(communicator) {
    mpi_check(MPI_Comm_rank(communicator_, &rank_), "MPI_Comm_rank");
    mpi_check(MPI_Comm_size(communicator_, &size_), "MPI_Comm_size");
    const auto n = static_cast<std::size_t>(size_);
    send_counts_.resize(n);
    send_offsets_.resize(n);
    receive_counts_.resize(n);
    receive_offsets_.resize(n);
    slice_counts_.resize(n);
    slice_offsets_.resize(n);
  }

  int processes() const override { return size_; }
  int process() const override { return rank_; }

  Index first_difference(std::span<const std::uint64_t> values) override {
    // The counts first: processes passing different numbers of values are told, not stuck.
    const auto count = static_cast<std::uint64_t>(values.size());
    if (differs(std::span<const std::uint64_t>(&count, 1)) >= 0) {
      throw ArgumentError("MpiExchange: the processes compare different numbers of values");
    }
    return differs(values);
  }

  void sum(const ShardSum<double>& sum) override {
    reduce(sum, MPI_DOUBLE, doubles_, double_pointers_);
  }
  void sum(const ShardSum<float>& sum) override {
    reduce(sum, MPI_FLOAT, floats_, float_pointers_);
  }

 private:
  // The first index at which some process's value differs from process 0's, or −1; all
  // processes learn every process's values (a handful, once per run).
  Index differs(std::span<const std::uint64_t> values) {
    all_.resize(values.size() * static_cast<std::size_t>(size_));
    mpi_check(MPI_Allgather(values.data(), static_cast<int>(values.size()), MPI_UINT64_T,
                            all_.data(), static_cast<int>(values.size()), MPI_UINT64_T,
                            communicator_),
              "MPI_Allgather");
    for (std::size_t i = 0; i < values.size(); ++i) {
      for (int p = 1; p < size_; ++p) {
        if (all_[static_cast<std::size_t>(p) * values.size() + i] != all_[i]) {
          return static_cast<Index>(i);
        }
      }
    }
    return -1;
  }

  // Steps 1-3 of the file's comment. The buffers grow to the largest batch once, then stay.
  template <class S>
  void reduce(const ShardSum<S>& sum, MPI_Datatype type, std::vector<S>& buffer,
              std::vector<const S*>& pointers) {
    const auto n = static_cast<std::size_t>(size_);
    const auto mine = static_cast<Index>(sum.local.size());
    const auto used = static_cast<Index>(sum.weights.size());
    if (mine != process_used_shards(sum.batch, sum.shards, size_, rank_)) {
      throw ArgumentError("MpiExchange: " + std::to_string(mine) + " shards given, but this "
                          "process holds " +
                          std::to_string(process_used_shards(sum.batch, sum.shards, size_, rank_)));
    }
    if (static_cast<double>(sum.entries) * static_cast<double>(std::max<Index>(used, 1)) >
        static_cast<double>(INT_MAX)) {
      throw ArgumentError("MpiExchange: " + std::to_string(sum.entries) + " values per shard " +
                          "in " + std::to_string(used) + " shards are more than one MPI call " +
                          "can carry");
    }
    // Slice d of the entries: [d·E/N, (d+1)·E/N).
    for (std::size_t d = 0; d < n; ++d) {
      const Index first = static_cast<Index>(d) * sum.entries / size_;
      slice_offsets_[d] = static_cast<int>(first);
      slice_counts_[d] =
          static_cast<int>(static_cast<Index>(d + 1) * sum.entries / size_ - first);
    }
    const Index my_slice = slice_counts_[static_cast<std::size_t>(rank_)];
    // Step 1: to process d, slice d of each of this process's shards; from process p, this
    // process's slice of each of p's shards. Both in shard order.
    int at = 0;
    for (std::size_t d = 0; d < n; ++d) {
      send_offsets_[d] = at;
      send_counts_[d] = static_cast<int>(mine) * slice_counts_[d];
      at += send_counts_[d];
    }
    at = 0;
    for (std::size_t p = 0; p < n; ++p) {
      receive_offsets_[p] = at;
      receive_counts_[p] = static_cast<int>(
          process_used_shards(sum.batch, sum.shards, size_, static_cast<int>(p)) * my_slice);
      at += receive_counts_[p];
    }
    const std::size_t sent = static_cast<std::size_t>(mine * sum.entries);
    const std::size_t received = static_cast<std::size_t>(at);
    if (buffer.size() < sent + received) {
      buffer.resize(sent + received);
    }
    S* outgoing = buffer.data();
    S* incoming = buffer.data() + sent;
    for (std::size_t d = 0; d < n; ++d) {
      for (Index i = 0; i < mine; ++i) {
        const S* slice = sum.local[static_cast<std::size_t>(i)] + slice_offsets_[d];
        std::copy(slice, slice + slice_counts_[d],
                  outgoing + send_offsets_[d] + i * slice_counts_[d]);
      }
    }
    mpi_check(MPI_Alltoallv(outgoing, send_counts_.data(), send_offsets_.data(), type, incoming,
                            receive_counts_.data(), receive_offsets_.data(), type,
                            communicator_),
              "MPI_Alltoallv");
    // Step 2: this process's slice, summed over every shard of the batch in shard order.
    pointers.resize(static_cast<std::size_t>(used));
    for (Index t = 0; t < used; ++t) {
      pointers[static_cast<std::size_t>(t)] = incoming + t * my_slice;
    }
    sum_in_shard_order<S>(pointers, sum.weights,
                          sum.out + slice_offsets_[static_cast<std::size_t>(rank_)], 0, my_slice);
    // Step 3: every process gets every slice.
    mpi_check(MPI_Allgatherv(MPI_IN_PLACE, 0, type, sum.out, slice_counts_.data(),
                             slice_offsets_.data(), type, communicator_),
              "MPI_Allgatherv");
  }

  MPI_Comm communicator_;
  int rank_ = 0;
  int size_ = 1;
  std::vector<std::uint64_t> all_;
  std::vector<int> send_counts_, send_offsets_, receive_counts_, receive_offsets_;
  std::vector<int> slice_counts_, slice_offsets_;  // slice d of the entries
  std::vector<double> doubles_;  // outgoing slices, then incoming ones
  std::vector<float> floats_;
  std::vector<const double*> double_pointers_;  // every shard's part of this slice, in order
  std::vector<const float*> float_pointers_;
};

}  // namespace bachprop
