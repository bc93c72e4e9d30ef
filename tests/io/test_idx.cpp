// Tests of bachprop/io/idx.hpp on small IDX files written here: raw and gzip (ours and GNU gzip's),
// subsets, and every kind of bad input: wrong magic, unsupported type, truncation at every
// offset, extra bytes, absurd and forged sizes, count mismatches, labels out of range. Then
// read_mnist on MNIST-format folders written here (the four files under their usual names, gzip
// or raw, subsets, folders whose files disagree), and on the real MNIST files where present.

#include "helpers.hpp"
#include "io/idx_samples.hpp"
#include "real_mnist.hpp"

#include <bachprop/io/idx.hpp>

#include <array>
#include <chrono>
#include <cstdlib>
#include <string>

using namespace bachprop;
using Catch::Matchers::Contains;
using test::have_mnist;
using test::mnist;
using test::mnist_folder;

namespace {

// The pixel the reader should give for byte `i` of the data of `bytes` (an IDX images file).
float expected_pixel(const std::string& bytes, std::size_t i) {
  return static_cast<float>(static_cast<unsigned char>(bytes[16 + i])) / 255.0F;
}

// A folder in MNIST's layout: `train` and `test` images of 4×3 pixels with labels 0..9 cycling.
void write_mnist_folder(const std::filesystem::path& folder, std::uint32_t train,
                        std::uint32_t test, bool gzip, const std::string& suffix = "-idx") {
  std::vector<int> train_labels(train);
  std::vector<int> test_labels(test);
  for (std::uint32_t i = 0; i < train; ++i) {
    train_labels[i] = static_cast<int>(i % 10);
  }
  for (std::uint32_t i = 0; i < test; ++i) {
    test_labels[i] = static_cast<int>((i + 3) % 10);
  }
  const std::string ext = gzip ? ".gz" : "";
  test::write_bytes(folder / ("train-images" + suffix + "3-ubyte" + ext),
                    test::idx_images(train, 4, 3, 1), gzip);
  test::write_bytes(folder / ("train-labels" + suffix + "1-ubyte" + ext),
                    test::idx_labels(train_labels), gzip);
  test::write_bytes(folder / ("t10k-images" + suffix + "3-ubyte" + ext),
                    test::idx_images(test, 4, 3, 2), gzip);
  test::write_bytes(folder / ("t10k-labels" + suffix + "1-ubyte" + ext),
                    test::idx_labels(test_labels), gzip);
}

}  // namespace

TEST_CASE("IDX images are read as columns of pixels scaled to [0, 1]", "[idx]") {
  test::TempFolder folder("idx-images");
  const std::string bytes = test::idx_images(5, 4, 3);
  for (const bool gzip : {false, true}) {
    INFO("gzip " << gzip);
    const auto path = test::write_bytes(folder / (gzip ? "a.gz" : "a"), bytes, gzip);
    const IdxImages<float> images = read_idx_images(path);
    REQUIRE(images.count() == 5);
    REQUIRE(images.rows == 4);
    REQUIRE(images.columns == 3);
    REQUIRE(images.pixels.rows() == 12);
    // Image n, row r, column c is byte 16 + n·12 + r·3 + c.
    for (Index n = 0; n < 5; ++n) {
      for (Index r = 0; r < 4; ++r) {
        for (Index c = 0; c < 3; ++c) {
          CHECK(images.pixels(r * 3 + c, n) ==
                expected_pixel(bytes, static_cast<std::size_t>(n * 12 + r * 3 + c)));
        }
      }
    }
    CHECK(images.pixels.minCoeff() >= 0.0F);
    CHECK(images.pixels.maxCoeff() <= 1.0F);
  }
}

TEST_CASE("byte 0 reads as 0 and byte 255 as exactly 1", "[idx]") {
  test::TempFolder folder("idx-extremes");
  std::string bytes("\x00\x00\x08\x03", 4);
  bytes += test::big_endian(1) + test::big_endian(1) + test::big_endian(2);
  bytes += std::string("\x00\xff", 2);
  const auto images = read_idx_images<double>(test::write_bytes(folder / "x", bytes));
  CHECK(images.pixels(0, 0) == 0.0);
  CHECK(images.pixels(1, 0) == 1.0);
}

TEST_CASE("a file compressed by GNU gzip reads like the raw file", "[idx][gzip]") {
  if (std::system("gzip --version > /dev/null 2>&1") != 0) {
    WARN("gzip is not installed: skipped");
    return;
  }
  test::TempFolder folder("idx-gnu-gzip");
  const std::string bytes = test::idx_images(7, 6, 5, 3);
  const auto raw = test::write_bytes(folder / "images", bytes);
  const std::string command = "gzip -9 -k '" + raw.string() + "'";
  REQUIRE(std::system(command.c_str()) == 0);
  const auto from_raw = read_idx_images(raw);
  const auto from_gzip = read_idx_images(folder / "images.gz");
  CHECK(from_gzip.pixels == from_raw.pixels);
  CHECK(from_gzip.count() == 7);
}

TEST_CASE("IDX labels are read raw and gzip, and checked against a class count", "[idx]") {
  test::TempFolder folder("idx-labels");
  const std::vector<int> labels{3, 0, 9, 9, 1, 255};
  for (const bool gzip : {false, true}) {
    const auto path = test::write_bytes(folder / (gzip ? "l.gz" : "l"), test::idx_labels(labels),
                                        gzip);
    CHECK(read_idx_labels(path) == std::vector<Index>{3, 0, 9, 9, 1, 255});
    const std::string message =
        test::format_error_of([&] { read_idx_labels(path, {.classes = 10}); });
    CHECK_THAT(message, Contains(path.string()));
    CHECK_THAT(message, Contains("label 255 of item 5 (byte 13) is outside 0..9"));
    // The first five are in range: a subset of them passes the check.
    CHECK(read_idx_labels(path, {.max_items = 5, .classes = 10}).size() == 5);
  }
}

TEST_CASE("max_items reads the first items but still checks the whole file", "[idx]") {
  test::TempFolder folder("idx-subset");
  const std::string bytes = test::idx_images(10, 2, 2);
  for (const bool gzip : {false, true}) {
    const auto path = test::write_bytes(folder / (gzip ? "i.gz" : "i"), bytes, gzip);
    const auto all = read_idx_images(path);
    const auto first = read_idx_images(path, {.max_items = 3});
    REQUIRE(first.count() == 3);
    CHECK(first.pixels == all.pixels.leftCols(3));
    CHECK(read_idx_images(path, {.max_items = 0}).count() == 0);
    CHECK(read_idx_images(path, {.max_items = 1000}).count() == 10);
    // Damage after the subset is still found.
    const auto cut = test::write_bytes(folder / (gzip ? "cut.gz" : "cut"),
                                       bytes.substr(0, bytes.size() - 1), gzip);
    CHECK_THAT(test::format_error_of([&] { read_idx_images(cut, {.max_items = 3}); }),
               Contains("truncated"));
  }
}

TEST_CASE("a wrong magic number is refused with the bytes found and those expected", "[idx]") {
  test::TempFolder folder("idx-magic");
  SECTION("not an IDX file at all") {
    const auto path = test::write_bytes(folder / "text", "hello, world: not IDX");
    const std::string message = test::format_error_of([&] { read_idx_images(path); });
    CHECK_THAT(message, Contains(path.string()));
    CHECK_THAT(message, Contains("not an IDX file"));
    CHECK_THAT(message, Contains("68 65 6c 6c"));
    CHECK_THAT(message, Contains("00 00 08 03"));
  }
  SECTION("a labels file given as images, and the other way round") {
    const auto labels = test::write_bytes(folder / "labels", test::idx_labels({1, 2}));
    CHECK_THAT(test::format_error_of([&] { read_idx_images(labels); }),
               Contains("says 1 dimensions (a labels file?)"));
    const auto images = test::write_bytes(folder / "images", test::idx_images(1, 2, 2));
    CHECK_THAT(test::format_error_of([&] { read_idx_labels(images); }),
               Contains("says 3 dimensions (an images file?)"));
  }
  SECTION("an element type other than unsigned bytes") {
    std::string bytes = test::idx_images(1, 1, 4);
    bytes[2] = '\x0D';
    const auto path = test::write_bytes(folder / "floats", bytes);
    CHECK_THAT(test::format_error_of([&] { read_idx_images(path); }),
               Contains("element type 0x0d (32-bit float) at byte 2 is not supported"));
  }
  SECTION("a file too short for the magic number") {
    const auto path = test::write_bytes(folder / "short", std::string("\x00\x00", 2));
    CHECK_THAT(test::format_error_of([&] { read_idx_labels(path); }),
               Contains("2 bytes is too short for an IDX file"));
  }
}

TEST_CASE("a file that is truncated anywhere gives an error, never a crash", "[idx]") {
  test::TempFolder folder("idx-truncated");
  const std::string images = test::idx_images(3, 5, 4, 7);
  const std::string labels = test::idx_labels({1, 2, 3, 4, 5, 6, 7});
  for (const bool gzip : {false, true}) {
    for (const auto* bytes : {&images, &labels}) {
      const std::string whole = gzip ? gzip_compress(*bytes) : *bytes;
      for (std::size_t length = 0; length < whole.size(); ++length) {
        INFO((gzip ? "gzip" : "raw") << (bytes == &images ? " images" : " labels") << " cut to "
                                     << length << " of " << whole.size() << " bytes");
        const auto path = test::write_bytes(folder / "cut", whole.substr(0, length));
        if (bytes == &images) {
          CHECK_THROWS_AS(read_idx_images(path), FormatError);
        } else {
          CHECK_THROWS_AS(read_idx_labels(path), FormatError);
        }
      }
    }
  }
  // The messages say what was cut.
  const auto raw = test::write_bytes(folder / "raw", images.substr(0, 50));
  const std::string message = test::format_error_of([&] { read_idx_images(raw); });
  CHECK_THAT(message, Contains(raw.string()));
  CHECK_THAT(message, Contains("3 × 5 × 4"));
  CHECK_THAT(message, Contains("holds only 34 bytes after the 16-byte header"));
  const auto zipped = test::write_bytes(folder / "z.gz", gzip_compress(images));
  const std::string compressed = read_file(zipped);
  const auto cut_zipped = test::write_bytes(folder / "cut.gz",
                                            compressed.substr(0, compressed.size() - 10));
  CHECK_THAT(test::format_error_of([&] { read_idx_images(cut_zipped); }),
             Contains("the gzip data ends early"));
}

TEST_CASE("bytes beyond what the header says are refused", "[idx]") {
  test::TempFolder folder("idx-extra");
  for (const bool gzip : {false, true}) {
    const auto path = test::write_bytes(folder / "extra", test::idx_images(2, 3, 3) + "xyz", gzip);
    const std::string message = test::format_error_of([&] { read_idx_images(path); });
    CHECK_THAT(message, Contains("dimensions disagree with the file size"));
    CHECK_THAT(message, Contains("should end at byte 34, but 3 more bytes follow"));
  }
}

TEST_CASE("absurd and forged sizes are refused before anything is allocated", "[idx]") {
  test::TempFolder folder("idx-absurd");
  const auto started = std::chrono::steady_clock::now();
  SECTION("a product of sizes beyond 64 bits") {
    std::string bytes("\x00\x00\x08\x03", 4);
    bytes += test::big_endian(0xFFFFFFFFU) + test::big_endian(0xFFFFFFFFU) +
             test::big_endian(0xFFFFFFFFU);
    const auto path = test::write_bytes(folder / "huge", bytes);
    const std::string message = test::format_error_of([&] { read_idx_images(path); });
    CHECK_THAT(message, Contains("absurd size"));
    CHECK_THAT(message, Contains("more than 2^64"));
  }
  SECTION("a size above the limit") {
    std::string bytes("\x00\x00\x08\x03", 4);
    bytes += test::big_endian(4000000000U) + test::big_endian(28) + test::big_endian(28);
    const auto path = test::write_bytes(folder / "large", bytes, true);
    CHECK_THAT(test::format_error_of([&] { read_idx_images(path); }),
               Contains("4000000000 × 28 × 28 = 3136000000000 bytes of data, above the limit"));
    // A smaller limit applies to honest files too.
    const auto honest = test::write_bytes(folder / "honest", test::idx_images(4, 2, 2));
    CHECK_THROWS_WITH(read_idx_images(honest, {.max_bytes = 15}),
                      Contains("above the limit of 15"));
    CHECK(read_idx_images(honest, {.max_bytes = 16}).count() == 4);
  }
  SECTION("a raw file claiming more than it holds") {
    std::string bytes = test::idx_images(3, 28, 28);
    bytes.replace(4, 4, test::big_endian(1000000));  // 784 MB claimed, 2 KB present
    const auto path = test::write_bytes(folder / "forged", bytes);
    CHECK_THAT(test::format_error_of([&] { read_idx_images(path); }),
               Contains("1000000 × 28 × 28 = 784000000 bytes of data, but a file of 2368 bytes "
                        "holds only 2352"));
  }
  SECTION("a gzip file claiming more than deflate could ever expand it to") {
    std::string bytes = test::idx_images(3, 28, 28);
    bytes.replace(4, 4, test::big_endian(1000000));
    const auto path = test::write_bytes(folder / "forged.gz", bytes, true);
    CHECK_THAT(test::format_error_of([&] { read_idx_images(path); }),
               Contains("cannot decompress to more than"));
  }
  SECTION("a gzip file claiming what deflate could hold but not what it does hold") {
    // 64 KB of zeros compress to about 100 bytes, which deflate's bound allows to hold about
    // 100 KB; the header claims 100 KB. The reader reads what is there and finds it short.
    std::string bytes("\x00\x00\x08\x03", 4);
    bytes += test::big_endian(100) + test::big_endian(32) + test::big_endian(32);
    bytes += std::string(64 * 1024, '\0');
    const auto path = test::write_bytes(folder / "zeros.gz", bytes, true);
    CHECK_THAT(test::format_error_of([&] { read_idx_images(path); }),
               Contains("but the data ends at byte 65552"));
  }
  SECTION("an image with no pixels") {
    std::string bytes("\x00\x00\x08\x03", 4);
    bytes += test::big_endian(5) + test::big_endian(0) + test::big_endian(28);
    const auto path = test::write_bytes(folder / "empty", bytes);
    CHECK_THAT(test::format_error_of([&] { read_idx_images(path); }),
               Contains("image size of 0×28"));
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
  CHECK(elapsed.count() < 5.0);
}

TEST_CASE("every single-byte change of a header gives a result or an error, never a crash",
          "[idx]") {
  test::TempFolder folder("idx-header-fuzz");
  const std::string bytes = test::idx_images(2, 3, 4);
  for (std::size_t position = 0; position < 16; ++position) {
    for (const int value : {0x00, 0x01, 0x03, 0x08, 0x7F, 0x80, 0xFF}) {
      std::string changed = bytes;
      changed[position] = static_cast<char>(value);
      const auto path = test::write_bytes(folder / "fuzz", changed, position % 2 == 0);
      INFO("byte " << position << " set to " << value);
      try {
        const auto images = read_idx_images(path);
        // Only a header that still describes the same 24 bytes can be accepted.
        CHECK(images.count() * images.rows * images.columns == 24);
      } catch (const FormatError&) {
        SUCCEED();
      }
    }
  }
}

TEST_CASE("images and labels files must agree on the count", "[idx]") {
  test::TempFolder folder("idx-pair");
  const auto images = test::write_bytes(folder / "images.gz", test::idx_images(4, 2, 2), true);
  const auto labels = test::write_bytes(folder / "labels", test::idx_labels({0, 1, 2, 3}));
  const auto set = read_idx_labelled(images, labels, {.max_items = 3});
  CHECK(set.count() == 3);
  CHECK(set.labels == std::vector<Index>{0, 1, 2});
  CHECK(set.rows == 2);
  CHECK(set.columns == 2);

  const auto five = test::write_bytes(folder / "five", test::idx_labels({0, 1, 2, 3, 4}));
  const std::string message = test::format_error_of([&] { read_idx_labelled(images, five); });
  CHECK_THAT(message, Contains(images.string() + " holds 4 images but " + five.string() +
                               " holds 5 labels"));
  // Even when only a subset is read, the full counts must agree.
  CHECK_THROWS_AS(read_idx_labelled(images, five, {.max_items = 2}), FormatError);
}

TEST_CASE("a missing file is an IoError naming it", "[idx]") {
  test::TempFolder folder("idx-missing");
  CHECK_THROWS_AS(read_idx_images(folder / "nothing"), IoError);
  CHECK_THROWS_WITH(read_idx_labels(folder / "nothing"), Contains("nothing: cannot open"));
}

TEST_CASE("find_idx_file accepts the usual spellings, gzip first", "[idx]") {
  test::TempFolder folder("idx-names");
  CHECK_THROWS_WITH(find_idx_file(folder.path(), "train-images-idx3-ubyte"),
                    Contains("looked for train-images-idx3-ubyte.gz, train-images-idx3-ubyte, "
                             "train-images.idx3-ubyte.gz, train-images.idx3-ubyte"));
  test::write_bytes(folder / "train-images.idx3-ubyte", "x");
  CHECK(find_idx_file(folder.path(), "train-images-idx3-ubyte").filename() ==
        "train-images.idx3-ubyte");
  test::write_bytes(folder / "train-images-idx3-ubyte", "x");
  CHECK(find_idx_file(folder.path(), "train-images-idx3-ubyte").filename() ==
        "train-images-idx3-ubyte");
  test::write_bytes(folder / "train-images-idx3-ubyte.gz", "x");
  CHECK(find_idx_file(folder.path(), "train-images-idx3-ubyte").filename() ==
        "train-images-idx3-ubyte.gz");
}

TEST_CASE("read_mnist reads the four files, gzip or raw, under either spelling", "[mnist]") {
  for (const bool gzip : {true, false}) {
    for (const std::string suffix : {"-idx", ".idx"}) {
      INFO("gzip " << gzip << ", names with '" << suffix << "'");
      test::TempFolder folder("mnist-folder");
      write_mnist_folder(folder.path(), 25, 12, gzip, suffix);
      const auto data = read_mnist<float>(folder.path());
      CHECK(data.train.count() == 25);
      CHECK(data.test.count() == 12);
      CHECK(data.train.images.rows() == 12);
      CHECK(data.train.rows == 4);
      CHECK(data.train.columns == 3);
      CHECK(data.train.labels[13] == 3);
      CHECK(data.test.labels[0] == 3);
      // The pixels are those of the images file.
      const auto images = read_idx_images(
          find_idx_file(folder.path(), "t10k-images-idx3-ubyte"));
      CHECK(data.test.images == images.pixels);
    }
  }
}

TEST_CASE("read_mnist limits each set separately", "[mnist]") {
  test::TempFolder folder("mnist-limits");
  write_mnist_folder(folder.path(), 30, 20, true);
  const auto data = read_mnist<double>(folder.path(), 7, 5);
  CHECK(data.train.count() == 7);
  CHECK(data.train.labels.size() == 7);
  CHECK(data.test.count() == 5);
  CHECK(data.test.labels == std::vector<Index>{3, 4, 5, 6, 7});
  const auto all = read_mnist<double>(folder.path());
  CHECK(data.train.images == all.train.images.leftCols(7));
}

TEST_CASE("read_mnist refuses missing files, mismatched counts and labels above 9", "[mnist]") {
  test::TempFolder folder("mnist-bad");
  write_mnist_folder(folder.path(), 10, 10, true);
  SECTION("a missing file") {
    std::filesystem::remove(folder / "t10k-labels-idx1-ubyte.gz");
    CHECK_THROWS_AS(read_mnist<float>(folder.path()), IoError);
    CHECK_THROWS_WITH(read_mnist<float>(folder.path()),
                      Contains("no t10k-labels-idx1-ubyte file"));
  }
  SECTION("more labels than images") {
    test::write_bytes(folder / "train-labels-idx1-ubyte.gz",
                      test::idx_labels({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0}), true);
    CHECK_THROWS_WITH(read_mnist<float>(folder.path()),
                      Contains("holds 10 images but") && Contains("holds 11 labels"));
  }
  SECTION("a label outside 0..9") {
    test::write_bytes(folder / "t10k-labels-idx1-ubyte.gz",
                      test::idx_labels({0, 1, 2, 3, 4, 5, 6, 7, 8, 10}), true);
    CHECK_THROWS_WITH(read_mnist<float>(folder.path()),
                      Contains("label 10 of item 9 (byte 17) is outside 0..9"));
  }
  SECTION("images and labels swapped") {
    std::filesystem::rename(folder / "train-images-idx3-ubyte.gz", folder / "swap");
    std::filesystem::rename(folder / "train-labels-idx1-ubyte.gz",
                            folder / "train-images-idx3-ubyte.gz");
    std::filesystem::rename(folder / "swap", folder / "train-labels-idx1-ubyte.gz");
    CHECK_THROWS_WITH(read_mnist<float>(folder.path()), Contains("(a labels file?)"));
  }
}

TEST_CASE("the real MNIST files hold 60,000 + 10,000 labelled 28×28 digits", "[mnist][real]") {
  if (!have_mnist()) {
    WARN("no MNIST data in " << mnist_folder().string() << ": skipped");
    return;
  }
  const auto& data = mnist();
  REQUIRE(data.train.count() == 60000);
  REQUIRE(data.test.count() == 10000);
  CHECK(data.train.rows == 28);
  CHECK(data.train.columns == 28);
  CHECK(data.train.images.rows() == 784);
  // Well-known facts: the first training digit is a 5, the first test digit a 7, and the
  // number of images of each digit.
  CHECK(data.train.labels[0] == 5);
  CHECK(data.test.labels[0] == 7);
  std::array<long, 10> train_counts{};
  std::array<long, 10> test_counts{};
  for (const Index label : data.train.labels) {
    ++train_counts[static_cast<std::size_t>(label)];
  }
  for (const Index label : data.test.labels) {
    ++test_counts[static_cast<std::size_t>(label)];
  }
  CHECK(train_counts == std::array<long, 10>{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265,
                                             5851, 5949});
  CHECK(test_counts == std::array<long, 10>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974,
                                            1009});
  CHECK(data.train.images.minCoeff() == 0.0F);
  CHECK(data.train.images.maxCoeff() == 1.0F);
  // The border pixels are blank in every image (the digits were centred in a 20×20 box).
  CHECK(data.train.images.row(0).maxCoeff() == 0.0F);
}
