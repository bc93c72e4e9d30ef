#pragma once
/// @file
/// The biaxial model's gradient of a batch of windows computed in shards across the processes
/// of a job (train/shard_exchange.hpp; MPI: mpi/exchange.hpp), with the weights of one process
/// computing every shard, bit for bit, for any number of processes. The model has a training
/// loop of its own (biaxial_training.hpp), not train(), so it cuts its batches here: shard j of
/// S is the windows shard_range(B, S, j) of the batch's B, and since each shard's gradient is a
/// mean over its F_j frames (the loss (52) per frame), the batch's is
///
///     ∇C̄ = Σ_j (F_j / F) ∇C̄_j,   F = Σ_j F_j,   j = 0, 1, …, S − 1 in that order,
///
/// the sum the exchange makes (the shards' nats per frame ride along, weighted alike). Each
/// shard draws its dropout masks from the layer's seed, the shard's number and the masks drawn
/// before (shard_seed), whichever process computes it; afterwards the model's masks move on by
/// one, as after a whole batch.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/models/biaxial.hpp>
#include <bachprop/train/shard_exchange.hpp>
#include <bachprop/train/shards.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace bachprop::music {

/// Frames of `segments` (windows of `steps` frames) that exist in their pieces: the frames the
/// loss (52) counts in training.
template <BiaxialRoll R>
Index biaxial_window_frames(std::span<const BiaxialSegment<R>> segments, Index steps) {
  Index frames = 0;
  for (const auto& segment : segments) {
    frames += std::max<Index>(
        0, std::min(segment.start + steps, segment.piece->play.cols()) - segment.start);
  }
  return frames;
}

/// Process 0's `value`, on every process of `exchange` (collective): a decision that rests on a
/// clock, such as a time budget, must be one decision for the whole job.
inline double process_0_value(ShardExchange& exchange, double value) {
  const int processes = exchange.processes();
  std::vector<double> weights(static_cast<std::size_t>(processes), 0.0);
  weights[0] = 1.0;  // one shard a process: the sum is 1 × process 0's value + 0 × the others'
  const double* local = &value;
  double out = 0;
  exchange.sum(ShardSum<double>{.batch = processes,
                                .shards = processes,
                                .local = std::span<const double* const>(&local, 1),
                                .weights = weights,
                                .out = &out,
                                .entries = 1});
  return out;
}

/// The gradients of a biaxial model's batches, `shards` shards a batch, this process computing
/// its block of them (process_shards) and `exchange` summing every process's in shard order.
template <Scalar S, BiaxialRoll R>
class BiaxialShards {
 public:
  /// Shards of `model`'s batches over the processes of `exchange` (both must outlive this).
  /// Throws ArgumentError unless shards ≥ 1.
  BiaxialShards(BasicBiaxialModel<S>& model, Index shards, ShardExchange& exchange)
      : model_(model), shards_(shards), exchange_(exchange) {
    if (shards < 1) {
      throw ArgumentError("BiaxialShards: the shards per batch must be at least 1, got " +
                          std::to_string(shards));
    }
    Index entries = 2;  // the gradients, then the play and articulate nats per frame
    model_.networks().for_each_parameter(
        [&entries](const Parameter<S>& p) { entries += p.value.size(); });
    const ShardRange mine = process_shards(shards, exchange.processes(), exchange.process());
    packed_.assign(static_cast<std::size_t>(mine.count),
                   std::vector<S>(static_cast<std::size_t>(entries)));
    pointers_.resize(packed_.size());
    weights_.resize(static_cast<std::size_t>(shards));
    total_.resize(static_cast<std::size_t>(entries));
  }

  /// Leaves every parameter of the model holding the gradient of the loss per frame of
  /// `batch` (windows of `steps` frames), as BasicBiaxialModel::compute_gradients does for the
  /// whole batch on one process; returns the batch's nats. Collective: every process calls it
  /// with the same batch.
  BiaxialNats compute_gradients(const std::vector<BiaxialSegment<R>>& batch, Index steps) {
    const auto windows = static_cast<Index>(batch.size());
    const std::span<const BiaxialSegment<R>> all(batch);
    // F_j of every shard, known to every process from the windows alone.
    std::size_t used = 0;
    const auto frames = static_cast<double>(biaxial_window_frames(all, steps));
    for (Index j = 0; j < shards_; ++j) {
      const ShardRange range = shard_range(windows, shards_, j);
      if (range.count > 0) {
        const auto shard_frames = static_cast<double>(
            biaxial_window_frames(all.subspan(static_cast<std::size_t>(range.first),
                                              static_cast<std::size_t>(range.count)),
                                  steps));
        weights_[used++] = frames > 0 ? static_cast<S>(shard_frames / frames) : S(0);
      }
    }
    const ShardRange mine = process_shards(shards_, exchange_.processes(), exchange_.process());
    save_dropout();
    std::size_t n = 0;
    for (Index j = mine.first; j < mine.first + mine.count; ++j) {
      const ShardRange range = shard_range(windows, shards_, j);
      if (range.count == 0) {
        continue;
      }
      shard_batch_.assign(batch.begin() + range.first, batch.begin() + range.first + range.count);
      seed_dropout(j);
      const BiaxialNats nats = model_.compute_gradients(shard_batch_, steps);
      std::vector<S>& packed = packed_[static_cast<std::size_t>(j - mine.first)];
      auto at = packed.begin();
      model_.networks().for_each_parameter([&at](const Parameter<S>& p) {
        at = std::copy(p.gradient.data(), p.gradient.data() + p.gradient.size(), at);
      });
      *at++ = static_cast<S>(nats.frames > 0 ? nats.play / nats.frames : 0.0);
      *at = static_cast<S>(nats.frames > 0 ? nats.articulate / nats.frames : 0.0);
      pointers_[n++] = packed.data();
    }
    restore_dropout();
    exchange_.sum(ShardSum<S>{.batch = windows,
                              .shards = shards_,
                              .local = std::span<const S* const>(pointers_.data(), n),
                              .weights = std::span<const S>(weights_.data(), used),
                              .out = total_.data(),
                              .entries = static_cast<Index>(total_.size())});
    const S* at = total_.data();
    model_.networks().for_each_parameter([&at](Parameter<S>& p) {
      std::copy(at, at + p.gradient.size(), p.gradient.data());
      at += p.gradient.size();
    });
    return {.play = static_cast<double>(at[0]) * frames,
            .articulate = static_cast<double>(at[1]) * frames,
            .frames = frames};
  }

 private:
  // The model's dropout seeds and counts, layer by layer, before the batch.
  void save_dropout() {
    dropout_.clear();
    model_.networks().for_each_layer([this](auto& layer) {
      if constexpr (requires { layer.set_seed(layer.seed(), layer.masks_drawn()); }) {
        dropout_.push_back({layer.seed(), layer.masks_drawn()});
      }
    });
  }
  // Shard j's masks: from (the layer's seed, j, the masks drawn before the batch).
  void seed_dropout(Index j) {
    std::size_t i = 0;
    model_.networks().for_each_layer([this, j, &i](auto& layer) {
      if constexpr (requires { layer.set_seed(layer.seed(), layer.masks_drawn()); }) {
        const auto [seed, drawn] = dropout_[i++];
        layer.set_seed(shard_seed(seed, j), drawn);
      }
    });
  }
  // The model's own seeds back, each mask count one on, as after one whole-batch forward.
  void restore_dropout() {
    std::size_t i = 0;
    model_.networks().for_each_layer([this, &i](auto& layer) {
      if constexpr (requires { layer.set_seed(layer.seed(), layer.masks_drawn()); }) {
        const auto [seed, drawn] = dropout_[i++];
        layer.set_seed(seed, layer.rate() > 0 ? drawn + 1 : drawn);
      }
    });
  }

  BasicBiaxialModel<S>& model_;
  Index shards_;
  ShardExchange& exchange_;
  std::vector<std::vector<S>> packed_;  // per shard of this process: gradients, nats per frame
  std::vector<const S*> pointers_;      // the packed shards with windows, in order
  std::vector<S> weights_;              // F_j / F of the shards with windows, in order
  std::vector<S> total_;                // the sum over every process's shards
  std::vector<BiaxialSegment<R>> shard_batch_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> dropout_;  // (seed, masks drawn)
};

}  // namespace bachprop::music
