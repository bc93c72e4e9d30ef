// Tests of draw/image.hpp and draw/png.hpp. The PNG files are decoded by an independent reader,
// stb_image (Debian libstb-dev), and compared pixel by pixel.

#include "helpers.hpp"

#include <bachprop/draw/png.hpp>

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#endif
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include <filesystem>
#include <memory>

using namespace bachprop;

namespace {

struct Decoded {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<std::uint8_t> pixels;
};

Decoded decode(const std::string& png) {
  Decoded d;
  std::unique_ptr<stbi_uc, void (*)(void*)> data(
      stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(png.data()),
                            static_cast<int>(png.size()), &d.width, &d.height, &d.channels, 0),
      stbi_image_free);
  REQUIRE(data != nullptr);
  d.pixels.assign(data.get(), data.get() + d.width * d.height * d.channels);
  return d;
}

}  // namespace

TEST_CASE("an RGB image survives PNG encoding, read by stb_image", "[png]") {
  Image image(37, 23, 3, 255);
  Rng rng(1);
  for (int y = 0; y < 23; ++y) {
    for (int x = 0; x < 37; ++x) {
      image.set(x, y, {static_cast<std::uint8_t>(rng.below(256)),
                       static_cast<std::uint8_t>(rng.below(256)),
                       static_cast<std::uint8_t>(rng.below(256))});
    }
  }
  const Decoded d = decode(encode_png(image));
  CHECK(d.width == 37);
  CHECK(d.height == 23);
  CHECK(d.channels == 3);
  CHECK(d.pixels == image.pixels());
}

TEST_CASE("a grey image survives PNG encoding", "[png]") {
  Image image(10, 4, 1, 0);
  image.fill_rect(2, 1, 3, 2, {200, 200, 200});
  image.set(9, 3, {255, 255, 255});
  const Decoded d = decode(encode_png(image));
  CHECK(d.channels == 1);
  CHECK(d.pixels == image.pixels());
  CHECK(d.pixels[1 * 10 + 2] == 200);
  CHECK(d.pixels[0] == 0);
}

TEST_CASE("write_png writes a file a reader accepts", "[png]") {
  const auto path = std::filesystem::temp_directory_path() / "bachprop_test.png";
  Image image(8, 8);
  image.line(0, 0, 7, 7, black);
  write_png(path, image);
  const Decoded d = decode(read_file(path));
  CHECK(d.pixels == image.pixels());
  std::filesystem::remove(path);
}

TEST_CASE("drawing stays inside the image and draws what it says", "[image]") {
  Image image(5, 5);
  image.fill_rect(-3, -3, 5, 5, black);  // clipped to the 2×2 top-left corner
  CHECK(image.get(1, 1) == black);
  CHECK(image.get(2, 2) == white);
  image.line(0, 4, 4, 0, {255, 0, 0});
  CHECK(image.get(2, 2) == Rgb{255, 0, 0});
  image.set(99, 99, black);  // ignored
  CHECK_THROWS_AS(image.get(5, 0), ArgumentError);
  CHECK_THROWS_AS(Image(0, 3), ArgumentError);
  CHECK_THROWS_AS(Image(3, 3, 2), ArgumentError);

  Matrix<float> digit(2, 2);
  digit << 0.0F, 1.0F, 0.5F, 2.0F;
  Image grey(4, 4, 1);
  grey.draw_grey(digit, 0, 0, 2, true);  // ink on paper: 1 is black
  CHECK(grey.get(2, 0) == black);
  CHECK(grey.get(0, 0) == white);
  CHECK(grey.get(0, 2).r == 128);
  CHECK(grey.get(3, 3) == black);  // 2.0 clamped to 1
}

TEST_CASE("palettes: the heat scale runs dark to bright, class colours differ", "[image]") {
  CHECK(heat_colour(0.0) == Rgb{68, 1, 84});
  CHECK(heat_colour(1.0) == Rgb{253, 231, 37});
  CHECK(heat_colour(-1.0) == heat_colour(0.0));
  auto luma = [](Rgb c) { return 0.299 * c.r + 0.587 * c.g + 0.114 * c.b; };
  for (double t = 0.0; t < 0.95; t += 0.1) {
    CHECK(luma(heat_colour(t + 0.1)) > luma(heat_colour(t)));
  }
  for (std::size_t i = 0; i < 10; ++i) {
    for (std::size_t j = i + 1; j < 10; ++j) {
      CHECK_FALSE(class_colour(i) == class_colour(j));
    }
  }
}
