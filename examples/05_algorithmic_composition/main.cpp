// algorithmic_composition: music from rules and randomness, no learning. A scale, weighted
// intervals that favour steps and consonant leaps, rhythm patterns chosen bar by bar, phrases
// that end on the tonic, and a harmony of primary chords; written as MIDI and a piano roll.

#include "common/audio.hpp"
#include "common/cli.hpp"
#include "composer.hpp"

#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/draw/piano_roll_image.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

namespace music = bachprop::music;

int main(int argc, char** argv) {
  std::uint64_t seed = 1;
  std::string summary_path;
  std::string out = "algorithmic_composition_out";
  std::string key_text = "D major";
  composition::Settings settings;
  bool wav = false;
  examples::CommandLine cli(
      "algorithmic_composition",
      "Composes a melody with chords and bass from rules and weighted random choices: a scale, "
      "intervals favouring steps and consonant leaps, rhythm patterns, phrases ending on the "
      "tonic. Writes MIDI and a piano-roll PNG.");
  cli.standard(seed, summary_path)
      .option("key", key_text, "KEY", "key of the piece, such as 'D major' or 'A minor'")
      .option("phrases", settings.phrases, "N", "number of phrases")
      .option("bars", settings.bars_per_phrase, "N", "bars (4/4) per phrase")
      .option("tempo", settings.tempo_bpm, "BPM", "quarter notes per minute")
      .option("out", out, "DIR", "folder for composition.mid and composition.png")
      .flag("wav", wav, "also render composition.wav with FluidSynth (when installed)");
  if (!cli.parse(argc, argv)) {
    return cli.exit_code();
  }
  return examples::run_reporting_errors(cli.program(), [&] {
    settings.key = music::parse_key(key_text);
    const auto piece = composition::compose(settings, seed);
    const auto& melody = piece.score.parts[0];

    std::cout << "Scale of " << music::key_name(settings.key) << ":";
    for (int d = 0; d < 8; ++d) {
      std::cout << ' '
                << music::pitch_name_in(composition::degree_pitch(settings.key, d, 4),
                                        settings.key);
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

    // The melody, phrase by phrase, as note names.
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
    bool all_tonic = true;
    for (const int d : piece.phrase_end_degrees) {
      all_tonic = all_tonic && ((d % 7) + 7) % 7 == 0;
    }
    bool in_scale = true;
    for (const auto& n : melody.notes) {
      in_scale = in_scale && music::in_scale(n.pitch, settings.key);
    }
    std::printf("\n%zu melody notes; moves between them: %.0f%% steps, %.0f%% thirds, %.0f%% "
                "larger leaps, %.0f%% repeated notes\n%zu of the %zu leaps of a fourth or more "
                "are answered by a step back the other way\n",
                melody.notes.size(), 100.0 * piece.steps / moves, 100.0 * piece.thirds / moves,
                100.0 * piece.leaps / moves, 100.0 * piece.repeats / moves, piece.leaps_recovered,
                piece.leaps);
    std::printf("%s; %s\n", in_scale ? "every note is in the scale" : "NOTES OUTSIDE THE SCALE",
                all_tonic ? "every phrase ends on the tonic" : "A PHRASE ENDS ELSEWHERE");

    std::filesystem::create_directories(out);
    const auto midi_path = std::filesystem::path(out) / "composition.mid";
    const auto png_path = std::filesystem::path(out) / "composition.png";
    bachprop::music::write_midi(midi_path, piece.score);
    music::write_piano_roll_png(png_path, piece.score,
                                {.pixels_per_quarter = 10, .pixels_per_semitone = 4,
                                 .title = piece.score.title});
    std::printf("\nwrote %s (%.1f seconds) and %s\n", midi_path.string().c_str(),
                piece.score.seconds(), png_path.string().c_str());
    if (wav) {
      std::string why;
      const auto wav_path = std::filesystem::path(out) / "composition.wav";
      if (examples::render_wav(midi_path, wav_path, why)) {
        std::printf("wrote %s\n", wav_path.string().c_str());
      } else {
        std::printf("no WAV: %s\n", why.c_str());
      }
    }
    std::cout << "Listen: scripts/render_wav.sh " << midi_path.string() << "\n";
    examples::write_summary(
        summary_path, {{"key", music::key_name(settings.key)},
                       {"seed", seed},
                       {"melody_notes", melody.notes.size()},
                       {"steps", piece.steps},
                       {"thirds", piece.thirds},
                       {"leaps", piece.leaps},
                       {"repeats", piece.repeats},
                       {"leaps_recovered", piece.leaps_recovered},
                       {"every_phrase_ends_on_tonic", all_tonic},
                       {"every_note_in_scale", in_scale},
                       {"seconds", piece.score.seconds()},
                       {"midi", midi_path.string()},
                       {"png", png_path.string()}});
    return 0;
  });
}
