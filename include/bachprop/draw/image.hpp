#pragma once
/// @file
/// A small raster image (8-bit grey or RGB) with the drawing the examples need: pixels,
/// rectangles, lines, dots, matrices shown as grey or colour maps, and two palettes (a
/// perceptual heat scale and ten distinct class colours). draw/png.hpp writes it to a file.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace bachprop {

/// An RGB colour, 8 bits per channel.
struct Rgb {
  std::uint8_t r = 0;  ///< red, 0-255
  std::uint8_t g = 0;  ///< green, 0-255
  std::uint8_t b = 0;  ///< blue, 0-255
  /// Equal when all three channels are.
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

/// Pure white, the default background.
inline constexpr Rgb white{255, 255, 255};
/// Pure black.
inline constexpr Rgb black{0, 0, 0};

/// A width × height image with 1 (grey) or 3 (RGB) channels, rows top to bottom.
class Image {
 public:
  /// Limits that keep a mistaken size from allocating gigabytes.
  static constexpr int max_side = 1 << 15;

  /// A width × height image with every byte set to fill (255: white). Throws ArgumentError
  /// for a side outside 1..max_side or channels other than 1 or 3.
  Image(int width, int height, int channels = 3, std::uint8_t fill = 255)
      : width_(width), height_(height), channels_(channels) {
    if (width <= 0 || height <= 0 || width > max_side || height > max_side) {
      throw ArgumentError("Image: size " + std::to_string(width) + "×" + std::to_string(height) +
                          " is outside 1.." + std::to_string(max_side));
    }
    if (channels != 1 && channels != 3) {
      throw ArgumentError("Image: channels must be 1 (grey) or 3 (RGB), got " +
                          std::to_string(channels));
    }
    pixels_.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) *
                       static_cast<std::size_t>(channels),
                   fill);
  }

  /// Width in pixels.
  int width() const { return width_; }
  /// Height in pixels.
  int height() const { return height_; }
  /// 1 (grey) or 3 (RGB).
  int channels() const { return channels_; }
  /// Row-major bytes, `channels` per pixel.
  const std::vector<std::uint8_t>& pixels() const { return pixels_; }

  /// Sets a pixel; points outside the image are ignored (so shapes may overhang the border).
  void set(int x, int y, Rgb colour) {
    if (x < 0 || y < 0 || x >= width_ || y >= height_) {
      return;
    }
    std::uint8_t* p = &pixels_[offset(x, y)];
    if (channels_ == 3) {
      p[0] = colour.r;
      p[1] = colour.g;
      p[2] = colour.b;
    } else {
      // ITU-R BT.601 luma, the usual grey of a colour.
      p[0] = static_cast<std::uint8_t>(
          std::lround(0.299 * colour.r + 0.587 * colour.g + 0.114 * colour.b));
    }
  }

  /// The pixel at (x, y) (grey images repeat the grey value).
  Rgb get(int x, int y) const {
    if (x < 0 || y < 0 || x >= width_ || y >= height_) {
      throw ArgumentError("Image::get: (" + std::to_string(x) + ", " + std::to_string(y) +
                          ") is outside the " + std::to_string(width_) + "×" +
                          std::to_string(height_) + " image");
    }
    const std::uint8_t* p = &pixels_[offset(x, y)];
    return channels_ == 3 ? Rgb{p[0], p[1], p[2]} : Rgb{p[0], p[0], p[0]};
  }

  /// Fills the rectangle [x, x + w) × [y, y + h), clipped to the image.
  void fill_rect(int x, int y, int w, int h, Rgb colour) {
    for (int yy = std::max(0, y); yy < std::min(height_, y + h); ++yy) {
      for (int xx = std::max(0, x); xx < std::min(width_, x + w); ++xx) {
        set(xx, yy, colour);
      }
    }
  }

  /// A one-pixel line from (x0, y0) to (x1, y1) (Bresenham).
  void line(int x0, int y0, int x1, int y1, Rgb colour) {
    const int dx = std::abs(x1 - x0);
    const int dy = -std::abs(y1 - y0);
    const int sx = x0 < x1 ? 1 : -1;
    const int sy = y0 < y1 ? 1 : -1;
    int error = dx + dy;
    while (true) {
      set(x0, y0, colour);
      if (x0 == x1 && y0 == y1) {
        return;
      }
      const int twice = 2 * error;
      if (twice >= dy) {
        error += dy;
        x0 += sx;
      }
      if (twice <= dx) {
        error += dx;
        y0 += sy;
      }
    }
  }

  /// A filled disc of the given radius centred on (cx, cy).
  void dot(int cx, int cy, int radius, Rgb colour) {
    for (int y = -radius; y <= radius; ++y) {
      for (int x = -radius; x <= radius; ++x) {
        if (x * x + y * y <= radius * radius) {
          set(cx + x, cy + y, colour);
        }
      }
    }
  }

  /// Draws `values` (rows × cols, each in [0, 1], clamped) as grey squares of `scale` pixels
  /// with its top-left corner at (x, y); `invert` draws 1 as black (ink on paper).
  template <class Derived>
  void draw_grey(const Eigen::MatrixBase<Derived>& values, int x, int y, int scale = 1,
                 bool invert = false) {
    for (Index r = 0; r < values.rows(); ++r) {
      for (Index c = 0; c < values.cols(); ++c) {
        double v = std::clamp(static_cast<double>(values(r, c)), 0.0, 1.0);
        if (invert) {
          v = 1.0 - v;
        }
        const auto level = static_cast<std::uint8_t>(std::lround(v * 255.0));
        fill_rect(x + static_cast<int>(c) * scale, y + static_cast<int>(r) * scale, scale, scale,
                  {level, level, level});
      }
    }
  }

 private:
  std::size_t offset(int x, int y) const {
    return (static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) +
            static_cast<std::size_t>(x)) *
           static_cast<std::size_t>(channels_);
  }

  int width_;
  int height_;
  int channels_;
  std::vector<std::uint8_t> pixels_;
};

/// A perceptual heat colour for t in [0, 1] (clamped): dark purple through teal to yellow, an
/// approximation of matplotlib's viridis by linear interpolation between eight of its stops.
inline Rgb heat_colour(double t) {
  static constexpr std::array<Rgb, 8> stops{{{68, 1, 84},
                                             {70, 50, 127},
                                             {54, 92, 141},
                                             {39, 127, 142},
                                             {31, 161, 135},
                                             {74, 194, 109},
                                             {159, 218, 58},
                                             {253, 231, 37}}};
  t = std::isnan(t) ? 0.0 : std::clamp(t, 0.0, 1.0);
  const double position = t * static_cast<double>(stops.size() - 1);
  const auto low = static_cast<std::size_t>(std::floor(position));
  const std::size_t high = std::min(low + 1, stops.size() - 1);
  const double f = position - static_cast<double>(low);
  auto mix = [f](std::uint8_t a, std::uint8_t b) {
    return static_cast<std::uint8_t>(std::lround(a + f * (b - a)));
  };
  return {mix(stops[low].r, stops[high].r), mix(stops[low].g, stops[high].g),
          mix(stops[low].b, stops[high].b)};
}

/// Ten colours that stay apart from each other (the Tableau 10 palette), for classes 0-9;
/// larger indices wrap around.
inline Rgb class_colour(std::size_t index) {
  static constexpr std::array<Rgb, 10> palette{{{78, 121, 167},
                                                {242, 142, 43},
                                                {225, 87, 89},
                                                {118, 183, 178},
                                                {89, 161, 79},
                                                {237, 201, 72},
                                                {176, 122, 161},
                                                {255, 157, 167},
                                                {156, 117, 95},
                                                {186, 176, 172}}};
  return palette[index % palette.size()];
}

}  // namespace bachprop
