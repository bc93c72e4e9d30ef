#pragma once
/// @file
/// Reading a file's bytes in order, inflating it on the fly when it is gzip-compressed, and
/// compressing bytes into gzip (for tests and tools).
///
/// The reader holds one chunk of compressed input at a time and hands out exactly as many
/// decompressed bytes as asked for, so a caller that knows how much it expects can stop, check
/// and refuse long before a forged or corrupt file makes it allocate. zlib checks the gzip
/// trailer (CRC-32 and length) when the stream ends; every failure names the file and says
/// where in the decompressed data it happened.

#include <bachprop/core/error.hpp>

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop {

/// True if `bytes` begin with the gzip magic number 1f 8b (RFC 1952, section 2.3.1).
inline bool starts_with_gzip_magic(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1FU &&
         static_cast<unsigned char>(bytes[1]) == 0x8BU;
}

/// The largest factor by which deflate can expand data (zlib's technical notes: 1032:1). A
/// gzip file of n bytes cannot hold more than about 1032·n bytes, whatever its header claims.
inline constexpr std::uint64_t max_deflate_ratio = 1032;

/// Reads a file's bytes, inflating gzip files (detected by their magic number) as it goes.
class DecompressingReader {
 public:
  /// Opens `path`; throws IoError if it cannot be opened.
  explicit DecompressingReader(const std::filesystem::path& path)
      : name_(path.string()), in_(path, std::ios::binary) {
    if (!in_) {
      throw IoError(name_ + ": cannot open for reading");
    }
    std::error_code error;
    file_size_ = std::filesystem::file_size(path, error);
    if (error) {
      throw IoError(name_ + ": cannot read the file size: " + error.message());
    }
    refill();
    compressed_ = starts_with_gzip_magic(
        std::string_view(reinterpret_cast<const char*>(input_.data()), input_size_));
    if (compressed_) {
      stream_.next_in = input_.data();
      stream_.avail_in = static_cast<uInt>(input_size_);
      // 16 + MAX_WBITS: a gzip wrapper (not zlib's own), whose CRC-32 and length zlib checks.
      if (inflateInit2(&stream_, 16 + MAX_WBITS) != Z_OK) {
        throw Error(name_ + ": zlib could not start inflating");
      }
      inflating_ = true;
    }
  }

  DecompressingReader(const DecompressingReader&) = delete;
  DecompressingReader& operator=(const DecompressingReader&) = delete;

  ~DecompressingReader() {
    if (inflating_) {
      inflateEnd(&stream_);
    }
  }

  /// Reads up to `count` bytes into `out` and returns how many it read: fewer than `count` only
  /// at the end of the data. Throws FormatError on corrupt or truncated gzip data.
  std::size_t read(std::uint8_t* out, std::size_t count) {
    const std::size_t done = compressed_ ? inflate_into(out, count) : copy_into(out, count);
    position_ += done;
    return done;
  }

  /// Reads and discards everything left; returns how many bytes that was. Used to check that a
  /// file holds no more (and no less) than its header says.
  std::uint64_t skip_to_end() {
    std::array<std::uint8_t, 1 << 16> scratch{};
    std::uint64_t skipped = 0;
    while (const std::size_t got = read(scratch.data(), scratch.size())) {
      skipped += got;
    }
    return skipped;
  }

  /// True if the file is gzip-compressed.
  bool compressed() const { return compressed_; }
  /// The file's size on disk (compressed size for a gzip file).
  std::uint64_t file_size() const { return file_size_; }
  /// Decompressed bytes handed out so far: the offset of the next byte `read` gives.
  std::uint64_t position() const { return position_; }
  /// The file's name, as errors show it.
  const std::string& name() const { return name_; }

  /// An upper bound on the decompressed size: the file size for a raw file, the deflate bound
  /// for a gzip file (used to refuse headers that claim more than the file could hold).
  std::uint64_t max_decompressed_size() const {
    if (!compressed_) {
      return file_size_;
    }
    return file_size_ > std::numeric_limits<std::uint64_t>::max() / max_deflate_ratio
               ? std::numeric_limits<std::uint64_t>::max()
               : file_size_ * max_deflate_ratio;
  }

 private:
  // Reads the next chunk of the file into input_ (input_size_ 0 at the end of the file).
  void refill() {
    in_.read(reinterpret_cast<char*>(input_.data()), static_cast<std::streamsize>(input_.size()));
    input_size_ = static_cast<std::size_t>(in_.gcount());
    if (in_.bad()) {
      throw IoError(name_ + ": read failed");
    }
    file_offset_ += input_size_;
  }

  std::size_t copy_into(std::uint8_t* out, std::size_t count) {
    std::size_t done = 0;
    while (done < count) {
      if (input_used_ == input_size_) {
        if (input_size_ == 0) {
          break;
        }
        refill();
        input_used_ = 0;
        if (input_size_ == 0) {
          break;
        }
      }
      const std::size_t n = std::min(count - done, input_size_ - input_used_);
      std::copy_n(input_.data() + input_used_, n, out + done);
      input_used_ += n;
      done += n;
    }
    return done;
  }

  std::size_t inflate_into(std::uint8_t* out, std::size_t count) {
    std::size_t done = 0;
    while (done < count && !finished_) {
      if (stream_.avail_in == 0) {
        refill();
        stream_.next_in = input_.data();
        stream_.avail_in = static_cast<uInt>(input_size_);
        if (input_size_ == 0) {
          throw FormatError(name_ + ": the gzip data ends early after " +
                            std::to_string(position_ + done) +
                            " decompressed bytes (the file is truncated)");
        }
      }
      // avail_out is 32-bit: hand zlib at most 1 GiB at a time.
      const std::size_t room = std::min<std::size_t>(count - done, std::size_t{1} << 30);
      stream_.next_out = out + done;
      stream_.avail_out = static_cast<uInt>(room);
      const int status = inflate(&stream_, Z_NO_FLUSH);
      done += room - stream_.avail_out;
      if (status == Z_STREAM_END) {
        next_member_or_finish();
      } else if (status == Z_BUF_ERROR) {
        // No progress possible with the input at hand: the loop refills (or reports the end).
        if (stream_.avail_in != 0) {
          throw FormatError(name_ + ": zlib cannot make progress at decompressed byte " +
                            std::to_string(position_ + done));
        }
      } else if (status != Z_OK) {
        const std::string detail = stream_.msg != nullptr ? stream_.msg : zError(status);
        throw FormatError(name_ + ": corrupt gzip data at decompressed byte " +
                          std::to_string(position_ + done) + " (compressed byte " +
                          std::to_string(compressed_offset()) + "): " + detail);
      }
    }
    return done;
  }

  // A gzip file may hold several members one after another (RFC 1952, section 2.2): inflate
  // each; anything after the last member that is not another member is an error.
  void next_member_or_finish() {
    if (stream_.avail_in == 0) {
      refill();
      stream_.next_in = input_.data();
      stream_.avail_in = static_cast<uInt>(input_size_);
    }
    if (stream_.avail_in == 0) {
      finished_ = true;
      return;
    }
    if (stream_.next_in[0] != 0x1FU) {
      throw FormatError(name_ + ": " + std::to_string(file_size_ - compressed_offset()) +
                        " bytes after the end of the gzip data (at compressed byte " +
                        std::to_string(compressed_offset()) +
                        ") are not another gzip member");
    }
    if (inflateReset(&stream_) != Z_OK) {
      throw Error(name_ + ": zlib could not restart inflating");
    }
  }

  // Offset in the file of the next compressed byte zlib will read.
  std::uint64_t compressed_offset() const { return file_offset_ - stream_.avail_in; }

  std::string name_;
  std::ifstream in_;
  std::uint64_t file_size_ = 0;
  std::uint64_t file_offset_ = 0;  // bytes of the file read so far
  std::array<std::uint8_t, 1 << 16> input_{};
  std::size_t input_size_ = 0;
  std::size_t input_used_ = 0;  // raw files only
  bool compressed_ = false;
  bool inflating_ = false;
  bool finished_ = false;
  std::uint64_t position_ = 0;
  z_stream stream_{};
};

/// The whole decompressed content of `path` (raw or gzip). Throws FormatError, without reading
/// further, as soon as it exceeds `max_bytes`.
inline std::string read_decompressed(const std::filesystem::path& path, std::uint64_t max_bytes) {
  DecompressingReader reader(path);
  std::string contents;
  std::array<std::uint8_t, 1 << 16> chunk{};
  while (const std::size_t got = reader.read(chunk.data(), chunk.size())) {
    if (contents.size() + got > max_bytes) {
      throw FormatError(reader.name() + ": decompresses to more than the limit of " +
                        std::to_string(max_bytes) + " bytes");
    }
    contents.append(reinterpret_cast<const char*>(chunk.data()), got);
  }
  return contents;
}

/// `data` compressed as one gzip member (RFC 1952) at zlib `level` (0-9).
inline std::string gzip_compress(std::string_view data, int level = Z_DEFAULT_COMPRESSION) {
  z_stream stream{};
  // 16 + MAX_WBITS: write a gzip header and trailer around the deflate data.
  if (deflateInit2(&stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw ArgumentError("gzip_compress: zlib refused compression level " +
                        std::to_string(level));
  }
  std::string out;
  std::array<unsigned char, 1 << 16> chunk{};
  std::size_t offset = 0;
  int status = Z_OK;
  do {
    const std::size_t take = std::min<std::size_t>(data.size() - offset, std::size_t{1} << 30);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + offset));
    stream.avail_in = static_cast<uInt>(take);
    offset += take;
    const int flush = offset == data.size() ? Z_FINISH : Z_NO_FLUSH;
    do {
      stream.next_out = chunk.data();
      stream.avail_out = static_cast<uInt>(chunk.size());
      status = deflate(&stream, flush);
      if (status == Z_STREAM_ERROR) {
        deflateEnd(&stream);
        throw Error("gzip_compress: zlib failed");
      }
      out.append(reinterpret_cast<const char*>(chunk.data()), chunk.size() - stream.avail_out);
    } while (stream.avail_out == 0);
  } while (status != Z_STREAM_END);
  deflateEnd(&stream);
  return out;
}

}  // namespace bachprop
