#pragma once
/// @file
/// Data-parallel training steps: the mini-batch cut into shards (train/shards.hpp), each thread
/// of a team (train/thread_team.hpp) computing the gradients of its shards on its own replica of
/// the network (its own caches), each shard's into buffers of its own, then the shards' summed
/// into the network's gradients in shard order, weighted by the shards' sizes, so that the
/// network holds the batch's mean gradient ∇C̄ as after Network::compute_gradients, and train()
/// clips, checks and updates it as ever. The replicas' weights are copied from the network at
/// the start of every step.
///
/// Results do not depend on the thread count: the shards come from the batch size, every shard
/// is computed alike whichever thread takes it, its dropout masks come from the layer's seed,
/// the shard's number and the count of masks drawn (shard_seed), and the sum's order is fixed.
/// (A replica's result depends on its weights and the shard alone: its buffers are overwritten.)
/// So 1, 2 or 3 threads give the same weights, bit for bit. Against one network computing the
/// whole batch (Parallelism::products) the gradients agree to rounding (the sums over the
/// batch's samples are grouped differently) and the dropout masks differ.
///
/// While it trains, Eigen's thread count is 1: each thread's products stay on that thread
/// instead of forking threads of their own on cores the team already uses.
///
/// Across processes (TrainOptions::exchange, train/shard_exchange.hpp) each process computes
/// only its block of the shards, with its own threads as above, and the exchange sums every
/// process's shards in the same shard order: the same weights again, for any process count.
///
/// Limits: the network itself computes nothing in these steps (its caches keep what they held);
/// a Dropout given a fixed mask (use_mask, for tests) has the whole batch's shape, not a
/// shard's, so such a network trains with Parallelism::products; a model that is not a Network
/// (not Replicable) always does.

#include <bachprop/core/error.hpp>
#include <bachprop/core/loss.hpp>
#include <bachprop/core/parameter.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/optim/pieces.hpp>
#include <bachprop/train/batches.hpp>
#include <bachprop/train/parallel_plan.hpp>
#include <bachprop/train/shard_exchange.hpp>
#include <bachprop/train/shards.hpp>
#include <bachprop/train/thread_team.hpp>
#include <bachprop/train/train_options.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace bachprop {

/// Computes a batch's gradients shard by shard on replicas of `Net`, as the plan says; does
/// nothing (active() false) for a plan without data parallelism.
template <class Net>
class DataParallel {
 public:
  /// The network's scalar type.
  using S = typename Net::Scalar;

  /// A replica of `master` for each of `plan`'s threads, gradient buffers for each of its shards
  /// and a team of its threads (none of it when the plan is not data-parallel). With an
  /// `exchange`, only this process's block of shards is computed here, and the buffers the
  /// exchange sums are made now, so that the steps allocate nothing.
  DataParallel(Net& master, const ParallelPlan& plan, ShardExchange* exchange = nullptr)
      : team_(plan.data ? plan.threads : 1), active_(plan.data), exchange_(exchange) {
    if constexpr (Replicable<Net>) {
      eigen_threads_ = Eigen::nbThreads();
      if (!active_) {
        // A plan of one thread (a step too small to split): Eigen's products stay on it too.
        restore_threads_ = plan.threads == 1 && eigen_threads_ > 1;
        if (restore_threads_) {
          Eigen::setNbThreads(1);
        }
        return;
      }
      restore_threads_ = true;
      Eigen::setNbThreads(1);
      master.for_each_parameter([this](Parameter<S>& p) { master_parameters_.push_back(&p); });
      replicas_.reserve(static_cast<std::size_t>(team_.size()));  // the replicas stay put
      for (int t = 0; t < team_.size(); ++t) {
        replicas_.emplace_back(master);
        Replica& replica = replicas_.back();
        replica.network.set_training(true);  // replicas only ever train
        replica.network.for_each_parameter(
            [&replica](Parameter<S>& p) { replica.parameters.push_back(&p); });
      }
      shards_.resize(static_cast<std::size_t>(plan.shards));
      mine_ = exchange_ == nullptr
                  ? ShardRange{0, plan.shards}
                  : process_shards(plan.shards, exchange_->processes(), exchange_->process());
      for (Index j = mine_.first; j < mine_.first + mine_.count; ++j) {
        for (const Parameter<S>* p : master_parameters_) {
          shards_[static_cast<std::size_t>(j)].gradients.push_back(
              Matrix<S>::Zero(p->value.rows(), p->value.cols()));
        }
      }
      if (exchange_ != nullptr) {
        Index entries = 1;  // the gradients, then the loss
        for (const Parameter<S>* p : master_parameters_) {
          entries += p->value.size();
        }
        packed_.assign(static_cast<std::size_t>(mine_.count),
                       std::vector<S>(static_cast<std::size_t>(entries)));
        packed_pointers_.resize(packed_.size());
        total_.resize(static_cast<std::size_t>(entries));
      }
      for (std::size_t i = 0; i < master_parameters_.size(); ++i) {
        const Index size = master_parameters_[i]->value.size();
        for (Index first = 0; first < size; first += piece_entries) {
          pieces_.push_back({i, first, std::min(size, first + piece_entries)});
        }
      }
      shard_gradients_.resize(shards_.size() * replicas_.size());
      non_finite_.assign(replicas_.size(), 0);
      weights_.resize(shards_.size());
    }
  }
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;
  /// Gives Eigen back its thread count.
  ~DataParallel() {
    if (restore_threads_) {
      Eigen::setNbThreads(eigen_threads_);
    }
  }

  /// Whether steps are data-parallel.
  bool active() const { return active_; }

  /// Whether the last compute_gradients saw every entry of master's gradients finite as it
  /// summed them (false when it could not tell: across processes, the exchange sums them).
  bool gradients_finite() const { return gradients_finite_; }

  /// Batch `b` of `data`: every shard's gradients on a replica, then master's gradients
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
      auto step = [this, &master, &data, b, &loss](int member) {
        compute_shards(member, master, data, b, loss);
      };
      team_.run(step);
      advance_dropout(master, std::make_index_sequence<Net::depth>());
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
      if (exchange_ != nullptr) {
        gradients_finite_ = false;  // not looked at: the trainer checks them
        return sum_across_processes(batch);
      }
      auto sum = [this](int member) { sum_pieces(member); };
      team_.run(sum);
      gradients_finite_ =
          std::none_of(non_finite_.begin(), non_finite_.end(), [](char bad) { return bad != 0; });
      return mean_loss;
    } else {
      (void)master, (void)data, (void)b, (void)loss;
      throw ArgumentError("DataParallel: the model cannot be replicated");
    }
  }

  /// The optimiser's step (6 of section 5) on master's gradients: in pieces on the team, each
  /// member updating the pieces whose gradients it summed, when the optimiser can take a step
  /// in pieces (optim/pieces.hpp: the same weights as optimiser.step(master), bit for bit);
  /// else optimiser.step(master) on this thread.
  template <class Optimiser>
  void step(Net& master, Optimiser& optimiser) {
    if constexpr (PiecewiseOptimiser<Optimiser, Net>) {
      const auto coefficients = optimiser.begin_step(master);
      auto update = [this, &optimiser, &coefficients](int member) {
        const auto pieces = static_cast<Index>(pieces_.size());
        const Index members = team_.size();
        for (Index k = member * pieces / members; k < (member + 1) * pieces / members; ++k) {
          const Piece& piece = pieces_[static_cast<std::size_t>(k)];
          optimiser.update(coefficients, piece.parameter, *master_parameters_[piece.parameter],
                           piece.first, piece.last);
        }
      };
      team_.run(update);
    } else {
      optimiser.step(master);
    }
  }

 private:
  struct Replica {
    explicit Replica(const Net& master) : network(master) {}
    Net network;
    std::vector<Parameter<S>*> parameters;  // in for_each_parameter's order
    Matrix<S> inputs;
    Matrix<S> targets;
  };
  struct Shard {
    std::vector<Matrix<S>> gradients;  // ∇C̄_j, parameter by parameter
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

  // Member `member`'s shards, a contiguous block of them, on its replica: the weights from
  // master once, then per shard its dropout seeds, its samples and its gradients, written into
  // the shard's own buffers (swapped in and out: no copy).
  template <Loss L>
  void compute_shards(int member, const Net& master, const Batches<S>& data, Index b,
                      const L& loss) {
    Replica& replica = replicas_[static_cast<std::size_t>(member)];
    for (std::size_t i = 0; i < replica.parameters.size(); ++i) {
      replica.parameters[i]->value = master_parameters_[i]->value;  // same shape: no allocation
    }
    // This member's part of this process's block (every shard, without an exchange).
    const Index members = team_.size();
    const Index first = mine_.first + member * mine_.count / members;
    const Index last = mine_.first + (member + 1) * mine_.count / members;
    for (Index j = first; j < last; ++j) {
      Shard& shard = shards_[static_cast<std::size_t>(j)];
      if (shard.range.count == 0) {
        continue;
      }
      seed_dropout(replica.network, master, j, std::make_index_sequence<Net::depth>());
      data.load_part(b, shard.range.first, shard.range.count, replica.inputs, replica.targets);
      if (data.steps() > 0) {
        replica.network.set_steps(data.steps());
      }
      swap_gradients(replica, shard);
      shard.loss = replica.network.compute_gradients(replica.inputs, replica.targets, loss);
      swap_gradients(replica, shard);
    }
  }

  static void swap_gradients(Replica& replica, Shard& shard) {
    for (std::size_t i = 0; i < shard.gradients.size(); ++i) {
      replica.parameters[i]->gradient.swap(shard.gradients[i]);
    }
  }

  // Member `member`'s pieces of the sum: master's gradient = Σ_j w_j · shard j's, in order.
  void sum_pieces(int member) {
    const auto pieces = static_cast<Index>(pieces_.size());
    const Index members = team_.size();
    // This member's own row of pointers: the members fill theirs at once.
    const S** gradients =
        shard_gradients_.data() + static_cast<std::size_t>(member) * shards_.size();
    bool finite = true;
    for (Index k = member * pieces / members; k < (member + 1) * pieces / members; ++k) {
      const Piece& piece = pieces_[static_cast<std::size_t>(k)];
      std::size_t used = 0;
      for (const Shard& shard : shards_) {
        if (shard.range.count > 0) {
          gradients[used++] = shard.gradients[piece.parameter].data();
        }
      }
      Matrix<S>& sum = master_parameters_[piece.parameter]->gradient;
      sum_in_shard_order<S>(std::span<const S* const>(gradients, used_),
                            std::span<const S>(weights_.data(), used_), sum.data(), piece.first,
                            piece.last);
      // NaN and ±∞ times 0 are NaN: a finite sum means every entry was finite. Read while the
      // piece is in this core's cache, instead of a pass over all gradients on one thread.
      finite = finite &&
               std::isfinite((entries(std::as_const(sum), piece.first, piece.last) * S(0)).sum());
    }
    non_finite_[static_cast<std::size_t>(member)] = finite ? 0 : 1;
  }

  // This process's shards with samples, packed one after another (the gradients, then the
  // loss), summed by the exchange with every other process's in shard order into total_, which
  // then becomes master's gradients; returns the batch's mean loss, the sum's last entry.
  S sum_across_processes(Index batch) {
    std::size_t n = 0;
    std::size_t used = 0;
    for (Index j = 0; j < static_cast<Index>(shards_.size()); ++j) {
      const Shard& shard = shards_[static_cast<std::size_t>(j)];
      if (shard.range.count == 0) {
        continue;
      }
      if (j >= mine_.first && j < mine_.first + mine_.count) {
        std::vector<S>& packed = packed_[static_cast<std::size_t>(j - mine_.first)];
        auto at = packed.begin();
        for (const Matrix<S>& g : shard.gradients) {
          at = std::copy(g.data(), g.data() + g.size(), at);
        }
        *at = shard.loss;
        packed_pointers_[n] = packed.data();
        ++n;
      }
      ++used;
    }
    exchange_->sum(ShardSum<S>{.batch = batch,
                               .shards = static_cast<Index>(shards_.size()),
                               .local = std::span<const S* const>(packed_pointers_.data(), n),
                               .weights = std::span<const S>(weights_.data(), used),
                               .out = total_.data(),
                               .entries = static_cast<Index>(total_.size())});
    const S* at = total_.data();
    for (Parameter<S>* p : master_parameters_) {
      std::copy(at, at + p->gradient.size(), p->gradient.data());
      at += p->gradient.size();
    }
    return total_.back();
  }

  // Shard j's dropout masks: from (the layer's seed, j, the masks master has drawn), whichever
  // replica computes it.
  template <std::size_t... I>
  static void seed_dropout(Net& replica, const Net& master, Index j, std::index_sequence<I...>) {
    (seed_dropout_layer(replica.template layer<I>(), master.template layer<I>(), j), ...);
  }
  template <class Layer>
  static void seed_dropout_layer(Layer& replica, const Layer& master, Index j) {
    if constexpr (requires { replica.set_seed(master.seed(), master.masks_drawn()); }) {
      replica.set_seed(shard_seed(master.seed(), j), master.masks_drawn());
    }
  }
  // Master's dropout moves on by one mask, as a whole-batch forward moves it.
  template <std::size_t... I>
  static void advance_dropout(Net& master, std::index_sequence<I...>) {
    (advance_dropout_layer(master.template layer<I>()), ...);
  }
  template <class Layer>
  static void advance_dropout_layer(Layer& layer) {
    if constexpr (requires { layer.set_seed(layer.seed(), layer.masks_drawn()); layer.rate(); }) {
      if (layer.rate() > 0) {
        layer.set_seed(layer.seed(), layer.masks_drawn() + 1);
      }
    }
  }

  ThreadTeam team_;
  bool active_ = false;
  int eigen_threads_ = 1;
  bool restore_threads_ = false;  // Eigen's thread count set to 1 here, given back at the end
  std::vector<Replica> replicas_;  // one per member of the team
  std::vector<Shard> shards_;
  std::vector<Parameter<S>*> master_parameters_;
  std::vector<Piece> pieces_;
  std::vector<const S*> shard_gradients_;  // per member: a piece's shard gradients, in order
  std::vector<S> weights_;                 // m_j / m of the used shards, in order
  std::vector<char> non_finite_;           // per member: a non-finite entry in its pieces' sum
  bool gradients_finite_ = false;          // the last sum's entries all finite
  std::size_t used_ = 0;                   // shards with samples in the current batch
  ShardExchange* exchange_ = nullptr;      // the other processes, or none
  ShardRange mine_{};                      // the shards this process computes
  std::vector<std::vector<S>> packed_;     // per shard of mine_: its gradients and loss
  std::vector<const S*> packed_pointers_;  // the packed shards with samples, in order
  std::vector<S> total_;                   // the sum over every process's shards
};

}  // namespace bachprop
