#pragma once
// The music files the programs read and write: a melody from a note string or from a MIDI
// file (the user's tune), and a score written as MIDI, MusicXML (sheet music), a piano-roll PNG,
// WAV where FluidSynth is installed (--wav/--no-wav), and with --score LilyPond sheet music
// (engraved as a PNG where lilypond is installed). Files that exist are not overwritten
// without --force: the new ones get a numbered name (common/music_options.hpp).

#include "common/audio.hpp"
#include "common/music_options.hpp"

#include <bachprop/core/error.hpp>
#include <bachprop/music/draw/piano_roll_image.hpp>
#include <bachprop/music/score.hpp>
#include <bachprop/music/score/abc.hpp>
#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/lilypond.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/score/musicxml.hpp>
#include <bachprop/music/theory/key.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace examples {

/// A melody from a note string ("C4 D4 E4/8 R"), as given to `option` (--primer, --melody):
/// one note at a time. Throws UsageError naming the option for a bad string.
inline bachprop::music::Melody melody_from_text(const std::string& text,
                                                const std::string& option = "primer") {
  try {
    return bachprop::music::melody_from_note_text(text);
  } catch (const bachprop::FormatError& error) {
    throw UsageError("--" + option + ": " + error.what());
  }
}

/// The top line (where notes start together, the highest) of part `track` of a MIDI file,
/// counting only the parts that have notes, as given to --primer-midi FILE --track N.
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
    throw UsageError("--track " + std::to_string(track) + ": " + path + " has " +
                                  std::to_string(candidates.size()) + " parts with notes (0.." +
                                  std::to_string(candidates.size() - 1) + ")");
  }
  return melody_from_part(*candidates[static_cast<std::size_t>(track)]);
}

/// A melody the user gave, how to name it, the tempo and meter its file asked for (0 and 4/4:
/// none), and what only sheet music knows (an ABC file's): its upbeat and where its fermatas
/// are, both in the melody's time (from its start, a leading rest included).
struct UserMelody {
  bachprop::music::Melody melody;
  std::string described;
  double tempo_bpm = 0;
  bachprop::music::TimeSignature time_signature;
  double pickup = 0;                   // quarter notes before the first bar line
  std::vector<double> fermata_starts;  // onsets (quarter notes) of the notes under a fermata
};

/// The same melody's upbeat and fermatas counted from its first note, as notes_of counts (it
/// drops a leading rest).
inline void from_first_note(UserMelody& user) {
  if (user.melody.empty() || !user.melody.front().is_rest()) {
    return;
  }
  const double leading = user.melody.front().duration;
  const double bar = user.time_signature.bar_quarters();
  user.pickup = std::fmod(user.pickup - leading + 16 * bar, bar);
  for (double& start : user.fermata_starts) {
    start -= leading;
  }
}

/// Marks a fermata on every note of `score` that starts where one of `starts` is (to 1e-9).
inline void mark_fermatas(bachprop::music::Score& score, const std::vector<double>& starts) {
  for (auto& part : score.parts) {
    for (auto& note : part.notes) {
      for (const double s : starts) {
        note.fermata = note.fermata || std::abs(note.start - s) < 1e-9;
      }
    }
  }
}

/// The melody `source` names by a note string or a file (not --chorale, which each program
/// reads from its corpus). Throws UsageError when it names none.
inline UserMelody read_user_melody(const MelodySource& source, const std::string& role) {
  if (!source.text.empty()) {
    return {melody_from_text(source.text, role), "the notes \"" + source.text + "\"", 0, {}, 0,
            {}};
  }
  if (!source.midi_path.empty()) {
    const bachprop::music::Score score = bachprop::music::read_midi(source.midi_path);
    return {melody_from_midi(source.midi_path, source.track),
            std::filesystem::path(source.midi_path).filename().string(), score.tempo_bpm,
            score.time_signature, 0, {}};
  }
  if (!source.abc_path.empty()) {
    // The file's first tune, its first voice (the top line where it has chords).
    const bachprop::music::Score score = bachprop::music::read_abc(source.abc_path);
    UserMelody user{bachprop::music::melody_from_part(score.parts.front()),
                    std::filesystem::path(source.abc_path).filename().string() +
                        (score.title.empty() ? "" : " (" + score.title + ")"),
                    score.tempo_bpm, score.time_signature, 0, {}};
    user.pickup = score.pickup;
    for (const auto& note : score.parts.front().notes) {
      if (note.fermata) {
        user.fermata_starts.push_back(note.start);
      }
    }
    return user;
  }
  throw UsageError("no " + role + " given");
}

/// Where a score was written: NAME.mid, NAME.musicxml, NAME.png and, when `wav` is true, NAME.wav
/// (otherwise `why_no_wav` says why not, empty when none was asked for); with --score NAME.ly
/// (`lilypond`) and, when `engraved` is true, NAME-score.png (otherwise `why_not_engraved` says why
/// not). NAME is the name asked for, or numbered when files of that name exist and --force is not
/// given.
struct ScoreFiles {
  std::filesystem::path midi;
  std::filesystem::path musicxml;
  std::filesystem::path png;
  std::filesystem::path wav_path;
  bool wav = false;
  std::string why_no_wav;
  std::filesystem::path lilypond;
  std::filesystem::path engraved_png;
  bool engraved = false;
  std::string why_not_engraved;
};

/// Engraves `ly` as `png` (one page, cropped) with LilyPond where it is installed. Returns false,
/// with `why` set, where it is not; throws bachprop::IoError when lilypond fails.
inline bool engrave_png(const std::filesystem::path& ly, const std::filesystem::path& png,
                        std::string& why) {
  if (std::system("command -v lilypond >/dev/null 2>&1") != 0) {
    why = "LilyPond is not installed (Debian: apt-get install lilypond)";
    return false;
  }
  // lilypond appends ".png" (and "-page2.png"... for longer scores) to the -o base it is given.
  const std::filesystem::path base = png.parent_path() / (png.stem().string() + ".partial");
  const std::string command = "lilypond -s -dno-point-and-click -dcrop -dresolution=110 --png -o " +
                              shell_quote(base.string()) + " " + shell_quote(ly.string()) +
                              " >/dev/null 2>&1";
  const std::filesystem::path cropped = base.string() + ".cropped.png";
  const std::filesystem::path whole = base.string() + ".png";
  const int status = std::system(command.c_str());
  const std::filesystem::path made = std::filesystem::exists(cropped) ? cropped : whole;
  if (status != 0 || !std::filesystem::exists(made)) {
    throw bachprop::IoError(png.string() + ": lilypond failed to engrave " + ly.string());
  }
  std::filesystem::rename(made, png);
  // What else lilypond made beside the picture: the uncropped page, and the MIDI file of the
  // \midi block (the program's own MIDI file is the one to keep).
  std::error_code ignored;
  for (const char* extra : {".png", ".midi", ".mid"}) {
    std::filesystem::remove(base.string() + extra, ignored);
  }
  return true;
}

/// The files write_score_files writes for `name` in the --out folder (made if missing): NAME
/// itself, or numbered when files of that name exist and --force is not given.
inline ScoreFiles score_file_names(const OutputOptions& output, const std::string& name) {
  const std::string stem =
      output.free_stem(name, {".mid", ".musicxml", ".png", ".wav", ".ly", "-score.png"});
  const std::filesystem::path folder(output.folder);
  ScoreFiles files;
  files.midi = folder / (stem + ".mid");
  files.musicxml = folder / (stem + ".musicxml");
  files.png = folder / (stem + ".png");
  files.wav_path = folder / (stem + ".wav");
  if (output.score) {
    files.lilypond = folder / (stem + ".ly");
    files.engraved_png = folder / (stem + "-score.png");
  }
  return files;
}

/// Writes the files of `files` (score_file_names) but the MIDI file, which the caller wrote:
/// NAME.musicxml, NAME.png (the piano roll, under the score's title, or as `picture` says),
/// NAME.wav as --wav/--no-wav say (never when `with_wav` is false), and with --score NAME.ly
/// and NAME-score.png. Throws bachprop::IoError for --wav where FluidSynth cannot render.
inline void write_beside_midi(ScoreFiles& files, const bachprop::music::Score& score,
                              const OutputOptions& output, bool with_wav = true,
                              bachprop::music::PianoRollImageOptions picture = {}) {
  using namespace bachprop::music;
  write_musicxml(files.musicxml, score);
  if (picture.title.empty()) {
    picture.title = score.title;
  }
  write_piano_roll_png(files.png, score, picture);
  if (with_wav && output.wav != WavChoice::off) {
    files.wav = render_wav(files.midi, files.wav_path, files.why_no_wav);
    if (!files.wav && output.wav == WavChoice::required) {
      throw bachprop::IoError("--wav: no WAV for " + files.midi.string() + ": " +
                              files.why_no_wav);
    }
  }
  if (output.score) {
    write_lilypond(files.lilypond, score);
    files.engraved = engrave_png(files.lilypond, files.engraved_png, files.why_not_engraved);
  }
}

/// Writes `score` into the --out folder (made if missing) as NAME.mid, NAME.musicxml (sheet
/// music for MuseScore and other notation programs) and NAME.png (its piano roll, under the
/// score's title); renders NAME.wav as --wav/--no-wav say (never when `with_wav` is false);
/// with --score writes NAME.ly and engraves NAME-score.png. NAME is numbered when files of that
/// name exist and --force is not given. Throws bachprop::IoError for --wav where FluidSynth
/// cannot render.
inline ScoreFiles write_score_files(const bachprop::music::Score& score,
                                    const OutputOptions& output, const std::string& name,
                                    bool with_wav = true) {
  ScoreFiles files = score_file_names(output, name);
  bachprop::music::write_midi(files.midi, score);
  write_beside_midi(files, score, output, with_wav);
  return files;
}

/// Prints, after `indent`, why a WAV that was asked for is missing, and the LilyPond file with
/// its engraving (or why there is none) after `wrote`.
inline void print_missing_wav_and_engraving(const ScoreFiles& files, const char* indent,
                                            const char* wrote = "Wrote") {
  if (!files.wav && !files.why_no_wav.empty()) {
    std::printf("%s(no WAV: %s)\n", indent, files.why_no_wav.c_str());
  }
  if (!files.lilypond.empty()) {
    std::printf("%s%s %s%s%s\n", indent, wrote, files.lilypond.string().c_str(),
                files.engraved ? " and " : "; no engraving: ",
                files.engraved ? files.engraved_png.string().c_str()
                               : files.why_not_engraved.c_str());
  }
}

/// Prints what write_score_files wrote, one line per file after `indent`.
inline void print_score_files(const ScoreFiles& files, const char* indent = "  ") {
  std::printf("%sWrote %s, %s and %s\n", indent, files.midi.string().c_str(),
              files.musicxml.string().c_str(), files.png.string().c_str());
  if (files.wav) {
    std::printf("%sWrote %s\n", indent, files.wav_path.string().c_str());
  }
  print_missing_wav_and_engraving(files, indent);
}

}  // namespace examples
