// bach_harmonise: harmonise a melody in the style of Bach's chorales. Trains MiniBach (the
// lecture's feedforward harmoniser), a recurrent harmoniser that reads the soprano with
// look-ahead, and a simple baseline on the JSB chorales; scores all three on the test chorales
// (per-voice accuracy against Bach, and music checks with Bach's own chorales as the reference);
// then harmonises a melody — a note string, a MIDI file or the soprano of a test chorale — into
// a four-track MIDI file, a piano-roll PNG, and a WAV where FluidSynth is installed. A trained
// model saved with --save harmonises later without retraining (--model).

#include "common/audio.hpp"
#include "common/bach.hpp"
#include "common/cli.hpp"

#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/draw/png.hpp>
#include <bachprop/music/evaluate.hpp>
#include <bachprop/music/models/minibach.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>
#include <bachprop/music/draw/piano_roll_image.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace {

using namespace bachprop;
using namespace bachprop::music;

// "Ode to Joy", the tune the lecture's DeepBach demo reharmonises.
constexpr const char* ode_to_joy =
    "E4 E4 F4 G4 G4 F4 E4 D4 C4 C4 D4 E4 E4/4. D4/8 D4/2 "
    "E4 E4 F4 G4 G4 F4 E4 D4 C4 C4 D4 E4 D4/4. C4/8 C4/2";

Melody melody_from_text(const std::string& text) {
  Melody melody;
  for (const auto& event : parse_notes(text)) {
    if (event.pitches.size() > 1) {
      throw ArgumentError("--notes: a melody has one note at a time; the chord at character " +
                          std::to_string(event.position) + " has " +
                          std::to_string(event.pitches.size()));
    }
    melody.push_back({event.is_rest() ? rest_pitch : event.pitches.front(), event.quarter_length});
  }
  return melody;
}

Melody melody_from_midi(const std::string& path, int track) {
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
  if (track < 0 || track >= static_cast<int>(candidates.size())) {
    throw ArgumentError("--track " + std::to_string(track) + ": " + path + " has " +
                        std::to_string(candidates.size()) + " parts with notes (0.." +
                        std::to_string(candidates.size() - 1) + ")");
  }
  // The top line of the chosen part, from its first note.
  return melody_from_part(*candidates[static_cast<std::size_t>(track)]);
}

// One of the harmonisers, behind one call.
using AnyHarmoniser = std::variant<IntervalBaseline, MiniBach, HarmonyRnn>;

std::string harmoniser_name(const AnyHarmoniser& h) {
  switch (h.index()) {
    case 0:
      return "interval baseline";
    case 1:
      return "MiniBach";
    default:
      return "look-ahead RNN";
  }
}

// Harmonises a soprano line, first moving it by whole octaves into the model's soprano range
// when it lies outside (the lower voices are moved back with it).
FourVoiceGrid harmonise(AnyHarmoniser& h, const std::vector<int>& soprano_line, int& octave_shift) {
  return std::visit(
      [&](auto& model) { return harmonise_in_range(model, soprano_line, &octave_shift); }, h);
}

std::vector<FourVoiceGrid> harmonise_every(AnyHarmoniser& h,
                                           const std::vector<FourVoiceGrid>& grids) {
  return std::visit([&](auto& model) { return harmonise_all(model, grids); }, h);
}

// One line of the evaluation table.
struct Row {
  std::string name;
  std::optional<HarmonyAccuracy> accuracy;  // none for Bach himself
  MusicChecks checks;
  double seconds = 0;
  Index parameters = 0;
};

void print_table(const std::vector<Row>& rows, std::size_t pieces, double steps) {
  std::printf("\nHarmonising the soprano of the %zu test chorales (%.0f steps of a 16th):\n",
              pieces, steps);
  std::printf("  %-30s %27s %7s | %s\n", "", "accuracy against Bach", "",
              "per 100 chords: parallel     crossings  out of   | chords a");
  std::printf("  %-30s %6s %6s %6s %7s %7s | %22s %9s %8s | %7s\n", "model", "alto", "tenor",
              "bass", "mean", "p.class", "fifths octaves", "", "range", "quarter");
  for (const auto& r : rows) {
    std::string acc(35, ' ');
    if (r.accuracy) {
      const auto& a = *r.accuracy;
      char text[64];
      std::snprintf(text, sizeof text, "%5.1f%% %5.1f%% %5.1f%% %6.1f%% %6.1f%%",
                    100 * a.accuracy(alto), 100 * a.accuracy(tenor), 100 * a.accuracy(bass),
                    100 * a.mean_accuracy(),
                    100 *
                        (a.pitch_class_accuracy(alto) + a.pitch_class_accuracy(tenor) +
                         a.pitch_class_accuracy(bass)) /
                        3);
      acc = text;
    } else {
      acc = "     —      —      —       —       —";
    }
    const MusicChecks& c = r.checks;
    std::printf("  %-30s %s | %14.2f %7.2f %9.2f %8.2f | %7.2f\n", r.name.c_str(), acc.c_str(),
                c.per_100_chords(c.fifths()), c.per_100_chords(c.octaves()),
                c.per_100_chords(c.crossing_count()), c.per_100_chords(c.lower_out_of_range()),
                c.chords_per_quarter());
  }
  std::printf(
      "  accuracy: share of 16th steps where the voice is exactly Bach's pitch (or "
      "silent with him); p.class: his pitch class, octave errors forgiven.\n"
      "  Music checks count rule-breaking per 100 chords (a chord: any voice changes); "
      "out of range: alto, tenor and bass notes outside the textbook ranges.\n");
}

void print_precision_recall(const std::string& name, const HarmonyAccuracy& a) {
  std::printf(
      "\n%s, precision / recall per pitch class in %% (the class '-' is silence; a '-' "
      "figure: never predicted):\n",
      name.c_str());
  std::printf("  %-6s", "");
  for (Index c = 0; c < pitch_class_label_count; ++c) {
    std::printf(" %5s", pitch_class_label_name(c).c_str());
  }
  std::printf("\n");
  for (int v = alto; v <= bass; ++v) {
    const auto& m = a.confusion[static_cast<std::size_t>(v)];
    for (const bool precision : {true, false}) {
      std::printf("  %-6s",
                  precision ? std::string(voice_names[static_cast<std::size_t>(v)]).c_str() : "");
      for (Index c = 0; c < m.classes(); ++c) {
        const double value = precision ? m.precision(c) : m.recall(c);
        std::printf(" %5s",
                    std::isnan(value) ? "-" : examples::figure(100 * value, "%.0f").c_str());
      }
      std::printf("  %s\n", precision ? "precision" : "recall");
    }
  }
}

void write_confusion_png(const std::filesystem::path& path, const ConfusionMatrix& m,
                         const std::string& title) {
  std::vector<std::string> labels;
  for (Index c = 0; c < m.classes(); ++c) {
    labels.push_back(pitch_class_label_name(c));
  }
  HeatMapOptions options;
  options.title = title;
  options.row_axis = "BACH";
  options.column_axis = "MODEL";
  // Rows as shares of Bach's count, so rare pitch classes are as visible as common ones.
  Matrix<double> shares = m.counts();
  for (Index r = 0; r < shares.rows(); ++r) {
    const double total = shares.row(r).sum();
    if (total > 0) {
      shares.row(r) /= total;
    }
  }
  write_png(path, draw_heat_map(shares, labels, labels, options));
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 1;
  std::string summary_path;
  std::string data;
  bool download = false;
  bool fast = false;
  std::string out_dir = "harmony_output";
  std::string name = "harmonised";
  std::string save_path;
  std::string model_path;
  std::string notes_text;
  std::string midi_path;
  int track = 0;
  long chorale = -1;
  std::string use = "rnn";
  int program = 52;
  double tempo = 72;
  MiniBachSettings minibach_settings;
  HarmonyRnnSettings rnn_settings;
  Index epochs = 0;
  int margin = 2;
  bool no_smoothing = false;
  examples::CommandLine cli(
      "bach_harmonise",
      "Harmonises a melody in the style of the Bach chorales. Trains MiniBach (feedforward: a "
      "4-bar soprano window in, alto, tenor and bass out), a recurrent harmoniser reading the "
      "soprano with look-ahead, and an interval baseline on the JSB chorales; scores them on the "
      "test chorales against Bach; then harmonises --notes \"E4 E4 F4 G4\", --midi FILE or "
      "--chorale N (a test chorale's soprano) into a four-track MIDI file, a piano-roll PNG and "
      "WAV where FluidSynth is installed. --save FILE keeps the model; --model FILE harmonises "
      "with it without training.");
  cli.standard(seed, summary_path)
      .option("data", data, "DIR", "folder holding jsb-chorales/ (default: see README)")
      .flag("download", download, "download the chorales if no copy is found (checksummed)")
      .flag("fast", fast, "tiny models, few chorales, 2 epochs: a smoke test in seconds")
      .option("out", out_dir, "DIR", "folder for the MIDI, PNG and WAV files")
      .option("name", name, "NAME", "file name of the harmonisation, without extension")
      .option("save", save_path, "FILE", "save the harmonising model as JSON")
      .option("model", model_path, "FILE", "harmonise with a saved model (no training)")
      .option("notes", notes_text, "TEXT", "melody as a note string (\"ode\": Ode to Joy)")
      .option("midi", midi_path, "FILE", "melody from a MIDI file (the top line of a part)")
      .option("track", track, "N", "with --midi: which part with notes to use")
      .option("chorale", chorale, "N", "melody: the soprano of JSB test chorale N (default 0)")
      .option("harmoniser", use, "NAME",
              "the trained model that harmonises and is saved: rnn, minibach or baseline")
      .option("program", program, "N", "General MIDI program of the voices (52 choir, 19 organ)")
      .option("tempo", tempo, "BPM", "quarter notes per minute")
      .option("epochs", epochs, "N", "training epochs of both networks (0: their defaults)")
      .option("window", minibach_settings.window, "STEPS", "MiniBach's window in 16ths")
      .option("minibach-hop", minibach_settings.hop, "STEPS",
              "harmonise with MiniBach windows this far apart (0: side by side)")
      .option("minibach-hidden", minibach_settings.hidden, "N", "MiniBach's hidden ReLU units")
      .option("rnn-hidden", rnn_settings.hidden, "N", "the RNN's recurrent units")
      .option("lookahead", rnn_settings.lookahead, "STEPS", "soprano steps the RNN reads ahead")
      .flag("previous-chord", rnn_settings.previous_chord,
            "the RNN also reads the chord it chose one step before")
      .option("rnn-learning-rate", rnn_settings.training.learning_rate, "ETA",
              "the RNN's Adam rate")
      .option("rnn-decay", rnn_settings.training.learning_rate_decay, "F",
              "the RNN's rate is multiplied by F after every epoch")
      .option("minibach-learning-rate", minibach_settings.training.learning_rate, "ETA",
              "MiniBach's Adam rate")
      .option("minibach-decay", minibach_settings.training.learning_rate_decay, "F",
              "MiniBach's rate is multiplied by F after every epoch")
      .option("margin", margin, "SEMITONES", "widen each voice's range beyond Bach's by this")
      .flag("no-smoothing", no_smoothing,
            "decode every step's most probable note (no change penalty tuned on validation)");
  if (!cli.parse(argc, argv)) {
    return cli.exit_code();
  }
  return examples::run_reporting_errors(cli.program(), [&] {
    const auto start_time = std::chrono::steady_clock::now();
    const bool smoothing = !no_smoothing;
    if (use != "rnn" && use != "minibach" && use != "baseline") {
      throw ArgumentError("--harmoniser must be rnn, minibach or baseline, got '" + use + "'");
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
    const int sources =
        (notes_text.empty() ? 0 : 1) + (midi_path.empty() ? 0 : 1) + (chorale >= 0 ? 1 : 0);
    if (sources > 1) {
      throw ArgumentError("give one melody: --notes, --midi or --chorale");
    }
    if (notes_text == "ode") {
      notes_text = ode_to_joy;
    }
    for (auto* training : {&minibach_settings.training, &rnn_settings.training}) {
      training->seed = seed;
      if (epochs > 0) {
        training->epochs = epochs;
      }
    }
    if (fast) {
      minibach_settings.hidden = std::min<Index>(minibach_settings.hidden, 32);
      rnn_settings.hidden = std::min<Index>(rnn_settings.hidden, 32);
      rnn_settings.lookahead = std::min<Index>(rnn_settings.lookahead, 8);
      minibach_settings.training.epochs = rnn_settings.training.epochs = 2;
    }

    // A melody given as notes or MIDI is read first, so that a mistake in it costs no training.
    Melody melody;
    std::string described;
    std::vector<int> soprano_line;
    if (!notes_text.empty()) {
      melody = melody_from_text(notes_text);
      described =
          notes_text == ode_to_joy ? std::string("Ode to Joy") : "the notes \"" + notes_text + "\"";
    } else if (!midi_path.empty()) {
      melody = melody_from_midi(midi_path, track);
      described = midi_path;
    }
    if (sources > 0 && chorale < 0) {
      soprano_line = melody_steps(melody);
      if (std::none_of(soprano_line.begin(), soprano_line.end(),
                       [](int p) { return p != silent_voice; })) {
        throw ArgumentError("the melody has no notes");
      }
    }

    // The data: needed to train, and for --chorale. Looked for first, so that a missing data
    // set is reported before anything else.
    const bool need_data = model_path.empty() || sources == 0 || chorale >= 0;
    std::optional<JsbCorpus> corpus;
    std::vector<FourVoiceGrid> train_grids;
    std::vector<FourVoiceGrid> valid_grids;
    std::vector<FourVoiceGrid> test_grids;
    if (need_data) {
      const auto folder = examples::locate_or_download(
          examples::jsb_source(), {data, download, examples::interactive_session()});
      corpus = load_jsb_chorales(folder / "Jsb16thSeparated.json");
      train_grids = grids_of(*corpus, "train");
      valid_grids = grids_of(*corpus, "valid");
      test_grids = grids_of(*corpus, "test");
      std::printf(
          "JSB chorales data found in %s: %zu / %zu / %zu chorales (train / valid / "
          "test), four voices per 16th\n",
          folder.string().c_str(), train_grids.size(), valid_grids.size(), test_grids.size());
    }
    if (chorale < 0 && sources == 0) {
      chorale = 0;
    }
    if (chorale >= 0 && static_cast<std::size_t>(chorale) >= test_grids.size()) {
      throw ArgumentError("--chorale must be below " + std::to_string(test_grids.size()));
    }

    nlohmann::json summary = {{"program", "bach_harmonise"}, {"seed", seed}, {"fast", fast}};
    std::optional<AnyHarmoniser> chosen;
    if (!model_path.empty()) {
      const nlohmann::json document = parse_model_text(read_file(model_path), model_path);
      const std::string kind = document.contains("metadata") && document["metadata"].is_object()
                                   ? document["metadata"].value("model", std::string())
                                   : std::string();
      if (kind == "minibach") {
        chosen = MiniBach::from_json(document, model_path);
      } else if (kind == "harmony_rnn") {
        chosen = HarmonyRnn::from_json(document, model_path);
      } else {
        throw FormatError(model_path +
                          ": not a harmony model saved by bach_harmonise "
                          "(metadata.model should be minibach or harmony_rnn, is '" +
                          kind + "')");
      }
      std::printf("Model %s: %s, loaded (no training)\n", model_path.c_str(),
                  harmoniser_name(*chosen).c_str());
      summary["model"] = model_path;
    } else {
      // 1. Train the three harmonisers.
      std::vector<FourVoiceGrid> training = train_grids;
      std::vector<FourVoiceGrid> validation = valid_grids;
      std::vector<FourVoiceGrid> testing = test_grids;
      if (fast) {
        training.resize(std::min<std::size_t>(training.size(), 30));
        validation.resize(std::min<std::size_t>(validation.size(), 8));
        testing.resize(std::min<std::size_t>(testing.size(), 8));
      }
      const HarmonyEncoding encoding = HarmonyEncoding::fit(training, margin);
      std::printf("Voice ranges (Bach's in the training chorales, widened by %d): ", margin);
      for (int v = 0; v < voice_count; ++v) {
        const auto& c = encoding.voice(v);
        std::printf("%s %s..%s%s", std::string(voice_names[static_cast<std::size_t>(v)]).c_str(),
                    pitch_name(c.lowest).c_str(), pitch_name(c.highest).c_str(),
                    v + 1 < voice_count ? ", " : "\n");
      }
      std::printf(
          "Training in every transposition from -%d to +%d semitones that keeps the "
          "four voices in range (one drawn per window per epoch)\n",
          minibach_settings.training.transpose_down, minibach_settings.training.transpose_up);
      auto report = [](const ValidatedEpoch& e) {
        std::printf("  epoch %2ld  loss %8.3f  validation accuracy %5.1f%%%s  (%.1f s)\n",
                    static_cast<long>(e.training.epoch), e.training.mean_loss,
                    100 * (1 - e.validation), e.best ? "  best so far" : "", e.training.seconds);
        std::fflush(stdout);
      };

      auto clock = std::chrono::steady_clock::now();
      auto seconds_since = [&clock] {
        const std::chrono::duration<double> d = std::chrono::steady_clock::now() - clock;
        clock = std::chrono::steady_clock::now();
        return d.count();
      };
      const IntervalBaseline baseline = IntervalBaseline::fit(training);
      std::printf(
          "\nInterval baseline: alto %d, tenor %d, bass %d scale steps below the soprano "
          "(Bach's most frequent distances)\n",
          baseline.steps_below(alto), baseline.steps_below(tenor), baseline.steps_below(bass));

      MiniBach minibach(encoding, minibach_settings);
      std::printf(
          "\nMiniBach: Dense(%ld → %ld) → ReLU → Dense(%ld → %ld) → one softmax per voice "
          "per step (%ld groups); %ld parameters; windows of %ld steps every %ld\n",
          static_cast<long>(minibach.input_size()), static_cast<long>(minibach_settings.hidden),
          static_cast<long>(minibach_settings.hidden), static_cast<long>(minibach.output_size()),
          static_cast<long>(3 * minibach_settings.window),
          static_cast<long>(minibach.network().parameter_count()),
          static_cast<long>(minibach_settings.window), static_cast<long>(minibach_settings.stride));
      seconds_since();
      const auto minibach_epochs = minibach.train(training, validation, report);
      const double minibach_seconds = seconds_since();

      HarmonyRnn rnn(encoding, rnn_settings);
      std::printf(
          "\nLook-ahead RNN: Rnn(%ld → %ld, tanh; input: soprano at t..t+%ld and the "
          "16th's place in the beat) → Dense(%ld → %ld) → a softmax each for alto, tenor "
          "and bass; %ld parameters; BPTT over %ld steps\n",
          static_cast<long>(rnn.input_size()), static_cast<long>(rnn_settings.hidden),
          static_cast<long>(rnn_settings.lookahead), static_cast<long>(rnn_settings.hidden),
          static_cast<long>(rnn.output_size()), static_cast<long>(rnn.network().parameter_count()),
          static_cast<long>(rnn_settings.steps));
      seconds_since();
      const auto rnn_epochs = rnn.train(training, validation, report);
      const double rnn_seconds = seconds_since();

      // 2. The decoding: how much a change of note must be worth before a voice moves, chosen
      // on the validation chorales (0 keeps every step's most probable note).
      const std::vector<double> candidates{0, 0.5, 1, 1.5, 2, 3, 4, 6};
      std::vector<PenaltyTrial> minibach_trials;
      std::vector<PenaltyTrial> rnn_trials;
      if (smoothing) {
        minibach_trials = tune_change_penalty(minibach, validation, candidates);
        rnn_trials = tune_change_penalty(rnn, validation, candidates);
        std::printf(
            "\nSmoothing (Viterbi decoding, each change of note costs λ nats), validation "
            "accuracy by λ:\n  %-16s",
            "λ");
        for (const auto& t : minibach_trials) {
          std::printf(" %6.1f", t.penalty);
        }
        for (const auto* trials : {&minibach_trials, &rnn_trials}) {
          std::printf("\n  %-16s", trials == &minibach_trials ? "MiniBach" : "look-ahead RNN");
          for (const auto& t : *trials) {
            std::printf(" %5.1f%%", 100 * t.accuracy);
          }
        }
        std::printf("\n  chosen: λ = %.1f for MiniBach, %.1f for the RNN\n",
                    minibach.settings().change_penalty, rnn.settings().change_penalty);
      }

      // 3. Score them on the test chorales, Bach's own as the reference.
      std::vector<Row> rows;
      rows.push_back({"Bach (the test chorales)", std::nullopt, music_checks(testing), 0, 0});
      MiniBach minibach_argmax = minibach;
      minibach_argmax.set_change_penalty(0);
      HarmonyRnn rnn_argmax = rnn;
      rnn_argmax.set_change_penalty(0);
      std::vector<std::pair<std::string, AnyHarmoniser>> models{{"interval baseline", baseline},
                                                             {"MiniBach", minibach_argmax},
                                                             {"look-ahead RNN", rnn_argmax}};
      if (smoothing) {
        char name_text[64];
        std::snprintf(name_text, sizeof name_text, "MiniBach, smoothed %.1f",
                      minibach.settings().change_penalty);
        models.insert(models.begin() + 2, {name_text, minibach});
        std::snprintf(name_text, sizeof name_text, "look-ahead RNN, smoothed %.1f",
                      rnn.settings().change_penalty);
        models.push_back({name_text, rnn});
      }
      for (auto& [model_name, model] : models) {
        const auto harmonised = harmonise_every(model, testing);
        const bool is_minibach = model.index() == 1;
        rows.push_back({model_name, evaluate_accuracy(harmonised, testing),
                        music_checks(harmonised),
                        model.index() == 0 ? 0.0
                        : is_minibach      ? minibach_seconds
                                           : rnn_seconds,
                        model.index() == 0 ? 0
                        : is_minibach      ? minibach.network().parameter_count()
                                           : rnn.network().parameter_count()});
      }
      double steps = 0;
      for (const auto& g : testing) {
        steps += static_cast<double>(g.steps());
      }
      print_table(rows, testing.size(), steps);
      const Row& best_row = rows.back();
      print_precision_recall(best_row.name, *best_row.accuracy);

      std::filesystem::create_directories(out_dir);
      const std::filesystem::path out(out_dir);
      // The harmoniser's bass (rows: Bach's pitch class, shares of each row).
      write_confusion_png(out / "confusion_bass.png", best_row.accuracy->confusion[bass],
                          "BASS PITCH CLASSES");

      nlohmann::json table = nlohmann::json::array();
      for (const auto& r : rows) {
        nlohmann::json entry = {{"model", r.name}, {"music_checks", r.checks.to_json()}};
        if (r.accuracy) {
          entry["accuracy"] = r.accuracy->to_json();
          entry["training_seconds"] = r.seconds;
          entry["parameters"] = r.parameters;
        }
        table.push_back(entry);
      }
      summary["evaluation"] = {
          {"test_chorales", testing.size()}, {"steps", steps}, {"rows", table}};
      summary["epochs"] = {{"minibach", minibach_epochs.size()}, {"rnn", rnn_epochs.size()}};
      auto trials_json = [](const std::vector<PenaltyTrial>& trials) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& t : trials) {
          list.push_back({{"penalty", t.penalty}, {"validation_accuracy", t.accuracy}});
        }
        return list;
      };
      summary["smoothing"] = {{"minibach", trials_json(minibach_trials)},
                              {"rnn", trials_json(rnn_trials)}};
      summary["settings"] = {{"minibach", minibach_settings.to_json()},
                             {"rnn", rnn_settings.to_json()},
                             {"margin", margin},
                             {"baseline", baseline.to_json()}};
      const Row& minibach_row = rows[smoothing ? 3 : 2];
      std::printf(
          "\nMean accuracy of the three voices: look-ahead RNN %.1f%%, MiniBach %.1f%%, "
          "baseline %.1f%%.\n",
          100 * best_row.accuracy->mean_accuracy(), 100 * minibach_row.accuracy->mean_accuracy(),
          100 * rows[1].accuracy->mean_accuracy());
      chosen = use == "rnn"        ? AnyHarmoniser(rnn)
               : use == "minibach" ? AnyHarmoniser(minibach)
                                   : AnyHarmoniser(baseline);
      if (!save_path.empty()) {
        const nlohmann::json extra = {
            {"trained_by", "bach_harmonise"},
            {"seed", seed},
            {"test_mean_accuracy", use == "rnn" ? best_row.accuracy->mean_accuracy()
                                                : minibach_row.accuracy->mean_accuracy()}};
        const std::filesystem::path model_file(save_path);
        if (model_file.has_parent_path()) {
          std::filesystem::create_directories(model_file.parent_path());
        }
        if (use == "rnn") {
          rnn.save(model_file, extra);
        } else {
          minibach.save(model_file, extra);  // the baseline was refused at the start
        }
        std::printf("Saved the %s to %s\n", harmoniser_name(*chosen).c_str(), save_path.c_str());
      }
    }

    // 3. Harmonise the melody.
    std::optional<FourVoiceGrid> bach;
    if (chorale >= 0) {
      bach = test_grids[static_cast<std::size_t>(chorale)];
      soprano_line = bach->voices[soprano];
      melody = join_grid(soprano_line, bach->steps_per_quarter);
      described = "test chorale " + std::to_string(chorale);
    }
    int octave_shift = 0;
    const FourVoiceGrid grid = harmonise(*chosen, soprano_line, octave_shift);
    const Key key = soprano_key(soprano_line);
    // The soprano as given: repeated notes struck again (the grid cannot tell them from held ones).
    Score score = harmony_score(grid, melody, program, tempo);
    score.title = "bach_harmonise: " + described + " (" + harmoniser_name(*chosen) + ")";
    score.key_signature = signature_of(key);

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
    std::vector<std::string> outputs{midi_file.string(), png_file.string()};
    if (wav) {
      outputs.push_back(wav_file.string());
    }
    std::optional<MusicChecks> bach_checks;
    if (bach) {
      // Bach's own harmonisation beside it, to compare by ear and by eye.
      Score original = grid_to_score(*bach, program, tempo);
      original.title = "Bach: " + described;
      original.key_signature = signature_of(key);
      const auto bach_midi = out / (name + "_bach.mid");
      const auto bach_png = out / (name + "_bach.png");
      write_midi(bach_midi, original);
      picture.title = original.title;
      write_piano_roll_png(bach_png, original, picture);
      outputs.push_back(bach_midi.string());
      outputs.push_back(bach_png.string());
      bach_checks = music_checks(*bach);
    }

    const MusicChecks checks = music_checks(grid);
    std::printf("\nHarmonised %s (%zu steps of a 16th, key %s) with the %s%s:\n", described.c_str(),
                soprano_line.size(), key_name(key).c_str(), harmoniser_name(*chosen).c_str(),
                octave_shift == 0 ? ""
                                  : (", heard " + std::to_string(octave_shift) +
                                     " semitones away (outside the model's soprano range)")
                                        .c_str());
    for (int v = 0; v < voice_count; ++v) {
      std::printf("  %-8s", std::string(voice_names[static_cast<std::size_t>(v)]).c_str());
      const Melody line = join_grid(grid.voices[static_cast<std::size_t>(v)], 4);
      std::size_t shown = 0;
      for (const auto& e : line) {
        if (shown++ == 16) {
          std::printf(" ...");
          break;
        }
        std::printf(" %s", e.is_rest() ? "R" : pitch_name_in(e.pitch, key).c_str());
      }
      std::printf("\n");
    }
    auto print_checks = [](const char* who, const MusicChecks& c) {
      std::printf(
          "  %s: %.0f chords, %.0f parallel fifths, %.0f parallel octaves, %.0f "
          "crossings, %.0f lower-voice notes out of range\n",
          who, c.chords, c.fifths(), c.octaves(), c.crossing_count(), c.lower_out_of_range());
    };
    print_checks("this harmonisation", checks);
    if (bach_checks) {
      print_checks("Bach's own        ", *bach_checks);
      const HarmonyAccuracy a = evaluate_accuracy({grid}, {*bach});
      std::printf("  agreement with Bach: alto %.1f%%, tenor %.1f%%, bass %.1f%% of steps\n",
                  100 * a.accuracy(alto), 100 * a.accuracy(tenor), 100 * a.accuracy(bass));
      summary["harmonisation_accuracy"] = a.to_json();
    }
    std::printf("Wrote %s", midi_file.string().c_str());
    for (std::size_t i = 1; i < outputs.size(); ++i) {
      std::printf(", %s", outputs[i].c_str());
    }
    std::printf("%s\n", wav ? "" : ("\n(no WAV: " + why + ")").c_str());
    const std::chrono::duration<double> total = std::chrono::steady_clock::now() - start_time;
    std::printf("Total time %.1f s\n", total.count());

    summary["harmonisation"] = {{"melody", described},
                                {"harmoniser", harmoniser_name(*chosen)},
                                {"key", key_name(key)},
                                {"steps", soprano_line.size()},
                                {"octave_shift", octave_shift},
                                {"voices",
                                 {{"Soprano", grid.voices[soprano]},
                                  {"Alto", grid.voices[alto]},
                                  {"Tenor", grid.voices[tenor]},
                                  {"Bass", grid.voices[bass]}}},
                                {"music_checks", checks.to_json()},
                                {"outputs", outputs},
                                {"wav", wav ? wav_file.string() : ""}};
    summary["seconds"] = total.count();
    examples::write_summary(summary_path, summary);
    return 0;
  });
}
