#pragma once
/// @file
/// Writing an Image as a PNG file (8-bit greyscale or RGB, no interlacing), compressed with zlib.
///
/// A PNG is an 8-byte signature and a list of chunks (length, type, data, CRC-32): IHDR with the
/// size and pixel format, IDAT with the zlib-compressed scanlines (each led by a filter byte; 0
/// means "none"), and IEND. That is all a valid file needs.

#include <bachprop/core/error.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/draw/image.hpp>

#include <zlib.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop {

namespace detail {

inline void append_u32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> static_cast<unsigned>(shift)) & 0xFFU));
  }
}

inline void append_png_chunk(std::string& out, std::string_view type, std::string_view data) {
  append_u32(out, static_cast<std::uint32_t>(data.size()));
  const std::size_t type_start = out.size();
  out.append(type);
  out.append(data);
  // The CRC covers the chunk type and data, not the length.
  const auto* bytes = reinterpret_cast<const Bytef*>(out.data() + type_start);
  const uLong crc = crc32(0L, bytes, static_cast<uInt>(out.size() - type_start));
  append_u32(out, static_cast<std::uint32_t>(crc));
}

}  // namespace detail

/// The PNG file's bytes for `image`.
inline std::string encode_png(const Image& image) {
  const auto width = static_cast<std::size_t>(image.width());
  const auto height = static_cast<std::size_t>(image.height());
  const auto channels = static_cast<std::size_t>(image.channels());
  const std::size_t row_bytes = width * channels;

  std::vector<Bytef> raw;
  raw.reserve(height * (row_bytes + 1));
  for (std::size_t y = 0; y < height; ++y) {
    raw.push_back(0);  // filter type 0: the row as it is
    const auto* row = image.pixels().data() + y * row_bytes;
    raw.insert(raw.end(), row, row + row_bytes);
  }
  uLongf compressed_size = compressBound(static_cast<uLong>(raw.size()));
  std::vector<Bytef> compressed(compressed_size);
  if (compress2(compressed.data(), &compressed_size, raw.data(), static_cast<uLong>(raw.size()),
                Z_BEST_COMPRESSION) != Z_OK) {
    throw Error("encode_png: zlib could not compress the image");
  }

  std::string header;
  detail::append_u32(header, static_cast<std::uint32_t>(width));
  detail::append_u32(header, static_cast<std::uint32_t>(height));
  header.push_back(8);                                   // bits per channel
  header.push_back(static_cast<char>(channels == 3 ? 2 : 0));  // colour type: RGB or grey
  header.push_back(0);                                   // compression: deflate
  header.push_back(0);                                   // filtering: adaptive (per row)
  header.push_back(0);                                   // no interlacing

  std::string png("\x89PNG\r\n\x1a\n", 8);
  detail::append_png_chunk(png, "IHDR", header);
  detail::append_png_chunk(
      png, "IDAT",
      std::string_view(reinterpret_cast<const char*>(compressed.data()), compressed_size));
  detail::append_png_chunk(png, "IEND", {});
  return png;
}

/// Writes `image` to `path` as PNG, atomically (no half-written picture on a crash).
inline void write_png(const std::filesystem::path& path, const Image& image) {
  write_file_atomically(path, encode_png(image));
}

}  // namespace bachprop
