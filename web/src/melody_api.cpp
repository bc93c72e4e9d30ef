// Continuing a melody for the web page (web/site/melody.html): the page loads a melody model
// (by default the one shipped in models/, fetched beside the page), and each call continues a
// primer written in the command line's note syntax exactly as bach_generate does with the same
// options: the primer heard in the model's range, kept to its key, at most three equal pitches
// in a row, each note drawn with the temperature, top-k and top-p given, from the seed given.
// Each function returns JSON (api_result.hpp).

#include "api_result.hpp"

#include <bachprop/music/models/melody_continuation.hpp>
#include <bachprop/music/models/melody_rnn.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/score/note_sequence.hpp>

#include <emscripten.h>

#include <optional>
#include <string>
#include <variant>

namespace {

using namespace bachprop;
using namespace bachprop::music;

std::optional<AnyMelodyModel> loaded;

nlohmann::json notes_json(const NoteSequence& notes, const Key& key) {
  nlohmann::json names = nlohmann::json::array();
  for (const int pitch : notes.pitches) {
    names.push_back(pitch_name_in(pitch, key));
  }
  return {{"pitches", notes.pitches}, {"durations", notes.durations}, {"names", names}};
}

}  // namespace

extern "C" {

/// Reads a melody model saved by bach_melody (`json_text`, named `source` in errors); returns
/// its cell and pitch range.
EMSCRIPTEN_KEEPALIVE const char* melody_load(const char* json_text, const char* source) {
  return web::answer([&] {
    loaded = any_melody_model_from_json(parse_model_text(json_text, source), source);
    return std::visit(
        [](auto& model) {
          const MelodyVocabulary& v = model.vocabulary();
          return nlohmann::json{{"cell", model.cell()},
                                {"lowest", pitch_name(v.lowest_pitch)},
                                {"highest", pitch_name(v.highest_pitch)}};
        },
        *loaded);
  });
}

/// Continues `primer` (a note string: "C4 D4 E4/8 F4/8 G4/2") by `length` notes, as
/// `bach_generate --primer PRIMER --length N --temperature T --top-k K --top-p P --seed S` does.
/// Returns the primer, the continuation (pitches, durations, names in the key), the key, and the
/// MIDI file of both (primer and continuation on their own tracks, as bach_generate writes it)
/// as bytes.
EMSCRIPTEN_KEEPALIVE const char* melody_continue(const char* primer_text, int length,
                                                 double temperature, int top_k, double top_p,
                                                 unsigned seed) {
  return web::answer([&] {
    if (!loaded) {
      throw ArgumentError("load a model first");
    }
    if (length < 1 || length > 1000 || !(temperature >= 0 && temperature <= 10) || top_k < 0 ||
        !(top_p > 0 && top_p <= 1)) {
      throw ArgumentError("length 1..1000, temperature 0..10, top-k ≥ 0 and top-p in (0, 1]");
    }
    const NoteSequence primer = notes_of(melody_from_note_text(primer_text));
    if (primer.empty()) {
      throw ArgumentError("the primer has no notes");
    }
    // bach_generate's settings (its generation_settings) for these options.
    ContinuationSettings settings;
    settings.notes = static_cast<std::size_t>(length);
    settings.seed = seed;
    settings.pitch_sampling = {temperature, static_cast<std::size_t>(top_k), top_p};
    settings.duration_sampling = {temperature, 0, 1.0};
    settings.stay_in_primer_key = true;
    settings.constraints.max_repeats = 3;
    const Key key = melody_key(primer);
    return std::visit(
        [&](auto& model) {
          const int shift = octave_shift_into(primer, model.vocabulary());
          const NoteSequence continuation =
              transposed(continue_melody(model, transposed(primer, shift), settings), -shift);
          const Score score = continuation_score(
              "bachprop in the browser", primer, "Primer", continuation, "Continuation", key);
          const std::string midi = encode_midi(score);
          return nlohmann::json{{"primer", notes_json(primer, key)},
                                {"continuation", notes_json(continuation, key)},
                                {"key", key_name(key)},
                                {"shift", shift},
                                {"seed", seed},
                                {"midi", std::vector<unsigned char>(midi.begin(), midi.end())}};
        },
        *loaded);
  });
}

}  // extern "C"
