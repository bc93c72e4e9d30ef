// libFuzzer target: IDX images and labels (io/idx.hpp), raw or gzip (io/gzip.hpp). The input is
// written to a scratch file (the readers take a path) and read as images, as the first image
// only, as labels checked against 10 classes, and as plain decompressed bytes.

#include "fuzz_common.hpp"

#include <bachprop/io/gzip.hpp>
#include <bachprop/io/idx.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::ScratchFile file("idx");
  const auto& path = file.write(fuzz::as_text(data, size));
  // A small limit on the data a header may claim keeps a forged but consistent header (whose
  // data a gzip file could really hold) inside the fuzzer's memory limit.
  const std::uint64_t max_bytes = std::uint64_t{1} << 26;
  try {
    const auto images = bachprop::read_idx_images<float>(path, {.max_bytes = max_bytes});
    if (images.pixels.size() > 0 && !(images.pixels.minCoeff() >= 0.0F &&
                                      images.pixels.maxCoeff() <= 1.0F)) {
      __builtin_trap();  // pixels must be scaled into [0, 1]
    }
  } catch (const bachprop::Error&) {
  }
  try {
    bachprop::read_idx_images<double>(path, {.max_items = 1, .max_bytes = max_bytes});
  } catch (const bachprop::Error&) {
  }
  try {
    const auto labels =
        bachprop::read_idx_labels(path, {.max_bytes = max_bytes, .classes = 10});
    for (const auto label : labels) {
      if (label < 0 || label > 9) {
        __builtin_trap();  // the class check let a label through
      }
    }
  } catch (const bachprop::Error&) {
  }
  try {
    bachprop::read_decompressed(path, max_bytes);
  } catch (const bachprop::Error&) {
  }
  return 0;
}
