// algorithmic_composition: music from rules and randomness, no learning. A scale, weighted
// intervals that favour steps and consonant leaps, rhythm patterns chosen bar by bar, phrases
// that end on the tonic, and a harmony of primary chords; written as MIDI and a piano roll.
//
// The lesson comes first; the command line is at the end, and report.hpp prints and writes the
// files. The rules themselves are in composer.hpp (the tests check them for many keys and seeds).

#include "composer.hpp"
#include "report.hpp"

namespace {

namespace music = bachprop::music;
using algorithmic_composition::Options;
using algorithmic_composition::Report;

int lesson(const Options& o, Report& report) {
  // The rules: the scale of the key, a weight for every melodic interval, one-bar rhythms.
  composition::Settings settings = o.settings;
  settings.key = examples::parse_key_option("key", o.key_text);

  // Composing: bar by bar a rhythm pattern, then note by note a scale degree drawn with the
  // weight of the interval to it (a leap is answered by a step back; a phrase ends on the
  // tonic, from the degree above or below); then a chord per half bar that holds the melody
  // note, and its root in the bass. Every choice is a weighted coin: same seed, same piece.
  const composition::Piece piece = composition::compose(settings, o.seed);
  report.rules(settings.key);

  // Checking what the rules promise: every note in the scale, every phrase ending on the tonic.
  bool in_scale = true;
  for (const auto& n : piece.score.parts[0].notes) {
    in_scale = in_scale && music::in_scale(n.pitch, settings.key);
  }
  bool all_tonic = true;
  for (const int d : piece.phrase_end_degrees) {
    all_tonic = all_tonic && ((d % 7) + 7) % 7 == 0;
  }
  report.piece(piece, settings, in_scale, all_tonic);
  report.files(piece.score);
  return report.finish();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  examples::CommandLine cli(
      "algorithmic_composition",
      "Composes a melody with chords and bass from rules and weighted random choices: a scale, "
      "intervals favouring steps and consonant leaps, rhythm patterns, phrases ending on the "
      "tonic. Writes MIDI, MusicXML, a piano-roll PNG and WAV where FluidSynth is installed.");
  cli.standard(o.seed, o.summary_path)
      .option("key", o.key_text, "NAME", "key of the piece, such as 'D major' or 'A minor'")
      .option("phrases", o.settings.phrases, "N", "number of phrases")
      .option("bars", o.settings.bars_per_phrase, "N", "bars (4/4) per phrase")
      .option("tempo", o.settings.tempo_bpm, "BPM", "quarter notes per minute");
  o.output.declare(cli, "composition.mid, .musicxml, .png and .wav");
  return examples::run_lesson<Report>(cli, argc, argv, o, lesson);
}
