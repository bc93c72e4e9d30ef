#pragma once
/// @file
/// How train() walks through the data (TrainOptions), what it reports after each batch and epoch,
/// and the callbacks that watch it or keep state across a checkpoint (TrainCallbacks).

#include <bachprop/core/types.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>

namespace bachprop {

class ShardExchange;  // train/shard_exchange.hpp

/// How train() spreads a step over threads (train/data_parallel.hpp).
enum class Parallelism {
  /// Data-parallel shards when more than one thread is available and the step is large enough
  /// to pay for it (data_parallel_pays), split products otherwise.
  automatic,
  /// One network computes the whole batch; large products split their columns between threads
  /// (core/product.hpp).
  products,
  /// The batch is cut into shards, each computed on a replica of the network by one of the
  /// threads, and their gradients summed in shard order: the same weights, bit for bit, for any
  /// thread count.
  data,
};

/// How train() walks through the data.
struct TrainOptions {
  Index epochs = 1;         ///< passes over the training set
  Index batch_size = 10;    ///< samples per gradient step (the last batch may be smaller)
  std::uint64_t seed = 0;   ///< the shuffling order: same seed, same order
  bool shuffle = true;      ///< reshuffle before every epoch (false: data order)
  /// 0: every column is a sample. T > 0: every sample is a sequence of T steps, stored one
  /// sequence after another (column n·T + t of the inputs); batches are whole sequences laid
  /// out time-major (column t·B + b), as recurrent layers expect, and the network is told T.
  /// Targets then hold either T columns per sequence (many-to-many) or one (many-to-one).
  Index sequence_steps = 0;
  /// > 0: clip the gradients' joint norm to this before every update (optim/clip.hpp).
  double clip_norm = 0;
  /// Non-empty: write a checkpoint here (train/checkpoint.hpp, atomically) after every
  /// `checkpoint_every_epochs` epochs, after the last epoch, and mid-epoch every
  /// `checkpoint_every_minutes`, so that `resume_from` can continue the run.
  std::filesystem::path checkpoint_path{};
  Index checkpoint_every_epochs = 1;    ///< 0: only after the last epoch (and by the clock)
  double checkpoint_every_minutes = 0;  ///< > 0: also mid-epoch, this long after the last one
  /// Non-empty: first restore the network, the optimiser, the sample order, the shuffling
  /// generator and the position from this checkpoint (and the callbacks' state through
  /// TrainCallbacks::restore_state), then continue. The run then ends with the same weights,
  /// bit for bit, as one never interrupted, given the same data and settings (checked: seed,
  /// batch size, samples, shuffle, sequence steps, clipping). `epochs` may be raised to train
  /// on; the learning rate continues from the checkpoint.
  std::filesystem::path resume_from{};
  /// Data-parallel shards or split products (Parallelism; automatic chooses by size).
  Parallelism parallelism = Parallelism::automatic;
  /// Threads a step may use; 0: Eigen's setting (Eigen::nbThreads(): OpenMP's in an OpenMP
  /// build, else 1).
  int threads = 0;
  /// Data-parallel shards per batch; 0: from the batch size and sequence steps alone
  /// (data_parallel_shards: at most 4, of 128 columns or more), never from the thread count, so
  /// that the sum, and so the weights, do not depend on it.
  Index shards = 0;
  /// Non-null: this process is one of several that train the network together (an MPI job,
  /// mpi/exchange.hpp). The steps are data-parallel; this process computes its block of each
  /// batch's shards, the exchange sums every process's in shard order, and all make the same
  /// update: the weights of one process running every shard, bit for bit, for any number of
  /// processes. Set `shards` to a multiple of the process count to keep them all busy. Only
  /// process 0 writes checkpoints; every process resumes from the same file.
  ShardExchange* exchange = nullptr;
};

/// What train() reports after each mini-batch.
struct BatchReport {
  Index epoch = 0;    ///< 1-based
  Index batch = 0;    ///< 1-based within the epoch
  Index batches = 0;  ///< per epoch
  double loss = 0;    ///< this batch's mean loss, before its update
};

/// What train() reports after each epoch.
struct EpochReport {
  Index epoch = 0;         ///< 1-based
  double mean_loss = 0;    ///< mean over the epoch's samples of the loss before each update
  double seconds = 0;      ///< wall time of the epoch
};

/// Optional observers. on_epoch returns false to stop training early.
struct TrainCallbacks {
  std::function<void(const BatchReport&)> on_batch{};  ///< after every mini-batch's update
  std::function<bool(const EpochReport&)> on_epoch{};  ///< after every epoch; false stops
  /// With checkpoints: what the callbacks keep that the next epochs depend on (early stopping's
  /// best weights, a log), saved as the checkpoint's "extra" after on_epoch.
  std::function<nlohmann::json()> save_state{};
  /// On resume: receives what save_state returned (null when the checkpoint has nothing).
  std::function<void(const nlohmann::json&)> restore_state{};
};

/// Where a run keeps its checkpoint, for the training functions that build their own
/// TrainOptions (the music models' train()): a file, and whether to resume from it first.
struct CheckpointFile {
  std::filesystem::path path{};  ///< empty: no checkpoints
  bool resume = false;           ///< continue the run saved in `path` (TrainOptions::resume_from)

  /// Sets `options`' checkpoint_path and, when resuming, resume_from.
  void apply_to(TrainOptions& options) const {
    options.checkpoint_path = path;
    if (resume) {
      options.resume_from = path;
    }
  }
};

}  // namespace bachprop
