// Tests of bachprop/draw/image.hpp: drawing is clipped to the image and draws what it says; the
// palettes run as documented.

#include "helpers.hpp"

#include <bachprop/draw/image.hpp>

using namespace bachprop;

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
