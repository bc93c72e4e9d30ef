// Tests of bachprop/music/corpora/midi_folder.hpp: a folder written here (good MIDI files, a
// truncated one, text named .mid, an empty one, one without notes, a readme) read in sorted order
// with every bad file skipped and named; missing folders and size limits; the seeded file split.

#include "helpers.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/music/corpora/midi_folder.hpp>
#include <bachprop/music/score/midi_write.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <utility>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
namespace fs = std::filesystem;

namespace {

// A small score of one part whose notes depend on `seed` (a different piece per file).
Score folder_test_score(int seed) {
  Score score;
  score.title = "piece " + std::to_string(seed);
  Part part;
  part.name = "piano";
  part.add(60 + seed, 0.0, 1.0).add(64 + seed, 1.0, 0.5).add(64 + seed, 1.5, 0.5);
  part.add_chord({48 + seed, 55 + seed}, 2.0, 2.0);
  score.parts.push_back(part);
  return score;
}

// An empty folder of the test's own under the temporary folder (the process id in its name, so
// two runs of the suite at once never share one).
fs::path fresh_test_folder(const std::string& name) {
  const fs::path folder = fs::temp_directory_path() / ("bachprop-test-midi-folder-" + name + "-" +
                                                       std::to_string(::getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

// The notes of every part of a score, in note_order.
std::vector<Note> notes_of_score(const Score& score) {
  std::vector<Note> notes;
  for (const auto& part : score.parts) {
    notes.insert(notes.end(), part.notes.begin(), part.notes.end());
  }
  std::sort(notes.begin(), notes.end(), note_order);
  return notes;
}

}  // namespace

TEST_CASE("MIDI folder: good files in sorted order, bad ones skipped with reasons, others ignored",
          "[midi_folder]") {
  const fs::path folder = fresh_test_folder("mixed");
  fs::create_directories(folder / "sub");
  write_midi(folder / "b.mid", folder_test_score(2));
  write_midi(folder / "a.MID", folder_test_score(1));
  write_midi(folder / "sub" / "c.midi", folder_test_score(3));
  const std::string good = encode_midi(folder_test_score(2));
  write_bytes(folder / "cut.mid", good.substr(0, good.size() / 2));
  write_bytes(folder / "notes.mid", "C4 E4 G4: these are notes, but not MIDI\n");
  write_bytes(folder / "readme.txt", "a folder of test files\n");
  write_bytes(folder / "sub" / "empty.kar", "");
  Score silent;
  silent.parts.push_back(Part{"nothing", 0, 0, {}});
  write_midi(folder / "silent.mid", silent);

  const MidiFolder read = read_midi_folder(folder);
  CHECK(read.folder == folder);
  REQUIRE(read.files.size() == 3);
  CHECK(read.files[0].path == fs::path("a.MID"));
  CHECK(read.files[1].path == fs::path("b.mid"));
  CHECK(read.files[2].path == fs::path("sub") / "c.midi");
  for (int i = 0; i < 3; ++i) {
    INFO("file " << i);
    CHECK(notes_of_score(read.files[static_cast<std::size_t>(i)].score) ==
          notes_of_score(folder_test_score(i + 1)));
  }
  REQUIRE(read.skipped.size() == 4);
  CHECK(read.skipped[0].path == fs::path("cut.mid"));
  CHECK_THAT(read.skipped[0].reason, StartsWith("byte ") && Contains("expected"));
  CHECK(read.skipped[1].path == fs::path("notes.mid"));
  CHECK_THAT(read.skipped[1].reason,
             Contains("byte 0: expected the 'MThd' header chunk a MIDI file starts with"));
  CHECK(read.skipped[2].path == fs::path("silent.mid"));
  CHECK(read.skipped[2].reason == "no notes");
  CHECK(read.skipped[3].path == fs::path("sub") / "empty.kar");
  CHECK(read.skipped[3].reason == "empty file (0 bytes)");
  REQUIRE(read.ignored.size() == 1);
  CHECK(read.ignored[0] == fs::path("readme.txt"));

  const std::string report = midi_folder_report(read);
  CHECK_THAT(report, StartsWith("read 3 files, skipped 4: cut.mid: byte "));
  CHECK_THAT(report, Contains("; notes.mid: byte 0: expected the 'MThd'"));
  CHECK_THAT(report, Contains("; sub/empty.kar: empty file (0 bytes); ignored 1 other file"));
  CHECK_THAT(midi_folder_report(read, 1),
             Contains("cut.mid: byte ") && Contains("; and 3 more; ignored 1 other file"));
  // The same folder reads the same way again.
  const MidiFolder again = read_midi_folder(folder);
  CHECK(again.files.size() == 3);
  CHECK(midi_folder_report(again) == report);
  fs::remove_all(folder);
}

TEST_CASE("MIDI folder: a missing folder, or a file given as one, is an ArgumentError naming it",
          "[midi_folder][errors]") {
  const fs::path folder = fresh_test_folder("missing");
  CHECK_THROWS_MATCHES(read_midi_folder(folder / "nowhere"), ArgumentError,
                       Catch::Matchers::Message("read_midi_folder: " +
                                                (folder / "nowhere").string() +
                                                ": no such folder"));
  write_midi(folder / "one.mid", folder_test_score(0));
  CHECK_THROWS_WITH(read_midi_folder(folder / "one.mid"),
                    Contains("one.mid: not a folder (expected a folder of MIDI files)"));
  fs::remove_all(folder);
}

TEST_CASE("MIDI folder: an empty folder reads nothing and the report says so", "[midi_folder]") {
  const fs::path folder = fresh_test_folder("empty");
  const MidiFolder read = read_midi_folder(folder);
  CHECK(read.files.empty());
  CHECK(read.skipped.empty());
  CHECK(read.ignored.empty());
  CHECK(midi_folder_report(read) == "read 0 files, skipped 0");
  fs::remove_all(folder);
}

TEST_CASE("MIDI folder: a file above the size limit is skipped, naming the limit",
          "[midi_folder][errors]") {
  const fs::path folder = fresh_test_folder("limit");
  write_midi(folder / "piece.mid", folder_test_score(0));
  const auto size = fs::file_size(folder / "piece.mid");
  const MidiFolder small = read_midi_folder(folder, {.max_file_bytes = size - 1});
  CHECK(small.files.empty());
  REQUIRE(small.skipped.size() == 1);
  CHECK(small.skipped[0].reason ==
        std::to_string(size) + " bytes, above the limit of " + std::to_string(size - 1) +
            " (MidiFolderOptions::max_file_bytes)");
  CHECK(read_midi_folder(folder, {.max_file_bytes = size}).files.size() == 1);
  fs::remove_all(folder);
}

TEST_CASE("MIDI folder: links to folders are listed as ignored, not followed", "[midi_folder]") {
  const fs::path folder = fresh_test_folder("links");
  fs::create_directories(folder / "inner");
  write_midi(folder / "inner" / "x.mid", folder_test_score(4));
  std::error_code error;
  fs::create_directory_symlink(folder, folder / "inner" / "loop", error);
  fs::create_symlink(folder / "inner" / "x.mid", folder / "y.mid", error);
  if (error) {
    WARN("skipped: cannot make symbolic links here: " << error.message());
    fs::remove_all(folder);
    return;
  }
  const MidiFolder read = read_midi_folder(folder);
  REQUIRE(read.files.size() == 2);
  CHECK(read.files[0].path == fs::path("inner") / "x.mid");
  CHECK(read.files[1].path == fs::path("y.mid"));
  CHECK(read.ignored == std::vector<fs::path>{fs::path("inner") / "loop"});
  fs::remove_all(folder);
}

TEST_CASE("file split: the same seed gives the same split, sorted, disjoint and complete",
          "[midi_folder]") {
  const FileSplit split = split_by_file(10, 0.1, 0.2, 7);
  CHECK(split.train.size() == 7);
  CHECK(split.valid.size() == 1);
  CHECK(split.test.size() == 2);
  std::vector<std::size_t> all = split.train;
  all.insert(all.end(), split.valid.begin(), split.valid.end());
  all.insert(all.end(), split.test.begin(), split.test.end());
  std::sort(all.begin(), all.end());
  CHECK(all == std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(std::is_sorted(split.train.begin(), split.train.end()));
  CHECK(std::is_sorted(split.test.begin(), split.test.end()));
  // Fixed on every platform (Rng's shuffle): a change here changes every user's split.
  CHECK(split.valid == std::vector<std::size_t>{0});
  CHECK(split.test == (std::vector<std::size_t>{3, 8}));
  const FileSplit same = split_by_file(10, 0.1, 0.2, 7);
  CHECK(same.train == split.train);
  CHECK(same.valid == split.valid);
  CHECK(same.test == split.test);
  const FileSplit large = split_by_file(100, 0.1, 0.1, 1);
  const FileSplit other = split_by_file(100, 0.1, 0.1, 2);
  CHECK(large.valid.size() == 10);
  CHECK(large.test.size() == 10);
  CHECK(large.valid != other.valid);
}

TEST_CASE("file split: shares round to whole files and keep a training file", "[midi_folder]") {
  const auto sizes = [](std::size_t count, double valid, double test) {
    const FileSplit split = split_by_file(count, valid, test, 3);
    return std::vector<std::size_t>{split.train.size(), split.valid.size(), split.test.size()};
  };
  using Sizes = std::vector<std::size_t>;
  CHECK(sizes(0, 0.1, 0.1) == Sizes{0, 0, 0});
  CHECK(sizes(1, 0.4, 0.5) == Sizes{1, 0, 0});    // round(0.5) = 1 test file, given back
  CHECK(sizes(3, 0.1, 0.1) == Sizes{3, 0, 0});    // 0.3 of a file rounds to none
  CHECK(sizes(5, 0.1, 0.1) == Sizes{3, 1, 1});    // 0.5 rounds up
  CHECK(sizes(2, 0.3, 0.3) == Sizes{1, 1, 0});    // the test set gives back first on a tie
  CHECK(sizes(4, 0.7, 0.2) == Sizes{1, 2, 1});    // 3 and 1 leave no training file
  CHECK(sizes(10, 0.0, 0.0) == Sizes{10, 0, 0});
  CHECK(sizes(10, 0.45, 0.45) == Sizes{1, 5, 4});  // 5 and 5: the test set gives one back
  for (const auto& [valid, test] : std::vector<std::pair<double, double>>{
           {-0.1, 0.1}, {0.5, 0.5}, {0.1, std::nan("")},
           {std::numeric_limits<double>::infinity(), 0.0}}) {
    INFO(valid << " " << test);
    CHECK_THROWS_WITH(split_by_file(10, valid, test, 0),
                      Contains("expected finite shares ≥ 0 with a sum below 1"));
  }
}
