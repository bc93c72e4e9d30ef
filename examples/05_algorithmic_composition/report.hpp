#pragma once
// The algorithmic_composition program around its lesson (main.cpp): the options it takes, and
// the report of the run — the rules and the piece it prints, the MIDI, piano roll and WAV it
// writes, and the JSON summary.

#include "common/lesson.hpp"
#include "common/music_files.hpp"
#include "composer.hpp"

#include <bachprop/music/draw/piano_roll_image.hpp>
#include <bachprop/music/score/midi_write.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

namespace algorithmic_composition {

namespace music = bachprop::music;

/// What the command line sets (main.cpp declares the options; these are their defaults).
struct Options {
  std::uint64_t seed = 1;
  std::string summary_path;
  examples::OutputOptions output;
  std::string key_text = "D major";
  composition::Settings settings;  // the key is --key's, once parsed
};

/// Prints the rules and the piece, writes the files and the summary.
class Report : public examples::LessonReport<Options> {
 public:
  using LessonReport::LessonReport;

  /// The scale of `key`, the interval weights and the rhythm patterns.
  void rules(const music::Key& key) {
    std::cout << "Scale of " << music::key_name(key) << ":";
    for (int d = 0; d < 8; ++d) {
      std::cout << ' ' << music::pitch_name_in(composition::degree_pitch(key, d, 4), key);
    }
    std::cout << "\n\nInterval weights (consonant leaps allowed, dissonant ones never):\n ";
    for (int semitones = 0; semitones <= 12; ++semitones) {
      std::printf(" %s %.1f%s", composition::interval_name(semitones),
                  composition::interval_weight(semitones),
                  semitones == 6 ? "\n " : semitones == 12 ? "" : ",");
    }
    std::cout << "\nRhythm patterns (quarter notes per bar):";
    for (const auto& pattern : composition::rhythm_patterns()) {
      std::cout << "  [";
      for (std::size_t i = 0; i < pattern.size(); ++i) {
        std::cout << (i ? " " : "") << pattern[i];
      }
      std::cout << "]";
    }
    std::cout << "\n\n";
  }

  /// The melody phrase by phrase as note names, how it moves, and whether the rules held.
  void piece(const composition::Piece& piece, const composition::Settings& settings,
             bool in_scale, bool all_tonic) {
    const auto& melody = piece.score.parts[0];
    const double phrase_length = 4.0 * settings.bars_per_phrase;
    for (int p = 0; p < settings.phrases; ++p) {
      std::printf("phrase %d:", p + 1);
      for (const auto& n : melody.notes) {
        if (n.start >= p * phrase_length - 1e-9 && n.start < (p + 1) * phrase_length - 1e-9) {
          std::printf(" %s", music::pitch_name_in(n.pitch, settings.key).c_str());
        }
      }
      std::printf("   (ends on degree %d)\n",
                  piece.phrase_end_degrees[static_cast<std::size_t>(p)] % 7 + 1);
    }
    const std::size_t moves = piece.steps + piece.thirds + piece.leaps + piece.repeats;
    std::printf("\n%zu melody notes; moves between them: %.0f%% steps, %.0f%% thirds, %.0f%% "
                "larger leaps, %.0f%% repeated notes\n%zu of the %zu leaps of a fourth or more "
                "are answered by a step back the other way\n",
                melody.notes.size(), 100.0 * piece.steps / moves, 100.0 * piece.thirds / moves,
                100.0 * piece.leaps / moves, 100.0 * piece.repeats / moves, piece.leaps_recovered,
                piece.leaps);
    std::printf("%s; %s\n", in_scale ? "every note is in the scale" : "NOTES OUTSIDE THE SCALE",
                all_tonic ? "every phrase ends on the tonic" : "A PHRASE ENDS ELSEWHERE");
    summary_ = {{"key", music::key_name(settings.key)},
                {"seed", options_.seed},
                {"melody_notes", melody.notes.size()},
                {"steps", piece.steps},
                {"thirds", piece.thirds},
                {"leaps", piece.leaps},
                {"repeats", piece.repeats},
                {"leaps_recovered", piece.leaps_recovered},
                {"every_phrase_ends_on_tonic", all_tonic},
                {"every_note_in_scale", in_scale},
                {"seconds", piece.score.seconds()}};
  }

  /// Writes the piece into --out as composition.mid, composition.musicxml, its piano roll as
  /// composition.png and, where FluidSynth is installed, composition.wav.
  void files(const music::Score& score) {
    examples::ScoreFiles files = examples::score_file_names(options_.output, "composition");
    bachprop::music::write_midi(files.midi, score);
    examples::write_beside_midi(files, score, options_.output, true,
                                {.pixels_per_quarter = 10, .pixels_per_semitone = 4,
                                 .title = score.title});
    std::printf("\n%.1f seconds of music:\n", score.seconds());
    examples::print_score_files(files, "");
    std::printf("Listen: scripts/render_wav.sh %s\n", files.midi.string().c_str());
    summary_["midi"] = files.midi.string();
    summary_["musicxml"] = files.musicxml.string();
    summary_["png"] = files.png.string();
  }
};

}  // namespace algorithmic_composition
