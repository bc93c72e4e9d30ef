#pragma once
/// @file
/// The paper's note vector (section 6.2 of the derivation paper): a one-hot pitch over MIDI
/// 36..81 stacked on a one-hot duration in eighth notes, one column per note (batch as columns).
/// Decoding takes the argmax of each block; music/generate/note_sampling.hpp samples each block.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/score/melody.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace bachprop::music {

/// Rounds every duration to the nearest multiple of `unit` quarter notes (at least one unit):
/// for encodings with a fixed duration grid (the UCI melodies have a few sixteenths).
inline Melody quantise_durations(const Melody& melody, double unit) {
  if (!(unit > 0.0) || !std::isfinite(unit)) {
    throw ArgumentError("quantise_durations: the unit must be positive, got " +
                        std::to_string(unit));
  }
  Melody out = melody;
  for (auto& e : out) {
    e.duration = std::max(1.0, std::round(e.duration / unit)) * unit;
  }
  return out;
}

/// One-hot pitch (MIDI lowest..highest, plus a rest row when `with_rest`) stacked on one-hot
/// duration (1..max_eighths eighth notes). Rows: pitches first, lowest pitch at row 0, the rest
/// row last of the pitch block; then the duration block, one eighth at its first row.
struct NoteEmbedding {
  int lowest_pitch = 36;   ///< MIDI pitch of row 0 (36: C2)
  int highest_pitch = 81;  ///< highest MIDI pitch with a row, inclusive (81: A5)
  int max_eighths = 16;    ///< longest duration, in eighth notes (16: a breve)
  /// The paper has no rests; chorale soprano lines do.
  bool with_rest = false;

  /// Rows of the pitch block.
  Index pitch_rows() const { return highest_pitch - lowest_pitch + 1 + (with_rest ? 1 : 0); }
  /// Rows of the duration block.
  Index duration_rows() const { return max_eighths; }
  /// Rows of a whole column.
  Index rows() const { return pitch_rows() + duration_rows(); }

  /// Throws ArgumentError unless the ranges make sense.
  void validate() const {
    if (lowest_pitch < 0 || highest_pitch > 127 || lowest_pitch > highest_pitch ||
        max_eighths < 1 || max_eighths > 1024) {
      throw ArgumentError("NoteEmbedding: pitches " + std::to_string(lowest_pitch) + ".." +
                          std::to_string(highest_pitch) + " and 1.." +
                          std::to_string(max_eighths) +
                          " eighths: expected 0 ≤ lowest ≤ highest ≤ 127 and 1..1024 eighths");
    }
  }
  /// The pitch row of an event (a MIDI pitch, or rest_pitch with with_rest).
  Index pitch_row(int pitch) const {
    if (pitch == rest_pitch && with_rest) {
      return pitch_rows() - 1;
    }
    if (pitch < lowest_pitch || pitch > highest_pitch) {
      throw ArgumentError("NoteEmbedding: " +
                          (pitch == rest_pitch ? std::string("a rest (set with_rest)")
                                               : "pitch " + std::to_string(pitch)) +
                          " is outside the embedded range " + std::to_string(lowest_pitch) +
                          ".." + std::to_string(highest_pitch));
    }
    return pitch - lowest_pitch;
  }
  /// The pitch of a pitch row (rest_pitch for the rest row).
  int pitch_of_row(Index row) const {
    if (row < 0 || row >= pitch_rows()) {
      throw ArgumentError("NoteEmbedding: pitch row " + std::to_string(row) + " outside 0.." +
                          std::to_string(pitch_rows() - 1));
    }
    return with_rest && row == pitch_rows() - 1 ? rest_pitch
                                                : lowest_pitch + static_cast<int>(row);
  }
  /// The duration row: the number of eighths minus one. Throws ArgumentError when the duration
  /// is not a whole number of eighths in 1..max_eighths (see quantise_durations).
  Index duration_row(double quarters) const {
    const double eighths = quarters * 2.0;
    const double rounded = std::round(eighths);
    if (std::abs(eighths - rounded) > 1e-9 || rounded < 1 || rounded > max_eighths) {
      throw ArgumentError("NoteEmbedding: a duration of " + std::to_string(quarters) +
                          " quarter notes is not 1.." + std::to_string(max_eighths) +
                          " whole eighths (quantise_durations rounds it)");
    }
    return static_cast<Index>(rounded) - 1;
  }
  /// The duration in quarter notes of a duration row.
  double duration_of_row(Index row) const {
    if (row < 0 || row >= duration_rows()) {
      throw ArgumentError("NoteEmbedding: duration row " + std::to_string(row) +
                          " outside 0.." + std::to_string(duration_rows() - 1));
    }
    return static_cast<double>(row + 1) / 2.0;
  }

  /// Writes one event's vector into `column` (rows() entries), zeros elsewhere. Allocation-free.
  template <class Derived>
  void encode_event(const MelodyEvent& event, Eigen::MatrixBase<Derived>&& column) const {
    encode_event(event, column);
  }
  /// The same, into a vector or a column held by the caller.
  template <class Derived>
  void encode_event(const MelodyEvent& event, Eigen::MatrixBase<Derived>& column) const {
    if (column.size() != rows()) {
      throw ShapeError("NoteEmbedding: a column of " + std::to_string(column.size()) +
                       " entries, expected " + std::to_string(rows()));
    }
    const Index p = pitch_row(event.pitch);
    const Index d = duration_row(event.duration);
    column.setZero();
    column(p) = 1;
    column(pitch_rows() + d) = 1;
  }

  /// Encodes a melody into `out` (rows() × events), resizing it only when its shape differs:
  /// with a preallocated matrix of the right shape, allocation-free.
  template <Scalar S>
  void encode(const Melody& melody, Matrix<S>& out) const {
    validate();
    if (out.rows() != rows() || out.cols() != static_cast<Index>(melody.size())) {
      out.resize(rows(), static_cast<Index>(melody.size()));
    }
    for (std::size_t i = 0; i < melody.size(); ++i) {
      encode_event(melody[i], out.col(static_cast<Index>(i)));
    }
  }
  /// Encodes a melody into a new matrix.
  Matrix<float> encode(const Melody& melody) const {
    Matrix<float> out;
    encode(melody, out);
    return out;
  }

  /// The event a column stands for: the most likely row of each block.
  template <class Derived>
  MelodyEvent decode_event(const Eigen::MatrixBase<Derived>& column) const {
    check_column(column.size());
    Index p = 0;
    Index d = 0;
    column.head(pitch_rows()).maxCoeff(&p);
    column.tail(duration_rows()).maxCoeff(&d);
    return {pitch_of_row(p), duration_of_row(d)};
  }
  /// A melody from the columns of `encoded` (argmax of each block).
  template <class Derived>
  Melody decode(const Eigen::MatrixBase<Derived>& encoded) const {
    Melody melody;
    melody.reserve(static_cast<std::size_t>(encoded.cols()));
    for (Index c = 0; c < encoded.cols(); ++c) {
      melody.push_back(decode_event(encoded.col(c)));
    }
    return melody;
  }
  /// The pitch of every pitch row (rest_pitch for the rest row): the `option_pitches` that
  /// MelodyConstraints needs.
  std::vector<int> row_pitches() const {
    std::vector<int> pitches;
    for (Index r = 0; r < pitch_rows(); ++r) {
      pitches.push_back(pitch_of_row(r));
    }
    return pitches;
  }

  /// Throws ShapeError unless a column has rows() entries.
  void check_column(Index size) const {
    if (size != rows()) {
      throw ShapeError("NoteEmbedding: a column of " + std::to_string(size) +
                       " entries, expected " + std::to_string(rows()));
    }
  }
};

}  // namespace bachprop::music
