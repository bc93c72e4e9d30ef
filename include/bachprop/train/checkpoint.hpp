#pragma once
/// @file
/// Checkpoints: everything a training run needs to continue exactly where it stood, in one JSON
/// file written atomically (io/file.hpp), so that a killed run resumes and ends with the same
/// weights, bit for bit, as a run never interrupted.
///
/// A checkpoint holds
/// - the model, in the format of io/model_json.hpp (floats in the shortest form that reads back
///   as the same bits);
/// - the optimiser: its kind, settings and counters (Adam's t) and its per-parameter buffers
///   (Sgd's velocities, Adam's moments, Adadelta's running averages), shapes checked on load;
/// - the position: the next epoch, how many of its batches are done (0 at an epoch boundary) and
///   their loss so far, the sample order and the shuffling generator's state (core/random.hpp);
/// - the run's settings that decide the batches (seed, batch size, samples, ...), checked on
///   resume;
/// - `extra`: what the caller's callbacks must keep (early stopping's best weights, a log).
///
///     {"format": "bachprop-checkpoint", "version": 1,
///      "model": {...}, "optimiser": {"settings": {"kind": "adam", ...}, "slots": 2,
///                                    "state": [[m₀, s₀], [m₁, s₁], ...]},
///      "position": {"epoch": 3, "batch": 0, "loss_sum": 0, "finished": false,
///                   "rng": "...", "order": [...]},
///      "run": {"samples": 60000, "batch_size": 10, ...}, "extra": ...}

#include <bachprop/core/error.hpp>
#include <bachprop/core/parameter.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/io/model_json.hpp>
#include <bachprop/train/optimiser_json.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bachprop {

/// Name of the checkpoint format, in its "format" member.
inline constexpr std::string_view checkpoint_format_name = "bachprop-checkpoint";
/// Version of the checkpoint format this library writes and reads.
inline constexpr int checkpoint_format_version = 1;

/// An optimiser whose state a checkpoint can keep: Sgd, Adam and Adadelta (optim/), whose settings
/// train/optimiser_json.hpp writes and reads.
template <class O>
concept CheckpointableOptimiser = requires(O& optimiser, const O& constant,
                                           const nlohmann::json& json, const std::string& where) {
  { optimiser_settings_to_json(constant) } -> std::convertible_to<nlohmann::json>;
  optimiser_settings_from_json(optimiser, json, where);
  optimiser.state().slots();
  optimiser.state().size();
  optimiser.state().reset();
};

/// Where a training run stands, and what else it must keep: a checkpoint without the model and
/// the optimiser.
struct TrainingPosition {
  Index epoch = 1;       ///< the epoch to run next (1-based)
  Index batch = 0;       ///< batches of that epoch already done (0: its shuffle is still to come)
  double loss_sum = 0;   ///< Σ loss × samples over those batches (for the epoch's mean loss)
  bool finished = false;  ///< the run ended (all epochs, or stopped early): nothing to resume
  std::string rng;       ///< the shuffling generator's Rng::state()
  std::vector<Index> order;  ///< the sample order, as the latest shuffle left it
  nlohmann::json run = nlohmann::json::object();  ///< settings that decide the batches
  nlohmann::json extra = nullptr;                 ///< the callbacks' own state (or null)
};

namespace detail {

template <class Net, class Optimiser>
nlohmann::json optimiser_state_to_json(const Net& network, const Optimiser& optimiser) {
  using S = typename Net::Scalar;
  const auto& state = optimiser.state();
  nlohmann::json parameters = nlohmann::json::array();
  if (state.size() > 0) {  // unbound before the first step, or never (Sgd without momentum)
    std::size_t index = 0;
    network.for_each_parameter([&](const Parameter<S>& p) {
      nlohmann::json slots = nlohmann::json::array();
      for (std::size_t slot = 0; slot < state.slots(); ++slot) {
        slots.push_back(matrix_to_json(state.at(index, slot),
                                       "optimiser state of parameter " + std::to_string(index) +
                                           " ('" + p.name + "')"));
      }
      parameters.push_back(std::move(slots));
      ++index;
    });
  }
  return {{"settings", optimiser_settings_to_json(optimiser)},
          {"slots", state.slots()},
          {"state", std::move(parameters)}};
}

// Reads and checks the optimiser's buffers against the network's parameter shapes; changes
// nothing (the caller assigns once everything has been read).
template <class Net, class Optimiser>
std::vector<Matrix<typename Net::Scalar>> optimiser_state_from_json(const Net& network,
                                                                    const Optimiser& optimiser,
                                                                    const nlohmann::json& stored,
                                                                    const std::string& where) {
  using S = typename Net::Scalar;
  const std::size_t slots = optimiser.state().slots();
  const auto& saved_slots = require_member(stored, "slots", where);
  if (!saved_slots.is_number_unsigned() || saved_slots != slots) {  // compared as JSON numbers
    throw FormatError(where + ": the checkpoint keeps " + saved_slots.dump() +
                      " state matrices per parameter but this optimiser keeps " +
                      std::to_string(slots));
  }
  const auto& parameters = require_member(stored, "state", where);
  std::vector<Matrix<S>> buffers;
  if (!parameters.is_array()) {
    throw FormatError(where + ": \"state\" should be a list (one entry per parameter)");
  }
  if (parameters.empty()) {
    return buffers;  // the optimiser had not stepped, or keeps nothing
  }
  std::size_t count = 0;
  network.for_each_parameter([&](const Parameter<S>&) { ++count; });
  if (parameters.size() != count) {
    throw FormatError(where + ": the checkpoint has optimiser state for " +
                      std::to_string(parameters.size()) + " parameters but the network has " +
                      std::to_string(count));
  }
  std::size_t index = 0;
  network.for_each_parameter([&](const Parameter<S>& p) {
    const auto& entry = parameters[index];
    const std::string at = where + ": state of parameter " + std::to_string(index) + " ('" +
                           p.name + "')";
    if (!entry.is_array() || entry.size() != slots) {
      throw FormatError(at + ": expected a list of " + std::to_string(slots) + " matrices");
    }
    for (std::size_t slot = 0; slot < slots; ++slot) {
      buffers.push_back(matrix_from_json<S>(entry[slot], p.value.rows(), p.value.cols(),
                                            at + " slot " + std::to_string(slot)));
    }
    ++index;
  });
  return buffers;
}

// FormatError naming `where` unless `document` is a checkpoint of the version this library reads.
inline void require_checkpoint_format(const nlohmann::json& document, const std::string& where) {
  const auto& format = require_member(document, "format", where);
  if (!format.is_string() || format.get<std::string>() != checkpoint_format_name) {
    throw FormatError(where + ": not a bachprop checkpoint (\"format\" should be \"" +
                      std::string(checkpoint_format_name) + "\")");
  }
  const auto& version = require_member(document, "version", where);
  if (!version.is_number_integer() || version.get<int>() != checkpoint_format_version) {
    throw FormatError(where + ": checkpoint format version " + version.dump() +
                      " is not supported (this library reads version " +
                      std::to_string(checkpoint_format_version) + ")");
  }
}

inline nlohmann::json position_to_json(const TrainingPosition& position) {
  return {{"epoch", position.epoch},       {"batch", position.batch},
          {"loss_sum", position.loss_sum}, {"finished", position.finished},
          {"rng", position.rng},           {"order", position.order}};
}

inline TrainingPosition position_from_json(const nlohmann::json& stored,
                                           const std::string& where) {
  TrainingPosition position;
  const auto& epoch = require_member(stored, "epoch", where);
  const auto& batch = require_member(stored, "batch", where);
  const auto& loss_sum = require_member(stored, "loss_sum", where);
  const auto& finished = require_member(stored, "finished", where);
  const auto& rng = require_member(stored, "rng", where);
  const auto& order = require_member(stored, "order", where);
  constexpr Index most = std::numeric_limits<Index>::max();
  const auto epoch_number = whole_number<Index>(epoch, 1, most);
  const auto batch_number = whole_number<Index>(batch, 0, most);
  if (!epoch_number || !batch_number || !loss_sum.is_number() || !finished.is_boolean() ||
      !rng.is_string() || !order.is_array()) {
    throw FormatError(where + ": expected an epoch ≥ 1, a batch ≥ 0, a loss sum, a finished "
                      "flag, the generator's state as text and the sample order as a list");
  }
  position.epoch = *epoch_number;
  position.batch = *batch_number;
  position.loss_sum = loss_sum.get<double>();
  position.finished = finished.get<bool>();
  position.rng = rng.get<std::string>();
  position.order.reserve(order.size());
  const Index samples = to_index<FormatError>(order.size(), where + ": the sample order's length");
  for (const auto& value : order) {
    const auto sample = whole_number<Index>(value, 0, samples - 1);
    if (!sample) {
      throw FormatError(where + ": the sample order holds " + json_excerpt(value) +
                        ", not a sample number below " + std::to_string(order.size()));
    }
    position.order.push_back(*sample);
  }
  return position;
}

}  // namespace detail

/// The checkpoint as a JSON document: `network`'s parameters, `optimiser`'s settings and
/// buffers, and `position`. Throws ArgumentError when a parameter or buffer is not finite (a
/// diverged run is never saved).
template <class Net, CheckpointableOptimiser Optimiser>
nlohmann::json checkpoint_to_json(const Net& network, const Optimiser& optimiser,
                                  const TrainingPosition& position) {
  return {{"format", checkpoint_format_name},
          {"version", checkpoint_format_version},
          {"model", model_to_json(network)},
          {"optimiser", detail::optimiser_state_to_json(network, optimiser)},
          {"position", detail::position_to_json(position)},
          {"run", position.run},
          {"extra", position.extra}};
}

/// Restores `network` and `optimiser` from a checkpoint document and returns the position.
/// Checks the format, the model's layers and shapes, the optimiser's kind, settings and buffer
/// shapes; throws FormatError naming `source` and the mismatch, and then changes nothing.
template <class Net, CheckpointableOptimiser Optimiser>
TrainingPosition checkpoint_from_json(Net& network, Optimiser& optimiser,
                                      const nlohmann::json& document,
                                      std::string_view source = "<memory>") {
  const std::string where(source);
  detail::require_checkpoint_format(document, where);
  // Read and check everything before changing anything: the model into a copy of the network
  // (first: a different network is the likeliest mistake, and the clearest message), the
  // optimiser's settings into a copy of the optimiser, its buffers into a list.
  Net model = network;
  model_from_json(model, detail::require_member(document, "model", where), where + ": model");
  const auto& stored_optimiser = detail::require_member(document, "optimiser", where);
  const std::string optimiser_where = where + ": optimiser";
  Optimiser restored = optimiser;
  optimiser_settings_from_json(
      restored, detail::require_member(stored_optimiser, "settings", optimiser_where),
      optimiser_where);
  auto buffers =
      detail::optimiser_state_from_json(network, optimiser, stored_optimiser, optimiser_where);
  TrainingPosition position = detail::position_from_json(
      detail::require_member(document, "position", where), where + ": position");
  const auto& run = detail::require_member(document, "run", where);
  const auto extra = document.find("extra");

  position.run = run;
  position.extra = extra == document.end() ? nlohmann::json(nullptr) : *extra;
  network = model;
  optimiser = std::move(restored);
  auto& state = optimiser.state();
  state.reset();
  if (!buffers.empty()) {
    state.bind(network, "checkpoint");  // sizes the buffers in parameter order, zeroed
    for (std::size_t i = 0; i < state.size(); ++i) {
      for (std::size_t slot = 0; slot < state.slots(); ++slot) {
        state.at(i, slot) = std::move(buffers[i * state.slots() + slot]);
      }
    }
  }
  return position;
}

/// Writes a checkpoint to `path` atomically (a temporary file, then a rename): a kill mid-write
/// leaves the previous checkpoint whole. Throws ArgumentError, leaving the file untouched, when
/// a parameter or buffer is not finite.
template <class Net, CheckpointableOptimiser Optimiser>
void save_checkpoint(const std::filesystem::path& path, const Net& network,
                     const Optimiser& optimiser, const TrainingPosition& position) {
  // Compact: a checkpoint is for the program, not for reading, and is rewritten every epoch.
  write_file_atomically(path, checkpoint_to_json(network, optimiser, position).dump() + "\n");
}

/// Reads the checkpoint at `path` into `network` and `optimiser`; returns the position. Throws
/// IoError when it cannot be read and FormatError naming the file and the mismatch; then
/// nothing is changed.
template <class Net, CheckpointableOptimiser Optimiser>
TrainingPosition load_checkpoint(const std::filesystem::path& path, Net& network,
                                 Optimiser& optimiser) {
  return checkpoint_from_json(network, optimiser,
                              parse_model_text(read_file(path), path.string()), path.string());
}

}  // namespace bachprop
