// Tests of bachprop/music/draw/piano_roll_image.hpp: notes land on the right pixels in their part's
// colour, octave labels and bar lines are drawn, the heat map colours cells by value.

#include <bachprop/io/file.hpp>
#include <bachprop/music/draw/piano_roll_image.hpp>

#include <catch2/catch.hpp>

#include <filesystem>

using namespace bachprop;
using namespace bachprop::music;

namespace {

// The layout constants of draw_piano_roll (left margin 28, top margin 22).
constexpr int left = 28;
constexpr int top = 22;

}  // namespace

TEST_CASE("the piano roll puts each note at its time and pitch, in its part's colour",
          "[piano_roll_image]") {
  Score score;
  score.title = "test";
  score.parts.push_back(Part{"upper", 0, 0, {{72, 0.0, 1.0, 80}, {74, 1.0, 2.0, 80}}});
  score.parts.push_back(Part{"lower", 0, 1, {{60, 0.5, 3.5, 80}}});
  const PianoRollImageOptions options{.pixels_per_quarter = 10, .pixels_per_semitone = 4};
  const Image image = draw_piano_roll(score, options);
  // Range 58..76; 4 quarters of 10 pixels.
  CHECK(image.width() == left + 40 + 8);
  CHECK(image.height() == top + 19 * 4 + 14 + 6);
  auto centre = [&](int pitch, double quarter) {
    return image.get(left + static_cast<int>(quarter * 10), top + (76 - pitch) * 4 + 2);
  };
  CHECK(centre(72, 0.5) == class_colour(0));
  CHECK(centre(74, 2.0) == class_colour(0));
  CHECK(centre(60, 2.0) == class_colour(1));
  CHECK(centre(60, 0.25) != class_colour(1));  // before the note starts
  CHECK(centre(65, 2.0) != class_colour(0));   // no note there
  // A black-key row (61, C#4) is shaded where no note is.
  CHECK(centre(61, 0.25) == Rgb{238, 238, 242});
  // The label "C4" is drawn left of the roll at middle C's row.
  bool ink = false;
  for (int y = top + (76 - 60) * 4 - 3; y < top + (76 - 60) * 4 + 6; ++y) {
    for (int x = 0; x < left - 2; ++x) {
      ink = ink || image.get(x, y) == Rgb{60, 60, 70};
    }
  }
  CHECK(ink);
  // The legend shows both parts' colours below the roll.
  const int legend_y = top + 19 * 4 + 5 + 4;
  CHECK(image.get(left + 4, legend_y) == class_colour(0));
  const auto path = std::filesystem::temp_directory_path() / "bachprop_music_roll.png";
  write_piano_roll_png(path, score, options);
  const std::string png = read_file(path);
  CHECK(png.substr(1, 3) == "PNG");
  std::filesystem::remove(path);
}

TEST_CASE("piano roll limits and an empty score", "[piano_roll_image][errors]") {
  const Image empty = draw_piano_roll(Score{});
  CHECK(empty.width() > 0);
  Score score;
  score.parts.push_back(Part{"p", 0, 0, {{60, 0.0, 5000.0, 80}}});
  CHECK_THROWS_WITH(draw_piano_roll(score, {.pixels_per_quarter = 16}),
                    Catch::Contains("fewer pixels per quarter"));
  CHECK_THROWS_AS(draw_piano_roll(score, {.pixels_per_quarter = 0}), ArgumentError);
  score.parts[0].notes[0].duration = std::nan("");
  CHECK_THROWS_WITH(draw_piano_roll(score), Catch::Contains("finite"));
  score.parts[0].notes[0].duration = 1.0;
  CHECK_THROWS_AS(draw_piano_roll(score, {.lowest_pitch = 80, .highest_pitch = 70}),
                  ArgumentError);
}

TEST_CASE("titles use the one font, where a 'b' after a note letter is a flat",
          "[piano_roll_image]") {
  // The pictures once had a font of their own that drew "Bb major" as "BB MAJOR".
  Score score;
  score.parts.push_back({});
  score.parts[0].notes.push_back({60, 0.0, 1.0});
  const Image flat = draw_piano_roll(score, {.title = "Bb major"});
  const Image capital = draw_piano_roll(score, {.title = "BB MAJOR"});
  const Image same = draw_piano_roll(score, {.title = "Bb MAJOR"});
  const auto same_pixels = [](const Image& a, const Image& b) {
    if (a.width() != b.width() || a.height() != b.height()) {
      return false;
    }
    for (int y = 0; y < a.height(); ++y) {
      for (int x = 0; x < a.width(); ++x) {
        if (!(a.get(x, y) == b.get(x, y))) {
          return false;
        }
      }
    }
    return true;
  };
  CHECK_FALSE(same_pixels(flat, capital));
  CHECK(same_pixels(flat, same));  // the rest is in capitals, as the font has them
  // The title is the font's own glyphs: a picture with the text drawn by draw_text alone.
  Image reference(flat.width(), flat.height(), 3, 255);
  draw_text(reference, 28, 4, "Bb", {30, 30, 40}, 2);  // the title's colour
  for (int y = 4; y < 4 + text_height(2); ++y) {
    for (int x = 28; x < 28 + text_width("Bb", 2); ++x) {
      CHECK(flat.get(x, y) == reference.get(x, y));
    }
  }
}

TEST_CASE("the heat map colours cells by value over the largest", "[piano_roll_image]") {
  Matrix<double> m(2, 3);
  m << 0.0, 0.5, 1.0,
       0.25, 0.0, 0.0;
  const Image image = draw_heat_map(m, {"A", "B"}, {"X", "Y", "Z"}, {.cell = 10});
  // Find the cell grid: the top-left cell is heat_colour(0), its right neighbour 0.5.
  // Left: a margin of 16, the widest row label ("A", 6 pixels in the font), 6 more. Top: 30 for
  // the title and the column axis, one line of text per character of a column label, 4 more.
  const int left = 16 + text_width("A") + 6;
  const int top = 30 + text_height() + 4;
  CHECK(image.get(left + 4, top + 4) == heat_colour(0.0));
  CHECK(image.get(left + 14, top + 4) == heat_colour(0.5));
  CHECK(image.get(left + 24, top + 4) == heat_colour(1.0));
  CHECK(image.get(left + 4, top + 14) == heat_colour(0.25));
  CHECK_THROWS_AS(draw_heat_map(m, {"A"}, {"X", "Y", "Z"}), ArgumentError);
  Matrix<double> negative = m;
  negative(0, 0) = -1.0;
  CHECK_THROWS_AS(draw_heat_map(negative, {"A", "B"}, {"X", "Y", "Z"}), ArgumentError);
}
