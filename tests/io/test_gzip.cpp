// Tests of bachprop/io/gzip.hpp: raw files pass through, gzip files inflate (our compressor's and
// GNU gzip's, several members), and damaged gzip data is refused with the file named.

#include "helpers.hpp"
#include "io/idx_samples.hpp"

#include <bachprop/io/gzip.hpp>

#include <cstdlib>
#include <string>

using namespace bachprop;
using Catch::Matchers::Contains;

namespace {

// Varied bytes that compress a little (so deflate emits several kinds of blocks).
std::string sample_bytes(std::size_t size, std::uint64_t seed) {
  Rng rng(seed);
  std::string bytes(size, '\0');
  for (auto& byte : bytes) {
    byte = static_cast<char>(rng.below(4) == 0 ? rng.below(256) : 'a' + rng.below(3));
  }
  return bytes;
}

// Everything the reader gives, read `chunk` bytes at a time.
std::string read_all(const std::filesystem::path& path, std::size_t chunk) {
  DecompressingReader reader(path);
  std::string out;
  std::vector<std::uint8_t> buffer(chunk);
  while (const std::size_t got = reader.read(buffer.data(), chunk)) {
    out.append(reinterpret_cast<const char*>(buffer.data()), got);
    CHECK(reader.position() == out.size());
  }
  return out;
}

}  // namespace

TEST_CASE("gzip_compress and DecompressingReader round-trip any size in any chunks", "[gzip]") {
  test::TempFolder folder("gzip-round-trip");
  for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{65535},
                                 std::size_t{65536}, std::size_t{300001}}) {
    const std::string bytes = sample_bytes(size, size + 1);
    const auto path = test::write_bytes(folder / "data.gz", bytes, true);
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{1} << 20}) {
      if (chunk == 1 && size > 70000) {
        continue;  // one byte at a time through 300 KB proves nothing more and takes long
      }
      INFO("size " << size << ", chunk " << chunk);
      CHECK(read_all(path, chunk) == bytes);
    }
    DecompressingReader reader(path);
    CHECK(reader.compressed());
    CHECK(reader.skip_to_end() == size);
  }
}

TEST_CASE("a raw file passes through unchanged", "[gzip]") {
  test::TempFolder folder("gzip-raw");
  const std::string bytes = sample_bytes(100000, 5);
  const auto path = test::write_bytes(folder / "raw", bytes);
  CHECK(read_all(path, 4096) == bytes);
  DecompressingReader reader(path);
  CHECK_FALSE(reader.compressed());
  CHECK(reader.file_size() == 100000);
  CHECK(reader.max_decompressed_size() == 100000);
}

TEST_CASE("our gzip output is read by GNU gzip, and GNU gzip's by us", "[gzip]") {
  if (std::system("gzip --version > /dev/null 2>&1") != 0) {
    WARN("gzip is not installed: skipped");
    return;
  }
  test::TempFolder folder("gzip-gnu");
  const std::string bytes = sample_bytes(200000, 11);
  test::write_bytes(folder / "ours.gz", bytes, true);
  const std::string inflate = "gzip -dc '" + (folder / "ours.gz").string() + "' > '" +
                              (folder / "ours").string() + "'";
  REQUIRE(std::system(inflate.c_str()) == 0);
  CHECK(read_file(folder / "ours") == bytes);

  test::write_bytes(folder / "theirs", bytes);
  const std::string deflate = "gzip -1 '" + (folder / "theirs").string() + "'";
  REQUIRE(std::system(deflate.c_str()) == 0);
  CHECK(read_all(folder / "theirs.gz", 1000) == bytes);
}

TEST_CASE("several gzip members read as their concatenation", "[gzip]") {
  test::TempFolder folder("gzip-members");
  const auto path = folder / "members.gz";
  write_file_atomically(path, gzip_compress("first ") + gzip_compress("") +
                                  gzip_compress("second", 9));
  CHECK(read_all(path, 3) == "first second");
}

TEST_CASE("damaged gzip data is refused, naming the file", "[gzip]") {
  test::TempFolder folder("gzip-damaged");
  const std::string bytes = sample_bytes(50000, 3);
  const std::string compressed = gzip_compress(bytes);
  SECTION("a changed byte in the middle of the deflate data") {
    std::string damaged = compressed;
    damaged[damaged.size() / 2] = static_cast<char>(damaged[damaged.size() / 2] ^ 0x55);
    const auto path = test::write_bytes(folder / "flipped.gz", damaged);
    CHECK_THROWS_AS(read_all(path, 4096), FormatError);
    CHECK_THROWS_WITH(read_all(path, 4096), Contains(path.string()));
  }
  SECTION("a wrong CRC-32 in the trailer") {
    std::string damaged = compressed;
    damaged[damaged.size() - 8] = static_cast<char>(damaged[damaged.size() - 8] ^ 1);
    const auto path = test::write_bytes(folder / "crc.gz", damaged);
    CHECK_THROWS_WITH(read_all(path, 4096), Contains("corrupt gzip data") &&
                                                Contains("incorrect data check"));
  }
  SECTION("a truncated stream") {
    const auto path = test::write_bytes(folder / "cut.gz", compressed.substr(0, 100));
    CHECK_THROWS_WITH(read_all(path, 4096), Contains("the gzip data ends early"));
  }
  SECTION("bytes after the last member") {
    const auto path = test::write_bytes(folder / "trailing.gz", compressed + "junk!");
    CHECK_THROWS_WITH(read_all(path, 4096),
                      Contains("5 bytes after the end of the gzip data") &&
                          Contains("are not another gzip member"));
  }
  SECTION("a second member that is not one") {
    const auto path = test::write_bytes(folder / "fake.gz", compressed + "\x1f\x8b junk");
    CHECK_THROWS_AS(read_all(path, 4096), FormatError);
  }
}

TEST_CASE("read_decompressed stops at its limit", "[gzip]") {
  test::TempFolder folder("gzip-limit");
  const auto path = test::write_bytes(folder / "zeros.gz", std::string(1 << 20, '\0'), true);
  CHECK(read_decompressed(path, 1 << 20).size() == std::size_t{1} << 20);
  CHECK_THROWS_WITH(read_decompressed(path, 1000),
                    Contains("decompresses to more than the limit of 1000 bytes"));
  // 1 MB of zeros fits in about a kilobyte: the deflate bound still allows it.
  DecompressingReader reader(path);
  CHECK(reader.file_size() < 2000);
  CHECK(reader.max_decompressed_size() >= std::uint64_t{1} << 20);
}

TEST_CASE("a missing file is an IoError", "[gzip]") {
  test::TempFolder folder("gzip-missing");
  CHECK_THROWS_AS(DecompressingReader(folder / "file.gz"), IoError);
}
