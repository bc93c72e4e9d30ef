// music_basics: the first music lesson. Pitches (names, MIDI numbers, frequencies), durations in
// quarter notes and MIDI ticks, chords, a stream built note after note, a MIDI file written,
// read back and checked, and a piano-roll picture of it.

#include "common/audio.hpp"
#include "common/cli.hpp"

#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/encoding.hpp>
#include <bachprop/music/theory/key.hpp>
#include <bachprop/music/score/melody.hpp>
#include <bachprop/music/draw/piano_roll_image.hpp>
#include <bachprop/music/score/stream.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

namespace music = bachprop::music;

namespace {

void print_pitches(nlohmann::json& summary) {
  std::cout << "1. Pitches: name, MIDI number, frequency (A4 = 440 Hz, equal temperament)\n\n"
               "  name   MIDI  pitch class   frequency\n";
  for (const char* name : {"C4", "C#4", "Db4", "E4", "G4", "A4", "A5", "C5", "B#3", "Cb4", "A0",
                           "C8"}) {
    const int midi = music::parse_pitch(name);
    const double hz = music::frequency(midi);
    std::printf("  %-5s  %4d   %2d (%-2s)      %9.2f Hz\n", name, midi, music::pitch_class(midi),
                std::string(music::pitch_class_name(midi)).c_str(), hz);
    summary["frequencies"][name] = hz;
  }
  std::cout
      << "\n  An octave doubles the frequency (A4 440 Hz, A5 880 Hz); a semitone multiplies it\n"
         "  by 2^(1/12) = 1.0595. C#4 and Db4 are the same key; B#3 is C4 and Cb4 is B3.\n";
  const auto near = music::nearest_pitch(450.0);
  std::printf("  450 Hz is nearest to %s, %+.1f cents above it (100 cents = one semitone).\n\n",
              music::pitch_name(near.pitch).c_str(), near.cents);
  summary["450_hz"] = {{"pitch", music::pitch_name(near.pitch)}, {"cents", near.cents}};
}

void print_durations(int ticks_per_quarter) {
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

void print_chords() {
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

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 1;
  std::string summary_path;
  std::string out = "music_basics_out";
  double tempo = 96.0;
  int transpose = 0;
  bool wav = false;
  examples::CommandLine cli(
      "music_basics",
      "The first music lesson: pitch names, MIDI numbers and frequencies, durations, chords, a "
      "stream of notes built one after another, exported to MIDI, read back and drawn as a "
      "piano roll.");
  cli.standard(seed, summary_path)
      .option("out", out, "DIR", "folder for lesson.mid and lesson.png")
      .option("tempo", tempo, "BPM", "quarter notes per minute of the MIDI file")
      .option("transpose", transpose, "N", "move the tune by N semitones")
      .flag("wav", wav, "also render lesson.wav with FluidSynth (when installed)");
  if (!cli.parse(argc, argv)) {
    return cli.exit_code();
  }
  return examples::run_reporting_errors(cli.program(), [&] {
    (void)seed;  // nothing random here; --seed is accepted like in every example
    nlohmann::json summary;
    print_pitches(summary);
    print_durations(480);
    print_chords();

    std::cout << "4. A stream: events appended one after another\n\n";
    // An eight-bar tune in G major over block chords and a bass line, written in the
    // note-string syntax of bachprop/music/theory/pitch.hpp (a name or R, then /N for a 1/N note, a
    // dot for dotted values; no suffix = a quarter note).
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

    // doc:begin score
    music::Score score = melody.score(tempo, {4, 4}, {1, music::Mode::major});
    score.title = "Lesson tune in G major";
    score.parts.push_back(chords.part());
    score.parts.push_back(bass.part());
    // doc:end score
    if (transpose != 0) {
      score = music::transposed(score, transpose);
      const auto key = music::key_of(score.key_signature);
      score.key_signature = music::signature_of(
          {music::pitch_class(key.tonic + transpose), key.mode});
    }
    const auto line = music::melody_from_part(score.parts[0]);
    std::vector<double> durations;
    for (const auto& e : line) {
      durations.push_back(e.duration);
    }
    const auto pitches_with_rests = [&] {
      std::vector<int> p;
      for (const auto& e : line) {
        p.push_back(e.pitch);
      }
      return p;
    }();
    const auto estimate = music::estimate_key(
        music::pitch_class_histogram(pitches_with_rests, durations));
    std::printf("  estimated key of the melody: %s (correlation %.2f with its profile)\n\n",
                music::key_name(estimate.key).c_str(), estimate.correlation);

    std::cout << "5. MIDI export\n\n";
    std::filesystem::create_directories(out);
    const auto midi_path = std::filesystem::path(out) / "lesson.mid";
    // doc:begin export
    bachprop::music::write_midi(midi_path, score);
    const music::Score back = bachprop::music::read_midi(midi_path);
    // doc:end export
    const auto bytes = std::filesystem::file_size(midi_path);
    std::printf("  wrote %s: format 1, %zu tracks (a conductor track plus one per part), %ju "
                "bytes, %.1f seconds at %.0f bpm\n",
                midi_path.string().c_str(), score.parts.size() + 1,
                static_cast<std::uintmax_t>(bytes), score.seconds(), tempo);
    bool same = back.parts.size() == score.parts.size();
    for (std::size_t i = 0; same && i < back.parts.size(); ++i) {
      music::Part expected = score.parts[i];
      expected.sort();
      same = back.parts[i].notes == expected.notes && back.parts[i].name == expected.name &&
             back.parts[i].program == expected.program;
    }
    std::printf("  read back: %zu parts, %zu notes, tempo %.1f bpm, %d/%d, %s: %s\n",
                back.parts.size(), back.note_count(), back.tempo_bpm,
                back.time_signature.numerator, back.time_signature.denominator,
                music::key_name(music::key_of(back.key_signature)).c_str(),
                same ? "identical to what was written" : "DIFFERENT from what was written");
    const auto png_path = std::filesystem::path(out) / "lesson.png";
    music::write_piano_roll_png(png_path, score, {.pixels_per_quarter = 14,
                                                  .pixels_per_semitone = 5,
                                                  .title = "LESSON TUNE IN G MAJOR"});
    std::printf("  wrote %s (piano roll: melody, chords and bass in three colours)\n",
                png_path.string().c_str());
    if (wav) {
      std::string why;
      const auto wav_path = std::filesystem::path(out) / "lesson.wav";
      if (examples::render_wav(midi_path, wav_path, why)) {
        std::printf("  wrote %s\n", wav_path.string().c_str());
      } else {
        std::printf("  no WAV: %s\n", why.c_str());
      }
    }
    std::cout << "\n  Listen: scripts/render_wav.sh " << midi_path.string()
              << " (FluidSynth), or open it in any MIDI player.\n";
    summary["midi"] = midi_path.string();
    summary["png"] = png_path.string();
    summary["notes"] = score.note_count();
    summary["seconds"] = score.seconds();
    summary["read_back_identical"] = same;
    summary["estimated_key"] = music::key_name(estimate.key);
    examples::write_summary(summary_path, summary);
    return same ? 0 : 1;
  });
}
