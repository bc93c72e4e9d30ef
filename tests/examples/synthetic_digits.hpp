#pragma once
// Small synthetic digits for the tests of the MNIST examples' code (02_mnist_digits and
// 03_mnist_autoencoder): learnable in a few epochs, no data set needed.

#include <bachprop/core/random.hpp>
#include <bachprop/io/idx.hpp>

#include <cstdint>

namespace test {

using bachprop::Index;
using bachprop::LabelledImages;
using bachprop::Matrix;
using bachprop::Rng;

// `per_class` images of 4×4 pixels per class 0-9: class k lights pixel k (and a little noise),
// so a network can learn them in a few epochs.
inline LabelledImages<float> synthetic_digits(Index per_class, std::uint64_t seed) {
  LabelledImages<float> set;
  set.rows = 4;
  set.columns = 4;
  set.images = Matrix<float>::Zero(16, 10 * per_class);
  Rng rng(seed);
  for (Index j = 0; j < set.images.cols(); ++j) {
    const Index label = j % 10;
    set.labels.push_back(label);
    for (Index i = 0; i < 16; ++i) {
      set.images(i, j) = static_cast<float>(rng.uniform(0.0, 0.2));
    }
    set.images(label, j) = 1.0F;
  }
  return set;
}

}  // namespace test
