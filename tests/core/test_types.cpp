// Tests of bachprop/core/types.hpp: checked conversions to Index and the shape text of messages.

#include "helpers.hpp"

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>

#include <cstdint>
#include <limits>
#include <string>

using namespace bachprop;
using Catch::Matchers::Contains;

TEST_CASE("to_index converts what fits and refuses what would wrap", "[types]") {
  // Index is 64 bits on x86-64 and aarch64, 32 on armhf and in the browser (wasm32).
  const std::string bits = std::to_string(8 * sizeof(Index));
  if (sizeof(Index) == 8) {
    CHECK(to_index<ArgumentError>(std::uint32_t{4'000'000'000U}, "count") == 4'000'000'000);
  } else {
    CHECK_THROWS_WITH(to_index<ArgumentError>(std::uint32_t{4'000'000'000U}, "count"),
                      Contains("count (4000000000) is more than this platform's 32-bit index"));
    CHECK(to_index<ArgumentError>(std::uint32_t{2'000'000'000U}, "count") == 2'000'000'000);
  }
  CHECK(to_index<ArgumentError>(std::int64_t{-3}, "offset") == -3);
  // A 64-bit count above Index's range (2^64 − 1 > 2^63 − 1 or 2^31 − 1) is refused, never
  // wrapped.
  CHECK_THROWS_AS(to_index<FormatError>(std::numeric_limits<std::uint64_t>::max(), "n"),
                  FormatError);
  CHECK_THROWS_WITH(
      to_index<FormatError>(std::numeric_limits<std::uint64_t>::max(), "data.idx: the count"),
      Contains("data.idx: the count (18446744073709551615) is more than this platform's " + bits +
               "-bit index can hold"));
}

TEST_CASE("shapes read rows × columns in messages", "[types]") {
  CHECK(shape_string(3, 2) == "3×2");
  CHECK(shape_string(Matrix<float>(4, 7)) == "4×7");
}
