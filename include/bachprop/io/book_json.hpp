#pragma once
/// @file
/// Models in the JSON format of the book's network2.py, imported into (and exported from) a
/// bachprop Network of Dense + Sigmoid layers.
///
/// network2.py's save() writes one object with four members:
///
///     {"sizes": [784, 30, 10],
///      "weights": [W1, W2],          each W a list of rows, n_out × n_in (w_jk: input k → j)
///      "biases": [b1, b2],           each b a column, n_out × 1: [[b_1], [b_2], ...]
///      "cost": "CrossEntropyCost"}   or "QuadraticCost"
///
/// Every layer of such a network is a sigmoid layer (network2.py has no other activation), and
/// its weight convention is the library's, so the import is a copy with every shape checked:
/// the sizes must chain, each matrix must have the shape the sizes give, and the network loaded
/// into must have the same sizes. A flat list of biases ([b_1, b_2, ...]) is accepted too.

#include <bachprop/core/error.hpp>
#include <bachprop/core/layer.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/io/model_json.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace bachprop {

/// The cost a network2.py model was trained with (its "cost" member).
enum class BookCost {
  quadratic,      ///< "QuadraticCost": equation (7)
  cross_entropy,  ///< "CrossEntropyCost": the book's chapter-3 cross-entropy (sigmoid outputs)
};

/// The name network2.py writes for a cost.
inline std::string_view book_cost_name(BookCost cost) {
  return cost == BookCost::quadratic ? "QuadraticCost" : "CrossEntropyCost";
}

/// A network2.py model as read from its JSON, checked to be consistent with itself.
struct BookModel {
  std::vector<Index> sizes;             ///< neurons per layer, input layer first
  std::vector<Matrix<double>> weights;  ///< weights[l]: sizes[l+1] × sizes[l]
  std::vector<Matrix<double>> biases;   ///< biases[l]: sizes[l+1] × 1
  BookCost cost = BookCost::cross_entropy;  ///< the cost it was trained with

  /// "784-30-10".
  std::string describe() const {
    std::string text;
    for (const Index size : sizes) {
      text += (text.empty() ? "" : "-") + std::to_string(size);
    }
    return text;
  }
};

namespace detail {

// Reads a matrix given as a list of `rows` lists of `cols` numbers; `flat_column` also accepts
// a plain list of `rows` numbers when cols == 1 (biases written without the inner brackets).
inline Matrix<double> book_matrix(const nlohmann::json& value, Index rows, Index cols,
                                  bool flat_column, const std::string& where) {
  if (!value.is_array() || static_cast<Index>(value.size()) != rows) {
    throw FormatError(where + ": expected " + std::to_string(rows) + " rows (shape " +
                      shape_string(rows, cols) + " from \"sizes\"), found " +
                      (value.is_array() ? std::to_string(value.size()) + " rows"
                                        : std::string("a ") + value.type_name()));
  }
  // Every row's length is checked before the matrix is allocated: "sizes" may claim 2^24 inputs
  // while the rows hold three numbers, and rows × 2^24 doubles is gigabytes.
  for (Index r = 0; r < rows; ++r) {
    const auto& row = value[static_cast<std::size_t>(r)];
    if (flat_column && cols == 1 && row.is_number()) {
      continue;
    }
    if (!row.is_array() || static_cast<Index>(row.size()) != cols) {
      throw FormatError(where + ": row " + std::to_string(r) + " should hold " +
                        std::to_string(cols) + " numbers (shape " + shape_string(rows, cols) +
                        " from \"sizes\"), found " +
                        (row.is_array() ? std::to_string(row.size()) + " entries"
                                        : std::string("a ") + row.type_name()));
    }
  }
  Matrix<double> m(rows, cols);
  for (Index r = 0; r < rows; ++r) {
    const auto& row = value[static_cast<std::size_t>(r)];
    if (flat_column && cols == 1 && row.is_number()) {
      m(r, 0) = row.get<double>();
      continue;
    }
    for (Index c = 0; c < cols; ++c) {
      const auto& entry = row[static_cast<std::size_t>(c)];
      if (!entry.is_number() || !std::isfinite(entry.get<double>())) {
        throw FormatError(where + ": entry (" + std::to_string(r) + ", " + std::to_string(c) +
                          ") is not a finite number");
      }
      m(r, c) = entry.get<double>();
    }
  }
  return m;
}

}  // namespace detail

/// Reads a network2.py document; `source` names it in errors. Throws FormatError when a member
/// is missing, the sizes do not make a network, or a matrix has the wrong shape.
inline BookModel book_model_from_json(const nlohmann::json& document,
                                      std::string_view source = "<memory>") {
  const std::string where(source);
  BookModel model;
  const auto& sizes = detail::require_member(document, "sizes", where);
  if (!sizes.is_array() || sizes.size() < 2) {
    throw FormatError(where + ": \"sizes\" should list at least two layer sizes (inputs and "
                      "outputs), found " + detail::json_excerpt(sizes));
  }
  for (const auto& size : sizes) {
    // A size must be a positive integer; 2^24 neurons per layer is far beyond any real model
    // and keeps the product of two sizes well inside 64 bits.
    if (!size.is_number_integer() || size.get<long long>() < 1 ||
        size.get<long long>() > (1LL << 24)) {
      throw FormatError(where + ": \"sizes\" entries must be positive integers (at most 2^24), "
                        "found " + detail::json_excerpt(size));
    }
    model.sizes.push_back(size.get<Index>());
  }
  const std::size_t layers = model.sizes.size() - 1;
  const auto& weights = detail::require_member(document, "weights", where);
  const auto& biases = detail::require_member(document, "biases", where);
  for (const auto& [name, list] : {std::pair{"weights", &weights}, std::pair{"biases", &biases}}) {
    if (!list->is_array() || list->size() != layers) {
      throw FormatError(where + ": \"" + name + "\" should hold " + std::to_string(layers) +
                        " matrices for sizes " + detail::json_excerpt(sizes) + ", found " +
                        (list->is_array() ? std::to_string(list->size())
                                          : std::string("a ") + list->type_name()));
    }
  }
  for (std::size_t l = 0; l < layers; ++l) {
    const Index in = model.sizes[l];
    const Index out = model.sizes[l + 1];
    model.weights.push_back(detail::book_matrix(weights[l], out, in, false,
                                                where + ": weights[" + std::to_string(l) + "]"));
    model.biases.push_back(detail::book_matrix(biases[l], out, 1, true,
                                               where + ": biases[" + std::to_string(l) + "]"));
  }
  const auto cost = document.find("cost");
  if (cost != document.end()) {
    if (cost->is_string() && cost->get<std::string>() == "QuadraticCost") {
      model.cost = BookCost::quadratic;
    } else if (cost->is_string() && cost->get<std::string>() == "CrossEntropyCost") {
      model.cost = BookCost::cross_entropy;
    } else {
      throw FormatError(where + ": \"cost\" should be \"QuadraticCost\" or \"CrossEntropyCost\", "
                        "found " + detail::json_excerpt(*cost));
    }
  }
  return model;
}

/// Reads a network2.py JSON file.
inline BookModel read_book_model(const std::filesystem::path& path) {
  return book_model_from_json(parse_model_text(read_file(path), path.string()), path.string());
}

/// Copies `model` into `network`, which must be Dense, Sigmoid, Dense, Sigmoid, ... with the same
/// sizes. Throws ArgumentError if the network is not made of Dense + Sigmoid pairs, FormatError
/// (naming `source`) if the sizes differ; on error the network is unchanged.
template <class Net>
void load_book_model(Net& network, const BookModel& model, std::string_view source = "<memory>") {
  using S = typename Net::Scalar;
  std::vector<std::string> kinds;
  std::vector<Index> sizes;
  network.for_each_layer([&](const auto& layer) {
    kinds.emplace_back(layer.kind());
    if (kinds.size() % 2 == 1 && layer.kind() == std::string_view("dense")) {
      if (sizes.empty()) {
        sizes.push_back(layer.input_size());
      }
      sizes.push_back(layer.output_size());
    }
  });
  if (kinds.size() % 2 != 0) {
    throw ArgumentError("load_book_model: a network2.py model loads into Dense, Sigmoid pairs, "
                        "but the network has an odd number of layers (" +
                        std::to_string(kinds.size()) + ")");
  }
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    const char* wanted = i % 2 == 0 ? "dense" : "sigmoid";
    if (kinds[i] != wanted) {
      throw ArgumentError("load_book_model: a network2.py model loads into Dense, Sigmoid pairs, "
                          "but layer " + std::to_string(i) + " of the network is '" + kinds[i] +
                          "'");
    }
  }
  if (sizes != model.sizes) {
    std::string ours;
    for (const Index size : sizes) {
      ours += (ours.empty() ? "" : "-") + std::to_string(size);
    }
    throw FormatError(std::string(source) + ": the file holds a " + model.describe() +
                      " network but the network to load it into is " + ours);
  }
  std::size_t dense = 0;
  network.for_each_layer([&](auto& layer) {
    if constexpr (TrainableLayer<std::remove_cvref_t<decltype(layer)>>) {
      layer.for_each_parameter([&](Parameter<S>& p) {
        p.value = (p.name == "weights" ? model.weights[dense] : model.biases[dense])
                      .template cast<S>();
      });
      ++dense;
    }
  });
}

/// The network (Dense + Sigmoid pairs) as a network2.py document, which that program's load()
/// reads back.
template <class Net>
nlohmann::json book_model_to_json(const Net& network, BookCost cost) {
  using S = typename Net::Scalar;
  nlohmann::json sizes = nlohmann::json::array();
  nlohmann::json weights = nlohmann::json::array();
  nlohmann::json biases = nlohmann::json::array();
  std::size_t index = 0;
  network.for_each_layer([&](const auto& layer) {
    const char* wanted = index % 2 == 0 ? "dense" : "sigmoid";
    if (layer.kind() != std::string_view(wanted)) {
      throw ArgumentError("book_model_to_json: network2.py models are Dense, Sigmoid pairs, but "
                          "layer " + std::to_string(index) + " is '" +
                          std::string(layer.kind()) + "'");
    }
    if constexpr (TrainableLayer<std::remove_cvref_t<decltype(layer)>>) {
      if (sizes.empty()) {
        sizes.push_back(layer.input_size());
      }
      sizes.push_back(layer.output_size());
      layer.for_each_parameter([&](const Parameter<S>& p) {
        (p.name == "weights" ? weights : biases)
            .push_back(detail::matrix_to_json(p.value, "layer " + std::to_string(index) + " " +
                                                           p.name));
      });
    }
    ++index;
  });
  if (index % 2 != 0) {
    throw ArgumentError("book_model_to_json: the network ends without a Sigmoid");
  }
  return {{"sizes", sizes},
          {"weights", weights},
          {"biases", biases},
          {"cost", std::string(book_cost_name(cost))}};
}

/// Saves the network in network2.py's format to `path`, atomically.
template <class Net>
void save_book_model(const Net& network, const std::filesystem::path& path, BookCost cost) {
  write_file_atomically(path, book_model_to_json(network, cost).dump() + "\n");
}

}  // namespace bachprop
