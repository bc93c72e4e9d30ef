// libFuzzer target: our model JSON (io/model_json.hpp). The text is parsed as load_model parses
// a file, then loaded into networks of known shape — a dense classifier, the melody model's
// recurrent layout with its grouped softmax (whose settings are checked on load), two stacked
// LSTMs, a GRU, an embedding under LSTMs with dropout between them (the vocabulary, the rate
// and the masks' draws checked on load), two stacked bidirectional layers (an LSTM, a GRU) —
// and read as the melody models (simple RNN, LSTM, GRU) that bach_generate --model loads
// (music/models/melody_rnn.hpp), the harmonisers (MiniBach and HarmonyRnn, which bach_harmonise
// --model loads, and HarmonyLstm), the piano-roll RNN and the token LSTM that bach_tokens
// --model loads, each of whose shape comes from the file's metadata. A model that loads must
// hold only finite parameters (the token LSTM: give finite probabilities).

#include "fuzz_common.hpp"

#include <bachprop/core/network.hpp>
#include <bachprop/io/model_json.hpp>
#include <bachprop/layers/bidirectional.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/layers/dropout.hpp>
#include <bachprop/layers/embedding.hpp>
#include <bachprop/layers/gru.hpp>
#include <bachprop/layers/lstm.hpp>
#include <bachprop/layers/rnn.hpp>
#include <bachprop/layers/softmax.hpp>
#include <bachprop/layers/tanh.hpp>
#include <bachprop/music/models/biaxial.hpp>
#include <bachprop/music/models/harmony_lstm.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>
#include <bachprop/music/models/melody_rnn.hpp>
#include <bachprop/music/models/minibach.hpp>
#include <bachprop/music/models/piano_roll_rnn.hpp>
#include <bachprop/music/models/token_lstm.hpp>

#include <cmath>

namespace {

template <class Net>
void require_finite(const Net& network) {
  network.for_each_parameter([](const auto& p) {
    if (!p.value.allFinite()) {
      __builtin_trap();  // a model loaded with a non-finite parameter
    }
  });
}

// A model class's from_json, which must load a finite model or throw a bachprop::Error.
template <class Model>
void try_model(const nlohmann::json& document) {
  try {
    auto model = Model::from_json(document, "fuzz.json");  // some give network() non-const only
    require_finite(model.network());
  } catch (const bachprop::Error&) {
  }
}

template <class Net>
void try_load(Net network, const nlohmann::json& document) {
  try {
    bachprop::model_from_json(network, document, "fuzz.json");
    require_finite(network);
  } catch (const bachprop::Error&) {
  }
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
  try_load(Network{Dense(3, 5), Tanh(), Dense(5, 2), Softmax()}, document);
  try_load(Network{Rnn<float>(4, 3), Dense<float>(3, 4), GroupedSoftmax<float>({2, 2})},
           document);
  try_load(Network{Lstm<float>(4, 3), Lstm<float>(3, 3), Dense<float>(3, 4), Softmax<float>()},
           document);
  try_load(Network{Gru<float>(4, 3), Dense<float>(3, 4), Softmax<float>()}, document);
  try_load(Network{Embedding<float>(5, 3), Lstm<float>(3, 3), Dropout<float>(0.25),
                   Lstm<float>(3, 3), Dense<float>(3, 5), Softmax<float>()},
           document);
  try_load(Network{Bidirectional<Lstm<float>>(4, 3), Bidirectional<Gru<float>>(6, 2),
                   Dense<float>(4, 4), Softmax<float>()},
           document);
  try_model<music::MelodyRnn>(document);
  try_model<music::MelodyLstm>(document);
  try_model<music::MelodyGru>(document);
  try_model<music::MiniBach>(document);
  try_model<music::HarmonyRnn>(document);
  try_model<music::HarmonyLstm>(document);
  try_model<music::PianoRollRnn>(document);
  try {
    const auto biaxial = music::BiaxialModel::from_json(document, "fuzz.json");
    require_finite(biaxial.networks());
  } catch (const Error&) {
  }
  try {
    // bach_tokens --model: a loaded token LSTM runs a step to finite probabilities.
    music::TokenLstm tokens = music::TokenLstm::from_json(document, "fuzz.json");
    if (!tokens.step(0, 0).allFinite()) {
      __builtin_trap();
    }
  } catch (const Error&) {
  }
  return 0;
}
