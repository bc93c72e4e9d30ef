#pragma once
/// @file
/// Pictures of music (drawn on draw/image.hpp's Image, written by draw/png.hpp): a piano roll of a
/// score — time left to right, pitch bottom to top, each part in its own class colour, black-key
/// rows shaded, a line and a label at every C, bar lines from the time signature, and a legend of
/// part names — and a heat map of a transition matrix with its row and column labels. Text uses
/// the library's one bitmap font (draw/font.hpp: capitals, digits, signs, and 'b' for flats).

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/draw/font.hpp>
#include <bachprop/draw/image.hpp>
#include <bachprop/draw/png.hpp>
#include <bachprop/music/theory/pitch.hpp>
#include <bachprop/music/score/score.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop::music {

/// Settings of a piano-roll picture.
struct PianoRollImageOptions {
  int pixels_per_quarter = 16;  ///< width of a quarter note, in pixels
  int pixels_per_semitone = 6;  ///< height of a pitch row, in pixels
  /// Lowest pitch shown; -1 = the notes' lowest minus two semitones.
  int lowest_pitch = -1;
  /// Highest pitch shown; -1 = the notes' highest plus two semitones.
  int highest_pitch = -1;
  /// Draw bar lines (from the score's time signature) and lighter beat lines.
  bool bar_lines = true;
  /// Text above the roll (in capitals, 'b' after a note letter a flat); empty: the title.
  std::string title{};
};

/// The piano roll of `score` as an RGB image (layout in the file comment). Part i is drawn in
/// class_colour(i). Throws ArgumentError for sizes that would make an image larger than Image
/// allows.
inline Image draw_piano_roll(const Score& score, const PianoRollImageOptions& options = {}) {
  if (options.pixels_per_quarter < 1 || options.pixels_per_semitone < 1) {
    throw ArgumentError("draw_piano_roll: pixels per quarter and per semitone must be positive");
  }
  int low = options.lowest_pitch;
  int high = options.highest_pitch;
  if (low < 0 || high < 0) {
    int lo = 127;
    int hi = 0;
    for (const auto& part : score.parts) {
      for (const auto& n : part.notes) {
        lo = std::min(lo, n.pitch);
        hi = std::max(hi, n.pitch);
      }
    }
    if (lo > hi) {  // no notes: an octave around middle C
      lo = 60;
      hi = 71;
    }
    low = low < 0 ? std::max(0, lo - 2) : low;
    high = high < 0 ? std::min(127, hi + 2) : high;
  }
  if (low > high || low < 0 || high > 127) {
    throw ArgumentError("draw_piano_roll: pitch range " + std::to_string(low) + ".." +
                        std::to_string(high) + " is not within 0..127");
  }
  const int ppq = options.pixels_per_quarter;
  const int pps = options.pixels_per_semitone;
  const int left = 28;    // room for a C's name, "C4", in the margin
  const int top = 22;     // room for the title, 14 pixels tall at scale 2
  const int legend = 14;  // room for the legend's line of text
  for (const auto& part : score.parts) {
    for (const auto& n : part.notes) {
      if (!std::isfinite(n.start) || !std::isfinite(n.duration) || n.start < 0.0) {
        throw ArgumentError("draw_piano_roll: a note's start or length is not a finite, "
                            "non-negative number");
      }
    }
  }
  const double quarters = std::max(1.0, std::ceil(score.end()));
  const double width_needed = left + quarters * ppq + 8;
  const int rows = high - low + 1;
  const double height_needed = top + static_cast<double>(rows) * pps + legend + 6;
  if (width_needed > Image::max_side || height_needed > Image::max_side) {
    throw ArgumentError("draw_piano_roll: the picture would be " +
                        std::to_string(static_cast<long long>(width_needed)) + "×" +
                        std::to_string(static_cast<long long>(height_needed)) +
                        " pixels; use fewer pixels per quarter or a shorter score");
  }
  Image image(static_cast<int>(width_needed), static_cast<int>(height_needed), 3, 255);
  const int roll_width = static_cast<int>(quarters) * ppq;
  auto row_y = [&](int pitch) { return top + (high - pitch) * pps; };

  // Black-key rows shaded, a darker line under every C with its name in the margin.
  for (int p = low; p <= high; ++p) {
    const int pc = pitch_class(p);
    const bool black = pc == 1 || pc == 3 || pc == 6 || pc == 8 || pc == 10;
    if (black) {
      image.fill_rect(left, row_y(p), roll_width, pps, {238, 238, 242});
    }
    if (pc == 0) {
      image.line(left, row_y(p) + pps - 1, left + roll_width - 1, row_y(p) + pps - 1,
                 {150, 150, 160});
      const std::string name = pitch_name(p);
      draw_text(image, left - 4 - text_width(name), row_y(p) + pps / 2 - 3, name, {60, 60, 70});
    }
  }
  if (options.bar_lines) {
    const double beat = 4.0 / score.time_signature.denominator;
    const double bar = score.time_signature.bar_quarters();
    for (double t = 0.0; t <= quarters + 1e-9; t += beat) {
      const int x = left + static_cast<int>(std::lround(t * ppq));
      const bool is_bar = std::abs(std::remainder(t, bar)) < 1e-9;
      image.line(x, top, x, top + rows * pps - 1, is_bar ? Rgb{170, 170, 180} : Rgb{225, 225, 230});
    }
  }
  // Notes, each with a one-pixel darker outline so that repeated notes stay distinct.
  for (std::size_t i = 0; i < score.parts.size(); ++i) {
    const Rgb fill = class_colour(i);
    const Rgb edge{static_cast<std::uint8_t>(fill.r * 3 / 5),
                   static_cast<std::uint8_t>(fill.g * 3 / 5),
                   static_cast<std::uint8_t>(fill.b * 3 / 5)};
    for (const auto& n : score.parts[i].notes) {
      if (n.pitch < low || n.pitch > high) {
        continue;
      }
      const int x0 = left + static_cast<int>(std::lround(n.start * ppq));
      const int x1 = std::max(x0 + 2, left + static_cast<int>(std::lround(n.end() * ppq)));
      const int y0 = row_y(n.pitch);
      image.fill_rect(x0, y0, x1 - x0, pps, edge);
      image.fill_rect(x0 + 1, y0 + 1, x1 - x0 - 2, pps - 2, fill);
    }
  }
  // Frame, title and legend.
  const Rgb frame{120, 120, 130};
  image.line(left - 1, top - 1, left + roll_width, top - 1, frame);
  image.line(left - 1, top + rows * pps, left + roll_width, top + rows * pps, frame);
  image.line(left - 1, top - 1, left - 1, top + rows * pps, frame);
  image.line(left + roll_width, top - 1, left + roll_width, top + rows * pps, frame);
  const std::string title = options.title.empty() ? score.title : options.title;
  draw_text(image, left, 4, title, {30, 30, 40}, 2);
  int x = left;
  const int legend_y = top + rows * pps + 5;
  for (std::size_t i = 0; i < score.parts.size(); ++i) {
    const std::string label =
        score.parts[i].name.empty() ? "PART " + std::to_string(i + 1) : score.parts[i].name;
    image.fill_rect(x, legend_y, 8, 8, class_colour(i));
    draw_text(image, x + 11, legend_y + 1, label, {40, 40, 50}, 1);
    x += 11 + text_width(label) + 10;
  }
  return image;
}

/// Writes the piano roll of `score` as a PNG file (atomically).
inline void write_piano_roll_png(const std::filesystem::path& path, const Score& score,
                                 const PianoRollImageOptions& options = {}) {
  write_png(path, draw_piano_roll(score, options));
}

/// Settings of a transition-matrix heat map.
struct HeatMapOptions {
  int cell = 14;                    ///< side of a cell, in pixels
  std::string title{};              ///< text above the map (in capitals in the picture)
  std::string row_axis = "FROM";    ///< label of the row axis
  std::string column_axis = "TO";   ///< label of the column axis
};

/// A heat map of `matrix` (rows × columns, values ≥ 0): each cell coloured by heat_colour of its
/// value divided by the largest value, labels (one per row, one per column, written upright
/// above the columns) and a colour bar from 0 to the largest value.
inline Image draw_heat_map(const Matrix<double>& matrix, const std::vector<std::string>& row_labels,
                           const std::vector<std::string>& column_labels,
                           const HeatMapOptions& options = {}) {
  if (matrix.size() == 0) {
    throw ArgumentError("draw_heat_map: the matrix is empty");
  }
  if (static_cast<Index>(row_labels.size()) != matrix.rows() ||
      static_cast<Index>(column_labels.size()) != matrix.cols()) {
    throw ArgumentError("draw_heat_map: " + std::to_string(row_labels.size()) + " row and " +
                        std::to_string(column_labels.size()) + " column labels for a " +
                        shape_string(matrix) + " matrix");
  }
  if (options.cell < 2) {
    throw ArgumentError("draw_heat_map: cells must be at least 2 pixels");
  }
  if (!matrix.allFinite() || matrix.minCoeff() < 0.0) {
    throw ArgumentError("draw_heat_map: values must be finite and non-negative");
  }
  std::size_t longest_row = 0;
  for (const auto& l : row_labels) {
    longest_row = std::max(longest_row, l.size());
  }
  std::size_t longest_column = 0;
  for (const auto& l : column_labels) {
    longest_column = std::max(longest_column, l.size());
  }
  const int cell = options.cell;
  const int left = 16 + text_width(std::string(longest_row, 'M')) + 6;
  // The title (14 pixels at scale 2), the column axis's name, then the upright column labels.
  const int top = 30 + static_cast<int>(longest_column) * text_height() + 4;
  const auto width = static_cast<double>(left) + static_cast<double>(matrix.cols()) * cell + 60;
  const auto height = static_cast<double>(top) + static_cast<double>(matrix.rows()) * cell + 24;
  if (width > Image::max_side || height > Image::max_side) {
    throw ArgumentError("draw_heat_map: the picture would be too large; use smaller cells");
  }
  Image image(static_cast<int>(width), static_cast<int>(height), 3, 255);
  const double largest = matrix.maxCoeff();
  const double scale = largest > 0.0 ? 1.0 / largest : 0.0;
  for (Index r = 0; r < matrix.rows(); ++r) {
    for (Index c = 0; c < matrix.cols(); ++c) {
      image.fill_rect(left + static_cast<int>(c) * cell, top + static_cast<int>(r) * cell,
                      cell - 1, cell - 1, heat_colour(matrix(r, c) * scale));
    }
    const auto& label = row_labels[static_cast<std::size_t>(r)];
    draw_text(image, left - 4 - text_width(label), top + static_cast<int>(r) * cell + cell / 2 - 3,
              label, {40, 40, 50});
  }
  for (Index c = 0; c < matrix.cols(); ++c) {
    const auto& label = column_labels[static_cast<std::size_t>(c)];
    const int x = left + static_cast<int>(c) * cell + cell / 2 - 2;
    int y = top - 4 - static_cast<int>(label.size()) * text_height();
    for (const char ch : label) {
      draw_text(image, x, y, std::string(1, ch), {40, 40, 50});
      y += text_height();
    }
  }
  draw_text(image, left, 4, options.title, {30, 30, 40}, 2);
  // Axis names: the row axis written upright at the far left, the column axis under the title.
  int y = top;
  for (const char ch : options.row_axis) {
    draw_text(image, 3, y, std::string(1, ch), {90, 90, 100});
    y += text_height();
  }
  draw_text(image, left + static_cast<int>(matrix.cols()) * cell - text_width(options.column_axis),
            20, options.column_axis, {90, 90, 100});
  // Colour bar: 0 at the bottom, the largest value at the top.
  const int bar_x = left + static_cast<int>(matrix.cols()) * cell + 10;
  const int bar_height = static_cast<int>(matrix.rows()) * cell;
  for (int i = 0; i < bar_height; ++i) {
    image.fill_rect(bar_x, top + i, 10, 1,
                    heat_colour(1.0 - static_cast<double>(i) / std::max(1, bar_height - 1)));
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", largest);
  draw_text(image, bar_x + 13, top, text, {40, 40, 50});
  draw_text(image, bar_x + 13, top + bar_height - 7, "0", {40, 40, 50});
  return image;
}

}  // namespace bachprop::music
