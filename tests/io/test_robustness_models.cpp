// Regression tests for what the fuzzers (fuzz/fuzz_model_json.cpp, fuzz/fuzz_book_json.cpp) and
// the review around them found in the model loaders: each bad input is built here in code and
// must give a FormatError that names the file and what was expected — never another exception,
// a crash, a stack overflow or an allocation the file does not justify. docs/robustness.md lists
// them.

#include "helpers.hpp"

#include <bachprop/bachprop.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

using namespace bachprop;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {


auto dense_network() {
  Network net{Dense(3, 5), Tanh(), Dense(5, 2), Softmax()};
  net.initialise(1);
  return net;
}

// A JSON list nested `depth` levels deep around a 1, as text.
std::string nested_list(std::size_t depth) {
  return std::string(depth, '[') + "1" + std::string(depth, ']');
}

json book_model() {
  return json::parse(R"({"sizes": [3, 2, 1],
    "weights": [[[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], [[0.7, -0.8]]],
    "biases": [[[0.05], [-0.05]], [[0.2]]], "cost": "QuadraticCost"})");
}

}  // namespace

TEST_CASE("model JSON: a number beyond a double's range is a FormatError naming the file",
          "[model_json][errors][fuzz]") {
  // Found by fuzz_model_json, fuzz_book_json and fuzz_chorales_json: nlohmann's parser throws
  // out_of_range (not parse_error) for 1e400, which escaped every loader.
  for (const char* text : {R"({"format": "bachprop-model", "version": 1e400})",
                           R"({"sizes": [3, 2, 1], "weights": [[[-0.69e398]]]})"}) {
    const std::string message = test::format_error_of([&] { parse_model_text(text, "m.json"); });
    CHECK_THAT(message, Contains("m.json: not valid JSON"));
    CHECK_THAT(message, Contains("number overflow"));
  }
  CHECK_THROWS_AS(book_model_from_json(json::object(), "m.json"), FormatError);
}

TEST_CASE("model JSON: a parameter too large for the network's scalar type is refused",
          "[model_json][errors][fuzz]") {
  // Found by fuzz_model_json: 1e39 is a double but loaded into a float network as infinity.
  json document = model_to_json(dense_network());
  document["layers"][2]["parameters"]["weights"][1][3] = 1e39;
  auto net = dense_network();
  const Matrix<float> before = net.layer<2>().weights().value;
  CHECK_THAT(test::format_error_of([&] { model_from_json(net, document, "m.json"); }),
             Contains("m.json: layer 2 weights: entry (1, 3) = 1e+39 is not a finite float"));
  CHECK(net.layer<2>().weights().value == before);
  // The same document fits a network of doubles.
  Network<Dense<double>, Tanh<double>, Dense<double>, Softmax<double>> in_double{
      Dense<double>(3, 5), Tanh<double>(), Dense<double>(5, 2), Softmax<double>()};
  model_from_json(in_double, document, "m.json");
  CHECK(in_double.layer<2>().weights().value(1, 3) == 1e39);
}

TEST_CASE("model JSON: a version that wraps to 1 in 32 bits is not version 1",
          "[model_json][errors]") {
  json document = model_to_json(dense_network());
  auto net = dense_network();
  for (const json& version :
       {json(4294967297LL), json(18446744073709551615ULL), json(-4294967295LL)}) {
    document["version"] = version;
    CHECK_THAT(test::format_error_of([&] { model_from_json(net, document, "m.json"); }),
               Contains("m.json: model format version " + version.dump() + " is not supported"));
  }
}

TEST_CASE("model JSON: a value nested 100,000 levels deep is described, not dumped",
          "[model_json][errors]") {
  // nlohmann's parser accepts any depth, but dump() recurses: an error message quoting such a
  // value overflowed the stack (ASan: stack-overflow in serializer::dump).
  const std::string deep = nested_list(100000);
  auto net = dense_network();
  const json kind = json::parse(
      R"({"format": "bachprop-model", "version": 1, "layers": [{"kind": )" + deep +
      "}, {}, {}, {}]}");
  CHECK_THAT(test::format_error_of([&] { model_from_json(net, kind, "m.json"); }),
             Contains("m.json: layer 0: expected a 'dense' layer but the file has a list of 1 "
                      "entry"));
  const json version = json::parse(R"({"format": "bachprop-model", "version": )" + deep + "}");
  CHECK_THAT(test::format_error_of([&] { model_from_json(net, version, "m.json"); }),
             Contains("model format version a list of 1 entry is not supported"));
  json book = book_model();
  book["sizes"] = json::parse(deep);
  CHECK_THAT(test::format_error_of([&] { book_model_from_json(book, "b.json"); }),
             Contains("b.json: \"sizes\" should list at least two layer sizes") &&
                 Contains("found a list of 1 entry"));
  book = book_model();
  book["cost"] = json::parse(deep);
  CHECK_THAT(test::format_error_of([&] { book_model_from_json(book, "b.json"); }),
             Contains("\"cost\" should be"));
  // Short values are still quoted as they are.
  book["cost"] = "LogLikelihoodCost";
  CHECK_THAT(test::format_error_of([&] { book_model_from_json(book, "b.json"); }),
             Contains("found \"LogLikelihoodCost\""));
}

TEST_CASE("network2.py JSON: sizes that claim 2^24 inputs are refused before allocating",
          "[book_json][errors][fuzz]") {
  // {"sizes": [16777216, 100]} with 100 empty rows made book_matrix allocate 100 × 2^24
  // doubles (13 GB) before looking at a row: the fuzzer's malloc limit caught it.
  json document = json::object();
  document["sizes"] = {16777216, 100};
  document["weights"] = json::array({json(std::vector<json>(100, json::array()))});
  document["biases"] = json::array({std::vector<double>(100, 0.0)});
  const auto started = std::chrono::steady_clock::now();
  CHECK_THAT(test::format_error_of([&] { book_model_from_json(document, "b.json"); }),
             Contains("b.json: weights[0]: row 0 should hold 16777216 numbers") &&
                 Contains("found 0 entries"));
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
  CHECK(elapsed.count() < 1.0);
}

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

TEST_CASE("model JSON: a layer whose settings differ from the network's is refused",
          "[model_json][errors]") {
  Network net{Rnn<float>(4, 3), Dense<float>(3, 4), GroupedSoftmax<float>({2, 2})};
  net.initialise(1);
  json document = model_to_json(net);
  document["layers"][2]["config"]["groups"] = {1, 3};
  CHECK_THAT(test::format_error_of([&] { model_from_json(net, document, "m.json"); }),
             Contains("m.json: layer 2 (grouped_softmax): the file's settings {\"groups\":[1,3]} "
                      "differ from the network's {\"groups\":[2,2]}"));
  document["layers"][2].erase("config");
  CHECK_THAT(test::format_error_of([&] { model_from_json(net, document, "m.json"); }),
             Contains("the file's settings are missing"));
}
