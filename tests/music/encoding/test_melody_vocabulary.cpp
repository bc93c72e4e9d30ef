// Tests of bachprop/music/encoding/melody_vocabulary.hpp: a vocabulary fitted to a corpus encodes
// and decodes notes, and survives JSON.

#include "helpers.hpp"

#include <bachprop/music/encoding/melody_vocabulary.hpp>
#include <bachprop/music/score.hpp>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("a vocabulary fitted to a corpus encodes and decodes notes", "[note_sequence]") {
  const std::vector<NoteSequence> corpus{{{60, 67, 65}, {1.0, 0.5, 1.0}},
                                         {{62, 72}, {2.0, 1.0}}};
  const auto v = MelodyVocabulary::fit(corpus, 2, 2);
  CHECK(v.lowest_pitch == 58);
  CHECK(v.highest_pitch == 74);
  CHECK(v.durations == std::vector<double>{1.0});  // only 1.0 occurs at least twice
  CHECK(MelodyVocabulary::fit(corpus, 0).durations == std::vector<double>{0.5, 1.0, 2.0});
  CHECK(v.pitch_count() == 17);
  CHECK(v.size() == 18);
  CHECK(v.pitch_index(58) == 0);
  CHECK(v.pitch_at(16) == 74);
  CHECK_THROWS_WITH(v.pitch_index(75), Catch::Contains("outside the model's range 58..74"));

  const auto wide = MelodyVocabulary::fit(corpus, 0);
  CHECK(wide.duration_index(0.75) == 0);  // a tie between 0.5 and 1.0 goes to the shorter
  CHECK(wide.duration_index(1.4) == 1);
  CHECK(wide.duration_index(9.0) == 2);
  Vector<float> column(wide.size());
  wide.encode(corpus[0], 1, column);
  CHECK(column.sum() == 2.0F);
  CHECK(column(wide.pitch_index(67)) == 1.0F);
  CHECK(column(wide.pitch_count() + 0) == 1.0F);

  const auto back = MelodyVocabulary::from_json(wide.to_json(), "v.json");
  CHECK(back.lowest_pitch == wide.lowest_pitch);
  CHECK(back.durations == wide.durations);
  nlohmann::json broken = wide.to_json();
  broken["durations"] = {2.0, 1.0};
  CHECK_THROWS_WITH(MelodyVocabulary::from_json(broken, "v.json"),
                    Catch::Contains("v.json") && Catch::Contains("ascending"));
  CHECK_THROWS_AS(MelodyVocabulary::from_json(nlohmann::json::object(), "v.json"), FormatError);
  CHECK_THROWS_AS(MelodyVocabulary::fit({}, 1), ArgumentError);
}
