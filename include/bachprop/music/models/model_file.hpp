#pragma once
/// @file
/// A trained music model's file: the network (io/model_json.hpp), and in the document's
/// metadata the model's kind ("model": "melody_rnn", ...) with whatever the model needs to
/// rebuild itself (vocabulary, encoding, sizes, settings) and whatever the caller adds (scores,
/// training settings). One home for the checks every model's loader shares, so that a file of
/// the wrong kind, or a forged size, is refused the same way by all of them.

#include <bachprop/io/file.hpp>
#include <bachprop/io/model_json.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace bachprop::music {

/// The document of a model of `kind`: the network's parameters, and `metadata` (an object: the
/// caller's extra members first) with "model" set to `kind`.
template <class Net>
nlohmann::json model_document(const Net& network, std::string_view kind,
                              nlohmann::json metadata) {
  metadata["model"] = kind;
  return model_to_json(network, metadata);
}

/// The metadata of a model document of `kind` (`what` names the kind in words, e.g. "melody
/// RNN"). Throws FormatError naming `source` for a document without metadata or of another kind.
inline const nlohmann::json& model_metadata(const nlohmann::json& document, std::string_view kind,
                                            std::string_view what, const std::string& source) {
  const auto found = document.is_object() ? document.find("metadata") : document.end();
  if (found == document.end() || !found->is_object()) {
    throw FormatError(source + ": not a " + std::string(what) + " model (no metadata)");
  }
  const auto stored_kind = found->find("model");
  if (stored_kind == found->end() || *stored_kind != kind) {
    throw FormatError(source + ": not a " + std::string(what) + " model (metadata.model is " +
                      (stored_kind == found->end() ? std::string("missing")
                                                   : bachprop::detail::json_excerpt(*stored_kind)) +
                      ")");
  }
  return *found;
}

/// The whole number `key` of `metadata`, checked to lie in [lowest, highest] before anything is
/// built from it (a forged size is refused, not allocated). FormatError naming `source` otherwise.
inline Index metadata_size(const nlohmann::json& metadata, std::string_view key, Index lowest,
                           Index highest, const std::string& source) {
  const auto found = metadata.find(key);
  const auto size = found == metadata.end()
                        ? std::nullopt
                        : bachprop::detail::whole_number<Index>(*found, lowest, highest);
  if (!size) {
    throw FormatError(source + ": metadata." + std::string(key) + " must be a whole number in " +
                      std::to_string(lowest) + ".." + std::to_string(highest) + ", found " +
                      (found == metadata.end() ? std::string("none")
                                               : bachprop::detail::json_excerpt(*found)));
  }
  return *size;
}

/// save() and load() for a model class `Model` that has `to_json(extra)` and a static
/// `from_json(document, source)`: files are written atomically and read with the model's checks.
template <class Model>
class ModelFile {
 public:
  /// Writes to_json(extra) to `path` atomically; throws IoError when it cannot.
  void save(const std::filesystem::path& path,
            const nlohmann::json& extra = nlohmann::json::object()) const {
    write_file_atomically(path, static_cast<const Model&>(*this).to_json(extra).dump() + "\n");
  }

  /// Reads a model saved by save(). Throws IoError for an unreadable file, FormatError for one
  /// that is not a model of this kind.
  static Model load(const std::filesystem::path& path) {
    return Model::from_json(parse_model_text(read_file(path), path.string()), path.string());
  }
};

}  // namespace bachprop::music
