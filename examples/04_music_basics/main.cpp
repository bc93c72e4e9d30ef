// music_basics: the first music lesson. Pitches (names, MIDI numbers, frequencies), durations in
// quarter notes and MIDI ticks, chords, a stream built note after note, a MIDI file written,
// read back and checked, and a piano-roll picture of it.
//
// The lesson comes first; the command line is at the end, and report.hpp prints the tables and
// writes the picture, the WAV and the summary.

#include "report.hpp"

#include <bachprop/music/score/melody.hpp>
#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/score/stream.hpp>
#include <bachprop/music/theory/key.hpp>

#include <vector>

namespace {

namespace music = bachprop::music;
using music_basics::Options;
using music_basics::Report;

int lesson(const Options& o, Report& report) {
  // 1-3. A pitch is a MIDI number with a name and a frequency (A4 = 440 Hz, each semitone a
  // factor 2^(1/12)); a duration is a number of quarter notes, ticks only in a file; a chord is
  // notes that sound together. Tables of examples, printed by report.hpp.
  report.pitches();
  report.durations(480);
  report.chords();

  // 4. A stream places events one after another: an eight-bar tune in G major over block
  // chords and a bass line, written in the note-string syntax of
  // bachprop/music/theory/pitch.hpp (a name or R, then /N for a 1/N note, a dot for dotted
  // values; no suffix = a quarter note).
  // doc:begin stream
  music::Stream melody("Melody", 0, 0);
  melody.append("G4 G4 A4 B4 | C5 B4 A4/2 | B4 B4 C5 D5 | B4/2 A4/2 | "
                "G4 A4 B4 G4 | E5 D5 C5 B4 | A4 B4 A4/8 G4/8 F#4 | G4/1");
  music::Stream chords("Chords", 48, 1);
  chords.append("G3.B3.D4/1 | G3.C4.E4/2 F#3.A3.D4/2 | G3.B3.D4/1 | G3.B3.D4/2 F#3.A3.D4/2 | "
                "G3.B3.D4/2 G3.B3.E4/2 | G3.C4.E4/2 G3.B3.D4/2 | F#3.A3.D4/2 F#3.A3.C4/2 | "
                "G3.B3.D4/1");
  music::Stream bass("Bass", 32, 2);
  bass.append("G2/1 | C3/2 D3/2 | G2/1 | G2/2 D2/2 | G2/2 E2/2 | C3/2 G2/2 | D3/2 D2/2 | G2/1");
  // doc:end stream
  report.stream(melody, chords, bass);

  // The three streams become the parts of one score (tempo, 4/4, G major), moved by
  // --transpose semitones with its key signature.
  // doc:begin score
  music::Score score = melody.score(o.tempo, {4, 4}, {1, music::Mode::major});
  score.title = "Lesson tune in G major";
  score.parts.push_back(chords.part());
  score.parts.push_back(bass.part());
  // doc:end score
  if (o.transpose != 0) {
    score = music::transposed(score, o.transpose);
    const auto key = music::key_of(score.key_signature);
    score.key_signature =
        music::signature_of({music::pitch_class(key.tonic + o.transpose), key.mode});
  }
  // The key of the melody from its notes: the duration-weighted pitch classes against the 24
  // major and minor key profiles (Krumhansl-Schmuckler).
  std::vector<int> pitches;
  std::vector<double> durations;
  for (const auto& e : music::melody_from_part(score.parts[0])) {
    pitches.push_back(e.pitch);
    durations.push_back(e.duration);
  }
  report.key(music::estimate_key(music::pitch_class_histogram(pitches, durations)));

  // 5. The score written as a Standard MIDI File, read back and checked note for note.
  const auto midi_path = report.midi_heading();
  // doc:begin export
  bachprop::music::write_midi(midi_path, score);
  const music::Score back = bachprop::music::read_midi(midi_path);
  // doc:end export
  bool same = back.parts.size() == score.parts.size();
  for (std::size_t i = 0; same && i < back.parts.size(); ++i) {
    music::Part expected = score.parts[i];
    expected.sort();
    same = back.parts[i].notes == expected.notes && back.parts[i].name == expected.name &&
           back.parts[i].program == expected.program;
  }
  report.midi(midi_path, score, back, same);
  return report.finish(same);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  examples::CommandLine cli(
      "music_basics",
      "The first music lesson: pitch names, MIDI numbers and frequencies, durations, chords, a "
      "stream of notes built one after another, exported to MIDI, read back and drawn as a "
      "piano roll.");
  cli.standard(o.seed, o.summary_path)
      .option("tempo", o.tempo, "BPM", "quarter notes per minute of the MIDI file")
      .option("transpose", o.transpose, "N", "move the tune by N semitones");
  o.output.declare(cli, "lesson.mid, lesson.musicxml, lesson.png and lesson.wav");
  return examples::run_lesson<Report>(cli, argc, argv, o, lesson);
}
