#pragma once
/// @file
/// The quantised token LSTM's compact file: a first line "bachprop-q8 1", a second line of JSON
/// (the vocabulary, the duration classes, the shape, and whatever the writer adds), then the
/// matrices as bytes, little-endian, in a fixed order: the embedding, each LSTM's W_x, W_h and
/// b, the dense layer's weights and biases; a quantised matrix is its scales (float32, one per
/// row) then its 8-bit values (column after column). Every size comes from the JSON, and the
/// bytes that must follow are counted and checked against the file's length before anything is
/// allocated; every scale must be ≥ 0 and every weight and bias within ±10⁶
/// (quantised_weight_limit: so that a step's sums stay finite). About 1 byte per weight where
/// the float model's JSON takes about 10.

#include <bachprop/core/error.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/music/models/model_file.hpp>
#include <bachprop/music/models/token_quantised.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop::music {

namespace detail::quantised_file {

inline constexpr std::string_view magic = "bachprop-q8 1\n";

inline void put_float(std::string& out, float value) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  for (int b = 0; b < 4; ++b) {
    out.push_back(static_cast<char>((bits >> (8 * b)) & 0xFFU));
  }
}

inline void put_matrix(std::string& out, const QuantisedMatrix& m) {
  for (const float s : m.scales) {
    put_float(out, s);
  }
  out.append(reinterpret_cast<const char*>(m.values.data()), m.values.size());
}

inline void put_floats(std::string& out, const std::vector<float>& values) {
  for (const float v : values) {
    put_float(out, v);
  }
}

/// Reads the payload in order, every read inside the bytes counted beforehand.
class Reader {
 public:
  Reader(std::string_view bytes, std::string source) : bytes_(bytes), source_(std::move(source)) {}

  std::vector<float> floats(std::size_t count, const char* what, bool scales) {
    std::vector<float> values(count);
    for (std::size_t i = 0; i < count; ++i) {
      std::uint32_t bits = 0;
      for (std::size_t b = 0; b < 4; ++b) {
        bits |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes_[at_ + b])) << (8 * b);
      }
      float value = 0;
      std::memcpy(&value, &bits, sizeof value);
      const double most = scales ? quantised_weight_limit / 127 : quantised_weight_limit;
      if (!(std::abs(value) <= most) || (scales && value < 0)) {
        throw FormatError(source_ + ": byte " + std::to_string(offset_ + at_) + ": expected " +
                          (scales ? "a scale ≥ 0 whose weights stay within ±10⁶"
                                  : "a number within ±10⁶") +
                          " in " + what + ", found " + std::to_string(value));
      }
      values[i] = value;
      at_ += 4;
    }
    return values;
  }

  QuantisedMatrix matrix(Index rows, Index cols, const char* what) {
    QuantisedMatrix m;
    m.rows = rows;
    m.cols = cols;
    m.scales = floats(static_cast<std::size_t>(rows), what, true);
    const auto count = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
    m.values.resize(count);
    std::memcpy(m.values.data(), bytes_.data() + at_, count);
    at_ += count;
    return m;
  }

  void set_offset(std::size_t offset) { offset_ = offset; }

 private:
  std::string_view bytes_;
  std::string source_;
  std::size_t at_ = 0;
  std::size_t offset_ = 0;
};

}  // namespace detail::quantised_file

/// The model as the compact file's bytes, `extra` added to its JSON line.
inline std::string quantised_bytes(const QuantisedTokenLstm& model,
                                   const nlohmann::json& extra = nlohmann::json::object()) {
  namespace q = detail::quantised_file;
  nlohmann::json metadata = extra;
  metadata["vocabulary"] = model.vocabulary().to_json();
  metadata["durations"] = model.durations().to_json();
  metadata["shape"] = model.shape().to_json();
  std::string out(q::magic);
  out += metadata.dump();
  out += '\n';
  q::put_matrix(out, model.embedding());
  for (const auto& layer : model.layers()) {
    q::put_matrix(out, layer.input_weights);
    q::put_matrix(out, layer.recurrent_weights);
    q::put_floats(out, layer.biases);
  }
  q::put_matrix(out, model.dense());
  q::put_floats(out, model.dense_biases());
  return out;
}

/// Writes the compact file atomically; IoError when it cannot.
inline void save_quantised(const QuantisedTokenLstm& model, const std::filesystem::path& path,
                           const nlohmann::json& extra = nlohmann::json::object()) {
  write_file_atomically(path, quantised_bytes(model, extra));
}

/// A model from the compact file's bytes; `source` names it in errors. FormatError, naming
/// the byte or the field and what was expected, for anything else.
inline QuantisedTokenLstm quantised_from_bytes(std::string_view bytes, const std::string& source) {
  namespace q = detail::quantised_file;
  if (bytes.substr(0, q::magic.size()) != q::magic) {
    throw FormatError(source + ": expected a first line \"bachprop-q8 1\" (a quantised token "
                      "LSTM written by bach_tokens --save-quantised)");
  }
  const std::size_t line_end = bytes.find('\n', q::magic.size());
  if (line_end == std::string_view::npos) {
    throw FormatError(source + ": expected a line of JSON after the first line");
  }
  const auto metadata = nlohmann::json::parse(
      bytes.substr(q::magic.size(), line_end - q::magic.size()), nullptr, false);
  if (!metadata.is_object()) {
    throw FormatError(source + ": line 2: expected a JSON object (vocabulary, durations, shape)");
  }
  Vocabulary vocabulary =
      Vocabulary::from_json(metadata.value("vocabulary", nlohmann::json()), source);
  DurationClasses durations =
      DurationClasses::from_json(metadata.value("durations", nlohmann::json()), source);
  const TokenLstmShape shape =
      token_sizes_from_json(metadata.value("shape", nlohmann::json::object()), source);

  // The payload's length, from the sizes alone, before anything is allocated (in 64 bits: a
  // vocabulary of 10⁵ tokens by 32 durations by 4096 entries is past 32 bits).
  const auto v = static_cast<std::uint64_t>(vocabulary.size());
  const auto d = static_cast<std::uint64_t>(durations.size());
  const auto inputs = shape.hears_durations ? v * d : v;
  const auto e = static_cast<std::uint64_t>(shape.embedding);
  const auto h = static_cast<std::uint64_t>(shape.hidden);
  std::uint64_t expected = inputs * (4 + e);  // the embedding
  for (Index layer = 0; layer < shape.layers; ++layer) {
    const std::uint64_t in = layer == 0 ? e : h;
    expected += 4 * h * (4 + in) + 4 * h * (4 + h) + 4 * 4 * h;
  }
  expected += (v + d) * (4 + h) + 4 * (v + d);
  const std::uint64_t payload = bytes.size() - line_end - 1;
  if (payload != expected) {
    throw FormatError(source + ": expected " + std::to_string(expected) +
                      " bytes of weights after the JSON line for its sizes, found " +
                      std::to_string(payload));
  }
  const auto rows = [](std::uint64_t n) { return static_cast<Index>(n); };
  q::Reader read(bytes.substr(line_end + 1), source);
  read.set_offset(line_end + 1);
  QuantisedMatrix embedding = read.matrix(rows(inputs), rows(e), "the embedding");
  std::vector<QuantisedLstmLayer> layers(static_cast<std::size_t>(shape.layers));
  for (std::size_t layer = 0; layer < layers.size(); ++layer) {
    layers[layer].input_weights =
        read.matrix(rows(4 * h), rows(layer == 0 ? e : h), "an LSTM's W_x");
    layers[layer].recurrent_weights = read.matrix(rows(4 * h), rows(h), "an LSTM's W_h");
    layers[layer].biases = read.floats(4 * h, "an LSTM's b", false);
  }
  QuantisedMatrix dense = read.matrix(rows(v + d), rows(h), "the dense layer");
  std::vector<float> dense_biases = read.floats(v + d, "the dense layer's biases", false);
  return QuantisedTokenLstm(std::move(vocabulary), std::move(durations), shape,
                            std::move(embedding), std::move(layers), std::move(dense),
                            std::move(dense_biases));
}

/// Reads the compact file. IoError for an unreadable file, FormatError for another kind.
inline QuantisedTokenLstm load_quantised(const std::filesystem::path& path) {
  return quantised_from_bytes(read_file(path), path.string());
}

/// Whether `path` starts as a compact quantised file does (so a program can take either kind);
/// reads only that first line's bytes. IoError for a file that cannot be opened.
inline bool is_quantised_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw IoError(path.string() + ": cannot open for reading");
  }
  std::string start(detail::quantised_file::magic.size(), '\0');
  in.read(start.data(), static_cast<std::streamsize>(start.size()));
  return in.gcount() == static_cast<std::streamsize>(start.size()) &&
         start == detail::quantised_file::magic;
}

}  // namespace bachprop::music
