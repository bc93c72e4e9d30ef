#pragma once
// The music files the Bach programs read and write: a melody from a note string or from a MIDI
// file (the user's tune), and a score written as MIDI, MusicXML (sheet music), a piano-roll PNG
// and, where FluidSynth is installed, WAV.

#include "common/audio.hpp"

#include <bachprop/core/error.hpp>
#include <bachprop/music/draw/piano_roll_image.hpp>
#include <bachprop/music/score.hpp>
#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/score/musicxml.hpp>
#include <bachprop/music/theory/key.hpp>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace examples {

/// A melody from a note string ("C4 D4 E4/8 R"), as given to --notes: one note at a time.
inline bachprop::music::Melody melody_from_text(const std::string& text) {
  using namespace bachprop::music;
  Melody melody;
  for (const auto& event : parse_notes(text)) {
    if (event.pitches.size() > 1) {
      throw bachprop::ArgumentError(
          "--notes: a melody has one note at a time; the chord at character " +
          std::to_string(event.position) + " has " + std::to_string(event.pitches.size()));
    }
    melody.push_back({event.is_rest() ? rest_pitch : event.pitches.front(), event.quarter_length});
  }
  return melody;
}

/// The top line (where notes start together, the highest) of part `track` of a MIDI file,
/// counting only the parts that have notes, as given to --midi FILE --track N.
inline bachprop::music::Melody melody_from_midi(const std::string& path, int track) {
  using namespace bachprop::music;
  const Score score = read_midi(path);
  std::vector<const Part*> candidates;
  for (const auto& part : score.parts) {
    if (!part.notes.empty()) {
      candidates.push_back(&part);
    }
  }
  if (candidates.empty()) {
    throw bachprop::FormatError(path + ": the file has no notes");
  }
  if (track < 0 || track >= static_cast<int>(candidates.size())) {
    throw bachprop::ArgumentError("--track " + std::to_string(track) + ": " + path + " has " +
                                  std::to_string(candidates.size()) + " parts with notes (0.." +
                                  std::to_string(candidates.size() - 1) + ")");
  }
  return melody_from_part(*candidates[static_cast<std::size_t>(track)]);
}

/// A primer and its continuation as a two-part score for choir voices at 80 quarter notes a
/// minute, in `key`: the primer (part `primer_name`) from the start, then the continuation.
inline bachprop::music::Score continuation_score(std::string title,
                                                 const bachprop::music::NoteSequence& primer,
                                                 const std::string& primer_name,
                                                 const bachprop::music::NoteSequence& continuation,
                                                 const std::string& continuation_name,
                                                 const bachprop::music::Key& key) {
  using namespace bachprop::music;
  constexpr int choir_aahs = 52;
  Score score;
  score.title = std::move(title);
  score.tempo_bpm = 80;
  score.key_signature = signature_of(key);
  score.parts.push_back(melody_to_part(melody_of(primer), primer_name, choir_aahs, 0, 0.0));
  score.parts.push_back(melody_to_part(melody_of(continuation), continuation_name, choir_aahs, 1,
                                       melody_length(melody_of(primer))));
  return score;
}

/// Where a score was written: NAME.mid, NAME.musicxml, NAME.png and, when `wav` is true,
/// NAME.wav (otherwise `why_no_wav` says why not).
struct ScoreFiles {
  std::filesystem::path midi;
  std::filesystem::path musicxml;
  std::filesystem::path png;
  std::filesystem::path wav_path;
  bool wav = false;
  std::string why_no_wav;
};

/// Writes `score` into `folder` (made if missing) as NAME.mid, NAME.musicxml (sheet music for
/// MuseScore and other notation programs) and NAME.png (its piano roll, under the score's title),
/// then renders NAME.wav where FluidSynth is installed, unless `with_wav` is false.
inline ScoreFiles write_score_files(const bachprop::music::Score& score,
                                    const std::filesystem::path& folder, const std::string& name,
                                    bool with_wav = true) {
  using namespace bachprop::music;
  std::filesystem::create_directories(folder);
  ScoreFiles files;
  files.midi = folder / (name + ".mid");
  files.musicxml = folder / (name + ".musicxml");
  files.png = folder / (name + ".png");
  files.wav_path = folder / (name + ".wav");
  write_midi(files.midi, score);
  write_musicxml(files.musicxml, score);
  PianoRollImageOptions picture;
  picture.title = score.title;
  write_piano_roll_png(files.png, score, picture);
  if (with_wav) {
    files.wav = render_wav(files.midi, files.wav_path, files.why_no_wav);
  }
  return files;
}

}  // namespace examples
