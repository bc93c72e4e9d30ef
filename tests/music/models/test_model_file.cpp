// Tests of bachprop/music/models/model_file.hpp, the checks every music model's loader shares: a
// melody model file whose metadata has the wrong type or a forged size is a FormatError naming the
// file, found by the fuzzer (fuzz/fuzz_model_json.cpp) and the review around it.

#include "helpers.hpp"

#include <bachprop/music/models/melody_rnn.hpp>
#include <bachprop/music/models/model_file.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

using namespace bachprop;
using Catch::Matchers::Contains;
using nlohmann::json;

TEST_CASE("melody model JSON: metadata of the wrong type or a forged size is a FormatError",
          "[model_json][errors][fuzz]") {
  music::MelodyVocabulary vocabulary;
  vocabulary.lowest_pitch = 60;
  vocabulary.highest_pitch = 64;
  vocabulary.durations = {0.5, 1.0, 2.0};
  const json good = music::MelodyRnn(vocabulary, 3).to_json();
  auto error_with = [&](auto edit) {
    json document = good;
    edit(document);
    return test::format_error_of([&] { music::MelodyRnn::from_json(document, "m.json"); });
  };
  // metadata.value("model", "") threw nlohmann's type_error for a number.
  CHECK_THAT(error_with([](json& d) { d["metadata"]["model"] = 5; }),
             Contains("m.json: not a melody RNN model (metadata.model is 5)"));
  CHECK_THAT(error_with([](json& d) { d["metadata"].erase("model"); }),
             Contains("metadata.model is missing"));
  CHECK_THAT(
      error_with([](json& d) { d["metadata"]["hidden"] = "64"; }),
      Contains("metadata.hidden must be a whole number in 1..100000") && Contains("found \"64\""));
  CHECK_THAT(error_with([](json& d) { d["metadata"]["hidden"] = 0; }),
             Contains("metadata.hidden must be a whole number in 1..100000"));
  // A hidden size the file does not hold: the network (99999² recurrent weights, 40 GB) was
  // built before the file's matrices were looked at.
  const auto started = std::chrono::steady_clock::now();
  CHECK_THAT(error_with([](json& d) { d["metadata"]["hidden"] = 99999; }),
             Contains("m.json: layer 0 input_weights: expected 99999×8") &&
                 Contains("found 3 rows"));
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
  CHECK(elapsed.count() < 1.0);
  // Found by fuzz_model_json (UBSan: 1.84467e+21 is outside the range of type 'int').
  CHECK_THAT(error_with([](json& d) { d["metadata"]["vocabulary"]["lowest_pitch"] = 1.8e21; }),
             Contains("m.json: the melody vocabulary's lowest_pitch should be a MIDI pitch"));
  CHECK_THAT(
      error_with([](json& d) { d["metadata"]["vocabulary"]["highest_pitch"] = 4294967356; }),
      Contains("highest_pitch should be a MIDI pitch 0..127"));
  CHECK_THAT(error_with([](json& d) { d["layers"][0]["parameters"].erase("recurrent_weights"); }),
             Contains("missing \"recurrent_weights\""));
  // The unchanged document still loads.
  CHECK(music::MelodyRnn::from_json(good, "m.json").hidden_size() == 3);
}
