// Tests of bachprop/music/generate/sampling.hpp: argmax, temperature, top-k, top-p and constraint
// masks, with frequencies checked against the probabilities they should follow.

#include <bachprop/music/generate/sampling.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

namespace {

// Frequencies of `draws` samples.
std::vector<double> frequencies(const std::vector<double>& p, const SamplingOptions& options,
                                std::uint64_t seed, int draws = 40000,
                                std::span<const std::uint8_t> mask = {}) {
  Rng rng(seed);
  Sampler sampler(p.size());
  std::vector<double> counts(p.size(), 0.0);
  for (int i = 0; i < draws; ++i) {
    counts[sampler.sample(std::span<const double>(p), rng, options, mask)] += 1.0 / draws;
  }
  return counts;
}

}  // namespace

TEST_CASE("argmax takes the first largest value", "[sampling]") {
  const std::vector<float> v{0.1F, 0.4F, 0.4F, 0.1F};
  CHECK(argmax(std::span<const float>(v)) == 1);
  CHECK_THROWS_AS(argmax(std::span<const float>()), ArgumentError);
}

TEST_CASE("sampling follows the distribution and is reproducible", "[sampling]") {
  const std::vector<double> p{0.5, 0.3, 0.2, 0.0};
  const auto f = frequencies(p, {}, 1);
  CHECK(f[0] == Approx(0.5).margin(0.01));
  CHECK(f[1] == Approx(0.3).margin(0.01));
  CHECK(f[2] == Approx(0.2).margin(0.01));
  CHECK(f[3] == 0.0);
  CHECK(frequencies(p, {}, 7, 500) == frequencies(p, {}, 7, 500));
  CHECK(frequencies(p, {}, 7, 500) != frequencies(p, {}, 8, 500));
  // Unnormalised weights are fine: the same frequencies.
  const std::vector<double> w{5.0, 3.0, 2.0, 0.0};
  CHECK(frequencies(w, {}, 1) == f);
  Rng rng(3);
  CHECK(sample_index(std::span<const double>(p), rng) < 3);
}

TEST_CASE("temperature sharpens and flattens: p^(1/T) renormalised", "[sampling]") {
  const std::vector<double> p{0.6, 0.3, 0.1};
  // T = 0.5 squares: 0.36, 0.09, 0.01 over 0.46.
  const auto sharp = frequencies(p, {.temperature = 0.5}, 2);
  CHECK(sharp[0] == Approx(0.36 / 0.46).margin(0.01));
  CHECK(sharp[2] == Approx(0.01 / 0.46).margin(0.005));
  // T = 2 takes square roots.
  const double s = std::sqrt(0.6) + std::sqrt(0.3) + std::sqrt(0.1);
  const auto flat = frequencies(p, {.temperature = 2.0}, 3);
  CHECK(flat[0] == Approx(std::sqrt(0.6) / s).margin(0.01));
  CHECK(flat[2] == Approx(std::sqrt(0.1) / s).margin(0.01));
  // T = 0 is argmax, and tiny T does not underflow into an error.
  CHECK(frequencies(p, {.temperature = 0.0}, 4, 100)[0] == Approx(1.0));
  CHECK(frequencies({1e-300, 2e-300}, {.temperature = 0.01}, 4, 100)[1] == Approx(1.0));
  Sampler sampler;
  Rng rng(1);
  sampler.sample(std::span<const double>(p), rng, {.temperature = 0.5});
  CHECK(sampler.last_weights()[1] == Approx(0.25));  // (0.3/0.6)^2 relative to the largest
}

TEST_CASE("top-k and top-p keep the most likely options", "[sampling]") {
  const std::vector<double> p{0.1, 0.4, 0.05, 0.3, 0.15};
  const auto k2 = frequencies(p, {.top_k = 2}, 5);
  CHECK(k2[1] == Approx(0.4 / 0.7).margin(0.01));
  CHECK(k2[3] == Approx(0.3 / 0.7).margin(0.01));
  CHECK(k2[0] + k2[2] + k2[4] == 0.0);
  // top_p = 0.8: 0.4 + 0.3 = 0.7 < 0.8, + 0.15 = 0.85 ≥ 0.8: three options kept.
  const auto nucleus = frequencies(p, {.top_p = 0.8}, 6);
  CHECK(nucleus[4] == Approx(0.15 / 0.85).margin(0.01));
  CHECK(nucleus[0] + nucleus[2] == 0.0);
  // top_p exactly reached by the first option keeps only it.
  CHECK(frequencies(p, {.top_p = 0.4}, 6, 200)[1] == Approx(1.0));
  // Ties at the cut: the lower index is kept.
  const std::vector<double> ties{0.25, 0.25, 0.25, 0.25};
  const auto tie = frequencies(ties, {.top_k = 2}, 7);
  CHECK(tie[0] > 0.45);
  CHECK(tie[2] + tie[3] == 0.0);
  // top_k larger than the vector changes nothing.
  CHECK(frequencies(p, {.top_k = 99}, 8, 500) == frequencies(p, {}, 8, 500));
}

TEST_CASE("masks forbid options; an all-masked distribution is a clear error",
          "[sampling][errors]") {
  const std::vector<double> p{0.5, 0.3, 0.2};
  const std::array<std::uint8_t, 3> mask{0, 1, 1};
  const auto f = frequencies(p, {}, 9, 20000, mask);
  CHECK(f[0] == 0.0);
  CHECK(f[1] == Approx(0.6).margin(0.015));
  Rng rng(1);
  Sampler sampler;
  const std::array<std::uint8_t, 3> none{0, 0, 0};
  CHECK_THROWS_WITH(sampler.sample(std::span<const double>(p), rng, {}, none),
                    Catch::Contains("every option is masked"));
  const std::array<std::uint8_t, 3> only_zero{0, 0, 1};
  const std::vector<double> q{0.5, 0.5, 0.0};
  CHECK_THROWS_AS(sampler.sample(std::span<const double>(q), rng, {}, only_zero), ArgumentError);
  CHECK_THROWS_AS(sampler.sample(std::span<const double>(p), rng, {},
                                 std::span<const std::uint8_t>(none).first(2)),
                  ArgumentError);
  const std::vector<double> negative{0.5, -0.1};
  CHECK_THROWS_WITH(sampler.sample(std::span<const double>(negative), rng),
                    Catch::Contains("probability 1"));
  const std::vector<double> nan{0.5, std::nan("")};
  CHECK_THROWS_AS(sampler.sample(std::span<const double>(nan), rng), ArgumentError);
  CHECK_THROWS_AS(sampler.sample(std::span<const double>(), rng), ArgumentError);
  CHECK_THROWS_AS(sampler.sample(std::span<const double>(p), rng, {.temperature = -1}),
                  ArgumentError);
  CHECK_THROWS_AS(sampler.sample(std::span<const double>(p), rng, {.top_p = 0.0}),
                  ArgumentError);
  CHECK_THROWS_AS(sample_index(std::span<const double>(q).last(1), rng), ArgumentError);

  std::vector<float> probabilities{0.2F, 0.3F, 0.5F};
  apply_mask(std::span<float>(probabilities), std::span<const std::uint8_t>(mask));
  CHECK(probabilities[0] == 0.0F);
  CHECK(probabilities[1] == Approx(0.375));
  CHECK_THROWS_AS(apply_mask(std::span<float>(probabilities), std::span<const std::uint8_t>(none)),
                  ArgumentError);
}

TEST_CASE("softmax with temperature is stable for large logits", "[sampling]") {
  const std::vector<double> logits{1000.0, 1001.0, 999.0};
  std::vector<double> out(3);
  softmax_with_temperature(std::span<const double>(logits), std::span<double>(out), 1.0);
  const double z = std::exp(-1.0) + 1.0 + std::exp(-2.0);
  CHECK(out[1] == Approx(1.0 / z));
  softmax_with_temperature(std::span<const double>(logits), std::span<double>(out), 0.5);
  CHECK(out[1] == Approx(1.0 / (std::exp(-2.0) + 1.0 + std::exp(-4.0))));
  CHECK_THROWS_AS(softmax_with_temperature(std::span<const double>(logits),
                                           std::span<double>(out).first(2), 1.0),
                  ArgumentError);
  CHECK_THROWS_AS(softmax_with_temperature(std::span<const double>(logits),
                                           std::span<double>(out), 0.0),
                  ArgumentError);
}

TEST_CASE("melody constraints: key, range, repeats, rests", "[sampling]") {
  // Options: C4 C#4 D4 ... B4 (60..71), a rest, and a non-note token (-2).
  std::vector<int> options;
  for (int p = 60; p <= 71; ++p) {
    options.push_back(p);
  }
  options.push_back(-1);
  options.push_back(-2);
  std::vector<std::uint8_t> mask(options.size(), 1);
  MelodyConstraints in_c{.key = Key{0, Mode::major}};
  in_c.apply(options, {}, mask);
  const std::vector<std::uint8_t> c_major{1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1};
  CHECK(mask == c_major);

  std::fill(mask.begin(), mask.end(), 1);
  MelodyConstraints a_minor{.key = Key{9, Mode::minor}, .harmonic_minor = true,
                            .lowest_pitch = 62, .highest_pitch = 69, .allow_rest = false};
  a_minor.apply(options, {}, mask);
  // D E F G G# A in range 62..69; no rest; the non-note token stays.
  const std::vector<std::uint8_t> expected{0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1};
  CHECK(mask == expected);

  std::fill(mask.begin(), mask.end(), 1);
  MelodyConstraints no_triple{.max_repeats = 2};
  const std::vector<int> history{60, 64, 64};
  no_triple.apply(options, history, mask);
  CHECK(mask[4] == 0);  // a third E4 in a row is forbidden
  CHECK(std::count(mask.begin(), mask.end(), 0) == 1);
  std::fill(mask.begin(), mask.end(), 1);
  no_triple.apply(options, std::vector<int>{64, 60, 64}, mask);
  CHECK(std::count(mask.begin(), mask.end(), 0) == 0);
  std::fill(mask.begin(), mask.end(), 1);
  no_triple.apply(options, std::vector<int>{-1, -1}, mask);
  CHECK(mask[12] == 0);  // nor a third rest

  // Constraints that exclude everything end in a clear error when sampling.
  std::fill(mask.begin(), mask.end(), 1);
  MelodyConstraints impossible{.lowest_pitch = 100, .highest_pitch = 110, .allow_rest = false};
  std::vector<int> notes_only(options.begin(), options.begin() + 13);
  std::vector<std::uint8_t> small_mask(13, 1);
  impossible.apply(notes_only, {}, small_mask);
  std::vector<double> p(13, 1.0);
  Rng rng(1);
  Sampler sampler;
  CHECK_THROWS_WITH(sampler.sample(std::span<const double>(p), rng, {}, small_mask),
                    Catch::Contains("loosen"));
  CHECK_THROWS_AS(impossible.apply(notes_only, {}, mask), ArgumentError);  // sizes differ
}
