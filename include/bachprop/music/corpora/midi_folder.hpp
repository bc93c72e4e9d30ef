#pragma once
/// @file
/// Any folder of MIDI files as a corpus: every `.mid`, `.midi` or `.kar` file under a folder read
/// as a Score, the files that cannot be read listed with the reason instead of ending the run,
/// and a seeded split of the files into training, validation and test sets.
///
/// The folder is walked recursively in a fixed order: files sorted by their path relative to the
/// folder, compared component by component (std::filesystem::path's order, so a subfolder's
/// files stay together). Symbolic links to files are read; symbolic links to folders are not
/// followed (a link may loop) and are listed as ignored.

#include <bachprop/core/error.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/score.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace bachprop::music {

/// How read_midi_folder reads a folder.
struct MidiFolderOptions {
  /// Files larger than this are skipped (with the reason) rather than read: 16 MiB by default,
  /// far above any real piece (a long piano piece is under 1 MiB).
  std::uintmax_t max_file_bytes = std::uintmax_t{16} << 20U;
};

/// One MIDI file that was read.
struct MidiFolderFile {
  std::filesystem::path path{};  ///< relative to the folder, as in "bach/bwv846.mid"
  Score score{};                 ///< its notes (at least one)
};

/// A file that looked like MIDI (by its extension) but could not be used, or a subfolder that
/// could not be listed.
struct SkippedFile {
  std::filesystem::path path{};  ///< relative to the folder
  /// Why: the reader's message without the file name it starts with ("byte 14: expected ..."),
  /// or "empty file", "no notes", "... bytes, above the limit of ...".
  std::string reason{};
};

/// What read_midi_folder found: the files read, the files skipped (with reasons) and the files
/// of other kinds (not read).
struct MidiFolder {
  std::filesystem::path folder{};        ///< the folder as given
  std::vector<MidiFolderFile> files{};   ///< read, in the walk's order
  std::vector<SkippedFile> skipped{};    ///< MIDI by name, but unreadable; in the walk's order
  std::vector<std::filesystem::path> ignored{};  ///< other files and folder links, relative
};

namespace detail::midi_folder {

/// True for the extensions .mid, .midi and .kar, in any case.
inline bool has_midi_extension(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  for (char& c : extension) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return extension == ".mid" || extension == ".midi" || extension == ".kar";
}

/// `message` without a leading "`name`: " (the reader's messages start with the file's name).
inline std::string without_name(const std::string& message, const std::string& name) {
  const std::string prefix = name + ": ";
  return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
}

/// An entry found by the walk: a file (or anything not a folder), a link to a folder, or a
/// folder that could not be listed (`error` set).
struct Entry {
  std::filesystem::path relative{};
  bool folder_link = false;
  std::string error{};
};

/// Every entry under `folder` except the folders themselves, unsorted.
inline std::vector<Entry> walk(const std::filesystem::path& folder) {
  namespace fs = std::filesystem;
  std::vector<Entry> entries;
  std::vector<fs::path> pending{fs::path()};
  while (!pending.empty()) {
    const fs::path relative_folder = std::move(pending.back());
    pending.pop_back();
    std::error_code error;
    fs::directory_iterator it(folder / relative_folder, error);
    for (; !error && it != fs::directory_iterator(); it.increment(error)) {
      const fs::path relative = relative_folder / it->path().filename();
      std::error_code ignored;
      const fs::file_status own = it->symlink_status(ignored);
      if (fs::is_directory(own)) {
        pending.push_back(relative);
      } else {
        entries.push_back({relative, fs::is_symlink(own) && it->is_directory(ignored), {}});
      }
    }
    if (error) {
      if (relative_folder.empty()) {
        throw IoError(folder.string() + ": cannot list the folder: " + error.message());
      }
      entries.push_back({relative_folder, false, "cannot list this folder: " + error.message()});
    }
  }
  return entries;
}

/// Reads one MIDI file, or says why not (an empty result when it was read into `score`).
inline std::string read_one(const std::filesystem::path& folder,
                            const std::filesystem::path& relative,
                            const MidiFolderOptions& options, Score& score) {
  namespace fs = std::filesystem;
  const fs::path full = folder / relative;
  std::error_code error;
  if (!fs::is_regular_file(full, error)) {
    return "not a regular file";
  }
  const std::uintmax_t size = fs::file_size(full, error);
  if (error) {
    return "cannot read its size: " + error.message();
  }
  if (size == 0) {
    return "empty file (0 bytes)";
  }
  if (size > options.max_file_bytes) {
    return std::to_string(size) + " bytes, above the limit of " +
           std::to_string(options.max_file_bytes) + " (MidiFolderOptions::max_file_bytes)";
  }
  const std::string name = relative.generic_string();
  try {
    const std::string bytes = read_file(full);
    if (bytes.size() > options.max_file_bytes) {
      return std::to_string(bytes.size()) + " bytes, above the limit of " +
             std::to_string(options.max_file_bytes) + " (MidiFolderOptions::max_file_bytes)";
    }
    score = decode_midi(bytes, name);
  } catch (const Error& failure) {
    return without_name(without_name(failure.what(), name), full.string());
  }
  if (score.note_count() == 0) {
    return "no notes";
  }
  return {};
}

}  // namespace detail::midi_folder

/// Reads every `.mid`, `.midi` and `.kar` file (extension in any case) under `folder`, in the
/// order of the file comment. A file that cannot be used (the reader's FormatError or
/// ArgumentError, an IoError, an empty file, a file above options.max_file_bytes, a score with
/// no notes, something that is not a regular file) is recorded in `skipped` with the reason and
/// the walk goes on; so is a subfolder that cannot be listed. Files of other kinds, and links to
/// folders, are listed in `ignored`. Returns even when no file could be read: the caller decides
/// (midi_folder_report says what happened). Throws ArgumentError when `folder` does not exist or
/// is not a folder, IoError when it cannot be listed.
inline MidiFolder read_midi_folder(const std::filesystem::path& folder,
                                   const MidiFolderOptions& options = {}) {
  namespace fs = std::filesystem;
  using namespace detail::midi_folder;
  std::error_code error;
  const fs::file_status status = fs::status(folder, error);
  if (!fs::exists(status)) {
    throw ArgumentError("read_midi_folder: " + folder.string() + ": no such folder");
  }
  if (!fs::is_directory(status)) {
    throw ArgumentError("read_midi_folder: " + folder.string() +
                        ": not a folder (expected a folder of MIDI files)");
  }
  std::vector<Entry> entries = walk(folder);
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.relative < b.relative; });
  MidiFolder result;
  result.folder = folder;
  for (auto& entry : entries) {
    if (!entry.error.empty()) {
      result.skipped.push_back({std::move(entry.relative), std::move(entry.error)});
    } else if (entry.folder_link || !has_midi_extension(entry.relative)) {
      result.ignored.push_back(std::move(entry.relative));
    } else {
      Score score;
      std::string reason = read_one(folder, entry.relative, options, score);
      if (reason.empty()) {
        result.files.push_back({std::move(entry.relative), std::move(score)});
      } else {
        result.skipped.push_back({std::move(entry.relative), std::move(reason)});
      }
    }
  }
  return result;
}

/// A short account of a read, for a program to print: "read 12 files, skipped 2: a.mid: byte 0:
/// expected ...; b.mid: no notes; ignored 3 other files". At most `max_listed` skipped files are
/// named ("...; and 4 more").
inline std::string midi_folder_report(const MidiFolder& folder, std::size_t max_listed = 5) {
  const auto files = [](std::size_t n) {
    return std::to_string(n) + (n == 1 ? " file" : " files");
  };
  std::string report = "read " + files(folder.files.size()) + ", skipped " +
                       std::to_string(folder.skipped.size());
  for (std::size_t i = 0; i < folder.skipped.size() && i < max_listed; ++i) {
    report += (i == 0 ? ": " : "; ") + folder.skipped[i].path.generic_string() + ": " +
              folder.skipped[i].reason;
  }
  if (folder.skipped.size() > max_listed) {
    report += "; and " + std::to_string(folder.skipped.size() - max_listed) + " more";
  }
  if (!folder.ignored.empty()) {
    report += "; ignored " + std::to_string(folder.ignored.size()) + " other " +
              (folder.ignored.size() == 1 ? "file" : "files");
  }
  return report;
}

/// Indices of files (0..count − 1) in three sets, each sorted ascending.
struct FileSplit {
  std::vector<std::size_t> train{};  ///< the training files
  std::vector<std::size_t> valid{};  ///< the validation files
  std::vector<std::size_t> test{};   ///< the test files
};

/// Splits `count` files at random (seeded: the same seed gives the same split on every
/// platform). The validation set gets round(count · validation_share) files and the test set
/// round(count · test_share) (halves rounded up), then, while that leaves no training file
/// (count ≥ 1), the larger of the two gives one back (the test set on a tie). So a share rounds
/// to no file at all below half a file: 3 files at 0.1 and 0.1 are 3 training files; 10 files
/// are 8 training, 1 validation and 1 test file; 2 files at 0.3 and 0.3 are 1 training and 1
/// validation file. The indices are shuffled (Rng, seeded) and dealt to validation first, then
/// test, then training. Throws ArgumentError unless both
/// shares are finite and ≥ 0 with a sum below 1.
inline FileSplit split_by_file(std::size_t count, double validation_share, double test_share,
                               std::uint64_t seed) {
  if (!std::isfinite(validation_share) || !std::isfinite(test_share) ||
      !(validation_share >= 0.0) || !(test_share >= 0.0) ||
      !(validation_share + test_share < 1.0)) {
    throw ArgumentError("split_by_file: expected finite shares ≥ 0 with a sum below 1, got " +
                        std::to_string(validation_share) + " for validation and " +
                        std::to_string(test_share) + " for test");
  }
  const auto share_of = [count](double share) {
    return static_cast<std::size_t>(std::round(static_cast<double>(count) * share));
  };
  std::size_t valid = std::min(share_of(validation_share), count);
  std::size_t test = std::min(share_of(test_share), count);
  while (count > 0 && valid + test > count - 1) {
    if (test >= valid) {
      --test;
    } else {
      --valid;
    }
  }
  std::vector<std::size_t> order(count);
  for (std::size_t i = 0; i < count; ++i) {
    order[i] = i;
  }
  Rng rng(seed);
  rng.shuffle(std::span<std::size_t>(order));
  FileSplit split;
  const auto begin = order.begin();
  const auto valid_end = begin + static_cast<std::ptrdiff_t>(valid);
  const auto test_end = valid_end + static_cast<std::ptrdiff_t>(test);
  split.valid.assign(begin, valid_end);
  split.test.assign(valid_end, test_end);
  split.train.assign(test_end, order.end());
  for (auto* set : {&split.train, &split.valid, &split.test}) {
    std::sort(set->begin(), set->end());
  }
  return split;
}

}  // namespace bachprop::music
