#pragma once
/// @file
/// What the biaxial piano model hears of each key before it predicts the key's next frame: the
/// key's own place on the keyboard, and the previous frame as seen from that key (which of its
/// neighbours sounded and which were struck, which pitch classes sounded relative to its own), and
/// where the frame falls in the bar. Every key is described from its own point of view, so the
/// same time-axis weights serve all 88 keys (equation (48), docs/derivation.md).
///
/// The features of key k (MIDI pitch m = lowest + k) for frame t, all from frame t − 1 (a frame
/// before the first is silent), in this order (biaxial_feature_count = 79 rows):
///
///   row 0          position: (m − 60) / 24, middle C at 0, two octaves per unit
///   rows 1-12      pitch class: one-hot of m mod 12 (row 1 + m mod 12)
///   rows 13-62     vicinity: for d = −12..12, rows 13 + 2(d + 12) and 14 + 2(d + 12) are 1 when
///                  key m + d sounded / was struck anew in frame t − 1 (0 beyond the keyboard)
///   rows 63-74     context: row 63 + i counts the keys that sounded in frame t − 1 whose pitch
///                  class is (m + i) mod 12, every octave together
///   rows 75-78     beat: the four lowest bits of t mod frames_per_bar (row 75 the lowest)
///
/// Johnson's biaxial model (2015) describes each note by the same groups; the scalings and the
/// row order here are this library's.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/encoding/articulated_roll.hpp>

#include <Eigen/Core>

#include <array>
#include <cstdint>
#include <string>
#include <type_traits>

namespace bachprop::music {

/// Rows of one key's feature column.
inline constexpr Index biaxial_feature_count = 79;
/// First row of each group of features (see the file comment).
inline constexpr Index biaxial_position_row = 0;
/// First of the 12 pitch-class rows.
inline constexpr Index biaxial_pitch_class_row = 1;
/// First of the 50 vicinity rows (sounded, struck) for offsets −12..12.
inline constexpr Index biaxial_vicinity_row = 13;
/// First of the 12 context rows.
inline constexpr Index biaxial_context_row = 63;
/// First of the 4 beat rows.
inline constexpr Index biaxial_beat_row = 75;
/// Semitones the vicinity reaches on each side of a key.
inline constexpr int biaxial_vicinity = 12;

namespace detail {

// The features of every key (file comment), from the previous frame's flags, or from silence
// when `sounded` is nullptr.
template <class Sounded, class Struck, class Out>
void write_biaxial_features(const Sounded* sounded, const Struck* struck, int lowest_pitch,
                            Index keys, Index beat_frame, Index frames_per_bar, Out& out) {
  if (out.rows() != biaxial_feature_count || out.cols() != keys || frames_per_bar < 1 ||
      beat_frame < 0 || lowest_pitch < 0 || lowest_pitch + keys > 128 ||
      (sounded != nullptr && (sounded->size() != keys || struck->size() != keys))) {
    throw ArgumentError("biaxial_features: expected " + std::to_string(biaxial_feature_count) +
                        " × " + std::to_string(keys) + " features for keys within MIDI 0..127, " +
                        "flags for every key and a positive bar length");
  }
  using S = typename std::remove_cvref_t<Out>::Scalar;
  auto flag = [](const auto* flags, Index key) {
    return flags != nullptr && (*flags)(key) != 0 ? S(1) : S(0);
  };
  // Context counts by absolute pitch class, computed once per frame.
  std::array<S, 12> by_class{};
  for (Index key = 0; key < keys; ++key) {
    by_class[static_cast<std::size_t>((lowest_pitch + key) % 12)] += flag(sounded, key);
  }
  const Index beat = beat_frame % frames_per_bar;
  out.setZero();
  for (Index key = 0; key < keys; ++key) {
    const int pitch = lowest_pitch + static_cast<int>(key);
    const int pitch_class = pitch % 12;
    auto column = out.col(key);
    column(biaxial_position_row) = static_cast<S>(pitch - 60) / S(24);
    column(biaxial_pitch_class_row + pitch_class) = S(1);
    for (int d = -biaxial_vicinity; d <= biaxial_vicinity; ++d) {
      const Index other = key + d;
      if (other < 0 || other >= keys) {
        continue;
      }
      const Index row = biaxial_vicinity_row + 2 * (d + biaxial_vicinity);
      column(row) = flag(sounded, other);
      column(row + 1) = flag(struck, other);
    }
    for (int i = 0; i < 12; ++i) {
      column(biaxial_context_row + i) = by_class[static_cast<std::size_t>((pitch_class + i) % 12)];
    }
    for (int bit = 0; bit < 4; ++bit) {
      column(biaxial_beat_row + bit) = static_cast<S>((beat >> bit) & 1);
    }
  }
}

}  // namespace detail

/// Writes the features of every key for the frame at `beat_frame` (its index within the piece,
/// for the beat) into `out` (biaxial_feature_count × keys, column k for key k), from the previous
/// frame's `sounded` and `struck` flags (vectors with one entry per key). Allocates nothing.
/// Throws ArgumentError on sizes that do not match or keys outside MIDI 0..127.
template <class Sounded, class Struck, class Out>
void biaxial_features(const Sounded& sounded, const Struck& struck, int lowest_pitch, Index keys,
                      Index beat_frame, Index frames_per_bar, Out&& out) {
  detail::write_biaxial_features(&sounded, &struck, lowest_pitch, keys, beat_frame,
                                 frames_per_bar, out);
}

/// The features of the first frame of a piece, whose previous frame is silence.
template <class Out>
void biaxial_features_after_silence(int lowest_pitch, Index keys, Index beat_frame,
                                    Index frames_per_bar, Out&& out) {
  using Column = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, 1>;
  detail::write_biaxial_features<Column, Column>(nullptr, nullptr, lowest_pitch, keys,
                                                 beat_frame, frames_per_bar, out);
}

}  // namespace bachprop::music
