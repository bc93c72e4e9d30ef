// Tests of bachprop/core/random.hpp: the same seed gives the same bits, and the draws have the
// right law.

#include "helpers.hpp"

#include <bachprop/core/random.hpp>

#include <algorithm>
#include <numeric>
#include <vector>

TEST_CASE("Rng's engine is the standard mt19937_64", "[random]") {
  // The C++ standard fixes the 10000th output of a default-seeded mt19937_64.
  bachprop::Rng rng(5489U);
  std::uint64_t value = 0;
  for (int i = 0; i < 10000; ++i) {
    value = rng.bits();
  }
  CHECK(value == 9981545732273789042ULL);
}

TEST_CASE("Rng: same seed, same draws; other seed, other draws", "[random]") {
  bachprop::Rng a(42);
  bachprop::Rng b(42);
  bachprop::Rng c(43);
  bool all_same = true;
  bool any_differs_from_c = false;
  for (int i = 0; i < 100; ++i) {
    const double x = a.normal();
    all_same = all_same && x == b.normal();
    any_differs_from_c = any_differs_from_c || x != c.normal();
  }
  CHECK(all_same);
  CHECK(any_differs_from_c);
}

TEST_CASE("Rng draws have the right distribution", "[random]") {
  bachprop::Rng rng(7);
  const int n = 200000;
  double sum = 0;
  double sum_squares = 0;
  double uniform_sum = 0;
  double uniform_min = 1;
  double uniform_max = 0;
  for (int i = 0; i < n; ++i) {
    const double x = rng.normal(2.0, 3.0);
    sum += x;
    sum_squares += x * x;
    const double u = rng.uniform();
    uniform_sum += u;
    uniform_min = std::min(uniform_min, u);
    uniform_max = std::max(uniform_max, u);
  }
  const double mean = sum / n;
  const double variance = sum_squares / n - mean * mean;
  CHECK(mean == Approx(2.0).margin(0.03));
  CHECK(variance == Approx(9.0).epsilon(0.02));
  CHECK(uniform_sum / n == Approx(0.5).margin(0.005));
  CHECK(uniform_min >= 0.0);
  CHECK(uniform_max < 1.0);

  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) {
    const auto k = rng.below(7);
    REQUIRE(k < 7);
    ++counts[k];
  }
  for (int count : counts) {
    CHECK(count == Approx(10000).margin(400));
  }
  CHECK(rng.below(1) == 0);
  CHECK(rng.below(0) == 0);
}

TEST_CASE("Rng::shuffle is a deterministic permutation", "[random]") {
  std::vector<int> a(50);
  std::iota(a.begin(), a.end(), 0);
  std::vector<int> b = a;
  bachprop::Rng(9).shuffle(std::span<int>(a));
  bachprop::Rng(9).shuffle(std::span<int>(b));
  CHECK(a == b);
  std::vector<int> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> expected(50);
  std::iota(expected.begin(), expected.end(), 0);
  CHECK(sorted == expected);
  CHECK(a != expected);
}
