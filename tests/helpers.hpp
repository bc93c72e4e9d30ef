#pragma once
// Small helpers shared by the tests.

#include <bachprop/core/error.hpp>
#include <bachprop/core/gradient_check.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

namespace test {

/// The source tree's root (README.md, docs/, include/).
inline const std::filesystem::path source_dir{BACHPROP_SOURCE_DIR};

/// The real data sets beside the checkout (../shared/data: MNIST, the JSB and UCI chorales);
/// tests that need them skip with a warning where they are absent.
inline const std::filesystem::path shared_data{BACHPROP_SHARED_DATA_DIR};

/// `name` in the temporary folder `folder` (created when missing), for files a test writes.
inline std::filesystem::path temp_file(const std::string& folder, const std::string& name) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / folder;
  std::filesystem::create_directories(dir);
  return dir / name;
}

/// The message of the FormatError that `load()` throws; fails the test when it throws none.
template <class F>
std::string format_error_of(F&& load) {
  try {
    load();
  } catch (const bachprop::FormatError& error) {
    return error.what();
  }
  FAIL("expected a FormatError");
  return {};
}

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

/// N(0, 1) entries of scalar type S from a seed.
template <class S>
bachprop::Matrix<S> normal_matrix(bachprop::Index rows, bachprop::Index cols,
                                  std::uint64_t seed) {
  bachprop::Rng rng(seed);
  bachprop::Matrix<S> m(rows, cols);
  for (bachprop::Index i = 0; i < m.size(); ++i) {
    m.data()[i] = static_cast<S>(rng.normal());
  }
  return m;
}

/// N(0, 1) entries in double.
inline bachprop::Matrix<double> normal(bachprop::Index rows, bachprop::Index cols,
                                       std::uint64_t seed) {
  return normal_matrix<double>(rows, cols, seed);
}

/// One-hot columns from a seed: a target every loss accepts (a distribution, values in [0, 1]).
template <class S>
bachprop::Matrix<S> one_hot_matrix(bachprop::Index rows, bachprop::Index cols,
                                   std::uint64_t seed) {
  bachprop::Rng rng(seed);
  bachprop::Matrix<S> m = bachprop::Matrix<S>::Zero(rows, cols);
  for (bachprop::Index j = 0; j < cols; ++j) {
    m(static_cast<bachprop::Index>(rng.below(static_cast<std::uint64_t>(rows))), j) = S(1);
  }
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
/// Columns that are one-hot (a single 1) or zero, at random from a seed: a melody's notes as a
/// recurrent layer is fed them.
inline bachprop::Matrix<double> one_hot_columns(bachprop::Index rows, bachprop::Index cols,
                                                std::uint64_t seed) {
  bachprop::Rng rng(seed);
  bachprop::Matrix<double> x = bachprop::Matrix<double>::Zero(rows, cols);
  for (bachprop::Index j = 0; j < cols; ++j) {
    const auto k =
        static_cast<bachprop::Index>(rng.below(static_cast<std::uint64_t>(rows + 1)));
    if (k < rows) {
      x(k, j) = 1.0;
    }
  }
  return x;
}

inline void require_gradients_match(const bachprop::GradientReport& report) {
  INFO(report.to_string());
  REQUIRE(!report.comparisons.empty());
  CHECK(report.worst_relative_error() < 1e-6);
  CHECK(report.smallest_gradient_norm() > 1e-3);
}

}  // namespace test
