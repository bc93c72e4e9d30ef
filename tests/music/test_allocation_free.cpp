// Tests of bachprop/music/generate/ (sampling, note sampling, Markov chains) in a steady loop.
//
// The generation loop's building blocks allocate nothing once their buffers exist: sampling,
// constraint masks, the embedding's encode and sample, a Markov chain's next token. Checked by
// counting calls to the global operator new while they run (this test binary is the music
// suite's own, so replacing operator new here affects nothing else). Under AddressSanitizer the
// runtime owns operator new, so there the count is skipped (the normal build runs it).

#include <bachprop/music/encoding.hpp>
#include <bachprop/music/generate/note_sampling.hpp>
#include <bachprop/music/generate/markov.hpp>
#include <bachprop/music/generate/sampling.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define BACHPROP_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BACHPROP_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef BACHPROP_COUNT_ALLOCATIONS
#define BACHPROP_COUNT_ALLOCATIONS 1
#endif

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
}  // namespace

#if BACHPROP_COUNT_ALLOCATIONS
void* operator new(std::size_t size) {
  if (counting.load()) {
    ++allocations;
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif

using namespace bachprop;
using namespace bachprop::music;

namespace {

// Runs `body` and returns how many times it called operator new.
template <class F>
long allocations_during(F&& body) {
  allocations = 0;
  counting = true;
  body();
  counting = false;
  return allocations.load();
}

}  // namespace

TEST_CASE("a generation step allocates nothing once buffers exist", "[allocation]") {
  if (!BACHPROP_COUNT_ALLOCATIONS) {
    WARN("skipped under AddressSanitizer, which owns operator new");
    return;
  }
  const NoteEmbedding embedding{.lowest_pitch = 60, .highest_pitch = 81, .max_eighths = 16,
                                .with_rest = true};
  const Melody melody{{60, 1.0}, {62, 0.5}, {rest_pitch, 0.5}, {64, 2.0}};
  Matrix<float> encoded(embedding.rows(), static_cast<Index>(melody.size()));
  Vector<float> column = Vector<float>::Constant(embedding.rows(), 0.1F);
  const std::vector<int> options = embedding.row_pitches();
  std::vector<int> history{60, 62, 62};
  std::vector<std::uint8_t> mask(options.size(), 1);
  const MelodyConstraints constraints{.key = Key{0, Mode::major}, .lowest_pitch = 60,
                                      .highest_pitch = 79, .max_repeats = 2};
  MarkovChain chain(5, {.order = 2});
  chain.fit({{0, 1, 2, 3, 4, 0, 1, 2}, {4, 3, 2, 1, 0}});
  const std::vector<int> tokens{0, 1};
  Rng rng(1);
  Sampler sampler(64);
  const SamplingOptions options_sampling{.temperature = 0.8, .top_k = 5, .top_p = 0.9};
  // Warm up once (the sampler sizes its buffers on first use at a size).
  sample_event(embedding, column, rng, sampler, options_sampling);
  chain.sample_next(tokens, rng, sampler, options_sampling);

  const long count = allocations_during([&] {
    for (int step = 0; step < 100; ++step) {
      embedding.encode(melody, encoded);
      std::fill(mask.begin(), mask.end(), 1);
      constraints.apply(options, history, mask);
      const auto event = sample_event(embedding, column, rng, sampler, options_sampling,
                                      std::span<const std::uint8_t>(mask).first(
                                          static_cast<std::size_t>(embedding.pitch_rows())));
      embedding.encode_event(event, encoded.col(0));
      (void)embedding.decode_event(encoded.col(1));
      (void)chain.sample_next(tokens, rng, sampler, options_sampling);
    }
  });
  CHECK(count == 0);
  // The counter works: a vector that grows allocates.
  CHECK(allocations_during([] { std::vector<int> grows(100, 1); (void)grows; }) > 0);
}
