#pragma once
/// @file
/// Reading IDX files, the format of MNIST and Fashion-MNIST, raw or gzip-compressed.
///
/// An IDX file is a big-endian header and the data: two zero bytes, a type byte (0x08 for
/// unsigned bytes, the only type these data sets use), a byte giving the number of dimensions d,
/// then d sizes of 32 bits, then the product of the sizes in elements, last dimension fastest.
/// Images are `00 00 08 03` (count, rows, columns), labels `00 00 08 01` (count).
///
/// The reader trusts no header field: the size the header claims is checked against a limit and
/// against what the file can hold before anything is allocated, the buffer grows only as data
/// actually arrives, and a file with fewer or more bytes than its header says is refused. Every
/// error names the file, the byte offset (in the decompressed data) and what was expected.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/io/gzip.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace bachprop {

/// How an IDX file is read.
struct IdxOptions {
  /// Read only the first `max_items` items (images or labels); negative: all. The rest of the
  /// file is still read and checked, so a damaged file is refused even for a small subset.
  Index max_items = -1;
  /// The most data bytes (after decompression, without the header) a file may claim. The
  /// default, 2 GiB, is 45 times MNIST's training images; raise it for larger sets.
  std::uint64_t max_bytes = std::uint64_t{1} << 31;
  /// If positive, every label must lie in [0, classes) (10 for MNIST and Fashion-MNIST).
  Index classes = 0;
};

/// The header of an IDX file of unsigned bytes.
struct IdxHeader {
  std::vector<std::uint32_t> dimensions;  ///< sizes, first (slowest) dimension first
  std::uint64_t header_bytes = 0;         ///< 4 + 4·d
  std::uint64_t data_bytes = 0;           ///< the product of the sizes
};

/// Images from an IDX file: one column per image, the pixels of each image row by row, scaled
/// from 0..255 to [0, 1] (0 is the background, 1 full ink).
template <Scalar S = float>
struct IdxImages {
  Matrix<S> pixels;  ///< (rows·columns) × count
  Index rows = 0;    ///< image height
  Index columns = 0; ///< image width
  /// Number of images.
  Index count() const { return pixels.cols(); }
};

/// Images and their labels, read from two files that must agree on the count.
template <Scalar S = float>
struct LabelledImages {
  Matrix<S> images;          ///< (rows·columns) × count, in [0, 1]
  std::vector<Index> labels; ///< one class per image
  Index rows = 0;            ///< image height
  Index columns = 0;         ///< image width
  /// Number of images.
  Index count() const { return images.cols(); }
};

namespace detail {

inline std::string idx_type_name(unsigned type) {
  switch (type) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "16-bit integer";
    case 0x0C: return "32-bit integer";
    case 0x0D: return "32-bit float";
    case 0x0E: return "64-bit float";
    default: return "unknown";
  }
}

inline std::string hex_bytes(const std::uint8_t* bytes, std::size_t count) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) {
      text += ' ';
    }
    text += digits[bytes[i] >> 4U];
    text += digits[bytes[i] & 0x0FU];
  }
  return text;
}

// Reads exactly `count` bytes or reports where the data ended and what it was reading.
inline void read_exactly(DecompressingReader& reader, std::uint8_t* out, std::size_t count,
                         const std::string& what) {
  const std::uint64_t start = reader.position();
  const std::size_t got = reader.read(out, count);
  if (got != count) {
    throw FormatError(reader.name() + ": truncated: the data ends at byte " +
                      std::to_string(start + got) + " while reading " + what + " (" +
                      std::to_string(count) + " bytes from byte " + std::to_string(start) + ")");
  }
}

// Reads and checks the header; the file must hold unsigned bytes in `expected_dimensions`
// dimensions, and claim no more data than `max_bytes` or the file could hold.
inline IdxHeader read_idx_header(DecompressingReader& reader, unsigned expected_dimensions,
                                 const char* expected_kind, std::uint64_t max_bytes) {
  std::array<std::uint8_t, 4> magic{};
  const std::size_t got = reader.read(magic.data(), magic.size());
  if (got < magic.size()) {
    throw FormatError(reader.name() + ": " + std::to_string(got) +
                      " bytes is too short for an IDX file (the magic number alone is 4 bytes)");
  }
  const std::string expected_magic =
      "00 00 08 0" + std::to_string(expected_dimensions) + " for " + expected_kind;
  if (magic[0] != 0 || magic[1] != 0) {
    throw FormatError(reader.name() + ": not an IDX file: it starts with bytes " +
                      hex_bytes(magic.data(), 4) + " at byte 0, expected " + expected_magic);
  }
  if (magic[2] != 0x08) {
    throw FormatError(reader.name() + ": IDX element type 0x" + hex_bytes(&magic[2], 1) + " (" +
                      idx_type_name(magic[2]) + ") at byte 2 is not supported: expected " +
                      expected_magic + " (unsigned bytes)");
  }
  if (magic[3] != expected_dimensions) {
    const std::string hint = magic[3] == 1   ? " (a labels file?)"
                             : magic[3] == 3 ? " (an images file?)"
                                             : "";
    throw FormatError(reader.name() + ": the IDX magic number " + hex_bytes(magic.data(), 4) +
                      " says " + std::to_string(magic[3]) + " dimensions" + hint +
                      ", expected " + expected_magic);
  }
  IdxHeader header;
  header.header_bytes = 4 + 4 * std::uint64_t{expected_dimensions};
  std::vector<std::uint8_t> sizes(4 * std::size_t{expected_dimensions});
  read_exactly(reader, sizes.data(), sizes.size(), "the IDX header's dimension sizes");
  std::uint64_t product = 1;
  bool overflow = false;
  std::string shape;
  for (unsigned d = 0; d < expected_dimensions; ++d) {
    const std::uint8_t* b = &sizes[4 * std::size_t{d}];
    const std::uint32_t size = (std::uint32_t{b[0]} << 24U) | (std::uint32_t{b[1]} << 16U) |
                               (std::uint32_t{b[2]} << 8U) | std::uint32_t{b[3]};
    header.dimensions.push_back(size);
    shape += (d == 0 ? "" : " × ") + std::to_string(size);
    // A product of three 32-bit sizes can exceed 64 bits: stop multiplying once it is absurd.
    if (!overflow && size != 0 && product > std::numeric_limits<std::uint64_t>::max() / size) {
      overflow = true;
    }
    product = overflow ? product : product * size;
  }
  if (overflow || product > max_bytes) {
    throw FormatError(reader.name() + ": absurd size: the header (bytes 4-" +
                      std::to_string(header.header_bytes - 1) + ") claims " + shape + " = " +
                      (overflow ? std::string("more than 2^64") : std::to_string(product)) +
                      " bytes of data, above the limit of " + std::to_string(max_bytes) +
                      " (IdxOptions::max_bytes)");
  }
  header.data_bytes = product;
  const std::uint64_t capacity = reader.max_decompressed_size();
  if (header.header_bytes + product > capacity) {
    throw FormatError(
        reader.name() + ": the header claims " + shape + " = " + std::to_string(product) +
        " bytes of data, but a " + (reader.compressed() ? "gzip " : "") + "file of " +
        std::to_string(reader.file_size()) + " bytes " +
        (reader.compressed() ? "cannot decompress to more than " + std::to_string(capacity)
                             : "holds only " + std::to_string(capacity - header.header_bytes) +
                                   " bytes after the " + std::to_string(header.header_bytes) +
                                   "-byte header") +
        " (truncated, or the dimensions disagree with the file size)");
  }
  return header;
}

// Reads the first `wanted` bytes of the data into a buffer that grows only as bytes arrive
// (never sized by the header alone), then reads the rest and checks that the file ends exactly
// where the header says.
inline std::vector<std::uint8_t> read_idx_data(DecompressingReader& reader,
                                               const IdxHeader& header, std::uint64_t wanted,
                                               const std::string& shape_text) {
  std::vector<std::uint8_t> data;
  constexpr std::uint64_t first_chunk = std::uint64_t{1} << 20;
  while (data.size() < wanted) {
    const std::uint64_t have = data.size();
    const std::uint64_t grow = std::min(wanted - have, std::max(first_chunk, have));
    data.resize(static_cast<std::size_t>(have + grow));
    const std::size_t got = reader.read(data.data() + have, static_cast<std::size_t>(grow));
    if (got != grow) {
      throw FormatError(reader.name() + ": truncated: the header says " + shape_text + " (" +
                        std::to_string(header.data_bytes) + " bytes after the " +
                        std::to_string(header.header_bytes) +
                        "-byte header) but the data ends at byte " +
                        std::to_string(reader.position()));
    }
  }
  const std::uint64_t rest = header.data_bytes - wanted;
  const std::uint64_t end_of_data = header.header_bytes + header.data_bytes;
  const std::uint64_t remaining = reader.skip_to_end();
  if (remaining < rest) {
    throw FormatError(reader.name() + ": truncated: the header says " + shape_text + " (" +
                      std::to_string(header.data_bytes) + " bytes after the " +
                      std::to_string(header.header_bytes) +
                      "-byte header) but the data ends at byte " +
                      std::to_string(reader.position()));
  }
  if (remaining > rest) {
    throw FormatError(reader.name() + ": the dimensions disagree with the file size: the header "
                      "says " + shape_text + ", so the data should end at byte " +
                      std::to_string(end_of_data) + ", but " +
                      std::to_string(remaining - rest) + " more bytes follow");
  }
  return data;
}

inline Index items_to_read(const DecompressingReader& reader, Index max_items,
                           std::uint32_t count) {
  const Index items = to_index<FormatError>(count, reader.name() + ": the item count");
  return max_items < 0 ? items : std::min(max_items, items);
}

}  // namespace detail

/// Reads an IDX images file (magic 00 00 08 03), raw or gzip; pixels scaled to [0, 1], one image
/// per column. Throws FormatError naming the file and the problem, IoError if it cannot be read.
template <Scalar S = float>
IdxImages<S> read_idx_images(const std::filesystem::path& path, const IdxOptions& options = {}) {
  DecompressingReader reader(path);
  const IdxHeader header = detail::read_idx_header(reader, 3, "images", options.max_bytes);
  const std::uint32_t count = header.dimensions[0];
  const std::uint32_t rows = header.dimensions[1];
  const std::uint32_t columns = header.dimensions[2];
  const std::string shape_text = std::to_string(count) + " images of " + std::to_string(rows) +
                                 "×" + std::to_string(columns) + " pixels";
  if (rows == 0 || columns == 0) {
    throw FormatError(path.string() + ": the header (bytes 8-15) gives an image size of " +
                      std::to_string(rows) + "×" + std::to_string(columns) +
                      "; both sides must be at least 1");
  }
  const Index items = detail::items_to_read(reader, options.max_items, count);
  const std::uint64_t pixels_per_image = std::uint64_t{rows} * columns;
  const std::vector<std::uint8_t> data = detail::read_idx_data(
      reader, header, static_cast<std::uint64_t>(items) * pixels_per_image, shape_text);

  IdxImages<S> images;
  images.rows = rows;
  images.columns = columns;
  // The bytes are image after image, each row by row: exactly a column-major matrix with one
  // column per image.
  images.pixels.resize(
      to_index<FormatError>(pixels_per_image, path.string() + ": the pixels per image"), items);
  // Each pixel is the correctly rounded v/255 (a multiplication by 1/255 is off by one unit in
  // the last place for some v), looked up rather than divided 47 million times.
  std::array<S, 256> scaled{};
  for (std::size_t v = 0; v < scaled.size(); ++v) {
    scaled[v] = static_cast<S>(v) / S(255);
  }
  S* out = images.pixels.data();
  for (std::size_t i = 0; i < data.size(); ++i) {
    out[i] = scaled[data[i]];
  }
  return images;
}

/// Reads an IDX labels file (magic 00 00 08 01), raw or gzip. With options.classes > 0 every
/// label must lie in [0, classes).
inline std::vector<Index> read_idx_labels(const std::filesystem::path& path,
                                          const IdxOptions& options = {}) {
  DecompressingReader reader(path);
  const IdxHeader header = detail::read_idx_header(reader, 1, "labels", options.max_bytes);
  const std::uint32_t count = header.dimensions[0];
  const Index items = detail::items_to_read(reader, options.max_items, count);
  const std::vector<std::uint8_t> data = detail::read_idx_data(
      reader, header, static_cast<std::uint64_t>(items), std::to_string(count) + " labels");
  std::vector<Index> labels(data.begin(), data.end());
  if (options.classes > 0) {
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (labels[i] >= options.classes) {
        throw FormatError(path.string() + ": label " + std::to_string(labels[i]) + " of item " +
                          std::to_string(i) + " (byte " + std::to_string(header.header_bytes + i) +
                          ") is outside 0.." + std::to_string(options.classes - 1));
      }
    }
  }
  return labels;
}

/// Reads an images file and its labels file; they must hold the same number of items.
template <Scalar S = float>
LabelledImages<S> read_idx_labelled(const std::filesystem::path& images_path,
                                    const std::filesystem::path& labels_path,
                                    const IdxOptions& options = {}) {
  // Compare the full counts, not the subset's: a pair of files that disagree is refused even
  // when only the first few items are read.
  DecompressingReader image_reader(images_path);
  const auto image_count =
      detail::read_idx_header(image_reader, 3, "images", options.max_bytes).dimensions[0];
  DecompressingReader label_reader(labels_path);
  const auto label_count =
      detail::read_idx_header(label_reader, 1, "labels", options.max_bytes).dimensions[0];
  if (image_count != label_count) {
    throw FormatError(images_path.string() + " holds " + std::to_string(image_count) +
                      " images but " + labels_path.string() + " holds " +
                      std::to_string(label_count) + " labels: they must match one to one");
  }
  LabelledImages<S> set;
  IdxImages<S> images = read_idx_images<S>(images_path, options);
  set.images = std::move(images.pixels);
  set.rows = images.rows;
  set.columns = images.columns;
  set.labels = read_idx_labels(labels_path, options);
  return set;
}

/// MNIST (or Fashion-MNIST): the training and test sets.
template <Scalar S = float>
struct MnistData {
  LabelledImages<S> train;  ///< 60,000 images in the originals
  LabelledImages<S> test;   ///< 10,000 images in the originals
};

/// The file of `stem` (e.g. "train-images-idx3-ubyte") in `folder`: `stem.gz`, then `stem`, then
/// the dotted spelling some copies use ("train-images.idx3-ubyte"), each with and without ".gz".
/// Throws IoError naming what it looked for.
inline std::filesystem::path find_idx_file(const std::filesystem::path& folder,
                                           const std::string& stem) {
  std::vector<std::string> names{stem + ".gz", stem};
  if (const auto dash = stem.rfind("-idx"); dash != std::string::npos) {
    std::string dotted = stem;
    dotted[dash] = '.';
    names.push_back(dotted + ".gz");
    names.push_back(dotted);
  }
  std::string tried;
  for (const auto& name : names) {
    std::error_code error;
    if (std::filesystem::is_regular_file(folder / name, error)) {
      return folder / name;
    }
    tried += (tried.empty() ? "" : ", ") + name;
  }
  throw IoError(folder.string() + ": no " + stem + " file (looked for " + tried + ")");
}

/// Reads the four MNIST-format files in `folder` (train-images-idx3-ubyte, train-labels-idx1-
/// ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, gzip or raw). Labels are checked to
/// lie in 0..9. `train_limit` and `test_limit` (negative: all) read only the first images.
template <Scalar S = float>
MnistData<S> read_mnist(const std::filesystem::path& folder, Index train_limit = -1,
                        Index test_limit = -1, std::uint64_t max_bytes = std::uint64_t{1} << 31) {
  IdxOptions options{.max_items = train_limit, .max_bytes = max_bytes, .classes = 10};
  MnistData<S> data;
  data.train = read_idx_labelled<S>(find_idx_file(folder, "train-images-idx3-ubyte"),
                                    find_idx_file(folder, "train-labels-idx1-ubyte"), options);
  options.max_items = test_limit;
  data.test = read_idx_labelled<S>(find_idx_file(folder, "t10k-images-idx3-ubyte"),
                                   find_idx_file(folder, "t10k-labels-idx1-ubyte"), options);
  return data;
}

}  // namespace bachprop
