// Tests of bachprop/music/encoding/grid_windows.hpp: training windows cover every chorale to its
// end.

#include <bachprop/music/encoding/grid_windows.hpp>

#include <catch2/catch.hpp>

#include <vector>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("training windows cover every chorale to its end", "[harmony][data]") {
  CHECK(window_starts(100, 64, 16) == std::vector<Index>{0, 16, 32, 36});
  CHECK(window_starts(100, 64, 16, 32) == std::vector<Index>{0, 16, 32, 36, 48, 64});
  CHECK(window_starts(128, 64, 32) == std::vector<Index>{0, 32, 64});
  CHECK(window_starts(30, 64, 16) == std::vector<Index>{0});
  CHECK(window_starts(0, 64, 16).empty());
  CHECK_THROWS_AS(window_starts(10, 0, 1), ArgumentError);
}
