#pragma once
// Where the example programs find the models that ship with bachprop (models/*.json in the
// source tree): the folder $BACHPROP_MODELS, then share/bachprop/models beside the program's own
// folder (<prefix>/bin/../share/bachprop/models once installed). A build copies the models to
// the same place in the build tree (build/bin/../share/bachprop/models), so a program run from
// the build tree finds them exactly as an installed one does, and no path of the source tree is
// compiled into a program. A program that finds no model says where it looked and what to do.

#include <bachprop/core/error.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

// The models' folder relative to the program's folder; examples/CMakeLists.txt passes the one
// of the install layout (GNUInstallDirs' bin and share).
#ifndef BACHPROP_MODELS_FROM_PROGRAM
#define BACHPROP_MODELS_FROM_PROGRAM "../share/bachprop/models"
#endif

namespace examples {

/// The folders a shipped model is looked for in, in the order they are tried.
inline std::vector<std::filesystem::path> shipped_model_folders() {
  std::vector<std::filesystem::path> folders;
  if (const char* env = std::getenv("BACHPROP_MODELS"); env != nullptr && *env != '\0') {
    folders.emplace_back(env);
  }
  // The running program's own file (Linux); elsewhere the lookup rests on $BACHPROP_MODELS.
  std::error_code error;
  const std::filesystem::path program = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error && !program.empty()) {
    folders.push_back((program.parent_path() / BACHPROP_MODELS_FROM_PROGRAM).lexically_normal());
  }
  return folders;
}

/// The path of the shipped model `file_name` (e.g. "bach_melody_rnn.json"): the first folder of
/// shipped_model_folders() that holds it. Throws bachprop::IoError listing every place looked at
/// when none does.
inline std::filesystem::path shipped_model(const std::string& file_name) {
  std::string looked;
  for (const auto& folder : shipped_model_folders()) {
    const std::filesystem::path path = folder / file_name;
    std::error_code error;
    if (std::filesystem::is_regular_file(path, error)) {
      return path;
    }
    looked += "\n  " + path.string();
  }
  if (looked.empty()) {
    looked = "\n  nowhere ($BACHPROP_MODELS is not set and the program's folder is unknown)";
  }
  throw bachprop::IoError("the shipped model '" + file_name + "' was not found; looked in:" +
                          looked + "\nSet BACHPROP_MODELS to the folder that holds " + file_name +
                          " (models/ in bachprop's source), or pass --model FILE.");
}

}  // namespace examples
