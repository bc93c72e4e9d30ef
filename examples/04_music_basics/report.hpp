#pragma once
// The music_basics program around its lesson (main.cpp): the options it takes, and the report of
// the run — the tables of pitches, durations and chords, what it says of the stream, the score
// and the MIDI file, the piano roll and WAV it writes, and the JSON summary.

#include "common/lesson.hpp"
#include "common/music_files.hpp"

#include <bachprop/music/draw/piano_roll_image.hpp>
#include <bachprop/music/encoding.hpp>
#include <bachprop/music/score/stream.hpp>
#include <bachprop/music/theory/key.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>

namespace music_basics {

namespace music = bachprop::music;

/// What the command line sets (main.cpp declares the options; these are their defaults).
struct Options {
  std::uint64_t seed = 1;  // nothing random here; --seed is accepted like in every example
  std::string summary_path;
  examples::OutputOptions output;
  double tempo = 96.0;
  int transpose = 0;
};

/// Prints the lesson's tables and findings, writes the piano roll, WAV and summary.
class Report : public examples::LessonReport<Options> {
 public:
  using LessonReport::LessonReport;

  /// 1. Pitch names, MIDI numbers and frequencies.
  void pitches() {
    std::cout << "1. Pitches: name, MIDI number, frequency (A4 = 440 Hz, equal temperament)\n\n"
                 "  name   MIDI  pitch class   frequency\n";
    for (const char* name : {"C4", "C#4", "Db4", "E4", "G4", "A4", "A5", "C5", "B#3", "Cb4",
                             "A0", "C8"}) {
      const int midi = music::parse_pitch(name);
      const double hz = music::frequency(midi);
      std::printf("  %-5s  %4d   %2d (%-2s)      %9.2f Hz\n", name, midi,
                  music::pitch_class(midi), std::string(music::pitch_class_name(midi)).c_str(),
                  hz);
      summary_["frequencies"][name] = hz;
    }
    std::cout
        << "\n  An octave doubles the frequency (A4 440 Hz, A5 880 Hz); a semitone multiplies it\n"
           "  by 2^(1/12) = 1.0595. C#4 and Db4 are the same key; B#3 is C4 and Cb4 is B3.\n";
    const auto near = music::nearest_pitch(450.0);
    std::printf("  450 Hz is nearest to %s, %+.1f cents above it (100 cents = one semitone).\n\n",
                music::pitch_name(near.pitch).c_str(), near.cents);
    summary_["450_hz"] = {{"pitch", music::pitch_name(near.pitch)}, {"cents", near.cents}};
  }

  /// 2. Durations in quarter notes and in MIDI ticks.
  void durations(int ticks_per_quarter) {
    std::cout << "2. Durations in quarter notes, and in MIDI ticks at " << ticks_per_quarter
              << " ticks per quarter\n\n";
    const std::pair<const char*, double> values[] = {
        {"whole", 4.0},          {"half", 2.0},          {"dotted quarter", 1.5},
        {"quarter", 1.0},        {"eighth", 0.5},        {"triplet eighth", 1.0 / 3.0},
        {"sixteenth", 0.25}};
    for (const auto& [name, quarters] : values) {
      std::printf("  %-15s %6.4f quarter notes = %4lld ticks\n", name, quarters,
                  static_cast<long long>(music::to_ticks(quarters, ticks_per_quarter)));
    }
    std::cout << "\n";
  }

  /// 3. Chords, spelled as tokens, with their frequencies.
  void chords() {
    std::cout << "3. Chords: notes that sound together\n\n";
    const std::pair<const char*, const char*> chords[] = {
        {"C major", "C4.E4.G4"}, {"A minor", "A3.C4.E4"}, {"G dominant seventh", "G3.B3.D4.F4"}};
    for (const auto& [name, token] : chords) {
      const auto pitches = music::pitches_of(token);
      std::printf("  %-19s %-12s", name, token);
      for (const int p : pitches) {
        std::printf(" %7.2f", music::frequency(p));
      }
      std::printf(" Hz\n");
    }
    std::cout
        << "  In the major triad the frequencies are close to 4 : 5 : 6 (261.6, 329.6, 392.0),\n"
           "  one reason it sounds consonant.\n\n";
  }

  /// 4. The first events of the melody stream, and the size of the three.
  void stream(const music::Stream& melody, const music::Stream& chords,
              const music::Stream& bass) {
    std::cout << "4. A stream: events appended one after another\n\n";
    std::cout << "  offset  melody event\n";
    for (std::size_t i = 0; i < 6; ++i) {
      const auto& n = melody.part().notes[i];
      std::printf("  %6.2f  %-4s for %.2f quarter notes\n", n.start,
                  music::pitch_name(n.pitch).c_str(), n.duration);
    }
    std::printf(
        "  ...     (%zu melody notes, %zu chord notes, %zu bass notes; %.1f quarter notes)\n",
        melody.part().notes.size(), chords.part().notes.size(), bass.part().notes.size(),
        melody.offset());
  }

  void key(const music::KeyEstimate& estimate) {
    std::printf("  estimated key of the melody: %s (correlation %.2f with its profile)\n\n",
                music::key_name(estimate.key).c_str(), estimate.correlation);
    summary_["estimated_key"] = music::key_name(estimate.key);
  }

  /// 5. The heading of the export; creates the output folder and returns the MIDI file's path
  /// (lesson.mid, or numbered: common/music_options.hpp).
  std::filesystem::path midi_heading() {
    std::cout << "5. MIDI export\n\n";
    files_ = examples::score_file_names(options_.output, "lesson");
    return files_.midi;
  }

  /// The MIDI file written and what was read back from it; then the sheet music, the piano
  /// roll, the WAV (where FluidSynth is installed) and where to listen.
  void midi(const std::filesystem::path& midi_path, const music::Score& score,
            const music::Score& back, bool same) {
    const auto bytes = std::filesystem::file_size(midi_path);
    std::printf("  wrote %s: format 1, %zu tracks (a conductor track plus one per part), %ju "
                "bytes, %.1f seconds at %.0f bpm\n",
                midi_path.string().c_str(), score.parts.size() + 1,
                static_cast<std::uintmax_t>(bytes), score.seconds(), options_.tempo);
    std::printf("  read back: %zu parts, %zu notes, tempo %.1f bpm, %d/%d, %s: %s\n",
                back.parts.size(), back.note_count(), back.tempo_bpm,
                back.time_signature.numerator, back.time_signature.denominator,
                music::key_name(music::key_of(back.key_signature)).c_str(),
                same ? "identical to what was written" : "DIFFERENT from what was written");
    examples::write_beside_midi(files_, score, options_.output, true,
                                {.pixels_per_quarter = 14,
                                 .pixels_per_semitone = 5,
                                 .title = "LESSON TUNE IN G MAJOR"});
    const auto& png_path = files_.png;
    std::printf("  wrote %s (sheet music) and %s (piano roll: melody, chords and bass in three "
                "colours)\n",
                files_.musicxml.string().c_str(), png_path.string().c_str());
    if (files_.wav) {
      std::printf("  wrote %s\n", files_.wav_path.string().c_str());
    }
    examples::print_missing_wav_and_engraving(files_, "  ", "wrote");
    std::cout << "\n  Listen: scripts/render_wav.sh " << midi_path.string()
              << " (FluidSynth), or open it in any MIDI player.\n";
    summary_["midi"] = midi_path.string();
    summary_["png"] = png_path.string();
    summary_["musicxml"] = files_.musicxml.string();
    summary_["notes"] = score.note_count();
    summary_["seconds"] = score.seconds();
    summary_["read_back_identical"] = same;
  }

  /// Writes the JSON summary (with --summary FILE); the program's exit code: 1 when the file
  /// read back differs from what was written.
  int finish(bool same) {
    LessonReport::finish();
    return same ? 0 : 1;
  }
 private:
  examples::ScoreFiles files_;  // where the lesson's files go
};

}  // namespace music_basics
