#pragma once
// The MNIST autoencoder, shared by the mnist_autoencoder program and its tests: the network
// (an encoder and a decoder of dense layers in one Network), running either half alone, the
// test-set reconstruction errors, and the pictures (reconstructions, latent interpolations, the
// 2-D latent map).

#include <bachprop/neural.hpp>
#include <bachprop/draw/image.hpp>
#include <bachprop/io/idx.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace mnist_autoencoder {

using bachprop::Index;
using bachprop::Matrix;

/// The hidden layers' activation (the latent code itself is linear, the output a sigmoid).
enum class Activation { relu, sigmoid, tanh };

/// "relu", "sigmoid" or "tanh".
inline std::string activation_name(Activation activation) {
  switch (activation) {
    case Activation::relu: return "relu";
    case Activation::sigmoid: return "sigmoid";
    case Activation::tanh: return "tanh";
  }
  return "relu";
}

/// The activation named `name`; throws bachprop::ArgumentError for another name.
inline Activation activation_from_name(const std::string& name) {
  for (const Activation a : {Activation::relu, Activation::sigmoid, Activation::tanh}) {
    if (activation_name(a) == name) {
      return a;
    }
  }
  throw bachprop::ArgumentError("--activation must be relu, sigmoid or tanh, got '" + name + "'");
}

/// The shape and training of the autoencoder.
struct Settings {
  Index inputs = 784;        ///< pixels per image
  Index hidden = 128;        ///< neurons of the encoder's and the decoder's hidden layer
  Index latent = 32;         ///< size of the code
  Activation activation = Activation::relu;
  Index epochs = 20;
  Index batch_size = 64;
  double learning_rate = 1e-3;  ///< Adam's α
};

/// The layers, in order: Dense(inputs, hidden), A, Dense(hidden, latent) | Dense(latent,
/// hidden), A, Dense(hidden, inputs), Sigmoid. Layers 0-2 encode, layers 3-6 decode.
template <class A>
using AutoencoderOf =
    bachprop::Network<bachprop::Dense<float>, A, bachprop::Dense<float>, bachprop::Dense<float>, A,
                      bachprop::Dense<float>, bachprop::Sigmoid<float>>;

/// The last layer of the encoder: its output is the latent code.
inline constexpr std::size_t encoder_last_layer = 2;
/// The last layer of the decoder.
inline constexpr std::size_t decoder_last_layer = 6;

/// Builds the autoencoder with activation A and draws its weights from `seed`: He
/// initialisation before ReLU, Glorot (xavier) elsewhere.
template <class A>
AutoencoderOf<A> make_autoencoder(const Settings& s, std::uint64_t seed) {
  using bachprop::Dense;
  using bachprop::Init;
  const Init hidden_init = std::is_same_v<A, bachprop::ReLU<float>> ? Init::he : Init::xavier;
  AutoencoderOf<A> network{Dense<float>(s.inputs, s.hidden, hidden_init), A(),
                           Dense<float>(s.hidden, s.latent, Init::xavier),
                           Dense<float>(s.latent, s.hidden, hidden_init), A(),
                           Dense<float>(s.hidden, s.inputs, Init::xavier),
                           bachprop::Sigmoid<float>()};
  network.initialise(seed);
  return network;
}

/// Calls `use(network)` with the autoencoder of the settings' activation (the activation is a
/// compile-time type; this picks it at run time).
template <class F>
decltype(auto) with_autoencoder(const Settings& s, std::uint64_t seed, F&& use) {
  switch (s.activation) {
    case Activation::sigmoid: {
      auto network = make_autoencoder<bachprop::Sigmoid<float>>(s, seed);
      return use(network);
    }
    case Activation::tanh: {
      auto network = make_autoencoder<bachprop::Tanh<float>>(s, seed);
      return use(network);
    }
    case Activation::relu:
    default: {
      auto network = make_autoencoder<bachprop::ReLU<float>>(s, seed);
      return use(network);
    }
  }
}

/// Runs layers First..Last (inclusive) of `network` on `input`.
template <std::size_t First, std::size_t Last, class Net>
Matrix<float> forward_layers(Net& network, const Matrix<float>& input) {
  const Matrix<float>* activation = &input;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((activation = &network.template layer<First + I>().forward(*activation)), ...);
  }(std::make_index_sequence<Last - First + 1>{});
  return *activation;
}

/// The latent codes (latent × n) of images (pixels × n).
template <class Net>
Matrix<float> encode(Net& network, const Matrix<float>& images) {
  return forward_layers<0, encoder_last_layer>(network, images);
}

/// The images (pixels × n) decoded from latent codes (latent × n).
template <class Net>
Matrix<float> decode(Net& network, const Matrix<float>& codes) {
  return forward_layers<encoder_last_layer + 1, decoder_last_layer>(network, codes);
}

/// Reconstruction errors on a set of images, per pixel (mean over pixels and images).
struct Errors {
  double bce = 0;  ///< binary cross-entropy, nats per pixel
  double mse = 0;  ///< squared error per pixel
};

/// The errors of reconstructing `images` (in chunks of 5,000, so the buffers stay small).
template <class Net>
Errors reconstruction_errors(Net& network, const Matrix<float>& images) {
  const bachprop::BinaryCrossEntropy<float> bce;
  double bce_sum = 0;
  double squared_sum = 0;
  constexpr Index chunk = 5000;
  for (Index first = 0; first < images.cols(); first += chunk) {
    const Index count = std::min(chunk, images.cols() - first);
    const Matrix<float> part = images.middleCols(first, count);
    // The network's loss: from the logits, summed over pixels, averaged over the chunk.
    bce_sum += static_cast<double>(network.loss(part, part, bce)) * static_cast<double>(count);
    const Matrix<float>& output = network.template layer<decoder_last_layer>().last_output();
    squared_sum += static_cast<double>((output - part).squaredNorm());
  }
  const double values = static_cast<double>(images.size());
  return {bce_sum / values, squared_sum / values};
}

/// The errors of the simplest guess: every image is the mean training image.
inline Errors mean_image_errors(const Matrix<float>& train, const Matrix<float>& test) {
  const Eigen::VectorXd mean = train.cast<double>().rowwise().mean();
  double bce = 0;
  double squared = 0;
  for (Index j = 0; j < test.cols(); ++j) {
    for (Index i = 0; i < test.rows(); ++i) {
      const double y = test(i, j);
      const double a = std::clamp(mean(i), 1e-7, 1.0 - 1e-7);
      bce -= y * std::log(a) + (1.0 - y) * std::log(1.0 - a);
      squared += (a - y) * (a - y);
    }
  }
  const double values = static_cast<double>(test.size());
  return {bce / values, squared / values};
}

/// For each digit 0-9, the indices of its images in `labels`, in order.
inline std::array<std::vector<Index>, 10> indices_by_class(const std::vector<Index>& labels) {
  std::array<std::vector<Index>, 10> classes;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= 0 && labels[i] < 10) {
      classes[static_cast<std::size_t>(labels[i])].push_back(static_cast<Index>(i));
    }
  }
  return classes;
}

// ---------------------------------------------------------------------------------------------
// Pictures.

/// Draws the image in column `column` of `images` (rows × columns pixels), ink dark on white.
inline void draw_digit(bachprop::Image& canvas, const Matrix<float>& images, Index column,
                       Index rows, Index columns, int x, int y, int scale) {
  const Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
      pixels(images.col(column).data(), rows, columns);
  canvas.draw_grey(pixels, x, y, scale, true);
}

/// A grid of test images, each beside its reconstruction: `per_class` examples of every digit,
/// one column of pairs per digit. Returns the picture.
template <class Net>
bachprop::Image reconstruction_picture(Net& network, const bachprop::LabelledImages<float>& test,
                                       Index per_class, int scale = 2) {
  const auto classes = indices_by_class(test.labels);
  std::vector<Index> chosen;
  for (Index row = 0; row < per_class; ++row) {
    for (const auto& members : classes) {
      if (row < static_cast<Index>(members.size())) {
        chosen.push_back(members[static_cast<std::size_t>(row)]);
      }
    }
  }
  Matrix<float> originals(test.images.rows(), static_cast<Index>(chosen.size()));
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    originals.col(static_cast<Index>(k)) = test.images.col(chosen[k]);
  }
  const Matrix<float> reconstructed = network.forward(originals);
  const int side = static_cast<int>(test.rows) * scale;
  const int pair_width = 2 * side + 2;  // original, a 2-pixel gap, reconstruction
  const int gap = 12;
  const int margin = 10;
  const int width = 2 * margin + 10 * pair_width + 9 * gap;
  const int height = 2 * margin + static_cast<int>(per_class) * (side + gap) - gap;
  bachprop::Image picture(width, height, 1, 255);
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    const int x = margin + static_cast<int>(k % 10) * (pair_width + gap);
    const int y = margin + static_cast<int>(k / 10) * (side + gap);
    const auto column = static_cast<Index>(k);
    draw_digit(picture, originals, column, test.rows, test.columns, x, y, scale);
    draw_digit(picture, reconstructed, column, test.rows, test.columns, x + side + 2, y, scale);
    // A thin frame round each reconstruction tells the two apart.
    const bachprop::Rgb frame{170, 170, 170};
    picture.line(x + side + 1, y - 1, x + 2 * side + 2, y - 1, frame);
    picture.line(x + side + 1, y + side, x + 2 * side + 2, y + side, frame);
    picture.line(x + side + 1, y - 1, x + side + 1, y + side, frame);
    picture.line(x + 2 * side + 2, y - 1, x + 2 * side + 2, y + side, frame);
  }
  return picture;
}

/// Pairs of test images of different digits, one pair per row: row r goes from a digit r to a
/// digit (3r + 5) mod 10 (never the same), each image picked at random among its class by `seed`.
inline std::vector<std::pair<Index, Index>> interpolation_pairs(const std::vector<Index>& labels,
                                                                Index rows, std::uint64_t seed) {
  const auto classes = indices_by_class(labels);
  bachprop::Rng rng(seed);
  std::vector<std::pair<Index, Index>> pairs;
  for (Index r = 0; r < rows; ++r) {
    const auto from = static_cast<std::size_t>(r % 10);
    auto to = static_cast<std::size_t>((3 * r + 5) % 10);
    if (to == from) {
      to = (to + 1) % 10;
    }
    if (classes[from].empty() || classes[to].empty()) {
      continue;
    }
    pairs.emplace_back(classes[from][rng.below(classes[from].size())],
                       classes[to][rng.below(classes[to].size())]);
  }
  return pairs;
}

/// Interpolations in latent space: per row, the first test image, `steps` images decoded from
/// codes evenly spaced from its code to the second image's code (both ends included), and the
/// second test image.
template <class Net>
bachprop::Image interpolation_picture(Net& network, const bachprop::LabelledImages<float>& test,
                                      const std::vector<std::pair<Index, Index>>& pairs,
                                      Index steps, int scale = 2) {
  const int side = static_cast<int>(test.rows) * scale;
  const int margin = 10;
  const int gap = 4;
  const int wide_gap = 14;  // between the test images and the decoded ones
  const auto n = static_cast<int>(steps);
  const int width = 2 * margin + (n + 2) * side + (n - 1) * gap + 2 * wide_gap;
  const int height = 2 * margin + static_cast<int>(pairs.size()) * (side + gap + 4) - gap - 4;
  bachprop::Image picture(width, height, 1, 255);
  for (std::size_t r = 0; r < pairs.size(); ++r) {
    Matrix<float> ends(test.images.rows(), 2);
    ends.col(0) = test.images.col(pairs[r].first);
    ends.col(1) = test.images.col(pairs[r].second);
    const Matrix<float> codes = encode(network, ends);
    Matrix<float> path(codes.rows(), steps);
    for (Index s = 0; s < steps; ++s) {
      const float t = steps == 1 ? 0.0F : static_cast<float>(s) / static_cast<float>(steps - 1);
      path.col(s) = (1.0F - t) * codes.col(0) + t * codes.col(1);
    }
    const Matrix<float> decoded = decode(network, path);
    const int y = margin + static_cast<int>(r) * (side + gap + 4);
    // Light rules set the two test images apart from the decoded path between them.
    const bachprop::Rgb rule{190, 190, 190};
    const int left_rule = margin + side + wide_gap / 2;
    const int right_rule = width - margin - side - wide_gap / 2 - 1;
    picture.line(left_rule, y, left_rule, y + side - 1, rule);
    picture.line(right_rule, y, right_rule, y + side - 1, rule);
    draw_digit(picture, ends, 0, test.rows, test.columns, margin, y, scale);
    int x = margin + side + wide_gap;
    for (Index s = 0; s < steps; ++s) {
      draw_digit(picture, decoded, s, test.rows, test.columns, x, y, scale);
      x += side + gap;
    }
    draw_digit(picture, ends, 1, test.rows, test.columns, x - gap + wide_gap, y, scale);
  }
  return picture;
}

/// The box of latent space the 2-D pictures show: the 0.5th to 99.5th percentile of each
/// coordinate over `codes` (2 × n), widened by 5% each side.
struct LatentBox {
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
};

inline LatentBox latent_box(const Matrix<float>& codes) {
  auto range = [&codes](Index row) {
    std::vector<float> values(codes.row(row).begin(), codes.row(row).end());
    std::sort(values.begin(), values.end());
    const auto at = [&values](double q) {
      return static_cast<double>(
          values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1))]);
    };
    const double lo = at(0.005);
    const double hi = at(0.995);
    const double pad = 0.05 * std::max(hi - lo, 1e-6);
    return std::pair{lo - pad, hi + pad};
  };
  const auto [x0, x1] = range(0);
  const auto [y0, y1] = range(1);
  return {x0, x1, y0, y1};
}

/// Glyphs 5 pixels wide and 7 high for the digits 0-9 (one row per byte, high bit on the left):
/// enough to label a legend without a font library.
inline void draw_digit_glyph(bachprop::Image& canvas, int digit, int x, int y, int scale,
                             bachprop::Rgb colour) {
  static constexpr std::array<std::array<std::uint8_t, 7>, 10> glyphs{{
      {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E},  // 0
      {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E},  // 1
      {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F},  // 2
      {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E},  // 3
      {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02},  // 4
      {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E},  // 5
      {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E},  // 6
      {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08},  // 7
      {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E},  // 8
      {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C},  // 9
  }};
  const auto& glyph = glyphs[static_cast<std::size_t>(digit) % 10];
  for (int row = 0; row < 7; ++row) {
    for (int col = 0; col < 5; ++col) {
      if ((glyph[static_cast<std::size_t>(row)] >> (4 - col)) & 1U) {
        canvas.fill_rect(x + col * scale, y + row * scale, scale, scale, colour);
      }
    }
  }
}

/// The test set's 2-D latent codes as dots coloured by digit (bachprop::class_colour), with a
/// legend of the ten colours and a frame for the box.
inline bachprop::Image latent_scatter_picture(const Matrix<float>& codes,
                                              const std::vector<Index>& labels,
                                              const LatentBox& box, int size = 640) {
  const int margin = 12;
  const int legend_width = 70;
  bachprop::Image picture(size + 2 * margin + legend_width, size + 2 * margin, 3, 255);
  const bachprop::Rgb frame{120, 120, 120};
  picture.line(margin - 1, margin - 1, margin + size, margin - 1, frame);
  picture.line(margin - 1, margin + size, margin + size, margin + size, frame);
  picture.line(margin - 1, margin - 1, margin - 1, margin + size, frame);
  picture.line(margin + size, margin - 1, margin + size, margin + size, frame);
  // The axes through code (0, 0), when it is inside the box.
  const bachprop::Rgb axis{215, 215, 215};
  const auto to_x = [&](double v) {
    return margin + static_cast<int>(std::lround((v - box.x0) / (box.x1 - box.x0) * (size - 1)));
  };
  const auto to_y = [&](double v) {
    return margin + size - 1 -
           static_cast<int>(std::lround((v - box.y0) / (box.y1 - box.y0) * (size - 1)));
  };
  if (box.x0 < 0 && box.x1 > 0) {
    picture.line(to_x(0), margin, to_x(0), margin + size - 1, axis);
  }
  if (box.y0 < 0 && box.y1 > 0) {
    picture.line(margin, to_y(0), margin + size - 1, to_y(0), axis);
  }
  // Draw in a shuffled order so that no digit's colour hides all the others where they overlap.
  std::vector<Index> order(static_cast<std::size_t>(codes.cols()));
  std::iota(order.begin(), order.end(), Index{0});
  bachprop::Rng rng(7);
  rng.shuffle(std::span<Index>(order));
  for (const Index j : order) {
    const double u = codes(0, j);
    const double v = codes(1, j);
    if (u < box.x0 || u > box.x1 || v < box.y0 || v > box.y1) {
      continue;
    }
    picture.dot(
        to_x(u), to_y(v), 2,
        bachprop::class_colour(static_cast<std::size_t>(labels[static_cast<std::size_t>(j)])));
  }
  // The legend: ten swatches down the right-hand side, spaced to fit the picture's height.
  const int step = std::clamp((size - 20) / 10, 10, 30);
  const int swatch = std::min(18, step - 2);
  const int glyph_scale = step >= 24 ? 2 : 1;
  for (int digit = 0; digit < 10; ++digit) {
    const int x = size + 2 * margin + 8;
    const int y = margin + 10 + digit * step;
    picture.fill_rect(x, y, swatch, swatch,
                      bachprop::class_colour(static_cast<std::size_t>(digit)));
    draw_digit_glyph(picture, digit, x + swatch + 8, y + (swatch - 7 * glyph_scale) / 2,
                     glyph_scale, bachprop::black);
  }
  return picture;
}

/// The images decoded from a grid of `n` × `n` latent points spanning `box` (x to the right,
/// y upwards, as in the scatter plot). Cells of the grid that none of `codes` (the test set's
/// codes, 2 × count) falls in are drawn faded: there the decoder has never seen a digit and
/// what it draws is its guess.
template <class Net>
bachprop::Image latent_grid_picture(Net& network, const LatentBox& box, const Matrix<float>& codes,
                                    Index n, Index rows, Index columns, int scale = 1) {
  std::vector<int> visits(static_cast<std::size_t>(n * n), 0);
  for (Index k = 0; k < codes.cols(); ++k) {
    const double fx = (codes(0, k) - box.x0) / (box.x1 - box.x0);
    const double fy = (box.y1 - codes(1, k)) / (box.y1 - box.y0);
    if (fx >= 0 && fx < 1 && fy >= 0 && fy < 1) {
      const auto j = static_cast<Index>(fx * static_cast<double>(n));
      const auto i = static_cast<Index>(fy * static_cast<double>(n));
      ++visits[static_cast<std::size_t>(i * n + j)];
    }
  }
  Matrix<float> grid(2, n * n);
  for (Index i = 0; i < n; ++i) {      // picture row, top to bottom: y from high to low
    for (Index j = 0; j < n; ++j) {    // picture column: x from low to high
      const double fx = (static_cast<double>(j) + 0.5) / static_cast<double>(n);
      const double fy = (static_cast<double>(i) + 0.5) / static_cast<double>(n);
      grid(0, i * n + j) = static_cast<float>(box.x0 + fx * (box.x1 - box.x0));
      grid(1, i * n + j) = static_cast<float>(box.y1 - fy * (box.y1 - box.y0));
    }
  }
  Matrix<float> images = decode(network, grid);
  for (Index k = 0; k < n * n; ++k) {
    if (visits[static_cast<std::size_t>(k)] == 0) {
      images.col(k) *= 0.2F;  // faded: a light grey sketch of the decoder's guess
    }
  }
  const int side = static_cast<int>(rows) * scale;
  const int margin = 8;
  const int size = static_cast<int>(n) * side;
  bachprop::Image picture(size + 2 * margin, size + 2 * margin, 1, 255);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < n; ++j) {
      draw_digit(picture, images, i * n + j, rows, columns, margin + static_cast<int>(j) * side,
                 margin + static_cast<int>(i) * side, scale);
    }
  }
  return picture;
}

}  // namespace mnist_autoencoder
