// libFuzzer target: the 8-bit token LSTM's compact file (music/models/token_quantised_file.hpp),
// which bach_tokens --model reads when the file starts "bachprop-q8 1". A file that loads must
// step to finite probabilities that sum to 1 in both groups, and write back to the same bytes.

#include "fuzz_common.hpp"

#include <bachprop/music/models/token_quantised_file.hpp>

#include <cmath>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bachprop;
  const std::string_view bytes = fuzz::as_text(data, size);
  try {
    music::QuantisedTokenLstm model = music::quantised_from_bytes(bytes, "fuzz.bpq");
    model.reset();
    const auto& p = model.step(0, 0);
    const float tokens = p.col(0).head(model.tokens()).sum();
    const float durations = p.col(0).tail(model.duration_count()).sum();
    if (!p.allFinite() || std::abs(tokens - 1.0F) > 1e-3F || std::abs(durations - 1.0F) > 1e-3F) {
      __builtin_trap();  // a loaded model that does not give probabilities
    }
    // The JSON line is written back in nlohmann's order, so compare the weights' bytes only.
    const std::string again = music::quantised_bytes(model);
    if (again.substr(again.find('\n', 14)) != bytes.substr(bytes.find('\n', 14))) {
      __builtin_trap();  // the weights not written back as read
    }
  } catch (const Error&) {
  }
  return 0;
}
