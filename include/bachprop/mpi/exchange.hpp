#pragma once
/// @file
/// The shards' gradients of every process summed in shard order over MPI (MpiExchange, the
/// ShardExchange of train/shard_exchange.hpp), so that the sum does not depend on MPI's choice
/// of algorithm nor on the number of processes: each batch's mean gradient
///
///     ∇C̄ = Σ_j (m_j / m) ∇C̄_j,   j = 0, 1, …, S − 1 in that order,
///
/// is the very sum one process makes. An MPI_Allreduce would add the processes' partial sums in
/// an order of its own (a tree, a ring), and floating-point addition is not associative: the
/// weights would then depend on the process count and the library. Instead the sum travels
/// down a chain of the processes in rank order: process p receives the sum of the shards before
/// its own, adds its own in order (sum_in_shard_order, the operations one process would make)
/// and passes it on; the last one broadcasts the result. The gradient is cut into pieces that
/// follow each other down the chain, so every link carries the parameter bytes once and the
/// processes work at once on different pieces: the reduction costs about the bytes over the
/// bandwidth plus one piece per process, the broadcast about as much again (docs/scaling.md).

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
  /// Entries per piece of the chain: 256 KiB of doubles, large enough that a message's latency
  /// is small beside its transfer, small enough that the chain fills quickly.
  static constexpr Index piece_entries = 32768;

  /// The processes of `communicator` (which must outlive this object).
  explicit MpiExchange(MPI_Comm communicator = MPI_COMM_WORLD) : communicator_(communicator) {
    mpi_check(MPI_Comm_rank(communicator_, &rank_), "MPI_Comm_rank");
    mpi_check(MPI_Comm_size(communicator_, &size_), "MPI_Comm_size");
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

  void sum(const ShardSum<double>& sum) override { chain(sum, MPI_DOUBLE); }
  void sum(const ShardSum<float>& sum) override { chain(sum, MPI_FLOAT); }

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

  // The chain: previous contributor → this process (adds its shards) → next contributor, piece
  // by piece; then the last contributor broadcasts the whole sum. Processes without a shard
  // with samples in this batch (a short last batch, more processes than shards) stand aside.
  template <class S>
  void chain(const ShardSum<S>& sum, MPI_Datatype type) {
    if (sum.entries > INT_MAX) {
      throw ArgumentError("MpiExchange: " + std::to_string(sum.entries) +
                          " values per shard are more than one MPI message can carry");
    }
    int previous = -1;
    int next = -1;
    int root = -1;
    for (int p = 0; p < size_; ++p) {
      if (process_contributes(sum.batch, sum.shards, size_, p)) {
        if (p < rank_) {
          previous = p;
        } else if (p > rank_ && next < 0) {
          next = p;
        }
        root = p;
      }
    }
    if (root < 0) {
      throw ArgumentError("MpiExchange: a batch without samples");
    }
    if (!sum.local.empty()) {
      for (Index first = 0; first < sum.entries; first += piece_entries) {
        const Index last = std::min(sum.entries, first + piece_entries);
        const int count = static_cast<int>(last - first);
        if (previous >= 0) {
          mpi_check(MPI_Recv(sum.out + first, count, type, previous, tag, communicator_,
                             MPI_STATUS_IGNORE),
                    "MPI_Recv");
          sum_in_shard_order<S>(sum.local, sum.weights, sum.out, first, last, sum.out);
        } else {
          sum_in_shard_order<S>(sum.local, sum.weights, sum.out, first, last);
        }
        if (next >= 0) {
          mpi_check(MPI_Send(sum.out + first, count, type, next, tag, communicator_),
                    "MPI_Send");
        }
      }
    }
    mpi_check(MPI_Bcast(sum.out, static_cast<int>(sum.entries), type, root, communicator_),
              "MPI_Bcast");
  }

  static constexpr int tag = 23;
  MPI_Comm communicator_;
  int rank_ = 0;
  int size_ = 1;
  std::vector<std::uint64_t> all_;
};

}  // namespace bachprop
