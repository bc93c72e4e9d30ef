// libFuzzer target: the book's network2.py JSON (io/book_json.hpp), parsed as read_book_model
// parses a file, checked, and loaded into a 3-2-1 network of Dense + Sigmoid layers when the
// sizes match (as mnist_digits --load-book loads a 784-30-10 one).

#include "fuzz_common.hpp"

#include <bachprop/core/network.hpp>
#include <bachprop/io/book_json.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/layers/sigmoid.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bachprop;
  try {
    const nlohmann::json document = parse_model_text(fuzz::as_text(data, size), "fuzz.json");
    const BookModel model = book_model_from_json(document, "fuzz.json");
    Network network{Dense<double>(3, 2), Sigmoid<double>(), Dense<double>(2, 1),
                    Sigmoid<double>()};
    load_book_model(network, model, "fuzz.json");
    network.for_each_parameter([](const auto& p) {
      if (!p.value.allFinite()) {
        __builtin_trap();  // a model loaded with a non-finite parameter
      }
    });
  } catch (const Error&) {
  }
  return 0;
}
