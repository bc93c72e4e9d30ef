#pragma once
// Small helpers shared by the tests.

#include <bachprop/core/gradient_check.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

namespace test {

/// A matrix of N(0, scale²) entries from a seed: fixed, varied values.
inline bachprop::Matrix<double> random_matrix(bachprop::Index rows, bachprop::Index cols,
                                              std::uint64_t seed, double scale = 1.0) {
  bachprop::Rng rng(seed);
  bachprop::Matrix<double> m(rows, cols);
  for (bachprop::Index i = 0; i < m.size(); ++i) {
    m.data()[i] = rng.normal(0.0, scale);
  }
  return m;
}

/// Every column a probability distribution (positive, summing to 1).
inline bachprop::Matrix<double> random_distributions(bachprop::Index rows, bachprop::Index cols,
                                                     std::uint64_t seed) {
  bachprop::Matrix<double> m = random_matrix(rows, cols, seed).array().exp().matrix();
  m.array().rowwise() /= m.colwise().sum().array();
  return m;
}

/// Entries uniform in (0.05, 0.95): targets and probabilities for binary losses.
inline bachprop::Matrix<double> random_probabilities(bachprop::Index rows, bachprop::Index cols,
                                                     std::uint64_t seed) {
  bachprop::Rng rng(seed);
  bachprop::Matrix<double> m(rows, cols);
  for (bachprop::Index i = 0; i < m.size(); ++i) {
    m.data()[i] = rng.uniform(0.05, 0.95);
  }
  return m;
}

/// The bar every gradient check must pass: relative error below 1e-6 and no vanishing gradient
/// (a check that compares zero with zero proves nothing).
inline void require_gradients_match(const bachprop::GradientReport& report) {
  INFO(report.to_string());
  REQUIRE(!report.comparisons.empty());
  CHECK(report.worst_relative_error() < 1e-6);
  CHECK(report.smallest_gradient_norm() > 1e-3);
}

}  // namespace test
