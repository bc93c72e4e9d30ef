// Tests of bachprop/music/generate/note_sampling.hpp: a note drawn from an embedding column, its
// pitch and its duration each from their own block.

#include <bachprop/music/encoding/note_embedding.hpp>
#include <bachprop/music/generate/note_sampling.hpp>

#include <catch2/catch.hpp>

#include <array>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("sampling an embedding column draws pitch and duration separately", "[encoding]") {
  const NoteEmbedding embedding{.lowest_pitch = 60, .highest_pitch = 63, .max_eighths = 2};
  Vector<float> column(6);
  column << 0.0F, 0.75F, 0.25F, 0.0F,  // pitch: 61 or 62
      0.5F, 0.5F;                      // duration: 0.5 or 1.0
  Rng rng(11);
  Sampler sampler(8);
  int count_61 = 0;
  int count_half = 0;
  for (int i = 0; i < 4000; ++i) {
    const auto e = sample_event(embedding, column, rng, sampler);
    CHECK((e.pitch == 61 || e.pitch == 62));
    count_61 += e.pitch == 61 ? 1 : 0;
    count_half += e.duration == 0.5 ? 1 : 0;
  }
  CHECK(count_61 / 4000.0 == Approx(0.75).margin(0.03));
  CHECK(count_half / 4000.0 == Approx(0.5).margin(0.03));
  CHECK(embedding.decode_event(column) == MelodyEvent{61, 0.5});
  const std::array<std::uint8_t, 4> only_62{0, 0, 1, 0};
  CHECK(sample_event(embedding, column, rng, sampler, {}, only_62).pitch == 62);
}
