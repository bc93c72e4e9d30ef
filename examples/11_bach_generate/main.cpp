// bach_generate: continue a melody in the style of Bach's chorales with a trained melody RNN.
// The primer is a note string ("C4 D4 E4/8 F4/8 G4/2"), a MIDI file, or a held-out chorale; the
// output is a MIDI file with the primer and the continuation on separate tracks, a piano-roll
// PNG, and a WAV where FluidSynth is installed. Without --model it uses the small model that
// ships with the project, so it needs neither the data sets nor a network. With --stats N it
// generates N continuations of held-out chorales and compares their statistics with Bach's own.

#include "common/audio.hpp"
#include "common/bach.hpp"
#include "common/cli.hpp"

#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/models/melody_continuation.hpp>
#include <bachprop/music/draw/piano_roll_image.hpp>
#include <bachprop/music/evaluate/style_statistics.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace {

using namespace bachprop;
using namespace bachprop::music;

// The model that ships with the project (made by the command in models/README.md).
std::filesystem::path shipped_model() {
  return std::filesystem::path(BACHPROP_SOURCE_DIR_FOR_DATA) / "models" / "bach_melody_rnn.json";
}

NoteSequence primer_from_text(const std::string& text) {
  Melody melody;
  for (const auto& event : parse_notes(text)) {
    if (event.pitches.size() > 1) {
      throw ArgumentError("--notes: a melody has one note at a time; the chord at character " +
                          std::to_string(event.position) + " has " +
                          std::to_string(event.pitches.size()));
    }
    melody.push_back({event.is_rest() ? rest_pitch : event.pitches.front(), event.quarter_length});
  }
  return notes_of(melody);
}

NoteSequence primer_from_midi(const std::string& path, int track) {
  const Score score = read_midi(path);
  std::vector<const Part*> candidates;
  for (const auto& part : score.parts) {
    if (!part.notes.empty()) {
      candidates.push_back(&part);
    }
  }
  if (candidates.empty()) {
    throw FormatError(path + ": the file has no notes");
  }
  if (track >= static_cast<int>(candidates.size())) {
    throw ArgumentError("--track " + std::to_string(track) + ": " + path + " has " +
                        std::to_string(candidates.size()) + " parts with notes (0.." +
                        std::to_string(candidates.size() - 1) + ")");
  }
  // The top line of the chosen part (where notes start together, the highest).
  return notes_of(melody_from_part(*candidates[static_cast<std::size_t>(std::max(track, 0))]));
}

// The octave shift that brings every pitch of `notes` into the model's range (0 if none
// needed); throws when no shift by whole octaves fits.
int octave_shift_into(const NoteSequence& notes, const MelodyVocabulary& vocabulary) {
  const auto [low, high] = std::minmax_element(notes.pitches.begin(), notes.pitches.end());
  for (int shift : {0, 12, -12, 24, -24, 36, -36}) {
    if (vocabulary.has_pitch(*low + shift) && vocabulary.has_pitch(*high + shift)) {
      return shift;
    }
  }
  throw ArgumentError("the primer spans " + pitch_name(*low) + ".." + pitch_name(*high) +
                      ", wider than the model's range " + pitch_name(vocabulary.lowest_pitch) +
                      ".." + pitch_name(vocabulary.highest_pitch));
}

void print_statistics_row(const char* name, const StyleStatistics& s, const StyleStatistics& bach) {
  std::printf("  %-24s %10.3f %10.3f %9.1f%% %8zu %9.1f %9.2f\n", name,
              histogram_distance(s.pitch_classes, bach.pitch_classes),
              histogram_distance(s.intervals, bach.intervals), 100 * s.in_key, s.longest_repeat,
              s.mean_range, s.mean_abs_interval);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 1;
  std::string summary_path;
  std::string model_path;
  std::string notes_text;
  std::string midi_path;
  int track = 0;
  long chorale = -1;
  std::string data;
  bool download = false;
  std::size_t length = 32;
  double temperature = 0.8;
  std::size_t top_k = 0;
  double top_p = 1.0;
  bool free_key = false;
  std::string key_text;
  std::size_t max_repeats = 3;
  int lowest = 0;
  int highest = 127;
  std::string out_dir = ".";
  std::string name = "bach_generated";
  std::size_t stats = 0;
  examples::CommandLine cli(
      "bach_generate",
      "Continues a melody in the style of the Bach chorales with a trained melody RNN. Primer: "
      "--notes \"C4 D4 E4/8 F4/8 G4/2\" (pitch names, /N note values, R for a rest), --midi "
      "FILE, or --chorale N (a held-out JSB chorale). Writes MIDI (primer and continuation on "
      "separate tracks), a piano-roll PNG, and WAV where FluidSynth is installed. --stats N "
      "compares N continuations of held-out chorales with Bach's own.");
  cli.standard(seed, summary_path)
      .option("model", model_path, "FILE",
              "a model saved by bach_melody (default: the shipped one)")
      .option("notes", notes_text, "TEXT", "primer as a note string")
      .option("midi", midi_path, "FILE", "primer from a MIDI file (its top line)")
      .option("track", track, "N", "with --midi: which part with notes to use")
      .option("chorale", chorale, "N", "primer: the opening of JSB test chorale N (needs the data)")
      .option("data", data, "DIR", "folder holding jsb-chorales/ (for --chorale and --stats)")
      .flag("download", download, "download the chorales if no copy is found (checksummed)")
      .option("length", length, "N", "notes to add")
      .option("temperature", temperature, "T", "sampling temperature (0: always the likeliest)")
      .option("top-k", top_k, "K", "sample among the K likeliest pitches only (0: all)")
      .option("top-p", top_p, "P", "nucleus sampling: the likeliest pitches covering P (1: all)")
      .flag("free-key", free_key, "do not keep to the key of the primer")
      .option("key", key_text, "NAME",
              "keep to this key (\"C major\", \"F# minor\") rather than the one the primer's "
              "notes suggest")
      .option("max-repeats", max_repeats, "N", "at most N equal pitches in a row (0: no limit)")
      .option("lowest", lowest, "MIDI", "lowest pitch allowed")
      .option("highest", highest, "MIDI", "highest pitch allowed")
      .option("out", out_dir, "DIR", "folder for the files")
      .option("name", name, "NAME", "file name without extension")
      .option("stats", stats, "N", "compare N continuations of held-out chorales with Bach's");
  if (!cli.parse(argc, argv)) {
    return cli.exit_code();
  }
  return examples::run_reporting_errors(cli.program(), [&] {
    const std::filesystem::path model_file =
        model_path.empty() ? shipped_model() : std::filesystem::path(model_path);
    MelodyRnn model = MelodyRnn::load(model_file);
    const MelodyVocabulary& vocabulary = model.vocabulary();

    ContinuationSettings settings;
    settings.notes = length;
    settings.seed = seed;
    settings.pitch_sampling = {temperature, top_k, top_p};
    settings.duration_sampling = {temperature, 0, 1.0};
    settings.stay_in_primer_key = !free_key;
    std::optional<Key> given_key;
    if (!key_text.empty()) {
      if (free_key || stats > 0) {
        throw ArgumentError(free_key ? "--key and --free-key contradict each other"
                                     : "--stats keeps each chorale's own key: drop --key");
      }
      given_key = parse_key(key_text);
      settings.stay_in_primer_key = false;
      settings.constraints.key = given_key;
    }
    settings.constraints.max_repeats = max_repeats;
    settings.constraints.lowest_pitch = lowest;
    settings.constraints.highest_pitch = highest;

    const int sources = (notes_text.empty() ? 0 : 1) + (midi_path.empty() ? 0 : 1) +
                        (chorale >= 0 ? 1 : 0);
    if (sources > 1) {
      throw ArgumentError("give one primer: --notes, --midi or --chorale");
    }
    std::optional<examples::JsbMelodies> jsb;
    auto load_jsb = [&]() -> const examples::JsbMelodies& {
      if (!jsb) {
        jsb = examples::load_jsb_melodies(examples::locate_or_download(
            examples::jsb_source(), {data, download, examples::interactive_session()}));
      }
      return *jsb;
    };

    if (stats > 0) {
      // Continuations of held-out chorales (test, then validation) against Bach's own.
      const auto& held = load_jsb();
      std::vector<NoteSequence> pool = held.test;
      pool.insert(pool.end(), held.valid.begin(), held.valid.end());
      std::vector<NoteSequence> generated;
      std::vector<NoteSequence> bach;
      std::vector<Key> keys;
      const std::size_t primer_length = 8;
      for (std::size_t i = 0; generated.size() < stats; ++i) {
        const NoteSequence& melody = pool[i % pool.size()];
        if (melody.size() < primer_length + 8) {
          continue;
        }
        const std::size_t rest = std::min(length, melody.size() - primer_length);
        NoteSequence primer{{melody.pitches.begin(), melody.pitches.begin() + primer_length},
                            {melody.durations.begin(), melody.durations.begin() + primer_length}};
        ContinuationSettings one = settings;
        one.notes = rest;
        one.seed = seed + i;
        generated.push_back(continue_melody(model, primer, one));
        bach.push_back({{melody.pitches.begin() + primer_length,
                         melody.pitches.begin() + static_cast<long>(primer_length + rest)},
                        {melody.durations.begin() + primer_length,
                         melody.durations.begin() + static_cast<long>(primer_length + rest)}});
        keys.push_back(melody_key(melody));
      }
      const StyleStatistics ours = style_statistics(generated, keys);
      const StyleStatistics theirs = style_statistics(bach, keys);
      // A reference point: Bach's continuations against the training chorales.
      const StyleStatistics training = style_statistics(load_jsb().train);
      std::printf("%zu continuations of held-out chorales (8 notes of Bach, then up to %zu "
                  "notes; temperature %.2f) against Bach's own continuations:\n",
                  generated.size(), length, temperature);
      std::printf("  %-24s %10s %10s %10s %8s %9s %9s\n", "", "pc dist", "int dist", "in key",
                  "repeat", "range", "|step|");
      print_statistics_row("generated", ours, theirs);
      print_statistics_row("Bach (held out)", theirs, theirs);
      print_statistics_row("Bach (training set)", training, theirs);
      std::printf("  pc / int dist: total-variation distance of the pitch-class (relative to the "
                  "key) and interval histograms from Bach's held-out continuations (0 = same)\n");
      examples::write_summary(
          summary_path,
          {{"program", "bach_generate"},
           {"stats",
            {{"continuations", generated.size()},
             {"pitch_class_distance", histogram_distance(ours.pitch_classes, theirs.pitch_classes)},
             {"interval_distance", histogram_distance(ours.intervals, theirs.intervals)},
             {"training_pitch_class_distance",
              histogram_distance(training.pitch_classes, theirs.pitch_classes)},
             {"training_interval_distance",
              histogram_distance(training.intervals, theirs.intervals)},
             {"in_key", ours.in_key},
             {"bach_in_key", theirs.in_key},
             {"longest_repeat", ours.longest_repeat},
             {"bach_longest_repeat", theirs.longest_repeat},
             {"mean_range", ours.mean_range},
             {"bach_mean_range", theirs.mean_range}}}});
      return 0;
    }

    NoteSequence primer;
    std::string described;
    if (!notes_text.empty()) {
      primer = primer_from_text(notes_text);
      described = "the notes \"" + notes_text + "\"";
    } else if (!midi_path.empty()) {
      primer = primer_from_midi(midi_path, track);
      described = midi_path;
    } else {
      const auto index = static_cast<std::size_t>(std::max<long>(chorale, 0));
      const auto& held = load_jsb();
      if (index >= held.test.size()) {
        throw ArgumentError("--chorale must be below " + std::to_string(held.test.size()));
      }
      const NoteSequence& melody = held.test[index];
      const std::size_t heard = std::min<std::size_t>(16, melody.size());
      primer = {{melody.pitches.begin(), melody.pitches.begin() + static_cast<long>(heard)},
                {melody.durations.begin(), melody.durations.begin() + static_cast<long>(heard)}};
      described = "the opening of JSB test chorale " + std::to_string(index);
    }
    if (primer.empty()) {
      throw ArgumentError("the primer has no notes");
    }
    const int shift = octave_shift_into(primer, vocabulary);
    const NoteSequence heard = transposed(primer, shift);
    NoteSequence continuation = transposed(continue_melody(model, heard, settings), -shift);
    const Key key = given_key ? *given_key : melody_key(primer);

    Score score;
    score.title = "bach_generate: " + described;
    score.tempo_bpm = 80;
    score.key_signature = signature_of(key);
    score.parts.push_back(melody_to_part(melody_of(primer), "Primer", 52, 0));
    score.parts.push_back(melody_to_part(melody_of(continuation), "Continuation", 52, 1,
                                         melody_length(melody_of(primer))));
    std::filesystem::create_directories(out_dir);
    const std::filesystem::path out(out_dir);
    const auto midi_file = out / (name + ".mid");
    const auto png_file = out / (name + ".png");
    const auto wav_file = out / (name + ".wav");
    write_midi(midi_file, score);
    PianoRollImageOptions picture;
    picture.title = score.title;
    write_piano_roll_png(png_file, score, picture);
    std::string why;
    const bool wav = examples::render_wav(midi_file, wav_file, why);

    std::printf("Model %s\nPrimer: %s (%zu notes, key %s)%s\nContinuation (%zu notes, seed %llu, "
                "temperature %.2f%s):\n  ",
                model_file.string().c_str(), described.c_str(), primer.size(),
                key_name(key).c_str(),
                shift == 0 ? "" : (", heard " + std::to_string(shift) + " semitones away").c_str(),
                continuation.size(), static_cast<unsigned long long>(seed), temperature,
                free_key    ? ", any key"
                : given_key ? (", in " + key_name(key)).c_str()
                            : ", in the primer's key");
    for (std::size_t i = 0; i < continuation.size(); ++i) {
      std::printf("%s ", pitch_name_in(continuation.pitches[i], key).c_str());
    }
    std::printf("\nWrote %s, %s%s\n", midi_file.string().c_str(), png_file.string().c_str(),
                wav ? (", " + wav_file.string()).c_str() : ("\n(no WAV: " + why + ")").c_str());
    examples::write_summary(summary_path,
                            {{"program", "bach_generate"},
                             {"model", model_file.string()},
                             {"primer", {{"source", described},
                                         {"pitches", primer.pitches},
                                         {"durations", primer.durations}}},
                             {"continuation", {{"pitches", continuation.pitches},
                                               {"durations", continuation.durations}}},
                             {"seed", seed},
                             {"outputs", {midi_file.string(), png_file.string()}},
                             {"wav", wav ? wav_file.string() : ""}});
    return 0;
  });
}
