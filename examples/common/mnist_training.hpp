#pragma once
// What the two MNIST lessons (mnist_digits, mnist_autoencoder) share around their training: the
// data (--data, --download), and the progress display after a word on the checkpoints
// (--checkpoint, --resume).

#include "common/download.hpp"
#include "common/progress.hpp"

#include <bachprop/core/types.hpp>

#include <filesystem>
#include <iostream>
#include <string>

namespace examples {

/// The folder of the MNIST files: --data `folder` if given, else the usual places, else a
/// download (with --download, or after asking on a terminal). See locate_or_download.
inline std::filesystem::path find_mnist(const std::string& folder, bool download) {
  return locate_or_download(mnist_source(), {.cli_value = folder, .download = download,
                                             .interactive = interactive_session()});
}

/// Says where the checkpoints go (or which one the run resumes from), ends the introduction
/// with a blank line, and returns the progress display of `epochs` epochs of `samples` samples
/// in mini-batches of `batch_size`.
inline TrainingProgress start_progress(const std::string& checkpoint_path, bool resume,
                                       bachprop::Index epochs, bachprop::Index samples,
                                       bachprop::Index batch_size) {
  if (!checkpoint_path.empty()) {
    std::cout << (resume ? "resuming from the checkpoint " : "checkpoints: ") << checkpoint_path
              << "\n";
  }
  std::cout << "\n";
  return TrainingProgress(epochs, (samples + batch_size - 1) / batch_size, stdout_is_terminal());
}

}  // namespace examples
