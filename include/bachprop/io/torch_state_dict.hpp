#pragma once
/// @file
/// A PyTorch model's weights, imported: its `state_dict` saved as JSON (by
/// scripts/export_torch_state_dict.py) loaded into a Network of Lstm, Gru, Rnn and Dense layers
/// (the activations between them have no weights and are skipped). The document:
///
///     {"format": "torch-state-dict", "version": 1,
///      "tensors": {"rnn.weight_ih_l0": {"dtype": "float32", "shape": [20, 3],
///                                       "data": [0.125, -0.5, ...]},    flat, row-major
///                  ...}}
///
/// For a torch model with `self.rnn = nn.LSTM(3, 5, num_layers=2)`, `self.fc = nn.Linear(5, 4)`:
///
///     Network net{Lstm(3, 5), Lstm(5, 5), Dense(5, 4), Softmax()};
///     load_torch_state_dict(net, "model.json", {"rnn", "rnn", "fc"});
///
/// The names are the torch module of each trainable layer, in order: the prefix of its keys
/// ("" when the model is the nn.LSTM itself, its keys bare). Recurrent layers that share a name
/// take that module's stacked layers in turn: the first "rnn" reads the keys ending in _l0, the
/// second those ending in _l1. What each layer reads (K the torch layer, H the hidden size):
///
///     Dense  weights ← weight (out × in), biases ← bias
///     Lstm   input_weights ← weight_ih_lK (4H × in), recurrent_weights ← weight_hh_lK (4H × H),
///            biases ← bias_ih_lK + bias_hh_lK (torch adds both at every step; the sum is the
///            same pre-activation)
///     Gru    input_weights ← weight_ih_lK (3H × in), recurrent_weights ← weight_hh_lK,
///            input_biases ← bias_ih_lK, recurrent_biases ← bias_hh_lK (kept apart: the reset
///            gate scales W_hn h + b_hn, bias included)
///     Rnn    (tanh only) as the Lstm with one block of H rows
///     Bidirectional  its forward layer as above, its backward layer the same keys ending in
///            _lK_reverse (a module built with bidirectional=True; the next stacked layer's
///            weight_ih_lK+1 has 2H columns, [h→; h←] as Bidirectional stacks them)
///
/// The gate order is torch's, so rows copy as they are, no permutation: an LSTM's 4H rows are
/// the blocks [i; f; g; o] in both libraries, a GRU's 3H rows [r; z; n] (docs/derivation.md,
/// after (37)). Bias-free modules (bias=False) are not supported: their bias keys are missing.
///
/// Every tensor is read and checked before anything is written: on error the network is
/// unchanged. A FormatError names the source, the key and what was expected for a missing key,
/// a key no layer reads (unless TorchImportOptions::allow_unused), a shape other than the
/// layer's, data of another length, an entry that is not a finite number of the network's
/// scalar type, a bidirectional module (keys ending in _reverse) read by a one-way layer, or an
/// LSTM with proj_size (weight_hr_lK). Names that do not fit the network are an ArgumentError.

#include <bachprop/core/error.hpp>
#include <bachprop/core/layer.hpp>
#include <bachprop/core/parameter.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/io/model_json.hpp>
#include <bachprop/layers/bidirectional.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/layers/gru.hpp>
#include <bachprop/layers/lstm.hpp>
#include <bachprop/layers/rnn.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstddef>
#include <filesystem>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace bachprop {

/// Name of the format, in the document's "format" member.
inline constexpr std::string_view torch_state_dict_format = "torch-state-dict";
/// Version of the format this library writes and reads.
inline constexpr int torch_state_dict_version = 1;

/// Settings of an import.
struct TorchImportOptions {
  /// Ignore tensors no layer reads (an embedding the network does not have, a third stacked
  /// layer) instead of refusing the document. Bidirectional and projected modules the network's
  /// names point at are refused all the same.
  bool allow_unused = false;
};

namespace detail {

// One bachprop parameter as torch stores it: the sum of one or two tensors (the LSTM's and the
// RNN's two biases), of shape rows × cols, or a vector of `rows` when cols == 0.
struct TorchSlot {
  std::vector<std::string> leaves;  // key suffixes after "prefix.", e.g. "bias_ih_l0"
  Index rows = 0;
  Index cols = 0;
};

// What one trainable layer reads: its torch module's kind and one slot per parameter, in the
// layer's for_each_parameter order. `what` describes the layer in messages.
struct TorchLayout {
  bool recurrent = false;
  bool bidirectional = false;  // reads the module's _reverse keys too
  std::string what;
  std::vector<TorchSlot> slots;
};

inline TorchLayout torch_recurrent_layout(const char* module, const char* gates, Index blocks,
                                          Index inputs, Index hidden, Index k, bool two_biases) {
  const std::string l = "_l" + std::to_string(k);
  TorchLayout layout{true, false,
                     std::string(module) + " layer " + std::to_string(k) + " of " +
                         std::to_string(hidden) + " units over " + std::to_string(inputs) +
                         " inputs" + (*gates != '\0' ? std::string(", rows ") + gates : ""),
                     {{{"weight_ih" + l}, blocks * hidden, inputs},
                      {{"weight_hh" + l}, blocks * hidden, hidden}}};
  if (two_biases) {
    layout.slots.push_back({{"bias_ih" + l}, blocks * hidden, 0});
    layout.slots.push_back({{"bias_hh" + l}, blocks * hidden, 0});
  } else {
    layout.slots.push_back({{"bias_ih" + l, "bias_hh" + l}, blocks * hidden, 0});
  }
  return layout;
}

template <class S>
TorchLayout torch_layout(const Lstm<S>& layer, Index k) {
  return torch_recurrent_layout("nn.LSTM", "[i; f; g; o]", 4, layer.input_size(),
                                layer.hidden_size(), k, false);
}

template <class S>
TorchLayout torch_layout(const Gru<S>& layer, Index k) {
  return torch_recurrent_layout("nn.GRU", "[r; z; n]", 3, layer.input_size(), layer.hidden_size(),
                                k, true);
}

template <class S>
TorchLayout torch_layout(const Rnn<S>& layer, Index k) {
  if (layer.options().activation != RnnActivation::tanh) {
    throw ArgumentError("torch state dict: an Rnn with the sigmoid activation has no torch "
                        "counterpart (nn.RNN computes tanh or relu)");
  }
  return torch_recurrent_layout("nn.RNN", "", 1, layer.input_size(), layer.hidden_size(), k,
                                false);
}

template <class S>
TorchLayout torch_layout(const Dense<S>& layer, Index /*k*/) {
  return {false, false,
          "nn.Linear of " + std::to_string(layer.input_size()) + " inputs and " +
              std::to_string(layer.output_size()) + " outputs",
          {{{"weight"}, layer.output_size(), layer.input_size()},
           {{"bias"}, layer.output_size(), 0}}};
}

// torch's bidirectional module: the forward layer's keys, then the same keys ending in _reverse.
template <class F, class B>
TorchLayout torch_layout(const Bidirectional<F, B>& layer, Index k) {
  TorchLayout layout = torch_layout(layer.forward_layer(), k);
  TorchLayout reverse = torch_layout(layer.backward_layer(), k);
  if (reverse.what != layout.what) {
    throw ArgumentError("torch state dict: a '" + std::string(layer.kind()) + "' layer whose "
                        "directions differ has no torch counterpart (bidirectional=True builds "
                        "two of one kind and size)");
  }
  for (TorchSlot& slot : reverse.slots) {
    for (std::string& leaf : slot.leaves) {
      leaf += "_reverse";
    }
    layout.slots.push_back(std::move(slot));
  }
  layout.what = "bidirectional " + layout.what + ", then _reverse";
  layout.bidirectional = true;
  return layout;
}

template <class L>
TorchLayout torch_layout(const L& layer, Index /*k*/) {
  throw ArgumentError("torch state dict: a '" + std::string(layer.kind()) +
                      "' layer has no torch counterpart here (Lstm, Gru, Rnn, Dense and "
                      "Bidirectional have)");
}

inline std::string torch_key(const std::string& prefix, const std::string& leaf) {
  return prefix.empty() ? leaf : prefix + "." + leaf;
}

// Each trainable layer's module prefix and layout, from the user's names: checks that there is
// one name per trainable layer, and that layers sharing a name are recurrent layers of one kind.
template <class Net>
std::vector<std::pair<std::string, TorchLayout>> torch_layouts(
    const Net& network, const std::vector<std::string>& modules) {
  std::vector<std::pair<std::string, TorchLayout>> layouts;
  std::vector<std::string> kinds;
  std::size_t index = 0;
  network.for_each_layer([&](const auto& layer) {
    if constexpr (TrainableLayer<std::remove_cvref_t<decltype(layer)>>) {
      if (kinds.size() < modules.size()) {
        const std::string& prefix = modules[kinds.size()];
        Index k = 0;
        for (std::size_t before = 0; before < layouts.size(); ++before) {
          if (layouts[before].first != prefix) {
            continue;
          }
          if (kinds[before] != layer.kind() || !layouts[before].second.recurrent) {
            throw ArgumentError("torch state dict: the module name \"" + prefix +
                                "\" is given to a '" + kinds[before] + "' layer and to layer " +
                                std::to_string(index) + " ('" + std::string(layer.kind()) +
                                "'); only recurrent layers of one kind share a name");
          }
          ++k;
        }
        layouts.emplace_back(prefix, torch_layout(layer, k));
      }
      kinds.emplace_back(layer.kind());
    }
    ++index;
  });
  if (modules.size() != kinds.size()) {
    std::string list;
    for (const auto& kind : kinds) {
      list += (list.empty() ? "" : ", ") + kind;
    }
    throw ArgumentError("torch state dict: " + std::to_string(modules.size()) +
                        " module names for a network of " + std::to_string(kinds.size()) +
                        " trainable layers (" + list + "): give one name per layer");
  }
  return layouts;
}

// Refuses a recurrent module that is projected, or bidirectional for a one-way layer: it has keys
// the layer cannot hold, and reading only the forward direction would give a different model.
inline void check_torch_module(const nlohmann::json& tensors, const std::string& prefix,
                               const std::string& where, bool bidirectional) {
  const std::string start = prefix.empty() ? "" : prefix + ".";
  for (const auto& [key, value] : tensors.items()) {
    if (key.compare(0, start.size(), start) != 0) {
      continue;
    }
    const std::string leaf = key.substr(start.size());
    if (leaf.find('.') != std::string::npos) {
      continue;  // a submodule's key, not this module's
    }
    const std::string module = prefix.empty() ? "the module" : "the module \"" + prefix + "\"";
    if (!bidirectional && leaf.size() >= 8 && leaf.compare(leaf.size() - 8, 8, "_reverse") == 0) {
      throw FormatError(where + ": \"" + key + "\": " + module + " is bidirectional; import it "
                        "into Bidirectional layers (Lstm, Gru and Rnn run forward in time only)");
    }
    if (leaf.compare(0, 11, "weight_hr_l") == 0) {
      throw FormatError(where + ": \"" + key + "\": " + module + " is an LSTM with proj_size > "
                        "0, which bachprop's Lstm does not have (proj_size=0)");
    }
  }
}

// The tensor `key` as a matrix of the slot's shape, every entry a finite number of type S.
template <class S>
Matrix<double> read_torch_tensor(const nlohmann::json& tensors, const std::string& key,
                                 const TorchSlot& slot, const std::string& what,
                                 const std::string& where) {
  const bool vector = slot.cols == 0;
  const std::string wanted = "[" + std::to_string(slot.rows) +
                             (vector ? "]" : ", " + std::to_string(slot.cols) + "]");
  const auto found = tensors.find(key);
  if (found == tensors.end()) {
    throw FormatError(where + ": missing \"" + key + "\" (shape " + wanted + ", " + what + ")");
  }
  const std::string at = where + ": \"" + key + "\"";
  const auto& shape = require_member(*found, "shape", at);
  const auto& data = require_member(*found, "data", at);
  bool fits = shape.is_array() && shape.size() == (vector ? 1U : 2U);
  for (std::size_t d = 0; fits && d < shape.size(); ++d) {
    const auto size = whole_number<Index>(shape[d], 0, std::numeric_limits<Index>::max());
    fits = size.has_value() && *size == (d == 0 ? slot.rows : slot.cols);
  }
  if (!fits) {
    throw FormatError(at + ": expected shape " + wanted + " (" + what + "), found " +
                      json_excerpt(shape));
  }
  const Index count = slot.rows * (vector ? 1 : slot.cols);
  if (!data.is_array() || static_cast<Index>(data.size()) != count) {
    throw FormatError(at + ": expected \"data\" to be a flat list of " + std::to_string(count) +
                      " numbers (shape " + wanted + ", row-major), found " +
                      (data.is_array() ? std::to_string(data.size()) + " entries"
                                       : json_excerpt(data)));
  }
  const Index cols = vector ? 1 : slot.cols;
  Matrix<double> m(slot.rows, cols);
  for (Index i = 0; i < count; ++i) {
    const auto& value = data[static_cast<std::size_t>(i)];
    // NaN cannot be written in JSON, but a document built in memory can hold it. The bound is
    // checked in double: converting a double beyond a float's range is undefined behaviour.
    if (!value.is_number() ||
        !(std::fabs(value.get<double>()) <= static_cast<double>(std::numeric_limits<S>::max()))) {
      const double number = value.is_number() ? value.get<double>() : 0.0;
      const std::string shown = std::isnan(number)   ? "NaN"
                                : std::isinf(number) ? (number > 0 ? "inf" : "-inf")
                                                     : json_excerpt(value);  // dump(): null
      throw FormatError(at + ": data[" + std::to_string(i) + "] = " + shown + " is not a finite " +
                        (value.is_number() ? scalar_name<S>() : "number"));
    }
    m(i / cols, i % cols) = value.get<double>();
  }
  return m;
}

// Every value the network's parameters take, in for_each_parameter order, read and checked.
template <class Net>
std::vector<Matrix<typename Net::Scalar>> torch_values(const Net& network,
                                                       const nlohmann::json& document,
                                                       const std::string& where,
                                                       const std::vector<std::string>& modules,
                                                       const TorchImportOptions& options) {
  using S = typename Net::Scalar;
  const auto layouts = torch_layouts(network, modules);
  const auto& format = require_member(document, "format", where);
  if (!format.is_string() || format.get<std::string>() != torch_state_dict_format) {
    throw FormatError(where + ": not a torch state dict (\"format\" should be \"" +
                      std::string(torch_state_dict_format) + "\", as " +
                      "scripts/export_torch_state_dict.py writes), found " + json_excerpt(format));
  }
  const auto& version = require_member(document, "version", where);
  if (!version.is_number_integer() || version != torch_state_dict_version) {
    throw FormatError(where + ": torch state dict version " + json_excerpt(version) +
                      " is not supported (this library reads version " +
                      std::to_string(torch_state_dict_version) + ")");
  }
  const auto& tensors = require_member(document, "tensors", where);
  if (!tensors.is_object()) {
    throw FormatError(where + ": \"tensors\" should be an object of named tensors, found " +
                      json_excerpt(tensors));
  }
  std::vector<Matrix<S>> values;
  std::set<std::string> used;
  std::string read;  // the modules read, for the message about a tensor no layer reads
  for (std::size_t l = 0; l < layouts.size(); ++l) {
    const auto& [prefix, layout] = layouts[l];
    if (layout.recurrent) {
      check_torch_module(tensors, prefix, where, layout.bidirectional);
    }
    if (read.find("\"" + prefix + "\"") == std::string::npos) {
      read += (read.empty() ? "\"" : ", \"") + prefix + "\"";
    }
    const std::string what = "for trainable layer " + std::to_string(l) + ": " + layout.what;
    for (const TorchSlot& slot : layout.slots) {
      Matrix<double> sum;
      for (const std::string& leaf : slot.leaves) {
        const std::string key = torch_key(prefix, leaf);
        const Matrix<double> part = read_torch_tensor<S>(tensors, key, slot, what, where);
        sum = sum.size() == 0 ? part : Matrix<double>(sum + part);
        used.insert(key);
      }
      if (!(sum.array().abs() <= static_cast<double>(std::numeric_limits<S>::max())).all()) {
        throw FormatError(where + ": \"" + torch_key(prefix, slot.leaves.front()) + "\" + \"" +
                          torch_key(prefix, slot.leaves.back()) + "\": a sum of the two is not " +
                          "a finite " + scalar_name<S>());  // two finite floats can sum to inf
      }
      values.push_back(sum.cast<S>());
    }
  }
  for (const auto& [key, value] : tensors.items()) {
    if (!options.allow_unused && used.count(key) == 0) {
      throw FormatError(where + ": \"" + key + "\" is not read by any layer of the network (its "
                        "layers read the modules " + read + "); TorchImportOptions::allow_unused "
                        "ignores it");
    }
  }
  return values;
}

}  // namespace detail

/// Loads the torch state dict `document` into `network`, `modules` naming the torch module of
/// each trainable layer in order (see the file's comment). Throws FormatError naming `source`,
/// the key and what was expected, ArgumentError if the names do not fit the network; on error
/// the network is unchanged.
template <class Net>
void import_torch_state_dict(Net& network, const nlohmann::json& document,
                             std::string_view source, const std::vector<std::string>& modules,
                             TorchImportOptions options = {}) {
  auto values = detail::torch_values(network, document, std::string(source), modules, options);
  std::size_t next = 0;
  network.for_each_parameter(
      [&](Parameter<typename Net::Scalar>& p) { p.value = std::move(values[next++]); });
}

/// Loads the torch state dict file at `path` (JSON, as scripts/export_torch_state_dict.py
/// writes it) into `network`; as import_torch_state_dict.
template <class Net>
void load_torch_state_dict(Net& network, const std::filesystem::path& path,
                           const std::vector<std::string>& modules,
                           TorchImportOptions options = {}) {
  import_torch_state_dict(network, parse_model_text(read_file(path), path.string()),
                          path.string(), modules, options);
}

/// The network's parameters as a torch state dict document, `modules` naming each trainable
/// layer's torch module as for the import: what the import reads back, and what
/// scripts/export_torch_state_dict.py's state_dict_from_json turns into tensors for a torch
/// model's load_state_dict. A parameter that is torch's sum of two biases is written as the
/// first (bias_ih), the second (bias_hh) zero.
template <class Net>
nlohmann::json torch_state_dict_to_json(const Net& network,
                                        const std::vector<std::string>& modules) {
  using S = typename Net::Scalar;
  const auto layouts = detail::torch_layouts(network, modules);
  std::vector<const Matrix<S>*> parameters;
  network.for_each_parameter([&](const Parameter<S>& p) { parameters.push_back(&p.value); });
  nlohmann::json tensors = nlohmann::json::object();
  std::size_t next = 0;
  for (const auto& [prefix, layout] : layouts) {
    for (const detail::TorchSlot& slot : layout.slots) {
      const Matrix<S>& value = *parameters[next++];
      for (std::size_t leaf = 0; leaf < slot.leaves.size(); ++leaf) {
        nlohmann::json data = nlohmann::json::array();
        for (Index r = 0; r < value.rows(); ++r) {
          for (Index c = 0; c < value.cols(); ++c) {
            if (!std::isfinite(value(r, c))) {
              throw ArgumentError("torch state dict: " + detail::torch_key(prefix, slot.leaves[0]) +
                                  " holds a non-finite value; refusing to save a diverged model");
            }
            data.push_back(leaf == 0 ? detail::shortest_double(value(r, c)) : 0.0);
          }
        }
        nlohmann::json shape = {slot.rows};
        if (slot.cols != 0) {
          shape.push_back(slot.cols);
        }
        tensors[detail::torch_key(prefix, slot.leaves[leaf])] = {
            {"dtype", std::is_same_v<S, float> ? "float32" : "float64"},
            {"shape", std::move(shape)},
            {"data", std::move(data)}};
      }
    }
  }
  return {{"format", torch_state_dict_format},
          {"version", torch_state_dict_version},
          {"tensors", std::move(tensors)}};
}

}  // namespace bachprop
