#pragma once
/// @file
/// Saving and loading a network's parameters as JSON.
///
/// The document names the format, its version and the scalar type, then lists the layers in
/// order with their kind, sizes and parameters (each matrix as a list of rows, one per neuron,
/// as the book's network2.py writes them):
///
///     {"format": "bachprop-model", "version": 1, "scalar": "float",
///      "layers": [{"kind": "dense", "inputs": 2, "outputs": 3,
///                  "parameters": {"weights": [[...], [...], [...]], "biases": [[.], [.], [.]]}},
///                 {"kind": "sigmoid"}, {"kind": "dropout", "config": {"rate": 0.5},
///                  "draws": {"seed": 2, "masks_drawn": 40}}, ...],
///      "metadata": {...}}
///
/// Numbers are written with enough digits to read back bit for bit. Loading checks every layer's
/// kind and every shape against the network it loads into, and changes nothing unless the whole
/// document fits.

#include <bachprop/core/error.hpp>
#include <bachprop/core/layer.hpp>
#include <bachprop/core/number_text.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/layers/dropout.hpp>
#include <bachprop/layers/embedding.hpp>
#include <bachprop/layers/grouped_softmax.hpp>

#include <nlohmann/json.hpp>

#include <concepts>
#include <cstdint>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace bachprop {

/// Name of the model format, in its "format" member.
inline constexpr std::string_view model_format_name = "bachprop-model";
/// Version of the model format this library writes and reads.
inline constexpr int model_format_version = 1;

namespace detail {

/// A JSON value as an error message shows it: numbers, booleans and null as written, strings
/// and small lists or objects as JSON cut to about 60 characters, anything nested deeper than a
/// few levels by its type and size. Never recursive: nlohmann's dump() is, and a document nested
/// a hundred thousand levels deep (which the parser accepts) would overflow the stack.
inline std::string json_excerpt(const nlohmann::json& value) {
  constexpr std::size_t max_chars = 60;
  if (value.is_array() || value.is_object()) {
    // Depth and size of the value, looked at iteratively: at most 3 levels and 64 entries.
    std::vector<std::pair<const nlohmann::json*, int>> pending{{&value, 1}};
    bool shallow = true;
    std::size_t seen = 0;
    while (!pending.empty() && shallow) {
      const auto [node, depth] = pending.back();
      pending.pop_back();
      for (const auto& child : *node) {
        if (++seen > 64 || ((child.is_array() || child.is_object()) && depth >= 3)) {
          shallow = false;
          break;
        }
        if (child.is_array() || child.is_object()) {
          pending.emplace_back(&child, depth + 1);
        }
      }
    }
    if (!shallow) {
      const std::string count = std::to_string(value.size());
      const bool one = value.size() == 1;
      return value.is_array() ? "a list of " + count + (one ? " entry" : " entries")
                              : "an object of " + count + (one ? " member" : " members");
    }
  }
  std::string text = value.dump();
  if (text.size() > max_chars) {
    text = text.substr(0, max_chars) + "...";
  }
  return text;
}

// The double with the fewest decimal digits that reads back as exactly `value`: for a float
// about 9 digits instead of the 17 its exact double needs, which halves a saved model's size
// while a load still gives back every bit.
template <class S>
double shortest_double(S value) {
  if constexpr (std::is_same_v<S, float>) {
    return std::strtod(number_text::shortest(value).c_str(), nullptr);
  } else {
    return value;
  }
}

template <class S>
nlohmann::json matrix_to_json(const Matrix<S>& m, std::string_view what) {
  nlohmann::json rows = nlohmann::json::array();
  for (Index r = 0; r < m.rows(); ++r) {
    nlohmann::json row = nlohmann::json::array();
    for (Index c = 0; c < m.cols(); ++c) {
      if (!std::isfinite(m(r, c))) {
        throw ArgumentError("save model: " + std::string(what) + " holds a non-finite value at (" +
                            std::to_string(r) + ", " + std::to_string(c) +
                            "); refusing to save a diverged model");
      }
      row.push_back(shortest_double(m(r, c)));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

template <class S>
Matrix<S> matrix_from_json(const nlohmann::json& rows, Index expected_rows, Index expected_cols,
                           const std::string& where) {
  if (!rows.is_array()) {
    throw FormatError(where + ": expected a list of rows");
  }
  if (static_cast<Index>(rows.size()) != expected_rows) {
    throw FormatError(where + ": has " + std::to_string(rows.size()) +
                      " rows but the network needs " + shape_string(expected_rows, expected_cols));
  }
  Matrix<S> m(expected_rows, expected_cols);
  for (Index r = 0; r < expected_rows; ++r) {
    const auto& row = rows[static_cast<std::size_t>(r)];
    if (!row.is_array() || static_cast<Index>(row.size()) != expected_cols) {
      throw FormatError(where + ": row " + std::to_string(r) + " should be a list of " +
                        std::to_string(expected_cols) + " numbers (the network needs " +
                        shape_string(expected_rows, expected_cols) + ")");
    }
    for (Index c = 0; c < expected_cols; ++c) {
      const auto& value = row[static_cast<std::size_t>(c)];
      if (!value.is_number()) {
        throw FormatError(where + ": entry (" + std::to_string(r) + ", " + std::to_string(c) +
                          ") is not a number");
      }
      m(r, c) = static_cast<S>(value.get<double>());
      // 1e39 is a double but not a float: refuse what would load as infinity (save refuses
      // non-finite values too).
      if (!std::isfinite(m(r, c))) {
        throw FormatError(where + ": entry (" + std::to_string(r) + ", " + std::to_string(c) +
                          ") = " + json_excerpt(value) + " is not a finite " +
                          scalar_name<S>());
      }
    }
  }
  return m;
}

// `value` as a T when it is a whole number in [lowest, highest], else nothing. The range is
// checked before any conversion: get<int>() of 4294967297 is 1, and on a 32-bit target an Index
// from a 64-bit number would wrap the same way.
template <std::integral T>
std::optional<T> whole_number(const nlohmann::json& value, T lowest, T highest) {
  const auto fits = [&](auto number) {
    return std::in_range<T>(number) && std::cmp_greater_equal(number, lowest) &&
           std::cmp_less_equal(number, highest);
  };
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    return fits(number) ? std::optional<T>(static_cast<T>(number)) : std::nullopt;
  }
  if (value.is_number_integer()) {
    const auto number = value.get<std::int64_t>();
    return fits(number) ? std::optional<T>(static_cast<T>(number)) : std::nullopt;
  }
  return std::nullopt;
}

inline const nlohmann::json& require_member(const nlohmann::json& object, std::string_view key,
                                            const std::string& where) {
  if (!object.is_object()) {
    throw FormatError(where + ": expected a JSON object");
  }
  const auto found = object.find(key);
  if (found == object.end()) {
    throw FormatError(where + ": missing \"" + std::string(key) + "\"");
  }
  return *found;
}

/// Settings of a layer that its kind and sizes do not tell (null for most layers); saved with
/// the layer and checked on load.
template <class L>
nlohmann::json layer_config(const L& /*layer*/) {
  return nullptr;
}

template <class S>
nlohmann::json layer_config(const GroupedSoftmax<S>& layer) {
  return {{"groups", layer.group_sizes()}};
}

template <class S>
nlohmann::json layer_config(const Embedding<S>& layer) {
  return {{"vocabulary", layer.vocabulary_size()}};
}

template <class S>
nlohmann::json layer_config(const Dropout<S>& layer) {
  return {{"rate", layer.rate()}};
}

// Where a layer's random draws stand (Dropout's seed and masks drawn), saved so that a
// checkpoint resumes its masks exactly; null for a layer without draws.
template <class L>
nlohmann::json layer_draws(const L& /*layer*/) {
  return nullptr;
}

template <class S>
nlohmann::json layer_draws(const Dropout<S>& layer) {
  return {{"seed", layer.seed()}, {"masks_drawn", layer.masks_drawn()}};
}

// The seed and masks drawn of a "draws" member (FormatError naming `at` unless both are whole
// numbers ≥ 0).
inline std::pair<std::uint64_t, std::uint64_t> draws_from_json(const nlohmann::json& draws,
                                                               const std::string& at) {
  const auto& seed = require_member(draws, "seed", at + " draws");
  const auto& masks = require_member(draws, "masks_drawn", at + " draws");
  if (!seed.is_number_unsigned() || !masks.is_number_unsigned()) {
    throw FormatError(at + " draws: \"seed\" and \"masks_drawn\" must be whole numbers ≥ 0, got " +
                      json_excerpt(seed) + " and " + json_excerpt(masks));
  }
  return {seed.get<std::uint64_t>(), masks.get<std::uint64_t>()};
}

}  // namespace detail

/// The network as a JSON document, with optional `metadata` (an object kept as it is: an
/// encoding, a vocabulary, training settings).
template <class Net>
nlohmann::json model_to_json(const Net& network,
                             const nlohmann::json& metadata = nlohmann::json::object()) {
  using S = typename Net::Scalar;
  nlohmann::json layers = nlohmann::json::array();
  std::size_t index = 0;
  network.for_each_layer([&](const auto& layer) {
    nlohmann::json entry;
    entry["kind"] = std::string(layer.kind());
    if (layer.input_size() != any_size) {
      entry["inputs"] = layer.input_size();
    }
    if (layer.output_size() != any_size) {
      entry["outputs"] = layer.output_size();
    }
    if (const nlohmann::json config = detail::layer_config(layer); !config.is_null()) {
      entry["config"] = config;
    }
    if (nlohmann::json draws = detail::layer_draws(layer); !draws.is_null()) {
      entry["draws"] = std::move(draws);
    }
    if constexpr (TrainableLayer<std::remove_cvref_t<decltype(layer)>>) {
      nlohmann::json parameters = nlohmann::json::object();
      layer.for_each_parameter([&](const Parameter<S>& p) {
        parameters[p.name] =
            detail::matrix_to_json(p.value, "layer " + std::to_string(index) + " " + p.name);
      });
      entry["parameters"] = std::move(parameters);
    }
    layers.push_back(std::move(entry));
    ++index;
  });
  return {{"format", model_format_name},
          {"version", model_format_version},
          {"scalar", scalar_name<S>()},
          {"layers", std::move(layers)},
          {"metadata", metadata}};
}

/// Loads `document` into `network`, which must have the same layers and shapes; returns the
/// metadata. Throws FormatError naming `source`, the layer and the mismatch; on error the network
/// is unchanged.
template <class Net>
nlohmann::json model_from_json(Net& network, const nlohmann::json& document,
                               std::string_view source = "<memory>") {
  using S = typename Net::Scalar;
  const std::string where(source);
  const auto& format = detail::require_member(document, "format", where);
  if (!format.is_string() || format.get<std::string>() != model_format_name) {
    throw FormatError(where + ": not a bachprop model (\"format\" should be \"" +
                      std::string(model_format_name) + "\")");
  }
  const auto& version = detail::require_member(document, "version", where);
  // Compared as JSON numbers: get<int>() would wrap 4294967297 to 1.
  if (!version.is_number_integer() || version != model_format_version) {
    throw FormatError(where + ": model format version " + detail::json_excerpt(version) +
                      " is not supported (this library reads version " +
                      std::to_string(model_format_version) + ")");
  }
  const auto& layers = detail::require_member(document, "layers", where);
  if (!layers.is_array() || layers.size() != Net::depth) {
    throw FormatError(
        where + ": the file has " +
        (layers.is_array() ? std::to_string(layers.size()) : std::string("no list of")) +
        " layers but the network has " + std::to_string(Net::depth));
  }
  // The scalar type is informative only: float and double models load into either.

  // Read and check everything first; assign only when the whole document fits.
  std::vector<Matrix<S>> values;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> draws;  // Dropout's, in layer order
  std::size_t index = 0;
  network.for_each_layer([&](const auto& layer) {
    const std::string at = where + ": layer " + std::to_string(index);
    const auto& entry = layers[index];
    const auto& kind = detail::require_member(entry, "kind", at);
    if (!kind.is_string() || kind.get<std::string>() != layer.kind()) {
      throw FormatError(at + ": expected a '" + std::string(layer.kind()) +
                        "' layer but the file has " + detail::json_excerpt(kind));
    }
    for (auto [key, size] : {std::pair{"inputs", layer.input_size()},
                             std::pair{"outputs", layer.output_size()}}) {
      if (size == any_size) {
        continue;
      }
      const auto& stored = detail::require_member(entry, key, at);
      if (!stored.is_number_integer() || stored != size) {  // compared as JSON numbers
        throw FormatError(at + " (" + std::string(layer.kind()) + "): the file has " + key + " = " +
                          detail::json_excerpt(stored) + " but the network's layer has " +
                          std::to_string(size));
      }
    }
    if (const nlohmann::json config = detail::layer_config(layer); !config.is_null()) {
      const auto stored = entry.find("config");
      if (stored == entry.end() || *stored != config) {
        throw FormatError(at + " (" + std::string(layer.kind()) + "): the file's settings " +
                          (stored == entry.end() ? std::string("are missing")
                                                 : detail::json_excerpt(*stored)) +
                          " differ from the network's " + config.dump());
      }
    }
    if constexpr (requires { layer.masks_drawn(); }) {  // optional: older files have none
      const auto stored = entry.find("draws");
      draws.push_back(stored == entry.end() ? std::pair{layer.seed(), layer.masks_drawn()}
                                            : detail::draws_from_json(*stored, at));
    }
    if constexpr (TrainableLayer<std::remove_cvref_t<decltype(layer)>>) {
      const auto& parameters = detail::require_member(entry, "parameters", at);
      layer.for_each_parameter([&](const Parameter<S>& p) {
        const auto& stored = detail::require_member(parameters, p.name, at + " parameters");
        values.push_back(detail::matrix_from_json<S>(stored, p.value.rows(), p.value.cols(),
                                                     at + " " + p.name));
      });
    }
    ++index;
  });
  std::size_t next = 0;
  network.for_each_parameter([&](Parameter<S>& p) { p.value = std::move(values[next++]); });
  next = 0;
  network.for_each_layer([&](auto& layer) {
    if constexpr (requires { layer.masks_drawn(); }) {
      layer.set_seed(draws[next].first, draws[next].second);
      ++next;
    }
  });
  const auto metadata = document.find("metadata");
  return metadata == document.end() ? nlohmann::json::object() : *metadata;
}

/// Checks that layer `layer` of a model document stores its parameter `name` as a `rows` × `cols`
/// matrix (a list of `rows` lists of `cols` entries), reading no values. A loader that builds its
/// network from sizes the document states (a hidden size in its metadata) calls it first, so a
/// forged size is refused instead of allocating a network far larger than the file. Throws
/// FormatError naming `source`.
inline void require_stored_matrix(const nlohmann::json& document, std::size_t layer,
                                  std::string_view name, Index rows, Index cols,
                                  const std::string& source) {
  const auto& layers = detail::require_member(document, "layers", source);
  const std::string at = source + ": layer " + std::to_string(layer);
  if (!layers.is_array() || layers.size() <= layer) {
    throw FormatError(at + ": missing (the model's metadata needs it)");
  }
  const auto& parameters = detail::require_member(layers[layer], "parameters", at);
  const auto& stored = detail::require_member(parameters, name, at + " parameters");
  bool fits = stored.is_array() && static_cast<Index>(stored.size()) == rows;
  for (std::size_t r = 0; fits && r < stored.size(); ++r) {
    fits = stored[r].is_array() && static_cast<Index>(stored[r].size()) == cols;
  }
  if (!fits) {
    throw FormatError(at + " " + std::string(name) + ": expected " + shape_string(rows, cols) +
                      " (the sizes in the model's metadata), found " +
                      (stored.is_array() ? std::to_string(stored.size()) + " rows"
                                         : detail::json_excerpt(stored)) +
                      " that do not make that shape");
  }
}

/// Parses a model document from text; `source` names it in errors.
inline nlohmann::json parse_model_text(std::string_view text, std::string_view source) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    throw FormatError(std::string(source) + ": not valid JSON (byte " +
                      std::to_string(error.byte) + "): " + error.what());
  } catch (const nlohmann::json::out_of_range& error) {
    // A number beyond a double's range (1e400): the parser names the number, not its byte.
    throw FormatError(std::string(source) + ": not valid JSON: " + error.what());
  }
}

/// Saves the network (and `metadata`) to `path`, atomically.
template <class Net>
void save_model(const Net& network, const std::filesystem::path& path,
                const nlohmann::json& metadata = nlohmann::json::object()) {
  write_file_atomically(path, model_to_json(network, metadata).dump(1) + "\n");
}

/// Loads the file at `path` into `network`; returns its metadata.
template <class Net>
nlohmann::json load_model(Net& network, const std::filesystem::path& path) {
  return model_from_json(network, parse_model_text(read_file(path), path.string()),
                         path.string());
}

}  // namespace bachprop
