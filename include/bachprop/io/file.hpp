#pragma once
/// @file
/// Reading whole files, and writing them so that no reader ever sees half a file.
///
/// An output is written to a temporary file beside its destination and renamed over it only once
/// it is complete and flushed: a crash or a kill mid-write leaves the old file (or none), never a
/// truncated model or MIDI file under the final name.

#include <bachprop/core/error.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>

namespace bachprop {

/// The whole file as bytes; throws IoError naming the file.
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw IoError(path.string() + ": cannot open for reading");
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    throw IoError(path.string() + ": read failed");
  }
  return std::move(contents).str();
}

/// Writes `write(stream)` to `path` atomically: into a temporary file in the same folder, then a
/// rename. If `write` throws or the disk fills, the temporary is removed and `path` untouched.
inline void write_file_atomically(const std::filesystem::path& path,
                                  const std::function<void(std::ostream&)>& write) {
  const std::filesystem::path folder =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::random_device entropy;
  const std::uint64_t tag = (static_cast<std::uint64_t>(entropy()) << 32U) ^ entropy();
  const std::filesystem::path temporary =
      folder / ("." + path.filename().string() + ".tmp-" + std::to_string(tag));
  try {
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      if (!out) {
        throw IoError(path.string() + ": cannot create a temporary file in " + folder.string());
      }
      write(out);
      out.flush();
      if (!out) {
        throw IoError(path.string() + ": write failed (disk full?)");
      }
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error) {
      throw IoError(path.string() + ": cannot move the finished file into place: " +
                    error.message());
    }
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw;
  }
}

/// Writes `contents` to `path` atomically.
inline void write_file_atomically(const std::filesystem::path& path, std::string_view contents) {
  write_file_atomically(path, [contents](std::ostream& out) {
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  });
}

}  // namespace bachprop
