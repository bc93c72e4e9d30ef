#pragma once
/// @file
/// Data-parallel training steps: the mini-batch cut into shards (train/shards.hpp), each shard's
/// gradients computed on a replica of the network (its own caches and gradients) by one thread
/// of a team (train/thread_team.hpp), then summed into the network's gradients in shard order,
/// weighted by the shards' sizes, so that the network holds the batch's mean gradient ∇C̄ as
/// after Network::compute_gradients, and train() clips, checks and updates it as ever. The
/// replicas' weights are refreshed from the network at the start of every step.
///
/// Results do not depend on the thread count: the shards come from the batch size, every shard
/// is computed alike whichever thread takes it, its dropout masks come from the layer's seed,
/// the shard's number and the count of masks drawn (shard_seed), and the sum's order is fixed.
/// So 1, 2 or 3 threads give the same weights, bit for bit. Against one network computing the
/// whole batch (Parallelism::products) the gradients agree to rounding (the sums over the
/// batch's samples are grouped differently) and the dropout masks differ.
///
/// While it trains, Eigen's thread count is 1: each thread's products stay on that thread
/// instead of forking threads of their own on cores the team already uses.

#include <bachprop/core/error.hpp>
#include <bachprop/core/loss.hpp>
#include <bachprop/core/parameter.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/train/batches.hpp>
#include <bachprop/train/shards.hpp>
#include <bachprop/train/thread_team.hpp>
#include <bachprop/train/train_options.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

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
/// `steps`): more than one thread and shard, and at least 4 million operations per thread and
/// step (6 per weight and sample, forward and backward), about 25 µs: below it a wake-up and
/// the weights' refresh and sum cost more than the second core saves, as for a split product
/// (core/product.hpp).
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
  return work / static_cast<double>(team) >= 4e6;
}

/// Resolves TrainOptions' parallelism, threads and shards for `network` (automatic: data
/// parallelism where data_parallel_pays and the model is Replicable). Throws ArgumentError for
/// a negative thread or shard count, or Parallelism::data for a model that cannot be replicated.
template <class Net>
ParallelPlan plan_parallelism(const Net& network, const TrainOptions& options) {
  if (options.threads < 0 || options.shards < 0) {
    throw ArgumentError("train: threads and shards must be non-negative (0: automatic), got " +
                        std::to_string(options.threads) + " and " +
                        std::to_string(options.shards));
  }
  ParallelPlan plan;
  const int threads = options.threads > 0 ? options.threads : std::max(1, Eigen::nbThreads());
  const Index shards = data_parallel_shards(options.batch_size, options.shards);
  if constexpr (Replicable<Net>) {
    plan.data = options.parallelism == Parallelism::data ||
                (options.parallelism == Parallelism::automatic &&
                 data_parallel_pays(network, options.batch_size, options.sequence_steps, threads,
                                    shards));
  } else if (options.parallelism == Parallelism::data) {
    throw ArgumentError("train: Parallelism::data needs a model that can be copied layer by "
                        "layer (a Network); use Parallelism::products for this one");
  }
  plan.threads = plan.data ? static_cast<int>(std::min<Index>(threads, shards)) : threads;
  plan.shards = plan.data ? shards : 1;
  return plan;
}

/// Computes a batch's gradients shard by shard on replicas of `Net`, as the plan says; does
/// nothing (active() false) for a plan without data parallelism.
template <class Net>
class DataParallel {
 public:
  /// The network's scalar type.
  using S = typename Net::Scalar;

  /// Replicas of `master` for `plan`'s shards and a team of its threads (none when the plan
  /// is not data-parallel).
  DataParallel(Net& master, const ParallelPlan& plan)
      : team_(plan.data ? plan.threads : 1), active_(plan.data) {
    if constexpr (Replicable<Net>) {
      if (!active_) {
        return;
      }
      eigen_threads_ = Eigen::nbThreads();
      Eigen::setNbThreads(1);
      shards_.reserve(static_cast<std::size_t>(plan.shards));  // the replicas stay put
      for (Index j = 0; j < plan.shards; ++j) {
        shards_.emplace_back(master);
        Shard& shard = shards_.back();
        shard.replica.set_training(true);  // replicas only ever train
        shard.replica.for_each_parameter(
            [&shard](Parameter<S>& p) { shard.parameters.push_back(&p); });
      }
      index_master(master);
      shard_gradients_.resize(shards_.size() * static_cast<std::size_t>(team_.size()));
      weights_.resize(shards_.size());
    }
  }
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;
  /// Gives Eigen back its thread count.
  ~DataParallel() {
    if (active_) {
      Eigen::setNbThreads(eigen_threads_);
    }
  }

  /// Whether steps are data-parallel.
  bool active() const { return active_; }

  /// Batch `b` of `data`: every shard's gradients on its replica, then master's gradients
  /// ∇C̄ = Σ_j (m_j / m) ∇C̄_j in shard order; returns the batch's mean loss, the same sum.
  /// Advances master's dropout masks by one, as a whole-batch forward would.
  template <Loss L>
  S compute_gradients(Net& master, const Batches<S>& data, Index b, const L& loss) {
    if constexpr (Replicable<Net>) {
      const Index batch = data.size_of(b);
      const auto shards = static_cast<Index>(shards_.size());
      for (Index j = 0; j < shards; ++j) {
        shards_[static_cast<std::size_t>(j)].range = shard_range(batch, shards, j);
      }
      seed_dropout(master);
      auto step = [this, &data, b, &loss](int member) { compute_shards(member, data, b, loss); };
      team_.run(step);
      // ∇C̄ = Σ_j (m_j / m) ∇C̄_j (section 4.3's mean, shard by shard), in shard order.
      std::size_t used = 0;
      S mean_loss = 0;
      for (Shard& shard : shards_) {
        if (shard.range.count > 0) {
          weights_[used] = static_cast<S>(shard.range.count) / static_cast<S>(batch);
          mean_loss += weights_[used] * shard.loss;
          ++used;
        }
      }
      used_ = used;
      auto sum = [this](int member) { sum_pieces(member); };
      team_.run(sum);
      return mean_loss;
    } else {
      (void)master, (void)data, (void)b, (void)loss;
      throw ArgumentError("DataParallel: the model cannot be replicated");
    }
  }

 private:
  struct Shard {
    explicit Shard(const Net& master) : replica(master) {}
    Net replica;
    std::vector<Parameter<S>*> parameters;  // the replica's, in for_each_parameter's order
    Matrix<S> inputs;
    Matrix<S> targets;
    ShardRange range;
    S loss = 0;
  };
  // A fixed part of one parameter's entries: the sum is cut into these, whatever the threads.
  struct Piece {
    std::size_t parameter = 0;
    Index first = 0;
    Index last = 0;
  };
  static constexpr Index piece_entries = 16384;

  // Master's parameters, and the fixed pieces the sum is cut into.
  void index_master(Net& master) {
    master.for_each_parameter(
        [this](Parameter<S>& p) { master_parameters_.push_back(&p); });
    for (std::size_t i = 0; i < master_parameters_.size(); ++i) {
      const Index size = master_parameters_[i]->value.size();
      for (Index first = 0; first < size; first += piece_entries) {
        pieces_.push_back({i, first, std::min(size, first + piece_entries)});
      }
    }
  }

  // Member `member`'s shards (a contiguous block of them): the replica's weights from master,
  // the shard's samples, its gradients.
  template <Loss L>
  void compute_shards(int member, const Batches<S>& data, Index b, const L& loss) {
    const auto shards = static_cast<Index>(shards_.size());
    const Index members = team_.size();
    for (Index j = member * shards / members; j < (member + 1) * shards / members; ++j) {
      Shard& shard = shards_[static_cast<std::size_t>(j)];
      if (shard.range.count == 0) {
        continue;
      }
      for (std::size_t i = 0; i < shard.parameters.size(); ++i) {
        shard.parameters[i]->value = master_parameters_[i]->value;  // same shape: no allocation
      }
      data.load_part(b, shard.range.first, shard.range.count, shard.inputs, shard.targets);
      if (data.steps() > 0) {
        shard.replica.set_steps(data.steps());
      }
      shard.loss = shard.replica.compute_gradients(shard.inputs, shard.targets, loss);
    }
  }

  // Member `member`'s pieces of the sum: master's gradient = Σ_j w_j · shard j's, in order.
  void sum_pieces(int member) {
    const auto pieces = static_cast<Index>(pieces_.size());
    const Index members = team_.size();
    // This member's own row of pointers: the members fill theirs at once.
    const S** gradients =
        shard_gradients_.data() + static_cast<std::size_t>(member) * shards_.size();
    for (Index k = member * pieces / members; k < (member + 1) * pieces / members; ++k) {
      const Piece& piece = pieces_[static_cast<std::size_t>(k)];
      std::size_t used = 0;
      for (const Shard& shard : shards_) {
        if (shard.range.count > 0) {
          gradients[used++] = shard.parameters[piece.parameter]->gradient.data();
        }
      }
      sum_in_shard_order<S>(std::span<const S* const>(gradients, used_),
                            std::span<const S>(weights_.data(), used_),
                            master_parameters_[piece.parameter]->gradient.data(), piece.first,
                            piece.last);
    }
  }

  // Each shard's dropout masks from (the layer's seed, the shard, the masks master has drawn),
  // then master's count moved on by one, as a whole-batch forward moves it.
  void seed_dropout(Net& master) {
    seed_dropout_layers(master, std::make_index_sequence<Net::depth>());
  }
  template <std::size_t... I>
  void seed_dropout_layers(Net& master, std::index_sequence<I...>) {
    (seed_dropout_layer<I>(master), ...);
  }
  template <std::size_t I>
  void seed_dropout_layer(Net& master) {
    auto& layer = master.template layer<I>();
    if constexpr (requires { layer.set_seed(layer.seed(), layer.masks_drawn()); layer.rate(); }) {
      if (layer.rate() <= 0) {
        return;  // draws no masks
      }
      const std::uint64_t seed = layer.seed();
      const std::uint64_t drawn = layer.masks_drawn();
      for (std::size_t j = 0; j < shards_.size(); ++j) {
        shards_[j].replica.template layer<I>().set_seed(
            shard_seed(seed, static_cast<Index>(j)), drawn);
      }
      layer.set_seed(seed, drawn + 1);
    }
  }

  ThreadTeam team_;
  bool active_ = false;
  int eigen_threads_ = 1;
  std::vector<Shard> shards_;
  std::vector<Parameter<S>*> master_parameters_;
  std::vector<Piece> pieces_;
  std::vector<const S*> shard_gradients_;  // per member: a piece's shard gradients, in order
  std::vector<S> weights_;                 // m_j / m of the used shards, in order
  std::size_t used_ = 0;                   // shards with samples in the current batch
};

}  // namespace bachprop
