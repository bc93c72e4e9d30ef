// Tests of bachprop/draw/png.hpp: the PNG files are decoded by an independent reader, stb_image
// (Debian libstb-dev), and compared pixel by pixel.

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
