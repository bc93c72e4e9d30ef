// Tests of bachprop/draw/font.hpp: the bitmap font draws what it should where it should.

#include "helpers.hpp"

#include <bachprop/draw/font.hpp>
#include <bachprop/draw/png.hpp>

#include <set>

using namespace bachprop;

TEST_CASE("every glyph is distinct and fits its 5×7 cell", "[text]") {
  std::set<std::array<std::uint8_t, 5>> seen;
  for (const auto& glyph : detail::font5x7) {
    CHECK(seen.insert(glyph.columns).second);
    for (auto column : glyph.columns) {
      CHECK((column & 0x80U) == 0);  // 7 rows: bit 7 unused
    }
  }
}

TEST_CASE("text is drawn at its place, scale and width", "[text]") {
  Image image(40, 20);
  draw_text(image, 2, 3, "I", black, 2);
  // 'I' is a vertical bar in its middle column (column 2), rows 0-6, with serifs.
  CHECK(image.get(2 + 2 * 2, 3) == black);
  CHECK(image.get(2 + 2 * 2 + 1, 3 + 13) == black);
  CHECK(image.get(2, 3 + 6) == white);  // column 0 of 'I' is empty
  CHECK(text_width("C#4", 2) == 36);
  CHECK(text_height(3) == 24);
  // Lower case becomes upper case, except a 'b' after a note letter (a flat); unknown
  // characters become '?'.
  Image lower(12, 8);
  Image upper(12, 8);
  draw_text(lower, 0, 0, "e", black);
  draw_text(upper, 0, 0, "E", black);
  CHECK(lower.pixels() == upper.pixels());
  Image flat(12, 8);
  draw_text(flat, 0, 0, "Eb", black);
  Image capital_b(12, 8);
  draw_text(capital_b, 0, 0, "EB", black);
  CHECK(flat.pixels() != capital_b.pixels());
  Image word(12, 8);
  draw_text(word, 0, 0, "ab", black);  // not after a note letter: a capital
  Image capitals(12, 8);
  draw_text(capitals, 0, 0, "AB", black);
  CHECK(word.pixels() == capitals.pixels());
  Image unknown(12, 8);
  Image question(12, 8);
  draw_text(unknown, 0, 0, "~", black);
  draw_text(question, 0, 0, "?", black);
  CHECK(unknown.pixels() == question.pixels());
}
