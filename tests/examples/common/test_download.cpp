// Tests of examples/common/download.hpp without a network: the cache folder, checksum checks,
// downloads from file:// mirrors with curl (a good file, a bad one, an unreachable host), the
// search order of locate_or_download with its answers and messages; and the published sizes and
// checksums against the real MNIST files, where present.

#include "helpers.hpp"
#include "io/idx_samples.hpp"
#include "real_mnist.hpp"

#include "common/download.hpp"

#include <cstdlib>
#include <optional>
#include <sstream>

using namespace bachprop;
using Catch::Matchers::Contains;
using test::have_mnist;
using test::mnist_folder;

namespace {

// Sets an environment variable for one scope, restoring the old value after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name); old != nullptr) {
      old_ = old;
    }
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A two-file data set served from a folder through file:// URLs.
struct FakeSet {
  examples::DataSetSource source;
  std::string first = "first file's bytes";
  std::string second = std::string(100000, 'x');

  explicit FakeSet(const std::filesystem::path& mirror) {
    std::filesystem::create_directories(mirror);
    test::write_bytes(mirror / "a.bin.gz", first);
    test::write_bytes(mirror / "b.bin", second);
    source.title = "Fake";
    source.subfolder = "bachprop-fake-set";
    source.mirrors = {"file://" + mirror.string() + "/"};
    source.files = {{"a.bin.gz", first.size(), sha256_hex(first)},
                    {"b.bin", second.size(), sha256_hex(second)}};
  }
};

bool have_curl() { return !examples::find_program({"curl"}).empty(); }

}  // namespace

TEST_CASE("the cache folder follows XDG_CACHE_HOME, then HOME", "[download]") {
  {
    ScopedEnv xdg("XDG_CACHE_HOME", "/somewhere/cache");
    CHECK(examples::cache_folder() == std::filesystem::path("/somewhere/cache/bachprop"));
  }
  {
    ScopedEnv xdg("XDG_CACHE_HOME", std::nullopt);
    ScopedEnv home("HOME", "/home/someone");
    CHECK(examples::cache_folder() == std::filesystem::path("/home/someone/.cache/bachprop"));
    // A relative XDG_CACHE_HOME is invalid by the specification and ignored.
    ScopedEnv relative("XDG_CACHE_HOME", "relative/cache");
    CHECK(examples::cache_folder() == std::filesystem::path("/home/someone/.cache/bachprop"));
  }
  {
    ScopedEnv xdg("XDG_CACHE_HOME", std::nullopt);
    ScopedEnv home("HOME", std::nullopt);
    CHECK_THROWS_AS(examples::cache_folder(), IoError);
  }
}

TEST_CASE("check_file compares size and SHA-256 with the published ones", "[download]") {
  test::TempFolder folder("download-check");
  const auto path = test::write_bytes(folder / "f", "abc");
  const examples::RemoteFile good{"f", 3, sha256_hex("abc")};
  CHECK(examples::check_file(path, good).empty());
  CHECK_THAT(examples::check_file(path, {"f", 4, good.sha256}),
             Contains("3 bytes, but the published file has 4"));
  CHECK_THAT(examples::check_file(path, {"f", 3, sha256_hex("abd")}),
             Contains("SHA-256 " + sha256_hex("abc") + " differs from the published"));
  CHECK_THAT(examples::check_file(folder / "missing", good), Contains("cannot read it"));
  // The MNIST description carries the published values.
  const auto& mnist = examples::mnist_source();
  REQUIRE(mnist.files.size() == 4);
  CHECK(mnist.files[0].sha256 ==
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609");
  CHECK(mnist.files[3].bytes == 4542);
}

TEST_CASE("folder_has_data_set accepts compressed or raw files", "[download]") {
  test::TempFolder folder("download-has");
  FakeSet set(folder / "mirror");
  std::filesystem::create_directories(folder / "data");
  CHECK_FALSE(examples::folder_has_data_set(folder / "data", set.source));
  test::write_bytes(folder / "data" / "a.bin", "raw");  // a.bin.gz, unpacked
  CHECK_FALSE(examples::folder_has_data_set(folder / "data", set.source));
  test::write_bytes(folder / "data" / "b.bin", "x");
  CHECK(examples::folder_has_data_set(folder / "data", set.source));
}

TEST_CASE("download_data_set fetches, verifies and moves files into place", "[download]") {
  if (!have_curl()) {
    WARN("curl is not installed: skipped");
    return;
  }
  test::TempFolder folder("download-fetch");
  FakeSet set(folder / "mirror");
  std::ostringstream log;
  SECTION("from the first mirror that has them") {
    set.source.mirrors.insert(set.source.mirrors.begin(),
                              "file://" + (folder / "empty-mirror").string() + "/");
    examples::download_data_set(set.source, folder / "cache", log, "curl");
    CHECK(read_file(folder / "cache" / "a.bin.gz") == set.first);
    CHECK(read_file(folder / "cache" / "b.bin") == set.second);
    CHECK_FALSE(std::filesystem::exists(folder / "cache" / "b.bin.part"));
    CHECK_THAT(log.str(), Contains("b.bin: SHA-256 verified"));
    // A second call finds everything in place.
    std::ostringstream again;
    examples::download_data_set(set.source, folder / "cache", again, "curl");
    CHECK_THAT(again.str(), Contains("a.bin.gz: already here, checksum verified"));
  }
  SECTION("a file whose checksum differs is refused and removed") {
    set.source.files[1].sha256 = sha256_hex("something else");
    try {
      examples::download_data_set(set.source, folder / "cache", log, "curl");
      FAIL("expected an IoError");
    } catch (const IoError& error) {
      const std::string message = error.what();
      CHECK_THAT(message, Contains("could not download b.bin from any mirror"));
      CHECK_THAT(message, Contains("differs from the published"));
      CHECK_THAT(message, Contains("Without a network, copy the Fake files (a.bin.gz, b.bin)"));
    }
    CHECK(std::filesystem::exists(folder / "cache" / "a.bin.gz"));  // verified before
    CHECK_FALSE(std::filesystem::exists(folder / "cache" / "b.bin"));
    CHECK_FALSE(std::filesystem::exists(folder / "cache" / "b.bin.part"));
  }
  SECTION("no network: a clear message, nothing left behind") {
    // Port 9 (discard) on this machine: nothing listens, the connection is refused at once.
    set.source.mirrors = {"http://127.0.0.1:9/"};
    CHECK_THROWS_WITH(examples::download_data_set(set.source, folder / "cache", log, "curl"),
                      Contains("http://127.0.0.1:9/a.bin.gz: curl could not connect: no "
                               "network, or the server is down (exit status 7)"));
    CHECK_FALSE(std::filesystem::exists(folder / "cache" / "a.bin.gz.part"));
  }
}

TEST_CASE("locate_or_download looks in --data, then the cache, then asks", "[download]") {
  test::TempFolder folder("download-locate");
  FakeSet set(folder / "mirror");
  ScopedEnv xdg("XDG_CACHE_HOME", (folder / "xdg").string());
  ScopedEnv data("BACHPROP_DATA", (folder / "data").string());
  std::istringstream no_answer;
  std::ostringstream out;

  SECTION("--data DIR holding the files, or their subfolder") {
    std::filesystem::create_directories(folder / "given" / "bachprop-fake-set");
    test::write_bytes(folder / "given" / "bachprop-fake-set" / "a.bin.gz", "1");
    test::write_bytes(folder / "given" / "bachprop-fake-set" / "b.bin", "2");
    CHECK(examples::locate_or_download(set.source, {.cli_value = (folder / "given").string()},
                                       no_answer, out) ==
          folder / "given" / "bachprop-fake-set");
    CHECK(examples::locate_or_download(
              set.source, {.cli_value = (folder / "given" / "bachprop-fake-set").string()},
              no_answer, out) == folder / "given" / "bachprop-fake-set");
  }
  SECTION("BACHPROP_DATA, then the cache folder") {
    std::filesystem::create_directories(folder / "xdg" / "bachprop" / "bachprop-fake-set");
    test::write_bytes(folder / "xdg" / "bachprop" / "bachprop-fake-set" / "a.bin.gz", "1");
    test::write_bytes(folder / "xdg" / "bachprop" / "bachprop-fake-set" / "b.bin", "2");
    CHECK(examples::locate_or_download(set.source, {}, no_answer, out) ==
          folder / "xdg" / "bachprop" / "bachprop-fake-set");
    std::filesystem::create_directories(folder / "data" / "bachprop-fake-set");
    test::write_bytes(folder / "data" / "bachprop-fake-set" / "a.bin", "1");
    test::write_bytes(folder / "data" / "bachprop-fake-set" / "b.bin", "2");
    CHECK(examples::locate_or_download(set.source, {}, no_answer, out) ==
          folder / "data" / "bachprop-fake-set");
  }
  SECTION("nothing found and nobody to ask: the message says where it looked and what to do") {
    try {
      examples::locate_or_download(set.source, {}, no_answer, out);
      FAIL("expected an IoError");
    } catch (const IoError& error) {
      const std::string message = error.what();
      CHECK_THAT(message, Contains("no Fake data found; looked in:"));
      CHECK_THAT(message, Contains((folder / "data" / "bachprop-fake-set").string()));
      CHECK_THAT(message, Contains((folder / "xdg" / "bachprop" / "bachprop-fake-set").string()));
      CHECK_THAT(message, Contains("Run again with --download to fetch the 2 original Fake files"));
      CHECK_THAT(message, Contains("or pass --data DIR"));
    }
  }
  SECTION("a person who answers no") {
    std::istringstream answer("n\n");
    CHECK_THROWS_AS(examples::locate_or_download(set.source, {.cli_value = "", .interactive = true},
                                                 answer, out),
                    IoError);
    CHECK_THAT(out.str(), Contains("checking their SHA-256 checksums? [y/N]"));
  }
  SECTION("a person who answers yes, or --download: the files land in the cache") {
    if (!have_curl()) {
      WARN("curl is not installed: skipped");
      return;
    }
    std::istringstream answer("y\n");
    const auto found = examples::locate_or_download(
        set.source, {.cli_value = "", .interactive = true}, answer, out);
    CHECK(found == folder / "xdg" / "bachprop" / "bachprop-fake-set");
    CHECK(read_file(found / "b.bin") == set.second);
    std::filesystem::remove_all(found);
    CHECK(examples::locate_or_download(set.source, {.cli_value = "", .download = true}, no_answer,
                                       out) == found);
    CHECK(read_file(found / "a.bin.gz") == set.first);
  }
}

TEST_CASE("the real MNIST files have the published sizes and SHA-256 checksums", "[mnist][real]") {
  if (!have_mnist()) {
    WARN("no MNIST data in " << mnist_folder().string() << ": skipped");
    return;
  }
  for (const auto& file : examples::mnist_source().files) {
    INFO(file.name);
    CHECK(examples::check_file(mnist_folder() / file.name, file).empty());
  }
}
