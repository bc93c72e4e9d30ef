// Tests of io/model_json.hpp: bitwise round trips, and every kind of bad document refused with a
// message that names the problem.

#include "helpers.hpp"

#include <bachprop/bachprop.hpp>

#include <filesystem>

using namespace bachprop;
using nlohmann::json;

namespace {

auto make_network(std::uint64_t seed) {
  Network net{Dense(3, 5), Tanh(), Dense(5, 2), Softmax()};
  net.initialise(seed);
  return net;
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
