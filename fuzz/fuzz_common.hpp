#pragma once
// Shared by the libFuzzer targets (fuzz/fuzz_*.cpp). A target hands the fuzzer's bytes to one
// loader and catches bachprop::Error — the documented way every loader refuses bad input.
// Anything else is a finding: a crash, a sanitizer report (out-of-bounds, use after free,
// undefined behaviour), a leak, a timeout, an allocation above the fuzzer's limit, or any other
// exception escaping (std::bad_alloc from a forged size, a nlohmann::json exception, ...).

#include <bachprop/core/error.hpp>

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace fuzz {

/// The fuzzer's input as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Where scratch files go: Linux's shared-memory tmpfs when there is one, else the system's
/// temporary folder. Rewriting a file on disk for every input (ext4 truncating and discarding
/// blocks) made the IDX target fifteen times slower.
inline std::filesystem::path scratch_folder() {
  std::error_code error;
  if (std::filesystem::is_directory("/dev/shm", error)) {
    return "/dev/shm";
  }
  return std::filesystem::temp_directory_path();
}

/// A scratch file named after the target and the process (parallel fuzzing jobs never share
/// one), rewritten with each input, removed at exit. For the loaders that read only from a path.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& tag)
      : path_(scratch_folder() / ("bachprop-fuzz-" + tag + "-" + std::to_string(::getpid()))) {}
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  ~ScratchFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  /// Writes `bytes` as the whole file and returns its path.
  const std::filesystem::path& write(std::string_view bytes) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      __builtin_trap();  // the machine, not the loader: stop loudly
    }
    return path_;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace fuzz
