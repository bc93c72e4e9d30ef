#pragma once
// Small seeded networks and synthetic data for the checkpoint, resume and divergence tests, and
// a bitwise comparison of two networks' parameters.

#include "io/idx_samples.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/train/checkpoint.hpp>

#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

namespace resume_test {

using bachprop::Index;
using bachprop::Matrix;

/// 8 features × `samples` columns of N(0, 1) inputs and one-hot targets over 3 classes that
/// depend on the inputs (so that training has something to learn).
struct Data {
  Matrix<float> inputs;
  Matrix<float> targets;
};

inline Data classification_data(Index samples, std::uint64_t seed) {
  bachprop::Rng rng(seed);
  Data data{Matrix<float>(8, samples), Matrix<float>::Zero(3, samples)};
  for (Index j = 0; j < samples; ++j) {
    for (Index i = 0; i < 8; ++i) {
      data.inputs(i, j) = static_cast<float>(rng.normal());
    }
    const float score = data.inputs(0, j) + data.inputs(1, j) - data.inputs(2, j);
    data.targets(score < -0.5F ? 0 : (score < 0.5F ? 1 : 2), j) = 1;
  }
  return data;
}

/// 8-12-3 tanh network with a softmax output, weights from `seed`.
inline auto small_network(std::uint64_t seed) {
  using namespace bachprop;
  Network net{Dense<float>(8, 12), Tanh<float>(), Dense<float>(12, 3), Softmax<float>()};
  net.initialise(seed);
  return net;
}
using SmallNet = decltype(small_network(0));

/// Every parameter of `a` has the same bits as that of `b`.
template <class Net>
bool bitwise_equal(const Net& a, const Net& b) {
  std::vector<const Matrix<float>*> left;
  std::vector<const Matrix<float>*> right;
  a.for_each_parameter([&](const bachprop::Parameter<float>& p) { left.push_back(&p.value); });
  b.for_each_parameter([&](const bachprop::Parameter<float>& p) { right.push_back(&p.value); });
  if (left.size() != right.size()) {
    return false;
  }
  for (std::size_t i = 0; i < left.size(); ++i) {
    if (left[i]->rows() != right[i]->rows() || left[i]->cols() != right[i]->cols() ||
        std::memcmp(left[i]->data(), right[i]->data(),
                    static_cast<std::size_t>(left[i]->size()) * sizeof(float)) != 0) {
      return false;
    }
  }
  return true;
}

/// The number of files in `folder` (to see that no temporary file is left behind).
inline std::size_t files_in(const std::filesystem::path& folder) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(folder),
                                                std::filesystem::directory_iterator{}));
}

/// Thrown by a test's callback to stop a run the way a crash would, mid-epoch.
struct SimulatedCrash {};

}  // namespace resume_test
