// Tests of examples/common/sha256.hpp: the FIPS 180-4 example messages, every padding boundary,
// any split of the input, and agreement with the independent `sha256sum` on files written here.

#include "helpers.hpp"
#include "io/idx_samples.hpp"

#include "common/sha256.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

using namespace bachprop;

namespace {

// The first word `sha256sum FILE` prints, or "" if the tool is missing.
std::string sha256sum_of(const std::filesystem::path& path) {
  const std::string command = "sha256sum '" + path.string() + "' 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) {
    return {};
  }
  char buffer[65] = {};
  const std::size_t got = std::fread(buffer, 1, 64, pipe.get());
  return got == 64 ? std::string(buffer, 64) : std::string();
}

}  // namespace

TEST_CASE("SHA-256 of the standard's example messages", "[sha256]") {
  // FIPS 180-4 examples (NIST's "SHA256.pdf", "SHA256_2.pdf") and the million-'a' message.
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(
      sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
                 "klmnopqrlmnopqrsmnopqrstnopqrstu") ==
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("feeding the message in pieces gives the same digest", "[sha256]") {
  const std::string message =
      "The quick brown fox jumps over the lazy dog, then over 128 more bytes of padding text "
      "so that the message spans several 64-byte blocks of the compression function.";
  const std::string whole = sha256_hex(message);
  for (std::size_t split = 0; split <= message.size(); ++split) {
    Sha256 hash;
    hash.update(message.substr(0, split)).update(message.substr(split));
    INFO("split at " << split);
    CHECK(to_hex(hash.finish()) == whole);
  }
  // Byte by byte, and reuse after finish().
  Sha256 hash;
  for (const char c : message) {
    hash.update(&c, 1);
  }
  CHECK(to_hex(hash.finish()) == whole);
  CHECK(to_hex(hash.update("abc").finish()) == sha256_hex("abc"));
}

TEST_CASE("files of every length around the padding boundaries agree with sha256sum",
          "[sha256]") {
  test::TempFolder folder("sha256");
  Rng rng(2024);
  std::string bytes;
  for (std::size_t length = 0; length <= 130; ++length) {
    const auto path = test::write_bytes(folder / "bytes", bytes);
    const std::string theirs = sha256sum_of(path);
    if (theirs.empty()) {
      WARN("sha256sum is not available: compared with the standard's examples only");
      return;
    }
    INFO("length " << length);
    CHECK(sha256_file_hex(path) == theirs);
    CHECK(sha256_hex(bytes) == theirs);
    bytes.push_back(static_cast<char>(rng.below(256)));
  }
  // A file larger than the reading chunk.
  const auto large = test::write_bytes(folder / "large", std::string(200000, 'z') + bytes);
  CHECK(sha256_file_hex(large) == sha256sum_of(large));
}

TEST_CASE("sha256_file_hex of a missing file is an IoError", "[sha256]") {
  test::TempFolder folder("sha256-missing");
  CHECK_THROWS_AS(sha256_file_hex(folder / "missing"), IoError);
}
