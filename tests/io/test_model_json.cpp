// Tests of bachprop/io/model_json.hpp: bitwise round trips, and every kind of bad document refused
// with a message that names the file and the problem, including what the fuzzers
// (fuzz/fuzz_model_json.cpp) and the review around them found: never another exception, a
// crash, a stack overflow or an allocation the file does not justify (docs/robustness.md).

#include "helpers.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/io/model_json.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>

using namespace bachprop;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

auto make_network(std::uint64_t seed) {
  Network net{Dense(3, 5), Tanh(), Dense(5, 2), Softmax()};
  net.initialise(seed);
  return net;
}

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

TEST_CASE("a saved model loads back to bitwise-equal outputs", "[model_json]") {
  auto original = make_network(1);
  auto loaded = make_network(2);
  Matrix<float> x(3, 4);
  x.setRandom();
  const Matrix<float> expected = original.forward(x);
  REQUIRE(loaded.forward(x) != expected);

  const json metadata = {{"vocabulary", {"C4", "D4"}}, {"epochs", 3}};
  const json document = model_to_json(original, metadata);
  const json returned = model_from_json(loaded, json::parse(document.dump()));
  CHECK(loaded.forward(x) == expected);
  CHECK(returned == metadata);
  CHECK(document["layers"][0]["kind"] == "dense");
  CHECK(document["layers"][1]["kind"] == "tanh");
  CHECK(document["layers"][0]["parameters"]["weights"].size() == 5);  // one row per neuron
  CHECK(document["scalar"] == "float");
}

TEST_CASE("save_model and load_model go through a file", "[model_json]") {
  const auto path = std::filesystem::temp_directory_path() / "bachprop_test_model.json";
  auto original = make_network(3);
  save_model(original, path);
  auto loaded = make_network(4);
  load_model(loaded, path);
  Matrix<float> x = Matrix<float>::Random(3, 2);
  CHECK(loaded.forward(x) == original.forward(x));
  Network<Dense<double>, Tanh<double>, Dense<double>, Softmax<double>> in_double{
      Dense<double>(3, 5), Tanh<double>(), Dense<double>(5, 2), Softmax<double>()};
  load_model(in_double, path);  // float values are exact in double
  CHECK(in_double.layer<0>().weights().value.cast<float>() == original.layer<0>().weights().value);
  std::filesystem::remove(path);
}

TEST_CASE("loading a model of another shape names the mismatch", "[model_json][errors]") {
  const json document = model_to_json(make_network(5));
  Network wider{Dense(3, 6), Tanh(), Dense(6, 2), Softmax()};
  CHECK_THROWS_WITH(model_from_json(wider, document, "model.json"),
                    Catch::Contains("model.json: layer 0") && Catch::Contains("outputs = 5") &&
                        Catch::Contains("has 6"));
  Network other_kind{Dense(3, 5), Sigmoid(), Dense(5, 2), Softmax()};
  CHECK_THROWS_WITH(model_from_json(other_kind, document, "model.json"),
                    Catch::Contains("layer 1: expected a 'sigmoid' layer") &&
                        Catch::Contains("\"tanh\""));
  Network shorter{Dense(3, 5), Tanh()};
  CHECK_THROWS_WITH(model_from_json(shorter, document, "model.json"),
                    Catch::Contains("the file has 4 layers but the network has 2"));
}

TEST_CASE("malformed model documents are refused and leave the network unchanged",
          "[model_json][errors]") {
  auto net = make_network(6);
  const Matrix<float> before = net.layer<0>().weights().value;
  const json good = model_to_json(make_network(7));

  auto broken = [&](auto edit) {
    json document = good;
    edit(document);
    return document;
  };
  CHECK_THROWS_WITH(model_from_json(net, broken([](json& d) { d.erase("layers"); }), "m.json"),
                    Catch::Contains("m.json: missing \"layers\""));
  CHECK_THROWS_WITH(model_from_json(net, broken([](json& d) { d["format"] = "keras"; }), "m.json"),
                    Catch::Contains("not a bachprop model"));
  CHECK_THROWS_WITH(model_from_json(net, broken([](json& d) { d["version"] = 99; }), "m.json"),
                    Catch::Contains("version 99 is not supported"));
  CHECK_THROWS_WITH(model_from_json(net, broken([](json& d) {
                                      d["layers"][2]["parameters"]["weights"][1][3] = "x";
                                    }),
                                    "m.json"),
                    Catch::Contains("layer 2 weights: entry (1, 3) is not a number"));
  CHECK_THROWS_WITH(
      model_from_json(net, broken([](json& d) { d["layers"][2]["parameters"]["biases"].erase(1); }),
                      "m.json"),
      Catch::Contains("layer 2 biases: has 1 rows"));
  CHECK_THROWS_WITH(
      model_from_json(net, broken([](json& d) { d["layers"][2]["parameters"].erase("weights"); }),
                      "m.json"),
      Catch::Contains("missing \"weights\""));
  // A failure in the last layer must not have changed the first.
  CHECK(net.layer<0>().weights().value == before);

  CHECK_THROWS_WITH(parse_model_text("{\"format\": ", "m.json"),
                    Catch::Contains("m.json: not valid JSON"));
  CHECK_THROWS_AS(load_model(net, "/nonexistent/model.json"), IoError);
}

TEST_CASE("a diverged model is not saved", "[model_json][errors]") {
  auto net = make_network(8);
  net.layer<2>().weights().value(1, 1) = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_WITH(model_to_json(net), Catch::Contains("non-finite") &&
                                            Catch::Contains("layer 2 weights"));
}

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

TEST_CASE("model JSON: a whole number is range-checked before it is converted",
          "[model_json][errors]") {
  using detail::whole_number;
  // get<int>() of 4294967297 is 1: the range check must come first.
  CHECK_FALSE(whole_number<int>(json(4294967297LL), 0, 127));
  CHECK_FALSE(whole_number<int>(json(4294967356ULL), 0, 127));
  CHECK_FALSE(whole_number<std::int32_t>(json(std::uint64_t{1} << 32), 0, 2147483647));
  CHECK_FALSE(whole_number<std::int64_t>(json(18446744073709551615ULL), 0, 1000));  // not -1
  CHECK_FALSE(whole_number<std::size_t>(json(-1), 0, 1000));
  CHECK_FALSE(whole_number<int>(json(2.5), 0, 127));
  CHECK_FALSE(whole_number<int>(json(true), 0, 127));
  CHECK_FALSE(whole_number<int>(json("60"), 0, 127));
  CHECK_FALSE(whole_number<int>(json(128), 0, 127));
  CHECK_FALSE(whole_number<int>(json(-1), 0, 127));
  CHECK(whole_number<int>(json(127), 0, 127) == 127);
  CHECK(whole_number<int>(json(0), 0, 127) == 0);
  CHECK(whole_number<std::int64_t>(json(-5), -10, 10) == -5);
  CHECK(whole_number<std::size_t>(json(18446744073709551615ULL), 0,
                                  std::numeric_limits<std::size_t>::max()) ==
        std::numeric_limits<std::size_t>::max());
}
