// libFuzzer target: ABC tunes (music/score/abc.hpp). The bytes are read as ABC text: the tunes
// listed (abc_tunes, which never throws), the first tune read, and up to three tunes chosen by
// their X: numbers and the voice "2", as a program taking an ABC primer would. What reads must
// hold valid notes, be written as MIDI (or refused with ArgumentError for a length MIDI cannot
// hold) and decode again, and give a melody of positive lengths (the primer's path).

#include "fuzz_common.hpp"

#include <bachprop/music/score/abc.hpp>
#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/score/note_sequence.hpp>

#include <cmath>

namespace {

using namespace bachprop;

void check(const music::Score& score, std::size_t max_notes) {
  if (score.parts.size() != 1 || score.note_count() > max_notes || !(score.tempo_bpm > 0.0) ||
      !std::isfinite(score.tempo_bpm)) {
    __builtin_trap();
  }
  for (const music::Note& n : score.parts.front().notes) {
    if (!music::is_midi_pitch(n.pitch) || !(n.start >= 0.0) || !(n.duration > 0.0) ||
        !std::isfinite(n.end()) || n.end() > 4.0 * (1 << 20)) {
      __builtin_trap();  // a note no valid score holds
    }
  }
  for (const music::MelodyEvent& e : music::melody_from_part(score.parts.front())) {
    if (!(e.duration > 0.0)) {
      __builtin_trap();
    }
  }
  std::string midi;
  try {
    midi = music::encode_midi(score);
  } catch (const ArgumentError&) {
    return;  // a tune longer than a MIDI file's times can hold
  }
  music::decode_midi(midi, "fuzz-abc.mid");  // what the writer makes, the reader must read
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  constexpr std::size_t max_notes = 20000;  // the default 200,000 only slows the fuzzer
  const std::vector<music::AbcTune> tunes = music::abc_tunes(text);
  std::vector<music::AbcOptions> choices{{.max_notes = max_notes},
                                         {.voice = "2", .max_notes = max_notes}};
  for (std::size_t i = 0; i < tunes.size() && i < 3; ++i) {
    choices.push_back({.tune = tunes[i].number, .max_notes = max_notes});
  }
  for (const music::AbcOptions& options : choices) {
    try {
      check(music::decode_abc(text, "fuzz.abc", options), max_notes);
    } catch (const FormatError&) {
    }
  }
  return 0;
}
