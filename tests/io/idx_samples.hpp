#pragma once
// Small IDX files the tests write themselves (images, labels, raw or gzip), and a temporary
// folder that cleans up after itself. Shared by tests/io and tests/mnist.

#include <bachprop/core/random.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/io/gzip.hpp>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace test {

/// A fresh folder under the system's temporary folder, removed (with its contents) on scope
/// exit. The name holds the process id, so test cases that ctest runs in parallel never meet.
class TempFolder {
 public:
  explicit TempFolder(const std::string& tag) {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("bachprop-" + tag + "-" + std::to_string(::getpid()) + "-" +
             std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// A 32-bit size in big-endian order, as IDX headers store it.
inline std::string big_endian(std::uint32_t value) {
  std::string bytes(4, '\0');
  for (int i = 0; i < 4; ++i) {
    bytes[static_cast<std::size_t>(i)] =
        static_cast<char>((value >> (24U - 8U * static_cast<unsigned>(i))) & 0xFFU);
  }
  return bytes;
}

/// An IDX images file (magic 00 00 08 03) of `count` images of rows × columns, pixel values
/// drawn from `seed` (byte i of image n is a fixed function of the seed, so tests can check it).
inline std::string idx_images(std::uint32_t count, std::uint32_t rows, std::uint32_t columns,
                              std::uint64_t seed = 1) {
  std::string bytes("\x00\x00\x08\x03", 4);
  bytes += big_endian(count) + big_endian(rows) + big_endian(columns);
  bachprop::Rng rng(seed);
  for (std::uint64_t i = 0; i < std::uint64_t{count} * rows * columns; ++i) {
    bytes.push_back(static_cast<char>(rng.below(256)));
  }
  return bytes;
}

/// An IDX labels file (magic 00 00 08 01) holding `labels`.
inline std::string idx_labels(const std::vector<int>& labels) {
  std::string bytes("\x00\x00\x08\x01", 4);
  bytes += big_endian(static_cast<std::uint32_t>(labels.size()));
  for (const int label : labels) {
    bytes.push_back(static_cast<char>(label));
  }
  return bytes;
}

/// Writes `bytes` to `path` (gzip-compressed when `gzip`) and returns the path.
inline std::filesystem::path write_bytes(const std::filesystem::path& path,
                                         const std::string& bytes, bool gzip = false) {
  bachprop::write_file_atomically(path, gzip ? bachprop::gzip_compress(bytes) : bytes);
  return path;
}

}  // namespace test
