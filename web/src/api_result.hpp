#pragma once
// What the web pages' C++ functions give JavaScript: one JSON text per call, kept alive until
// the next call (JavaScript copies it out with UTF8ToString at once), and errors as
// {"error": "..."} rather than an exception crossing into JavaScript.

#include <nlohmann/json.hpp>

#include <exception>
#include <string>

namespace web {

/// The text the last call returned.
inline std::string& last_result() {
  static std::string text;
  return text;
}

/// Runs `body` (which returns a JSON value) and hands JavaScript its text, or the error's.
template <class Body>
const char* answer(Body&& body) {
  nlohmann::json result;
  try {
    result = body();
  } catch (const std::exception& error) {
    result = {{"error", error.what()}};
  }
  last_result() = result.dump();
  return last_result().c_str();
}

}  // namespace web
