// Tests of bachprop/io/book_json.hpp: models in the book's network2.py JSON format. A model
// written by numpy the way network2.py's save() writes it is loaded and gives numpy's outputs;
// ours go the other way; every malformed document and every mismatched network is refused, and
// forged sizes are refused before anything is allocated (found by fuzz/fuzz_book_json.cpp).

#include "helpers.hpp"
#include "io/idx_samples.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/io/book_json.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <string>

using namespace bachprop;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

json small_model() {
  return json::parse(R"({
    "sizes": [3, 2, 1],
    "weights": [[[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], [[0.7, -0.8]]],
    "biases": [[[0.05], [-0.05]], [[0.2]]],
    "cost": "QuadraticCost"})");
}

auto make_network(Index in, Index hidden, Index out) {
  return Network{Dense<double>(in, hidden), Sigmoid<double>(), Dense<double>(hidden, out),
                 Sigmoid<double>()};
}

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

std::string error_of(const json& document) {
  try {
    book_model_from_json(document, "model.json");
  } catch (const FormatError& error) {
    return error.what();
  }
  FAIL("expected a FormatError");
  return {};
}

bool python_with_numpy() {
  return std::system("/usr/bin/python3 -c 'import numpy' > /dev/null 2>&1") == 0;
}

}  // namespace

TEST_CASE("a network2.py model loads into Dense + Sigmoid layers and computes the same outputs",
          "[book_json]") {
  const BookModel model = book_model_from_json(small_model(), "model.json");
  CHECK(model.describe() == "3-2-1");
  CHECK(model.cost == BookCost::quadratic);
  auto network = make_network(3, 2, 1);
  load_book_model(network, model, "model.json");
  CHECK(network.layer<0>().weights().value(1, 2) == -0.6);
  CHECK(network.layer<0>().biases().value(1, 0) == -0.05);
  CHECK(network.layer<2>().weights().value(0, 1) == -0.8);

  Matrix<double> x(3, 1);
  x << 1.0, 0.5, -1.0;
  // By hand: a1 = σ(W1 x + b1), a2 = σ(W2 a1 + b2).
  const double h0 = sigmoid(0.1 * 1.0 - 0.2 * 0.5 + 0.3 * -1.0 + 0.05);
  const double h1 = sigmoid(0.4 * 1.0 + 0.5 * 0.5 - 0.6 * -1.0 - 0.05);
  const double expected = sigmoid(0.7 * h0 - 0.8 * h1 + 0.2);
  CHECK(network.forward(x)(0, 0) == Approx(expected).epsilon(1e-14));
}

TEST_CASE("flat bias lists and a missing cost are accepted", "[book_json]") {
  json document = small_model();
  document["biases"] = json::parse("[[0.05, -0.05], [0.2]]");
  document.erase("cost");
  const BookModel model = book_model_from_json(document);
  CHECK(model.biases[0](1, 0) == -0.05);
  CHECK(model.cost == BookCost::cross_entropy);
}

TEST_CASE("our network saved in network2.py's format reads back identically", "[book_json]") {
  test::TempFolder folder("book-json");
  auto network = make_network(5, 4, 3);
  network.initialise(7);
  const auto path = folder / "model.json";
  save_book_model(network, path, BookCost::cross_entropy);
  const json document = json::parse(read_file(path));
  CHECK(document["sizes"] == json::parse("[5, 4, 3]"));
  CHECK(document["cost"] == "CrossEntropyCost");
  CHECK(document["biases"][0].size() == 4);
  CHECK(document["biases"][0][0].size() == 1);  // columns, as numpy's tolist() writes them

  auto copy = make_network(5, 4, 3);
  copy.initialise(8);
  load_book_model(copy, read_book_model(path), path.string());
  CHECK(copy.layer<0>().weights().value == network.layer<0>().weights().value);
  CHECK(copy.layer<0>().biases().value == network.layer<0>().biases().value);
  CHECK(copy.layer<2>().weights().value == network.layer<2>().weights().value);
  CHECK(copy.layer<2>().biases().value == network.layer<2>().biases().value);
}

TEST_CASE("a model written by numpy as network2.py writes it gives numpy's outputs here",
          "[book_json]") {
  if (!python_with_numpy()) {
    WARN("/usr/bin/python3 with numpy is not available: skipped");
    return;
  }
  test::TempFolder folder("book-json-numpy");
  // network2.py's default initialisation and save(), and its feedforward: a = σ(w·a + b).
  const std::string script = R"(
import json, sys
import numpy as np
folder = sys.argv[1]
rng = np.random.default_rng(5)
sizes = [7, 6, 4, 3]
biases = [rng.standard_normal((y, 1)) for y in sizes[1:]]
weights = [rng.standard_normal((y, x)) / np.sqrt(x) for x, y in zip(sizes[:-1], sizes[1:])]
with open(folder + "/model.json", "w") as f:
    json.dump({"sizes": sizes, "weights": [w.tolist() for w in weights],
               "biases": [b.tolist() for b in biases], "cost": "CrossEntropyCost"}, f)
x = rng.standard_normal((7, 5))
a = x
for w, b in zip(weights, biases):
    a = 1.0 / (1.0 + np.exp(-(np.dot(w, a) + b)))
with open(folder + "/io.json", "w") as f:
    json.dump({"x": x.tolist(), "a": a.tolist()}, f)
)";
  write_file_atomically(folder / "make.py", script);
  const std::string command =
      "/usr/bin/python3 '" + (folder / "make.py").string() + "' '" + folder.path().string() + "'";
  REQUIRE(std::system(command.c_str()) == 0);

  const BookModel model = read_book_model(folder / "model.json");
  CHECK(model.describe() == "7-6-4-3");
  Network network{Dense<double>(7, 6), Sigmoid<double>(), Dense<double>(6, 4), Sigmoid<double>(),
                  Dense<double>(4, 3), Sigmoid<double>()};
  load_book_model(network, model);
  const json io = json::parse(read_file(folder / "io.json"));
  Matrix<double> x(7, 5);
  Matrix<double> expected(3, 5);
  for (Index r = 0; r < 7; ++r) {
    for (Index c = 0; c < 5; ++c) {
      x(r, c) = io["x"][static_cast<std::size_t>(r)][static_cast<std::size_t>(c)];
      if (r < 3) {
        expected(r, c) = io["a"][static_cast<std::size_t>(r)][static_cast<std::size_t>(c)];
      }
    }
  }
  const Matrix<double> ours = network.forward(x);
  INFO("ours:\n" << ours << "\nnumpy:\n" << expected);
  CHECK((ours - expected).cwiseAbs().maxCoeff() < 1e-13);
}

TEST_CASE("malformed network2.py documents are refused, saying what is wrong", "[book_json]") {
  json document = small_model();
  SECTION("missing members") {
    for (const char* member : {"sizes", "weights", "biases"}) {
      json broken = small_model();
      broken.erase(member);
      CHECK_THAT(error_of(broken), Contains(std::string("missing \"") + member + "\""));
    }
    CHECK_THAT(error_of(json::array()), Contains("expected a JSON object"));
  }
  SECTION("sizes that make no network") {
    document["sizes"] = json::parse("[3]");
    CHECK_THAT(error_of(document), Contains("at least two layer sizes"));
    document["sizes"] = json::parse("[3, 0, 1]");
    CHECK_THAT(error_of(document), Contains("positive integers"));
    document["sizes"] = json::parse("[3, 2.5, 1]");
    CHECK_THAT(error_of(document), Contains("positive integers"));
    document["sizes"] = json::parse("[3, 99999999999, 1]");
    CHECK_THAT(error_of(document), Contains("positive integers"));
  }
  SECTION("the wrong number of matrices") {
    document["weights"].erase(1);
    CHECK_THAT(error_of(document), Contains("\"weights\" should hold 2 matrices"));
  }
  SECTION("a matrix whose shape disagrees with the sizes") {
    document["sizes"] = json::parse("[3, 3, 1]");
    CHECK_THAT(error_of(document),
               Contains("model.json: weights[0]: expected 3 rows (shape 3×3 from \"sizes\"), "
                        "found 2 rows"));
  }
  SECTION("a row of the wrong length") {
    document["weights"][1][0].push_back(0.5);
    CHECK_THAT(error_of(document), Contains("weights[1]: row 0 should hold 2 numbers"));
  }
  SECTION("an entry that is not a number") {
    document["biases"][1][0][0] = "0.2";
    CHECK_THAT(error_of(document), Contains("biases[1]: entry (0, 0) is not a finite number"));
  }
  SECTION("an unknown cost") {
    document["cost"] = "LogLikelihoodCost";
    CHECK_THAT(error_of(document), Contains("\"cost\" should be"));
  }
  SECTION("text that is not JSON, in a file") {
    test::TempFolder folder("book-json-text");
    const auto path = test::write_bytes(folder / "model.json", "{\"sizes\": [1, 2");
    CHECK_THROWS_WITH(read_book_model(path), Contains(path.string()) && Contains("not valid JSON"));
  }
}

TEST_CASE("a model is refused by a network of other sizes or other layers, which stays unchanged",
          "[book_json]") {
  const BookModel model = book_model_from_json(small_model(), "model.json");
  auto wrong_sizes = make_network(3, 4, 1);
  wrong_sizes.initialise(1);
  const Matrix<double> before = wrong_sizes.layer<0>().weights().value;
  CHECK_THROWS_WITH(load_book_model(wrong_sizes, model, "model.json"),
                    Contains("model.json: the file holds a 3-2-1 network but the network to load "
                             "it into is 3-4-1"));
  CHECK(wrong_sizes.layer<0>().weights().value == before);

  Network softmax_last{Dense<double>(3, 2), Sigmoid<double>(), Dense<double>(2, 1),
                       Softmax<double>()};
  CHECK_THROWS_AS(load_book_model(softmax_last, model), ArgumentError);
  CHECK_THROWS_WITH(load_book_model(softmax_last, model), Contains("layer 3 of the network is "
                                                                   "'softmax'"));
  Network relu_hidden{Dense<double>(3, 2), ReLU<double>(), Dense<double>(2, 1), Sigmoid<double>()};
  CHECK_THROWS_AS(load_book_model(relu_hidden, model), ArgumentError);
  Network no_activation{Dense<double>(3, 2), Sigmoid<double>(), Dense<double>(2, 1)};
  CHECK_THROWS_AS(load_book_model(no_activation, model), ArgumentError);
  CHECK_THROWS_AS(book_model_to_json(no_activation, BookCost::quadratic), ArgumentError);
  CHECK_THROWS_AS(book_model_to_json(softmax_last, BookCost::quadratic), ArgumentError);
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
