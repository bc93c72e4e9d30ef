#pragma once
/// @file
/// Written note values: a power-of-two type, once dotted or not, or a triplet value, and the
/// values that write a length of time in a measure (music/score/notation.hpp lays scores out
/// with them): the largest values that fit, tied; a length that is not a whole number of the
/// smallest binary values takes one triplet value, first when it starts off the binary grid,
/// else last.

#include <cmath>
#include <cstdint>
#include <vector>

namespace bachprop::music {

/// A written note value: a power-of-two type, once dotted or not, or a triplet value.
struct NoteValue {
  /// The type as a power of two of a quarter note: 0 quarter, -1 eighth, 1 half, 2 whole,
  /// 3 breve, 4 long, down to -8 (a 1024th note).
  int log2 = 0;
  int dots = 0;          ///< 0 or 1: a dot adds half the type's length
  bool triplet = false;  ///< sounds 2/3 of its type (three in the time of two)
  /// The length it sounds, in quarter notes.
  double quarters() const {
    return std::ldexp(1.0, log2) * (dots == 1 ? 1.5 : 1.0) * (triplet ? 2.0 / 3.0 : 1.0);
  }
  /// Equal when type, dots and triplet are.
  friend bool operator==(const NoteValue&, const NoteValue&) = default;
};

namespace detail::notation {

/// The length of a value in divisions (a whole number for every value note_values returns).
inline std::int64_t value_length(const NoteValue& value, int divisions) {
  const int shift = value.log2 + (value.triplet ? 1 : 0);
  std::int64_t length =
      shift >= 0 ? std::int64_t{divisions} << shift : std::int64_t{divisions} >> -shift;
  length = value.triplet ? length / 3 : length;
  return value.dots == 1 ? length + length / 2 : length;
}

/// The values that write `length` divisions starting at `start` (see the file comment).
inline std::vector<NoteValue> note_values(std::int64_t start, std::int64_t length, int divisions) {
  int a = 0;  // divisions = 2^a · 3^b
  while ((divisions >> a) % 2 == 0) {
    ++a;
  }
  const bool thirds = (divisions >> a) == 3;
  auto binary = [&](std::int64_t rest, std::vector<NoteValue>& out) {
    while (rest > 0) {
      for (int k = 4; k >= -a; --k) {
        const std::int64_t base =
            k >= 0 ? std::int64_t{divisions} << k : std::int64_t{divisions} >> -k;
        const int dots = k - 1 >= -a && base + base / 2 <= rest ? 1 : 0;
        if (base + dots * (base / 2) <= rest) {
          out.push_back({k, dots, false});
          rest -= base + dots * (base / 2);
          break;
        }
      }
    }
  };
  std::vector<NoteValue> values;
  const std::int64_t remainder = thirds ? length % 3 : 0;
  if (remainder == 0) {
    binary(length, values);
    return values;
  }
  int j = remainder == 1 ? 0 : 1;  // 2^j ≡ remainder (mod 3): j even for 1, odd for 2
  while (j + 2 <= a + 5 && (std::int64_t{1} << (j + 2)) <= length) {
    j += 2;
  }
  const NoteValue triplet{j - a - 1, 0, true};
  if (start % 3 != 0) {
    values.push_back(triplet);
    binary(length - (std::int64_t{1} << j), values);
  } else {
    binary(length - (std::int64_t{1} << j), values);
    values.push_back(triplet);
  }
  return values;
}

}  // namespace detail::notation

}  // namespace bachprop::music
