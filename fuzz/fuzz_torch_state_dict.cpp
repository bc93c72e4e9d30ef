// libFuzzer target: torch state dicts saved as JSON (io/torch_state_dict.hpp). The text is parsed
// as load_torch_state_dict parses a file, then imported into networks of known shape — two
// stacked LSTMs and a Linear layer, in float and in double; a GRU and a Linear layer with unused
// tensors allowed; a bare RNN whose keys have no prefix; two stacked bidirectional LSTMs and a
// Linear layer (keys ending in _reverse). An import that succeeds must give finite
// parameters, and the network written back as a state dict must import again bit for bit.

#include "fuzz_common.hpp"

#include <bachprop/core/network.hpp>
#include <bachprop/io/model_json.hpp>
#include <bachprop/io/torch_state_dict.hpp>
#include <bachprop/layers/bidirectional.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/layers/gru.hpp>
#include <bachprop/layers/lstm.hpp>
#include <bachprop/layers/rnn.hpp>
#include <bachprop/layers/tanh.hpp>

#include <string>
#include <vector>

namespace {

template <class Net>
void try_import(Net network, const nlohmann::json& document,
                const std::vector<std::string>& modules, bachprop::TorchImportOptions options) {
  try {
    bachprop::import_torch_state_dict(network, document, "fuzz.json", modules, options);
  } catch (const bachprop::Error&) {
    return;
  }
  network.for_each_parameter([](const auto& p) {
    if (!p.value.allFinite()) {
      __builtin_trap();  // an import that gave a non-finite parameter
    }
  });
  Net copy = network;
  copy.initialise(1);
  bachprop::import_torch_state_dict(copy, bachprop::torch_state_dict_to_json(network, modules),
                                    "round trip", modules);
  std::vector<const bachprop::Matrix<typename Net::Scalar>*> values;
  network.for_each_parameter([&](const auto& p) { values.push_back(&p.value); });
  std::size_t next = 0;
  copy.for_each_parameter([&](const auto& p) {
    if (p.value != *values[next++]) {
      __builtin_trap();  // what was imported does not export and import back the same
    }
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bachprop;
  nlohmann::json document;
  try {
    document = parse_model_text(fuzz::as_text(data, size), "fuzz.json");
  } catch (const Error&) {
    return 0;
  }
  try_import(Network{Lstm<float>(3, 2), Lstm<float>(2, 2), Dense<float>(2, 2)}, document,
             {"rnn", "rnn", "fc"}, {});
  try_import(Network{Lstm<double>(3, 2), Lstm<double>(2, 2), Dense<double>(2, 2)}, document,
             {"rnn", "rnn", "fc"}, {});
  try_import(Network{Gru<float>(3, 2), Tanh<float>(), Dense<float>(2, 2)}, document,
             {"gru", "fc"}, {.allow_unused = true});
  try_import(Network{Rnn<float>(3, 2)}, document, {""}, {});
  try_import(Network{Bidirectional<Lstm<float>>(3, 2), Bidirectional<Lstm<float>>(4, 2),
                     Dense<float>(4, 2)},
             document, {"rnn", "rnn", "fc"}, {});
  return 0;
}
