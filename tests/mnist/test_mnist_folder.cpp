// Tests of read_mnist (io/idx.hpp) on MNIST-format folders written here: the four files under
// their usual names, gzip or raw, subsets, and folders whose files disagree.

#include "helpers.hpp"
#include "io/idx_samples.hpp"

#include <bachprop/io/idx.hpp>

using namespace bachprop;
using Catch::Matchers::Contains;

namespace {

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
