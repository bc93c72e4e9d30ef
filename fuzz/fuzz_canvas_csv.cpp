// libFuzzer target: the clicks CSV of the first lesson (examples/00_notes_canvas/canvas.hpp,
// notes_canvas --points FILE): x,y,note lines, parsed and turned into the networks' inputs and
// labels.

#include "fuzz_common.hpp"

#include "canvas.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto clicks = canvas::parse_clicks(fuzz::as_text(data, size), "clicks.csv");
    const auto inputs = canvas::inputs_of(clicks);
    const auto labels = canvas::labels_of(clicks);
    if (!inputs.allFinite() || inputs.cols() != static_cast<bachprop::Index>(labels.size())) {
      __builtin_trap();  // a click outside [0, 1] or a label lost
    }
    for (const auto label : labels) {
      if (label < 0 || label > 6) {
        __builtin_trap();
      }
    }
  } catch (const bachprop::Error&) {
  }
  return 0;
}
