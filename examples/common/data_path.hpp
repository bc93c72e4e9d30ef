#pragma once
// Where the example programs look for data sets: --data DIR, then $BACHPROP_DATA, then the
// shared/data folder beside the checkout (where CI and the project's machines keep the real
// MNIST and Bach chorales). The project ships no data; a program that finds none says where it
// looked and what to do.

#include <bachprop/core/error.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#ifndef BACHPROP_SOURCE_DIR_FOR_DATA
#define BACHPROP_SOURCE_DIR_FOR_DATA ""
#endif

namespace examples {

/// The candidate data folders, in the order they are tried.
inline std::vector<std::filesystem::path> data_folder_candidates(const std::string& cli_value) {
  std::vector<std::filesystem::path> candidates;
  if (!cli_value.empty()) {
    candidates.emplace_back(cli_value);
    return candidates;  // an explicit --data is the only place looked at
  }
  if (const char* env = std::getenv("BACHPROP_DATA"); env != nullptr && *env != '\0') {
    candidates.emplace_back(env);
  }
  const std::filesystem::path source(BACHPROP_SOURCE_DIR_FOR_DATA);
  if (!source.empty()) {
    candidates.push_back(source.parent_path() / "shared" / "data");
  }
  candidates.push_back(std::filesystem::current_path() / ".." / "shared" / "data");
  return candidates;
}

/// The first candidate folder that holds `subfolder` (e.g. "mnist"), as candidate/subfolder.
/// Throws bachprop::IoError listing every place looked at when none does.
inline std::filesystem::path find_data_folder(const std::string& cli_value,
                                              const std::string& subfolder) {
  std::string looked;
  for (const auto& candidate : data_folder_candidates(cli_value)) {
    const auto folder = candidate / subfolder;
    std::error_code error;
    if (std::filesystem::is_directory(folder, error)) {
      return std::filesystem::weakly_canonical(folder, error);
    }
    // --data may also point straight at the data set's own folder.
    if (!cli_value.empty() && std::filesystem::is_directory(candidate, error) &&
        candidate.filename() == subfolder) {
      return candidate;
    }
    looked += "\n  " + folder.string();
  }
  throw bachprop::IoError("no '" + subfolder + "' data folder found; looked in:" + looked +
                          "\nPass --data DIR (the folder that holds '" + subfolder +
                          "/') or set BACHPROP_DATA.");
}

}  // namespace examples
