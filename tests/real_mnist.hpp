#pragma once
// The real MNIST files in shared/data beside the checkout (CI has them; elsewhere the tests that
// need them skip with a warning), read once per process. Shared by the tests of io/idx.hpp and of
// the MNIST examples' code (examples/common/download.hpp, 02_mnist_digits, 03_mnist_autoencoder).

#include "helpers.hpp"

#include "common/download.hpp"

#include <bachprop/io/idx.hpp>

#include <filesystem>

namespace test {

// Under AddressSanitizer (CI's second pass) the arithmetic runs about ten times slower: the
// autoencoder test trains fewer epochs there, against a bar it still clears.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool sanitized = true;
#else
inline constexpr bool sanitized = false;
#endif

inline const std::filesystem::path& mnist_folder() {
  static const std::filesystem::path folder = shared_data / "mnist";
  return folder;
}

inline bool have_mnist() {
  return examples::folder_has_data_set(mnist_folder(), examples::mnist_source());
}

// The whole data set, read once per process.
inline const bachprop::MnistData<float>& mnist() {
  static const bachprop::MnistData<float> data = bachprop::read_mnist<float>(mnist_folder());
  return data;
}

}  // namespace test
