#pragma once
// bach_harmonise's setting up: the command line and its checks, the melody to harmonise (a note
// string, a MIDI file or a test chorale's soprano), the chorales, and the harmonisers behind one
// type, with their model files (--model, --save).

#include "common/bach.hpp"
#include "common/cli.hpp"
#include "common/music_files.hpp"

#include <bachprop/music/evaluate.hpp>
#include <bachprop/music/models/harmony_lstm.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>
#include <bachprop/music/models/minibach.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bach_harmonise {

using namespace bachprop;
using namespace bachprop::music;

// "Ode to Joy", the tune the lecture's DeepBach demo reharmonises.
constexpr const char* ode_to_joy =
    "E4 E4 F4 G4 G4 F4 E4 D4 C4 C4 D4 E4 E4/4. D4/8 D4/2 "
    "E4 E4 F4 G4 G4 F4 E4 D4 C4 C4 D4 E4 D4/4. C4/8 C4/2";

/// What the command line sets (command_line() declares the options; these are their defaults).
struct Options {
  std::uint64_t seed = 1;
  std::string summary_path;
  examples::DataOptions data;
  bool quick = false;
  examples::OutputOptions output;
  std::string name = "harmonised";
  std::string save_path;
  std::string model_path;
  examples::MelodySource melody;
  std::string use = "lstm";
  int program = 52;
  double tempo = 72;
  MiniBachSettings minibach;
  HarmonyRnnSettings rnn;
  HarmonyLstmSettings lstm;
  Index epochs = 0;
  int margin = 2;
  bool no_smoothing = false;
  bool no_rules = false;
  std::string fixed_bass;  // --fix-bass: a note string or a .mid/.abc file
  long keep_bars = 0;      // --keep-bars: Bach's lower voices kept in the first N bars

  /// The test chorale whose soprano is harmonised: --chorale, 0 when no melody is given, -1 for
  /// a melody of the user's.
  long chorale_index() const { return melody.none() ? 0 : melody.chorale; }
  /// The melody of --melody ("ode": Ode to Joy).
  std::string notes() const { return melody.text == "ode" ? ode_to_joy : melody.text; }
  /// Decode with a change penalty tuned on the validation chorales.
  bool smoothing() const { return !no_smoothing; }
  /// Decode the RNN's three voices together with rule penalties tuned on the validation
  /// chorales (not with --no-smoothing, whose rows show the network's own choices).
  bool rules() const { return !no_rules && smoothing() && !rnn.previous_chord; }
  /// Notes are fixed (--fix-bass, --keep-bars).
  bool fixes_notes() const { return !fixed_bass.empty() || keep_bars > 0; }

  /// MiniBach as the options set it (--seed, --epochs; --quick: tiny, 2 epochs).
  MiniBachSettings minibach_settings() const {
    MiniBachSettings s = minibach;
    settle(s.training);
    if (quick) {
      s.hidden = std::min<Index>(s.hidden, 32);
    }
    return s;
  }
  /// The look-ahead RNN as the options set it.
  HarmonyRnnSettings rnn_settings() const {
    HarmonyRnnSettings s = rnn;
    settle(s.training);
    if (quick) {
      s.hidden = std::min<Index>(s.hidden, 32);
      s.lookahead = std::min<Index>(s.lookahead, 8);
    }
    return s;
  }

  /// The bidirectional LSTM as the options set it (--quick: 16 units, 32-step windows).
  HarmonyLstmSettings lstm_settings() const {
    HarmonyLstmSettings s = lstm;
    settle(s.training);
    if (quick) {
      s.hidden = std::min<Index>(s.hidden, 16);
      s.steps = std::min<Index>(s.steps, 32);
    }
    return s;
  }

  /// Settles the melody's source; throws ArgumentError for options that do not go together or
  /// values out of range.
  void check() {
    melody.settle();
    if (use != "lstm" && use != "rnn" && use != "minibach" && use != "baseline") {
      throw ArgumentError("--harmoniser must be lstm, rnn, minibach or baseline, got '" + use +
                          "'");
    }
    if (!save_path.empty() && use == "baseline") {
      throw ArgumentError(
          "--save: the baseline has nothing to save (use --harmoniser rnn or "
          "minibach)");
    }
    if (!save_path.empty() && !model_path.empty()) {
      throw ArgumentError("--save with --model: the loaded model is saved already");
    }
    if (program < 0 || program > 127) {
      throw ArgumentError("--program must be a General MIDI program 0..127");
    }
    if (!(tempo >= 10 && tempo <= 400)) {
      throw ArgumentError("--tempo must be 10..400 quarter notes a minute");
    }
    if (keep_bars < 0) {
      throw ArgumentError("--keep-bars must be a number of bars ≥ 0");
    }
    if (keep_bars > 0 && chorale_index() < 0) {
      throw ArgumentError("--keep-bars keeps Bach's own voices: it needs --chorale N");
    }
    if (fixes_notes() && use != "rnn" && use != "lstm") {
      throw ArgumentError(
          "--fix-bass and --keep-bars need --harmoniser lstm or rnn (the whole-piece "
          "decoding)");
    }
  }

 private:
  // The training options both networks share: --seed, --epochs, and --quick's 2 epochs.
  void settle(HarmonyTrainingOptions& training) const {
    training.seed = seed;
    if (epochs > 0) {
      training.epochs = epochs;
    }
    if (quick) {
      training.epochs = 2;
    }
  }
};

/// The command line, each option bound to a field of `o`.
inline examples::CommandLine command_line(Options& o) {
  examples::CommandLine cli(
      "bach_harmonise",
      "Harmonises a melody in the style of the Bach chorales. Trains MiniBach (feedforward: a "
      "4-bar soprano window in, alto, tenor and bass out), a recurrent harmoniser reading the "
      "soprano with look-ahead, a bidirectional LSTM reading the whole melody, and an interval "
      "baseline on the JSB chorales, with the counterpoint rules priced into the decoding; "
      "scores them on the "
      "test chorales against Bach; then harmonises a melody (--melody \"E4 E4 F4 G4\", a MIDI "
      "or ABC file, or --chorale N: a test chorale's soprano) into a four-track MIDI file, "
      "MusicXML, a piano-roll PNG and WAV where FluidSynth is installed. --save FILE keeps the "
      "model; --model FILE harmonises with it without training.");
  cli.standard(o.seed, o.summary_path);
  o.data.declare(cli, "folder holding jsb-chorales/ (default: see README)");
  cli.quick(o.quick, "tiny models, few chorales, 2 epochs");
  o.output.declare(cli, "the MIDI, MusicXML, PNG and WAV files");
  cli.option("name", o.name, "NAME", "file name of the harmonisation, without extension")
      .option("save", o.save_path, "FILE", "save the harmonising model as JSON")
      .option("model", o.model_path, "FILE", "harmonise with a saved model (no training)");
  o.melody.declare(cli, "melody", "the melody: the soprano of JSB test chorale N (the default: 0)");
  cli.option("harmoniser", o.use, "NAME",
             "the trained model that harmonises and is saved: lstm (the bidirectional LSTM), "
             "rnn, minibach or baseline")
      .option("program", o.program, "N", "General MIDI program of the voices (52 choir, 19 organ)")
      .option("tempo", o.tempo, "BPM", "quarter notes per minute")
      .option("epochs", o.epochs, "N", "training epochs of both networks (0: their defaults)")
      .option("window", o.minibach.window, "STEPS", "MiniBach's window in 16ths")
      .option("minibach-hop", o.minibach.hop, "STEPS",
              "harmonise with MiniBach windows this far apart (0: side by side)")
      .option("minibach-hidden", o.minibach.hidden, "N", "MiniBach's hidden ReLU units")
      .option("rnn-hidden", o.rnn.hidden, "N", "the RNN's recurrent units")
      .option("lstm-hidden", o.lstm.hidden, "N",
              "the bidirectional LSTM's units in each direction of each layer")
      .option("lookahead", o.rnn.lookahead, "STEPS", "soprano steps the RNN reads ahead")
      .flag("previous-chord", o.rnn.previous_chord,
            "the RNN also reads the chord it chose one step before")
      .option("rnn-learning-rate", o.rnn.training.learning_rate, "ETA", "the RNN's Adam rate")
      .option("rnn-decay", o.rnn.training.learning_rate_decay, "F",
              "the RNN's rate is multiplied by F after every epoch")
      .option("minibach-learning-rate", o.minibach.training.learning_rate, "ETA",
              "MiniBach's Adam rate")
      .option("minibach-decay", o.minibach.training.learning_rate_decay, "F",
              "MiniBach's rate is multiplied by F after every epoch")
      .option("margin", o.margin, "SEMITONES", "widen each voice's range beyond Bach's by this")
      .flag("no-smoothing", o.no_smoothing,
            "decode every step's most probable note (no change penalty tuned on validation)")
      .flag("no-rules", o.no_rules,
            "decode the RNN's voices one by one (no rule penalties tuned on validation)")
      .option("fix-bass", o.fixed_bass, "NOTES",
              "keep this bass line from the first step: a note string, or a .mid or .abc "
              "file's top line")
      .option("keep-bars", o.keep_bars, "N",
              "with --chorale: keep Bach's alto, tenor and bass in the first N bars");
  return cli;
}

/// The melody to harmonise: as given, as a soprano line of 16ths, and in words.
struct Tune {
  Melody melody;
  std::vector<int> soprano_line;
  std::string described;
  TimeSignature meter;                 // a MIDI or ABC melody's (else 4/4)
  double pickup = 0;                   // an ABC melody's upbeat, in quarter notes
  std::vector<double> fermata_starts;  // and its fermatas
  std::vector<int> fixed_bass;         // --fix-bass, a value per 16th (empty: none)
};

/// The bass line of --fix-bass, a value per 16th: a note string, an ABC file's first voice, or a
/// MIDI file's lowest part with notes (the bass of a four-part file).
inline std::vector<int> read_fixed_bass(const std::string& given) {
  examples::MelodySource source;
  source.positional = given;
  source.settle();  // a note string, or a MIDI or ABC file by its extension
  if (!source.midi_path.empty()) {
    const Score score = read_midi(source.midi_path);
    const auto parts = std::count_if(score.parts.begin(), score.parts.end(),
                                     [](const Part& p) { return !p.notes.empty(); });
    source.track = static_cast<int>(std::max<std::ptrdiff_t>(0, parts - 1));
  }
  return melody_steps(examples::read_user_melody(source, "fix-bass").melody);
}

/// The melody of --melody, a MIDI or an ABC file (none for --chorale): read before anything is
/// trained, so that a mistake in it costs no training. Throws ArgumentError for a melody without
/// notes.
inline Tune read_tune(const Options& o) {
  Tune tune;
  if (!o.melody.text.empty()) {
    const std::string text = o.notes();
    tune.melody = examples::melody_from_text(text, "melody");
    tune.described = text == ode_to_joy ? std::string("Ode to Joy") : "the notes \"" + text + "\"";
  } else if (o.chorale_index() < 0) {
    examples::UserMelody user = examples::read_user_melody(o.melody, "melody");
    tune.melody = std::move(user.melody);
    tune.described = std::move(user.described);
    tune.meter = user.time_signature;
    tune.pickup = user.pickup;
    tune.fermata_starts = std::move(user.fermata_starts);
  }
  if (!o.fixed_bass.empty()) {
    tune.fixed_bass = read_fixed_bass(o.fixed_bass);
  }
  if (o.chorale_index() < 0) {
    tune.soprano_line = melody_steps(tune.melody);
    if (std::none_of(tune.soprano_line.begin(), tune.soprano_line.end(),
                     [](int p) { return p != silent_voice; })) {
      throw ArgumentError("the melody has no notes");
    }
  }
  return tune;
}

/// Test chorale --chorale's soprano as the tune, with Bach's own harmonisation of it.
inline Tune chorale_tune(const FourVoiceGrid& bach, long chorale) {
  Tune tune;
  tune.soprano_line = bach.voices[soprano];
  tune.melody = join_grid(tune.soprano_line, bach.steps_per_quarter);
  tune.described = "test chorale " + std::to_string(chorale);
  return tune;
}

/// The chorales, four voices per 16th, by split.
struct Chorales {
  std::vector<FourVoiceGrid> train;
  std::vector<FourVoiceGrid> valid;
  std::vector<FourVoiceGrid> test;
};

/// The chorales where they are needed (to train, and for --chorale): looked for first, so that
/// a missing data set is reported before anything else. Throws ArgumentError for a --chorale
/// beyond the test chorales.
inline std::optional<Chorales> load_chorales(const Options& o) {
  const long chorale = o.chorale_index();
  if (!o.model_path.empty() && chorale < 0) {
    return std::nullopt;
  }
  const auto folder = o.data.locate(examples::jsb_source());
  const JsbCorpus corpus = load_jsb_chorales(folder / "Jsb16thSeparated.json");
  Chorales c{grids_of(corpus, "train"), grids_of(corpus, "valid"), grids_of(corpus, "test")};
  std::printf(
      "JSB chorales data found in %s: %zu / %zu / %zu chorales (train / valid / "
      "test), four voices per 16th\n",
      folder.string().c_str(), c.train.size(), c.valid.size(), c.test.size());
  if (chorale >= 0 && static_cast<std::size_t>(chorale) >= c.test.size()) {
    throw ArgumentError("--chorale must be below " + std::to_string(c.test.size()));
  }
  return c;
}

/// With --quick, the first 30 training, 8 validation and 8 test chorales; else all of them.
inline Chorales for_training(const Chorales& all, bool quick) {
  Chorales c = all;
  if (quick) {
    c.train.resize(std::min<std::size_t>(c.train.size(), 30));
    c.valid.resize(std::min<std::size_t>(c.valid.size(), 8));
    c.test.resize(std::min<std::size_t>(c.test.size(), 8));
  }
  return c;
}

/// One of the harmonisers, behind one type.
using AnyHarmoniser = std::variant<IntervalBaseline, MiniBach, HarmonyRnn, HarmonyLstm>;

inline std::string harmoniser_name(const AnyHarmoniser& h) {
  switch (h.index()) {
    case 0:
      return "interval baseline";
    case 1:
      return "MiniBach";
    case 2:
      return "look-ahead RNN";
    default:
      return "bidirectional LSTM";
  }
}

/// The notes --fix-bass and --keep-bars fix, for a melody of `steps` steps (`bach`: the
/// chorale's own voices, for --keep-bars). Throws ArgumentError for a bass longer than the
/// melody or bars beyond it.
inline FixedNotes fixed_notes(const Options& o, const Tune& tune, Index steps,
                              const std::optional<FourVoiceGrid>& bach) {
  FixedNotes fixed = FixedNotes::none(steps);
  if (o.keep_bars > 0 && bach) {
    const Index bar_steps = 4 * bach->steps_per_quarter;  // the JSB grids: 4/4
    if (o.keep_bars * bar_steps > steps) {
      throw ArgumentError("--keep-bars " + std::to_string(o.keep_bars) + ": the melody has " +
                          std::to_string(steps / bar_steps) + " whole bars");
    }
    fixed = FixedNotes::from_grid(*bach, 0, o.keep_bars * bar_steps);
  }
  if (!tune.fixed_bass.empty()) {
    const std::vector<int>& bass_line = tune.fixed_bass;
    if (static_cast<Index>(bass_line.size()) > steps) {
      throw ArgumentError("--fix-bass: the bass has " + std::to_string(bass_line.size()) +
                          " steps of a 16th, the melody " + std::to_string(steps));
    }
    fixed.fix_line(bass, bass_line);
  }
  return fixed;
}

/// Harmonises a soprano line, first moving it by whole octaves into the model's soprano range
/// when it lies outside (the lower voices, and `fixed`, are moved with it; `octave_shift`
/// receives the shift). With fixed notes, only the LSTM or the RNN (the whole-piece decoding).
inline FourVoiceGrid harmonise(AnyHarmoniser& h, const std::vector<int>& soprano_line,
                               int& octave_shift, const FixedNotes* fixed = nullptr) {
  return std::visit(
      [&](auto& model) {
        if (fixed == nullptr) {
          return harmonise_in_range(model, soprano_line, &octave_shift);
        }
        if constexpr (requires { model.harmonise(soprano_line, *fixed); }) {
          octave_shift = octave_shift_into(soprano_line, model.encoding().voice(soprano));
          FixedNotes moved = *fixed;
          for (auto& line : moved.voices) {
            for (int& p : line) {
              p = p == free_note || p == silent_voice ? p : p + octave_shift;
            }
          }
          const FourVoiceGrid grid = model.harmonise(shifted(soprano_line, octave_shift), moved);
          return octave_shift == 0 ? grid : transposed(grid, -octave_shift);
        } else {
          throw ArgumentError(
              "--fix-bass and --keep-bars need the bidirectional LSTM or the look-ahead RNN, "
              "not the " +
              harmoniser_name(h));
          return FourVoiceGrid{};
        }
      },
      h);
}

/// The harmony model saved in `path` by --save: MiniBach or the look-ahead RNN, by the kind its
/// metadata names. Throws FormatError for any other file.
inline AnyHarmoniser load_harmoniser(const std::string& path) {
  const nlohmann::json document = parse_model_text(read_file(path), path);
  const std::string kind = document.contains("metadata") && document["metadata"].is_object()
                               ? document["metadata"].value("model", std::string())
                               : std::string();
  if (kind == "minibach") {
    return MiniBach::from_json(document, path);
  }
  if (kind == "harmony_rnn") {
    return HarmonyRnn::from_json(document, path);
  }
  if (kind == "harmony_lstm") {
    return HarmonyLstm::from_json(document, path);
  }
  throw FormatError(path +
                    ": not a harmony model saved by bach_harmonise "
                    "(metadata.model should be minibach, harmony_rnn or harmony_lstm, is '" +
                    kind + "')");
}

/// Saves the trained harmoniser to --save FILE, with the seed and its mean test accuracy
/// (Options::check() has refused the baseline, which has nothing to save).
inline void save_harmoniser(const AnyHarmoniser& h, const Options& o, double test_accuracy) {
  const nlohmann::json extra = {
      {"trained_by", "bach_harmonise"}, {"seed", o.seed}, {"test_mean_accuracy", test_accuracy}};
  const std::filesystem::path file(o.save_path);
  if (file.has_parent_path()) {
    std::filesystem::create_directories(file.parent_path());
  }
  std::visit(
      [&](const auto& model) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(model)>, IntervalBaseline>) {
          model.save(file, extra);
        }
      },
      h);
  std::printf("Saved the %s to %s\n", harmoniser_name(h).c_str(), o.save_path.c_str());
}

}  // namespace bach_harmonise
