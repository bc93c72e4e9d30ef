// Tests of bachprop/music/encoding/biaxial_features.hpp: every group of a key's features.

#include "helpers.hpp"

#include <bachprop/music/encoding/biaxial_features.hpp>

using namespace bachprop;
using namespace bachprop::music;

namespace {

using Flags = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, 1>;

// 30 keys from C3 (48): C3 and E4 sounded in the frame before, E4 struck anew.
Matrix<double> features_of_example(Index beat_frame = 0, Index frames_per_bar = 4) {
  Flags sounded = Flags::Zero(30);
  Flags struck = Flags::Zero(30);
  sounded(0) = 1;   // C3
  sounded(16) = 1;  // E4
  struck(16) = 1;
  Matrix<double> out(biaxial_feature_count, 30);
  biaxial_features(sounded, struck, 48, 30, beat_frame, frames_per_bar, out);
  return out;
}

}  // namespace

TEST_CASE("biaxial features: position and pitch class", "[biaxial_features]") {
  const Matrix<double> f = features_of_example();
  CHECK(f(biaxial_position_row, 12) == 0.0);              // C4 = 60: middle C at 0
  CHECK(f(biaxial_position_row, 0) == Approx(-0.5));     // C3: one octave below, half a unit
  CHECK(f(biaxial_position_row, 24) == Approx(0.5));     // C5
  for (Index key = 0; key < 30; ++key) {
    const auto pc = static_cast<Index>((48 + key) % 12);
    CHECK(f.col(key).segment(biaxial_pitch_class_row, 12).sum() == 1.0);
    CHECK(f(biaxial_pitch_class_row + pc, key) == 1.0);
  }
}

TEST_CASE("biaxial features: the vicinity, from the key's own point of view",
          "[biaxial_features]") {
  const Matrix<double> f = features_of_example();
  auto sounded_at = [&](Index key, int d) {
    return f(biaxial_vicinity_row + 2 * (d + biaxial_vicinity), key);
  };
  auto struck_at = [&](Index key, int d) {
    return f(biaxial_vicinity_row + 2 * (d + biaxial_vicinity) + 1, key);
  };
  // E4 (key 16) hears itself at offset 0, held C3 is 16 below: out of reach.
  CHECK(sounded_at(16, 0) == 1.0);
  CHECK(struck_at(16, 0) == 1.0);
  CHECK(f.col(16).segment(biaxial_vicinity_row, 50).sum() == 2.0);
  // G3 (key 7) hears C3 seven below (sounded, not struck) and E4 nine above (both).
  CHECK(sounded_at(7, -7) == 1.0);
  CHECK(struck_at(7, -7) == 0.0);
  CHECK(sounded_at(7, 9) == 1.0);
  CHECK(struck_at(7, 9) == 1.0);
  CHECK(f.col(7).segment(biaxial_vicinity_row, 50).sum() == 3.0);
  // The lowest key: nothing below the keyboard; C3 itself at 0, and E4 out of reach (16).
  CHECK(sounded_at(0, 0) == 1.0);
  CHECK(f.col(0).segment(biaxial_vicinity_row, 24).sum() == 0.0);
  // E5 (key 28) hears E4 an octave below, the edge of its reach; F5 (key 29) no longer does.
  CHECK(sounded_at(28, -12) == 1.0);
  CHECK(struck_at(28, -12) == 1.0);
  CHECK(f.col(29).segment(biaxial_vicinity_row, 50).sum() == 0.0);
}

TEST_CASE("biaxial features: the context counts pitch classes relative to the key",
          "[biaxial_features]") {
  const Matrix<double> f = features_of_example();
  // From C (any octave): C sounded (offset 0) and E (offset 4).
  CHECK(f(biaxial_context_row + 0, 12) == 1.0);
  CHECK(f(biaxial_context_row + 4, 12) == 1.0);
  CHECK(f.col(12).segment(biaxial_context_row, 12).sum() == 2.0);
  // From A (key 9, A3): C is 3 above, E is 7 above.
  CHECK(f(biaxial_context_row + 3, 9) == 1.0);
  CHECK(f(biaxial_context_row + 7, 9) == 1.0);
  // Two Cs count twice.
  Flags sounded = Flags::Zero(30);
  sounded(0) = 1;
  sounded(12) = 1;
  Matrix<double> out(biaxial_feature_count, 30);
  biaxial_features(sounded, Flags::Zero(30).eval(), 48, 30, 0, 4, out);
  CHECK(out(biaxial_context_row, 5) == 0.0);
  CHECK(out(biaxial_context_row + 7, 5) == 2.0);  // from F: C is 7 above
}

TEST_CASE("biaxial features: the beat within the bar in four bits", "[biaxial_features]") {
  for (Index t = 0; t < 40; ++t) {
    const Matrix<double> f = features_of_example(t, 12);
    const Index beat = t % 12;
    for (int bit = 0; bit < 4; ++bit) {
      CHECK(f(biaxial_beat_row + bit, 3) == static_cast<double>((beat >> bit) & 1));
    }
  }
}

TEST_CASE("biaxial features: after silence only place and beat are set", "[biaxial_features]") {
  Matrix<float> out = Matrix<float>::Constant(biaxial_feature_count, 88, 7.0F);
  biaxial_features_after_silence(21, 88, 5, 4, out);
  CHECK(out.middleRows(biaxial_vicinity_row, 62).cwiseAbs().sum() == 0.0F);
  CHECK(out.middleRows(biaxial_pitch_class_row, 12).sum() == 88.0F);
  CHECK(out(biaxial_beat_row, 0) == 1.0F);  // 5 mod 4 = 1
  CHECK(out(biaxial_beat_row + 1, 0) == 0.0F);
}

TEST_CASE("biaxial features: sizes are checked", "[biaxial_features]") {
  Matrix<double> wrong(biaxial_feature_count, 29);
  const Flags flags = Flags::Zero(30);
  CHECK_THROWS_AS(biaxial_features(flags, flags, 48, 30, 0, 4, wrong), ArgumentError);
  Matrix<double> out(biaxial_feature_count, 30);
  CHECK_THROWS_AS(biaxial_features(flags, flags, 48, 30, 0, 0, out), ArgumentError);
  CHECK_THROWS_AS(biaxial_features(flags, flags, 100, 30, 0, 4, out), ArgumentError);
  const Flags short_flags = Flags::Zero(29);
  CHECK_THROWS_AS(biaxial_features(short_flags, flags, 48, 30, 0, 4, out), ArgumentError);
}
