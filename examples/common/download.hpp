#pragma once
// Finding a data set, or downloading its public originals: the example programs look for data
// through --data DIR, BACHPROP_DATA and ../shared/data (common/data_path.hpp), then in a cache
// folder ($XDG_CACHE_HOME/bachprop, or ~/.cache/bachprop). When none holds it, they offer to
// fetch the files with curl or wget into the cache and check each against its published SHA-256
// before using it. Tests never download; they run this code on file:// URLs and local files.
// Not part of the library: it only serves the examples.

#include "common/data_path.hpp"

#include <bachprop/core/error.hpp>
#include "common/sha256.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

extern char** environ;  // POSIX: the environment, handed on to curl or wget

namespace examples {

/// One file of a public data set: its name and what the publisher says it is.
struct RemoteFile {
  std::string name;       ///< the file name on the mirrors and on disk
  std::uint64_t bytes;    ///< its size
  std::string sha256;     ///< its SHA-256, 64 hexadecimal digits
};

/// A public data set: where its files come from and how to recognise them.
struct DataSetSource {
  std::string title;                 ///< for messages: "MNIST"
  std::string subfolder;             ///< its folder under a data or cache folder: "mnist"
  std::vector<std::string> mirrors;  ///< base URLs (ending in '/'), tried in order
  std::vector<RemoteFile> files;     ///< every file the data set needs
};

/// The four original MNIST files (LeCun, Cortes & Burges), with the sizes and SHA-256 values
/// published for them. The mirrors serve the same bytes; the checksums decide.
inline const DataSetSource& mnist_source() {
  static const DataSetSource source{
      "MNIST",
      "mnist",
      {"https://ossci-datasets.s3.amazonaws.com/mnist/",      // PyTorch's mirror
       "https://storage.googleapis.com/cvdf-datasets/mnist/",  // TensorFlow's mirror
       "http://yann.lecun.com/exdb/mnist/"},                    // the original site
      {{"train-images-idx3-ubyte.gz", 9912422,
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"},
       {"train-labels-idx1-ubyte.gz", 28881,
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"},
       {"t10k-images-idx3-ubyte.gz", 1648877,
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"},
       {"t10k-labels-idx1-ubyte.gz", 4542,
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"}}};
  return source;
}

/// "9.9 MB": a size for people.
inline std::string human_size(std::uint64_t bytes) {
  char text[32];
  if (bytes < 1000) {
    std::snprintf(text, sizeof text, "%llu bytes", static_cast<unsigned long long>(bytes));
  } else if (bytes < 1000000) {
    std::snprintf(text, sizeof text, "%.1f kB", static_cast<double>(bytes) / 1e3);
  } else {
    std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  }
  return text;
}

/// Where downloaded data sets are kept: $XDG_CACHE_HOME/bachprop, else $HOME/.cache/bachprop
/// (the XDG base directory convention). Throws bachprop::IoError when neither is set.
inline std::filesystem::path cache_folder() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg == '/') {
    return std::filesystem::path(xdg) / "bachprop";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::filesystem::path(home) / ".cache" / "bachprop";
  }
  throw bachprop::IoError("no cache folder: neither XDG_CACHE_HOME nor HOME is set");
}

/// Checks the file at `path` against `file`: "" when its size and SHA-256 match, otherwise what
/// differs.
inline std::string check_file(const std::filesystem::path& path, const RemoteFile& file) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) {
    return path.string() + ": cannot read it (" + error.message() + ")";
  }
  if (size != file.bytes) {
    return path.string() + ": " + std::to_string(size) + " bytes, but the published file has " +
           std::to_string(file.bytes);
  }
  const std::string digest = bachprop::sha256_file_hex(path);
  if (digest != file.sha256) {
    return path.string() + ": SHA-256 " + digest + " differs from the published " + file.sha256;
  }
  return {};
}

/// True if `folder` holds every file of `source`, compressed (its published name) or not (the
/// name without ".gz"); checksums are not checked here.
inline bool folder_has_data_set(const std::filesystem::path& folder, const DataSetSource& source) {
  std::error_code error;
  for (const auto& file : source.files) {
    std::string raw = file.name;
    if (raw.size() > 3 && raw.ends_with(".gz")) {
      raw.resize(raw.size() - 3);
    }
    if (!std::filesystem::is_regular_file(folder / file.name, error) &&
        !std::filesystem::is_regular_file(folder / raw, error)) {
      return false;
    }
  }
  return true;
}

/// "a.gz, b.gz": the names of a data set's files, for messages.
inline std::string file_names(const DataSetSource& source) {
  std::string names;
  for (const auto& file : source.files) {
    names += (names.empty() ? "" : ", ") + file.name;
  }
  return names;
}

/// The first of `names` that is an executable on PATH, or "" if none is.
inline std::string find_program(const std::vector<std::string>& names) {
  const char* path = std::getenv("PATH");
  const std::string search = path != nullptr ? path : "/usr/bin:/bin";
  for (const auto& name : names) {
    std::size_t start = 0;
    while (start <= search.size()) {
      const std::size_t end = std::min(search.find(':', start), search.size());
      const std::filesystem::path candidate =
          std::filesystem::path(end > start ? search.substr(start, end - start) : ".") / name;
      if (::access(candidate.c_str(), X_OK) == 0) {
        return name;
      }
      start = end + 1;
    }
  }
  return {};
}

/// Runs a program (found on PATH) with `arguments`, without a shell, and waits for it: its exit
/// status, or -1 if it could not be started or was killed.
inline int run_program(const std::vector<std::string>& arguments) {
  std::vector<char*> argv;
  for (const auto& argument : arguments) {
    argv.push_back(const_cast<char*>(argument.c_str()));
  }
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    return -1;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) == -1) {
    if (errno != EINTR) {
      return -1;
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// What an exit status of curl or wget means, in words.
inline std::string explain_download_failure(const std::string& downloader, int status) {
  std::string meaning;
  if (status == -1) {
    meaning = "could not be started";
  } else if (downloader == "curl") {
    switch (status) {
      case 6: meaning = "could not resolve the host: no network, or no DNS"; break;
      case 7: meaning = "could not connect: no network, or the server is down"; break;
      case 22: meaning = "the server answered with an error (file moved or access refused)"; break;
      case 28: meaning = "timed out"; break;
      case 35:
      case 60: meaning = "a TLS (https) problem"; break;
      case 37: meaning = "could not read the file"; break;
      default: meaning = "failed"; break;
    }
  } else {
    switch (status) {
      case 4: meaning = "network failure: no network, or the server is down"; break;
      case 5: meaning = "a TLS (https) problem"; break;
      case 8: meaning = "the server answered with an error (file moved or access refused)"; break;
      default: meaning = "failed"; break;
    }
  }
  return downloader + " " + meaning + " (exit status " + std::to_string(status) + ")";
}

/// Fetches `url` into `destination` with `downloader` ("curl" or "wget"); returns "" on success,
/// otherwise what went wrong.
inline std::string fetch(const std::string& downloader, const std::string& url,
                         const std::filesystem::path& destination, bool show_progress) {
  std::vector<std::string> arguments;
  if (downloader == "curl") {
    arguments = {"curl", "--fail", "--location", "--connect-timeout", "20",
                 "--speed-limit", "1000", "--speed-time", "60", "--output", destination.string()};
    if (show_progress) {
      arguments.emplace_back("--progress-bar");
    } else {
      arguments.emplace_back("--silent");
      arguments.emplace_back("--show-error");
    }
  } else {
    arguments = {"wget", "--tries=2", "--timeout=20", "--output-document=" + destination.string()};
    arguments.emplace_back(show_progress ? "--show-progress" : "--no-verbose");
    if (show_progress) {
      arguments.emplace_back("--quiet");
    }
  }
  arguments.push_back(url);
  const int status = run_program(arguments);
  return status == 0 ? std::string() : explain_download_failure(downloader, status);
}

/// Downloads every file of `source` that `folder` lacks (or holds with the wrong checksum),
/// trying each mirror in turn. A file goes into place only once its size and SHA-256 match the
/// published ones; a failed or mismatching download leaves nothing behind. Throws
/// bachprop::IoError listing every attempt when a file cannot be had from any mirror.
inline void download_data_set(const DataSetSource& source, const std::filesystem::path& folder,
                              std::ostream& log, std::string downloader = {},
                              bool show_progress = false) {
  if (downloader.empty()) {
    downloader = find_program({"curl", "wget"});
  }
  if (downloader.empty()) {
    throw bachprop::IoError("cannot download " + source.title +
                            ": neither curl nor wget is installed (apt-get install curl)");
  }
  std::filesystem::create_directories(folder);
  for (const auto& file : source.files) {
    const auto destination = folder / file.name;
    std::error_code error;
    if (std::filesystem::exists(destination, error) && check_file(destination, file).empty()) {
      log << "  " << file.name << ": already here, checksum verified\n";
      continue;
    }
    const auto partial = folder / (file.name + ".part");
    std::string attempts;
    bool done = false;
    for (const auto& mirror : source.mirrors) {
      const std::string url = mirror + file.name;
      log << "  " << file.name << " (" << human_size(file.bytes) << ") from " << url << '\n'
          << std::flush;
      std::string problem = fetch(downloader, url, partial, show_progress);
      if (problem.empty()) {
        problem = check_file(partial, file);
      }
      if (problem.empty()) {
        std::filesystem::rename(partial, destination);
        log << "  " << file.name << ": SHA-256 verified\n";
        done = true;
        break;
      }
      std::filesystem::remove(partial, error);
      attempts += "\n  " + url + ": " + problem;
    }
    if (!done) {
      throw bachprop::IoError("could not download " + file.name + " from any mirror:" +
                              attempts + "\nWithout a network, copy the " + source.title +
                              " files (" + file_names(source) +
                              ") from a machine that has them into " + folder.string() +
                              ", or pass --data DIR for a folder that holds them.");
    }
  }
}

/// How a program asks for its data.
struct DataRequest {
  std::string cli_value;      ///< --data DIR ("" if not given)
  bool download = false;      ///< --download: fetch without asking when the data is missing
  bool interactive = false;   ///< stdin and stdout are terminals: ask before downloading
};

/// True when both standard input and standard output are terminals (a person can answer).
inline bool interactive_session() { return ::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO); }

/// The folder holding `source`'s files:
///   1. --data DIR: DIR itself or DIR/<subfolder>;
///   2. BACHPROP_DATA, then ../shared/data beside the checkout (examples::find_data_folder);
///   3. the cache folder, if an earlier download put the files there;
///   4. a download into the cache (or into --data DIR), with --download or after a yes.
/// Throws bachprop::IoError saying where it looked and how to get the data.
inline std::filesystem::path locate_or_download(const DataSetSource& source,
                                                const DataRequest& request,
                                                std::istream& in = std::cin,
                                                std::ostream& out = std::cout) {
  std::string looked;
  std::filesystem::path download_into;
  if (!request.cli_value.empty()) {
    const std::filesystem::path given(request.cli_value);
    for (const auto& folder : {given, given / source.subfolder}) {
      if (folder_has_data_set(folder, source)) {
        return folder;
      }
      looked += "\n  " + folder.string();
    }
    download_into = given / source.subfolder;
  } else {
    for (const auto& candidate : data_folder_candidates("")) {
      const auto folder = candidate / source.subfolder;
      if (folder_has_data_set(folder, source)) {
        std::error_code error;
        const auto canonical = std::filesystem::weakly_canonical(folder, error);
        return error ? folder : canonical;
      }
      looked += "\n  " + folder.string();
    }
    download_into = cache_folder() / source.subfolder;
    if (folder_has_data_set(download_into, source)) {
      return download_into;
    }
    looked += "\n  " + download_into.string();
  }
  std::uint64_t total = 0;
  for (const auto& file : source.files) {
    total += file.bytes;
  }
  const std::string offer = "the " + std::to_string(source.files.size()) + " original " +
                            source.title + " files (" + human_size(total) + ") from " +
                            source.mirrors.front() + " into " + download_into.string();
  bool go = request.download;
  if (!go && request.interactive) {
    out << "No " << source.title << " data found; looked in:" << looked << "\nDownload " << offer
        << ", checking their SHA-256 checksums? [y/N] " << std::flush;
    std::string answer;
    std::getline(in, answer);
    go = !answer.empty() && (answer[0] == 'y' || answer[0] == 'Y');
  }
  if (!go) {
    throw bachprop::IoError("no " + source.title + " data found; looked in:" + looked +
                            "\nRun again with --download to fetch " + offer +
                            " (checking their SHA-256 checksums), or pass --data DIR for a "
                            "folder that holds them.");
  }
  out << "Downloading " << offer << ":\n";
  download_data_set(source, download_into, out, {}, request.interactive);
  return download_into;
}

}  // namespace examples
