// Tests of bachprop/io/file.hpp: whole-file reads and atomic writes.

#include "helpers.hpp"

#include <bachprop/io/file.hpp>

#include <filesystem>

namespace fs = std::filesystem;

namespace {

fs::path scratch_folder(const std::string& name) {
  const fs::path folder = fs::temp_directory_path() / ("bachprop_test_" + name);
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

std::size_t files_in(const fs::path& folder) {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(folder), fs::directory_iterator{}));
}

}  // namespace

TEST_CASE("atomic writes replace the file and leave nothing else", "[file]") {
  const fs::path folder = scratch_folder("atomic");
  const fs::path target = folder / "out.txt";
  bachprop::write_file_atomically(target, "first");
  bachprop::write_file_atomically(target, "second, longer");
  CHECK(bachprop::read_file(target) == "second, longer");
  CHECK(files_in(folder) == 1);
}

TEST_CASE("a failing writer leaves the old file and no temporary", "[file]") {
  const fs::path folder = scratch_folder("atomic_fail");
  const fs::path target = folder / "model.json";
  bachprop::write_file_atomically(target, "good");
  CHECK_THROWS_WITH(bachprop::write_file_atomically(target,
                                                    [](std::ostream& out) {
                                                      out << "half of a";
                                                      throw bachprop::Error("interrupted");
                                                    }),
                    "interrupted");
  CHECK(bachprop::read_file(target) == "good");
  CHECK(files_in(folder) == 1);
}

TEST_CASE("file errors name the file", "[file][errors]") {
  CHECK_THROWS_WITH(bachprop::read_file("/nonexistent/bachprop/file.json"),
                    Catch::Contains("/nonexistent/bachprop/file.json") &&
                        Catch::Contains("cannot open"));
  CHECK_THROWS_AS(bachprop::write_file_atomically("/nonexistent/bachprop/out.json", "x"),
                  bachprop::IoError);
}
