#pragma once
/// @file
/// SHA-256 (FIPS 180-4), to check that a downloaded or copied data file is the published one.
///
/// A data set's publishers (or the projects that mirror it) list a checksum per file; comparing
/// it with the checksum of the bytes on disk catches a truncated download, a wrong mirror or a
/// corrupted copy before any training starts. The implementation follows the standard's
/// section 6.2 step by step: pad to a multiple of 512 bits, then compress each block.

#include <bachprop/core/error.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace bachprop {

/// Incremental SHA-256: update() with the bytes in any pieces, then finish().
class Sha256 {
 public:
  /// A digest: 32 bytes.
  using Digest = std::array<std::uint8_t, 32>;

  Sha256() { reset(); }

  /// Starts a new message.
  void reset() {
    // Section 5.3.3: the first 32 bits of the fractional parts of the square roots of the
    // first eight primes.
    state_ = {0x6a09e667U, 0xbb67ae85U, 0x3c6ef372U, 0xa54ff53aU,
              0x510e527fU, 0x9b05688cU, 0x1f83d9abU, 0x5be0cd19U};
    length_ = 0;
    buffered_ = 0;
  }

  /// Adds `size` bytes to the message.
  Sha256& update(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    length_ += size;
    if (buffered_ > 0) {
      const std::size_t take = std::min(size, block_.size() - buffered_);
      std::copy_n(bytes, take, block_.data() + buffered_);
      buffered_ += take;
      bytes += take;
      size -= take;
      if (buffered_ < block_.size()) {
        return *this;
      }
      compress(block_.data());
      buffered_ = 0;
    }
    for (; size >= block_.size(); size -= block_.size(), bytes += block_.size()) {
      compress(bytes);
    }
    std::copy_n(bytes, size, block_.data());
    buffered_ = size;
    return *this;
  }

  /// Adds the bytes of `text`.
  Sha256& update(std::string_view text) { return update(text.data(), text.size()); }

  /// Pads the message (section 5.1.1), returns its digest and starts a new message.
  Digest finish() {
    const std::uint64_t bits = length_ * 8;
    const std::uint8_t one = 0x80;
    update(&one, 1);
    const std::uint8_t zero = 0;
    while (buffered_ != 56) {
      update(&zero, 1);
    }
    std::array<std::uint8_t, 8> length_bytes{};
    for (int i = 0; i < 8; ++i) {
      length_bytes[static_cast<std::size_t>(i)] =
          static_cast<std::uint8_t>(bits >> (56U - 8U * static_cast<unsigned>(i)));
    }
    update(length_bytes.data(), length_bytes.size());
    Digest digest{};
    for (std::size_t i = 0; i < 8; ++i) {
      for (std::size_t b = 0; b < 4; ++b) {
        digest[4 * i + b] = static_cast<std::uint8_t>(state_[i] >> (24U - 8U * b));
      }
    }
    reset();
    return digest;
  }

 private:
  static std::uint32_t rotr(std::uint32_t x, unsigned n) { return (x >> n) | (x << (32U - n)); }

  // Section 6.2.2: the compression of one 512-bit block into the state.
  void compress(const std::uint8_t* block) {
    // Section 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first
    // 64 primes.
    static constexpr std::array<std::uint32_t, 64> k{
        0x428a2f98U, 0x71374491U, 0xb5c0fbcfU, 0xe9b5dba5U, 0x3956c25bU, 0x59f111f1U, 0x923f82a4U,
        0xab1c5ed5U, 0xd807aa98U, 0x12835b01U, 0x243185beU, 0x550c7dc3U, 0x72be5d74U, 0x80deb1feU,
        0x9bdc06a7U, 0xc19bf174U, 0xe49b69c1U, 0xefbe4786U, 0x0fc19dc6U, 0x240ca1ccU, 0x2de92c6fU,
        0x4a7484aaU, 0x5cb0a9dcU, 0x76f988daU, 0x983e5152U, 0xa831c66dU, 0xb00327c8U, 0xbf597fc7U,
        0xc6e00bf3U, 0xd5a79147U, 0x06ca6351U, 0x14292967U, 0x27b70a85U, 0x2e1b2138U, 0x4d2c6dfcU,
        0x53380d13U, 0x650a7354U, 0x766a0abbU, 0x81c2c92eU, 0x92722c85U, 0xa2bfe8a1U, 0xa81a664bU,
        0xc24b8b70U, 0xc76c51a3U, 0xd192e819U, 0xd6990624U, 0xf40e3585U, 0x106aa070U, 0x19a4c116U,
        0x1e376c08U, 0x2748774cU, 0x34b0bcb5U, 0x391c0cb3U, 0x4ed8aa4aU, 0x5b9cca4fU, 0x682e6ff3U,
        0x748f82eeU, 0x78a5636fU, 0x84c87814U, 0x8cc70208U, 0x90befffaU, 0xa4506cebU, 0xbef9a3f7U,
        0xc67178f2U};
    std::array<std::uint32_t, 64> w{};
    for (std::size_t t = 0; t < 16; ++t) {
      w[t] = (std::uint32_t{block[4 * t]} << 24U) | (std::uint32_t{block[4 * t + 1]} << 16U) |
             (std::uint32_t{block[4 * t + 2]} << 8U) | std::uint32_t{block[4 * t + 3]};
    }
    for (std::size_t t = 16; t < 64; ++t) {
      const std::uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3U);
      const std::uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10U);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
    std::uint32_t e = state_[4], f = state_[5], g = state_[6], h = state_[7];
    for (std::size_t t = 0; t < 64; ++t) {
      const std::uint32_t big_s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const std::uint32_t choose = (e & f) ^ (~e & g);
      const std::uint32_t t1 = h + big_s1 + choose + k[t] + w[t];
      const std::uint32_t big_s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const std::uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
      const std::uint32_t t2 = big_s0 + majority;
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
    state_[5] += f;
    state_[6] += g;
    state_[7] += h;
  }

  std::array<std::uint32_t, 8> state_{};
  std::array<std::uint8_t, 64> block_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes so far
};

/// A digest as 64 lower-case hexadecimal digits (the form `sha256sum` prints).
inline std::string to_hex(const Sha256::Digest& digest) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  text.reserve(64);
  for (const std::uint8_t byte : digest) {
    text += digits[byte >> 4U];
    text += digits[byte & 0x0FU];
  }
  return text;
}

/// The SHA-256 of `bytes`, in hexadecimal.
inline std::string sha256_hex(std::string_view bytes) {
  return to_hex(Sha256().update(bytes).finish());
}

/// The SHA-256 of the file at `path` (read in chunks), in hexadecimal; throws IoError.
inline std::string sha256_file_hex(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw IoError(path.string() + ": cannot open for reading");
  }
  Sha256 hash;
  std::array<char, 1 << 16> chunk{};
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    hash.update(chunk.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) {
    throw IoError(path.string() + ": read failed");
  }
  return to_hex(hash.finish());
}

}  // namespace bachprop
