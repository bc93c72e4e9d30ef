// Tests of bachprop/io/torch_state_dict.hpp: PyTorch models' weights, exported by
// scripts/export_torch_state_dict.py (fixtures/make_torch_state_dict.py), imported and computing
// what torch computed; every bad document refused with a message that names the file, the key
// and what was expected, the network unchanged (docs/robustness.md).

#include "helpers.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/io/torch_state_dict.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace bachprop;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

const std::string torch_fixtures = std::string(BACHPROP_FIXTURE_DIR) + "/";

json torch_fixture(const std::string& name) {
  return json::parse(read_file(torch_fixtures + name));
}

const json& torch_outputs() {
  static const json outputs = torch_fixture("torch_state_dict_outputs.json");
  return outputs;
}

template <class S>
Matrix<S> torch_rows(const json& rows) {
  Matrix<S> m(static_cast<Index>(rows.size()), static_cast<Index>(rows.at(0).size()));
  for (Index r = 0; r < m.rows(); ++r) {
    for (Index c = 0; c < m.cols(); ++c) {
      m(r, c) = static_cast<S>(rows.at(static_cast<std::size_t>(r))
                                   .at(static_cast<std::size_t>(c))
                                   .get<double>());
    }
  }
  return m;
}

// The network's outputs on the fixture's input, against torch's in the network's precision:
// returns the largest difference.
template <class Net>
double torch_difference(Net& network, const std::string& model) {
  using S = typename Net::Scalar;
  const json& outputs = torch_outputs();
  network.set_steps(outputs["steps"].get<Index>());
  const Matrix<S> ours = network.forward(torch_rows<S>(outputs["input"]));
  const Matrix<S> theirs =
      torch_rows<S>(outputs[model][std::is_same_v<S, float> ? "float" : "double"]);
  REQUIRE(ours.rows() == theirs.rows());
  REQUIRE(ours.cols() == theirs.cols());
  CHECK(theirs.norm() > 0.1);
  return static_cast<double>((ours - theirs).cwiseAbs().maxCoeff());
}

template <class S>
auto torch_lstm_network() {
  return Network{Lstm<S>(3, 5), Lstm<S>(5, 5), Dense<S>(5, 4)};
}

const std::vector<std::string> lstm_modules{"rnn", "rnn", "fc"};

// Every parameter of the network, in order, to check that a refused import changed nothing.
template <class Net>
std::vector<Matrix<typename Net::Scalar>> torch_parameters_of(const Net& network) {
  std::vector<Matrix<typename Net::Scalar>> values;
  network.for_each_parameter([&](const auto& p) { values.push_back(p.value); });
  return values;
}

// The message of the FormatError that importing `document` into the LSTM network throws; the
// network must come out unchanged.
std::string torch_import_error(const json& document,
                               const std::vector<std::string>& modules = lstm_modules) {
  auto network = torch_lstm_network<float>();
  const auto before = torch_parameters_of(network);
  const std::string message = test::format_error_of(
      [&] { import_torch_state_dict(network, document, "model.json", modules); });
  CHECK(torch_parameters_of(network) == before);
  return message;
}

}  // namespace

TEST_CASE("torch state dict: two stacked nn.LSTM layers and an nn.Linear compute torch's outputs",
          "[torch_state_dict]") {
  const json document = torch_fixture("torch_state_dict_lstm.json");
  auto in_double = torch_lstm_network<double>();
  import_torch_state_dict(in_double, document, "lstm.json", lstm_modules);
  CHECK(torch_difference(in_double, "lstm") <= 1e-13);
  auto in_float = torch_lstm_network<float>();
  import_torch_state_dict(in_float, document, "lstm.json", lstm_modules);
  CHECK(torch_difference(in_float, "lstm") <= 1e-6);
  // The rows copy as they are (gates i, f, g, o in both); the two biases add up.
  const auto& tensors = document["tensors"];
  CHECK(in_double.layer<1>().input_weights().value(7, 2) ==
        tensors["rnn.weight_ih_l1"]["data"][7 * 5 + 2].get<double>());
  CHECK(in_double.layer<0>().biases().value(13, 0) ==
        tensors["rnn.bias_ih_l0"]["data"][13].get<double>() +
            tensors["rnn.bias_hh_l0"]["data"][13].get<double>());
}

TEST_CASE("torch state dict: an nn.GRU and an nn.Linear compute torch's outputs",
          "[torch_state_dict]") {
  Network in_double{Gru<double>(3, 4), Dense<double>(4, 2)};
  load_torch_state_dict(in_double, torch_fixtures + "torch_state_dict_gru.json",
                        {"encoder", "head"});
  CHECK(torch_difference(in_double, "gru") <= 1e-13);
  Network in_float{Gru<float>(3, 4), Tanh<float>(), Dense<float>(4, 2)};
  Network in_float_plain{Gru<float>(3, 4), Dense<float>(4, 2)};
  load_torch_state_dict(in_float_plain, torch_fixtures + "torch_state_dict_gru.json",
                        {"encoder", "head"});
  CHECK(torch_difference(in_float_plain, "gru") <= 1e-6);
  // Activations are skipped: the same names fit a network with a Tanh between.
  load_torch_state_dict(in_float, torch_fixtures + "torch_state_dict_gru.json",
                        {"encoder", "head"});
  CHECK(in_float.layer<2>().weights().value == in_float_plain.layer<1>().weights().value);
}

TEST_CASE("torch state dict: a bare nn.RNN, its keys without a prefix, computes torch's outputs",
          "[torch_state_dict]") {
  Network in_double{Rnn<double>(3, 4)};
  load_torch_state_dict(in_double, torch_fixtures + "torch_state_dict_rnn.json", {""});
  CHECK(torch_difference(in_double, "rnn") <= 1e-13);
  Network in_float{Rnn<float>(3, 4)};
  load_torch_state_dict(in_float, torch_fixtures + "torch_state_dict_rnn.json", {""});
  CHECK(torch_difference(in_float, "rnn") <= 1e-6);
}

TEST_CASE("torch state dict: a network written as a state dict imports back bit for bit",
          "[torch_state_dict]") {
  Network original{Lstm<float>(3, 4), Gru<float>(4, 3), Rnn<float>(3, 2), Dense<float>(2, 2),
                   Softmax<float>()};
  original.initialise(11);
  const std::vector<std::string> modules{"lstm", "gru", "rnn", "out"};
  const json document = json::parse(torch_state_dict_to_json(original, modules).dump());
  CHECK(document["tensors"]["lstm.bias_hh_l0"]["data"][0] == 0.0);  // the sum kept in bias_ih
  CHECK(document["tensors"]["gru.weight_hh_l0"]["shape"] == json({9, 3}));
  Network copy{Lstm<float>(3, 4), Gru<float>(4, 3), Rnn<float>(3, 2), Dense<float>(2, 2),
               Softmax<float>()};
  copy.initialise(12);
  import_torch_state_dict(copy, document, "<memory>", modules);
  CHECK(torch_parameters_of(copy) == torch_parameters_of(original));
}

TEST_CASE("torch state dict: a missing key names the key and the layer that needs it",
          "[torch_state_dict][errors]") {
  json document = torch_fixture("torch_state_dict_lstm.json");
  document["tensors"].erase("rnn.bias_hh_l1");
  CHECK_THAT(torch_import_error(document),
             Contains("model.json: missing \"rnn.bias_hh_l1\" (shape [20], for trainable layer "
                      "1: nn.LSTM layer 1 of 5 units over 5 inputs, rows [i; f; g; o])"));
  // Another module name than the file's: the first key looked for is missing.
  CHECK_THAT(torch_import_error(torch_fixture("torch_state_dict_lstm.json"),
                                {"lstm", "lstm", "fc"}),
             Contains("model.json: missing \"lstm.weight_ih_l0\" (shape [20, 3]"));
}

TEST_CASE("torch state dict: a key no layer reads is refused unless allowed",
          "[torch_state_dict][errors]") {
  json document = torch_fixture("torch_state_dict_lstm.json");
  document["tensors"]["embedding.weight"] = {{"shape", {2, 3}}, {"data", {1, 2, 3, 4, 5, 6}}};
  CHECK_THAT(torch_import_error(document),
             Contains("model.json: \"embedding.weight\" is not read by any layer of the network "
                      "(its layers read the modules \"rnn\", \"fc\"); "
                      "TorchImportOptions::allow_unused ignores it"));
  auto network = torch_lstm_network<double>();
  import_torch_state_dict(network, document, "model.json", lstm_modules, {.allow_unused = true});
  CHECK(torch_difference(network, "lstm") <= 1e-13);
  // A third stacked layer the network does not have.
  Network one_layer{Lstm<float>(3, 5)};
  const std::string message = test::format_error_of([&] {
    import_torch_state_dict(one_layer, torch_fixture("torch_state_dict_lstm.json"), "m.json",
                            {"rnn"});
  });
  CHECK_THAT(message, Contains("m.json: \"fc.bias\" is not read by any layer"));
}

TEST_CASE("torch state dict: a shape or a length other than the layer's is refused",
          "[torch_state_dict][errors]") {
  const json good = torch_fixture("torch_state_dict_lstm.json");
  json document = good;
  document["tensors"]["rnn.weight_hh_l0"]["shape"] = {15, 5};
  CHECK_THAT(torch_import_error(document),
             Contains("model.json: \"rnn.weight_hh_l0\": expected shape [20, 5] (for trainable "
                      "layer 0: nn.LSTM layer 0 of 5 units over 3 inputs, rows [i; f; g; o]), "
                      "found [15,5]"));
  document = good;
  document["tensors"]["fc.bias"]["shape"] = {4, 1};
  CHECK_THAT(torch_import_error(document),
             Contains("\"fc.bias\": expected shape [4] (for trainable layer 2: nn.Linear of 5 "
                      "inputs and 4 outputs), found [4,1]"));
  // A shape of 2^32 + 20 rows, or nested 100,000 levels deep: compared, never allocated.
  document = good;
  document["tensors"]["rnn.weight_ih_l0"]["shape"] = json::parse("[4294967316, 3]");
  CHECK_THAT(torch_import_error(document), Contains("found [4294967316,3]"));
  document["tensors"]["rnn.weight_ih_l0"]["shape"] =
      parse_model_text(std::string(100000, '[') + std::string(100000, ']'), "deep");
  CHECK_THAT(torch_import_error(document), Contains("found a list of 1 entry"));
  // The data's length.
  document = good;
  document["tensors"]["rnn.weight_ih_l0"]["data"].erase(59);
  CHECK_THAT(torch_import_error(document),
             Contains("\"rnn.weight_ih_l0\": expected \"data\" to be a flat list of 60 numbers "
                      "(shape [20, 3], row-major), found 59 entries"));
  // A GRU's weights for an LSTM layer: 3H rows, not 4H.
  Network gru_sized{Lstm<float>(3, 4), Dense<float>(4, 2)};
  CHECK_THAT(test::format_error_of([&] {
               load_torch_state_dict(gru_sized, torch_fixtures + "torch_state_dict_gru.json",
                                     {"encoder", "head"});
             }),
             Contains("torch_state_dict_gru.json: \"encoder.weight_ih_l0\": expected shape "
                      "[16, 3]") &&
                 Contains("found [12,3]"));
}

TEST_CASE("torch state dict: an entry that is not a finite number is refused",
          "[torch_state_dict][errors]") {
  const json good = torch_fixture("torch_state_dict_lstm.json");
  json document = good;
  document["tensors"]["fc.weight"]["data"][3] = "0.5";
  CHECK_THAT(torch_import_error(document),
             Contains("model.json: \"fc.weight\": data[3] = \"0.5\" is not a finite number"));
  document["tensors"]["fc.weight"]["data"][3] = std::nan("");
  CHECK_THAT(torch_import_error(document),
             Contains("\"fc.weight\": data[3] = NaN is not a finite float"));
  document["tensors"]["fc.weight"]["data"][3] = -std::numeric_limits<double>::infinity();
  CHECK_THAT(torch_import_error(document), Contains("data[3] = -inf is not a finite float"));
  document["tensors"]["fc.weight"]["data"][3] = 1e39;  // a double, not a float
  CHECK_THAT(torch_import_error(document), Contains("data[3] = 1e+39 is not a finite float"));
  auto in_double = torch_lstm_network<double>();
  import_torch_state_dict(in_double, document, "model.json", lstm_modules);
  CHECK(in_double.layer<2>().weights().value(0, 3) == 1e39);
  // Two biases that are floats but whose sum is not.
  document = good;
  document["tensors"]["rnn.bias_ih_l0"]["data"][0] = 3e38;
  document["tensors"]["rnn.bias_hh_l0"]["data"][0] = 3e38;
  CHECK_THAT(torch_import_error(document),
             Contains("\"rnn.bias_ih_l0\" + \"rnn.bias_hh_l0\": a sum of the two is not a finite "
                      "float"));
}

TEST_CASE("torch state dict: bidirectional nn.LSTM and nn.GRU modules import into Bidirectional",
          "[torch_state_dict]") {
  // Two stacked bidirectional LSTM layers: the second reads [h→; h←] of the first (8 inputs).
  const std::vector<std::string> modules{"rnn", "rnn", "fc"};
  Network lstm_double{Bidirectional<Lstm<double>>(3, 4), Bidirectional<Lstm<double>>(8, 4),
                      Dense<double>(8, 2)};
  load_torch_state_dict(lstm_double, torch_fixtures + "torch_state_dict_bilstm.json", modules);
  CHECK(torch_difference(lstm_double, "bilstm") <= 1e-13);
  Network lstm_float{Bidirectional<Lstm<float>>(3, 4), Bidirectional<Lstm<float>>(8, 4),
                     Dense<float>(8, 2)};
  load_torch_state_dict(lstm_float, torch_fixtures + "torch_state_dict_bilstm.json", modules);
  CHECK(torch_difference(lstm_float, "bilstm") <= 1e-6);
  // The backward direction reads the _reverse keys, as they are.
  const json document = torch_fixture("torch_state_dict_bilstm.json");
  CHECK(lstm_double.layer<1>().backward_layer().input_weights().value(5, 7) ==
        document["tensors"]["rnn.weight_ih_l1_reverse"]["data"][5 * 8 + 7].get<double>());
  Network gru{Bidirectional<Gru<double>>(3, 4), Dense<double>(8, 2)};
  load_torch_state_dict(gru, torch_fixtures + "torch_state_dict_bigru.json", {"encoder", "head"});
  CHECK(torch_difference(gru, "bigru") <= 1e-13);
  // Written back as a state dict, the network imports again bit for bit.
  Network copy{Bidirectional<Gru<double>>(3, 4), Dense<double>(8, 2)};
  copy.initialise(5);
  import_torch_state_dict(copy, torch_state_dict_to_json(gru, {"encoder", "head"}), "<memory>",
                          {"encoder", "head"});
  CHECK(torch_parameters_of(copy) == torch_parameters_of(gru));
}

TEST_CASE("torch state dict: a one-way module for a Bidirectional layer, and back, is refused",
          "[torch_state_dict][errors]") {
  Network bidirectional{Bidirectional<Lstm<float>>(3, 5), Bidirectional<Lstm<float>>(10, 5),
                        Dense<float>(10, 4)};
  const auto before = torch_parameters_of(bidirectional);
  CHECK_THAT(test::format_error_of([&] {
               load_torch_state_dict(bidirectional, torch_fixtures + "torch_state_dict_lstm.json",
                                     lstm_modules);
             }),
             Contains("missing \"rnn.weight_ih_l0_reverse\" (shape [20, 3], for trainable layer "
                      "0: bidirectional nn.LSTM layer 0 of 5 units over 3 inputs"));
  CHECK(torch_parameters_of(bidirectional) == before);
  // A Bidirectional whose directions differ has no torch module.
  Network mixed{Bidirectional<Lstm<float>, Gru<float>>(Lstm<float>(3, 4), Gru<float>(3, 4))};
  CHECK_THROWS_WITH(import_torch_state_dict(mixed, torch_fixture("torch_state_dict_bigru.json"),
                                            "m.json", {"encoder"}),
                    Contains("whose directions differ has no torch counterpart"));
}

TEST_CASE("torch state dict: a bidirectional module read one way, or proj_size, is refused",
          "[torch_state_dict][errors]") {
  const json good = torch_fixture("torch_state_dict_lstm.json");
  json document = good;
  document["tensors"]["rnn.weight_ih_l0_reverse"] = good["tensors"]["rnn.weight_ih_l0"];
  CHECK_THAT(torch_import_error(document),
             Contains("model.json: \"rnn.weight_ih_l0_reverse\": the module \"rnn\" is "
                      "bidirectional; import it into Bidirectional layers (Lstm, Gru and Rnn run "
                      "forward in time only)"));
  CHECK_THAT(
      test::format_error_of([&] {
        auto network = torch_lstm_network<float>();
        import_torch_state_dict(network, document, "m.json", lstm_modules,
                                {.allow_unused = true});
      }),
      Contains("is bidirectional"));
  document = good;
  document["tensors"]["rnn.weight_hr_l1"] = {{"shape", {3, 5}}, {"data", json::array()}};
  CHECK_THAT(torch_import_error(document),
             Contains("model.json: \"rnn.weight_hr_l1\": the module \"rnn\" is an LSTM with "
                      "proj_size > 0, which bachprop's Lstm does not have"));
}

TEST_CASE("torch state dict: a document of another format, version or layout is refused",
          "[torch_state_dict][errors]") {
  const json good = torch_fixture("torch_state_dict_lstm.json");
  json document = good;
  document["format"] = "bachprop-model";
  CHECK_THAT(torch_import_error(document),
             Contains("model.json: not a torch state dict (\"format\" should be "
                      "\"torch-state-dict\""));
  document = good;
  document["version"] = 4294967297;
  CHECK_THAT(torch_import_error(document),
             Contains("model.json: torch state dict version 4294967297 is not supported"));
  document = good;
  document["tensors"] = json::array();
  CHECK_THAT(torch_import_error(document),
             Contains("model.json: \"tensors\" should be an object of named tensors, found []"));
  document = good;
  document["tensors"]["fc.weight"].erase("data");
  CHECK_THAT(torch_import_error(document), Contains("model.json: \"fc.weight\": missing \"data\""));
  document["tensors"]["fc.weight"] = 3;
  CHECK_THAT(torch_import_error(document),
             Contains("model.json: \"fc.weight\": expected a JSON object"));
  CHECK_THAT(torch_import_error(json::array()), Contains("model.json: expected a JSON object"));
  const auto path = test::temp_file("bachprop_torch_state_dict", "bad.json");
  write_file_atomically(path, "{\"format\": ");
  auto network = torch_lstm_network<float>();
  CHECK_THROWS_WITH(load_torch_state_dict(network, path, lstm_modules),
                    Contains(path.string() + ": not valid JSON"));
  CHECK_THROWS_AS(load_torch_state_dict(network, path.string() + ".missing", lstm_modules),
                  IoError);
}

TEST_CASE("torch state dict: names that do not fit the network are an ArgumentError",
          "[torch_state_dict][errors]") {
  const json document = torch_fixture("torch_state_dict_lstm.json");
  auto network = torch_lstm_network<float>();
  CHECK_THROWS_WITH(import_torch_state_dict(network, document, "m.json", {"rnn", "fc"}),
                    Contains("2 module names for a network of 3 trainable layers (lstm, lstm, "
                             "dense)"));
  CHECK_NOTHROW(import_torch_state_dict(network, document, "m.json", {"rnn", "rnn", "fc"}));
  CHECK_THROWS_WITH(import_torch_state_dict(network, document, "m.json", {"rnn", "fc", "fc"}),
                    Contains("the module name \"fc\" is given to a 'lstm' layer and to layer 2 "
                             "('dense'); only recurrent layers of one kind share a name"));
  Network mixed{Lstm<float>(3, 5), Gru<float>(5, 5)};
  CHECK_THROWS_WITH(import_torch_state_dict(mixed, document, "m.json", {"rnn", "rnn"}),
                    Contains("given to a 'lstm' layer and to layer 1 ('gru')"));
  Network sigmoid{Rnn<float>(3, 4, {.activation = RnnActivation::sigmoid})};
  CHECK_THROWS_WITH(import_torch_state_dict(sigmoid, document, "m.json", {"rnn"}),
                    Contains("an Rnn with the sigmoid activation has no torch counterpart"));
}
