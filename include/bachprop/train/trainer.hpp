#pragma once
/// @file
/// Mini-batch gradient descent: the training algorithm of section 5, with the mini-batch average
/// of section 4.3. The pieces around the loop have their own headers: the options and callbacks
/// (train/train_options.hpp), the batches (train/batches.hpp), checkpoints and resuming
/// (train/resume.hpp), the stop when a number stops being finite (train/divergence.hpp), and
/// the data-parallel steps that spread a batch over threads (train/data_parallel.hpp).

#include <bachprop/core/loss.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/optim/clip.hpp>
#include <bachprop/train/batches.hpp>
#include <bachprop/train/data_parallel.hpp>
#include <bachprop/train/divergence.hpp>
#include <bachprop/train/resume.hpp>
#include <bachprop/train/shard_exchange.hpp>
#include <bachprop/train/train_options.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace bachprop {

namespace detail {

// Switches a network with a training mode (Network::set_training) between training and
// evaluation, and restores the mode it found when it goes out of scope; does nothing for a
// model without one.
template <class Net>
class TrainingMode {
 public:
  explicit TrainingMode(Net& network) : network_(network) {
    if constexpr (requires { network.training(); }) {
      found_ = network.training();
    }
  }
  TrainingMode(const TrainingMode&) = delete;
  TrainingMode& operator=(const TrainingMode&) = delete;
  ~TrainingMode() { set(found_); }
  void train() const { set(true); }
  void evaluate() const { set(false); }

 private:
  void set(bool training) const {
    if constexpr (requires { network_.set_training(training); }) {
      network_.set_training(training);
    }
  }
  Net& network_;
  bool found_ = false;
};

}  // namespace detail

/// Trains `network` on the columns of `inputs` (features × samples) against `targets`
/// (outputs × samples) by mini-batch gradient descent; returns one report per epoch run.
template <class Net, Loss L, class Optimiser>
std::vector<EpochReport> train(Net& network, const L& loss, Optimiser& optimiser,
                               const Matrix<typename Net::Scalar>& inputs,
                               const Matrix<typename Net::Scalar>& targets,
                               const TrainOptions& options, const TrainCallbacks& callbacks = {}) {
  using S = typename Net::Scalar;
  Batches<S> data(inputs, targets, options);
  Rng rng(options.seed);
  TrainingCheckpoints<Net, Optimiser> checkpoints(options, data.samples(), data.count());
  // Where this call starts: epoch 1, batch 0, unless it resumes a checkpoint.
  const TrainingPosition start =
      checkpoints.resume(network, optimiser, rng, data.order(), callbacks);
  std::vector<EpochReport> reports;
  // Room for the reports up front, so that the epoch loop allocates nothing once the first
  // batch has sized every buffer (capped: early stopping may end a huge `epochs` long before).
  reports.reserve(static_cast<std::size_t>(std::min<Index>(options.epochs, 4096)));
  if (start.finished) {
    return reports;  // a resumed run that had already ended: nothing left to run
  }
  const DivergenceCheck divergence(options, optimiser, data.count(), checkpoints.last());
  // Dropout drops in the training steps only: the callbacks (a validation score, a checkpoint)
  // see the network in evaluation, and it is given back in the mode it came in.
  const detail::TrainingMode mode(network);
  // Data-parallel shards on replicas of the network, or none (TrainOptions::parallelism); with
  // an exchange, this process's block of them, once every process is known to run the same.
  const ParallelPlan plan = plan_parallelism(network, options);
  if (options.exchange != nullptr) {
    require_same_run_everywhere(*options.exchange, network, inputs, targets, options,
                                plan.shards);
  }
  DataParallel<Net> parallel(network, plan, options.exchange);
  Matrix<S> batch_inputs;
  Matrix<S> batch_targets;

  // doc:begin training-loop
  // Section 5. Step 1 (a cost function, random weights) happened when the network was built.
  for (Index epoch = start.epoch; epoch <= options.epochs; ++epoch) {
    const auto began = std::chrono::steady_clock::now();
    // A run resumed mid-epoch continues that epoch's order and loss sum.
    const bool mid_epoch = epoch == start.epoch && start.batch > 0;
    if (options.shuffle && !mid_epoch) {
      rng.shuffle(std::span<Index>(data.order()));
    }
    double loss_sum = mid_epoch ? start.loss_sum : 0;
    for (Index b = mid_epoch ? start.batch : 0; b < data.count(); ++b) {
      if (!parallel.active()) {
        data.load(b, network, batch_inputs, batch_targets);
      }
      mode.train();  // dropout (40) drops in this step
      // Steps 2-5: feed forward, the errors δ of every neuron, ∂C/∂w and ∂C/∂b, all for the
      // whole mini-batch at once; the loss divides by its m, so these are the averages ∇C̄ (4.3).
      // Data-parallel: the same per shard on replicas, the shards' means summed in their order.
      const S batch_loss = parallel.active()
                               ? parallel.compute_gradients(network, data, b, loss)
                               : network.compute_gradients(batch_inputs, batch_targets, loss);
      const double gradient_norm =
          options.clip_norm > 0 ? clip_gradient_norm(network, options.clip_norm) : 0.0;
      // A NaN or an infinity in the loss or a gradient stops training before the update.
      divergence.check_batch(network, static_cast<double>(batch_loss), gradient_norm, epoch, b + 1,
                             parallel.active() && parallel.gradients_finite());
      // Step 6: gradient descent with ∇C̄ (13); data-parallel: in pieces on the threads.
      if (parallel.active()) {
        parallel.step(network, optimiser);
      } else {
        optimiser.step(network);
      }
      mode.evaluate();  // and not in the callbacks
      loss_sum += static_cast<double>(batch_loss) * static_cast<double>(data.size_of(b));
      if (callbacks.on_batch) {
        callbacks.on_batch({epoch, b + 1, data.count(), static_cast<double>(batch_loss)});
      }
      if (checkpoints.due_mid_epoch(b + 1)) {
        checkpoints.save(network, optimiser, rng, data.order(), epoch, b + 1, loss_sum, false,
                         callbacks);
      }
    }
    // Step 7: repeat, epoch after epoch, over freshly shuffled mini-batches.
    // doc:end training-loop
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - began;
    reports.push_back({epoch, loss_sum / static_cast<double>(data.samples()), elapsed.count()});
    // An update from finite gradients can still overflow a weight: caught here, once per epoch,
    // before anything sees the weights.
    divergence.check_weights(network, epoch, data.count());
    const bool stop = callbacks.on_epoch && !callbacks.on_epoch(reports.back());
    if (checkpoints.due_after_epoch(epoch, stop)) {
      checkpoints.save(network, optimiser, rng, data.order(), epoch, data.count(), 0.0, stop,
                       callbacks);
    }
    if (stop) {
      break;
    }
  }
  return reports;
}

}  // namespace bachprop
