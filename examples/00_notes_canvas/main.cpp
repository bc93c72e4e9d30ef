// notes_canvas: from canvas to code. Clicks on a plane each carry a note; one network learns to
// name the note at a position (classification over C D E F G A B), another to predict its
// frequency in Hz (regression). Then a path across the plane becomes a melody.

#include "canvas.hpp"
#include "common/audio.hpp"
#include "common/cli.hpp"

#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/draw/png.hpp>
#include <bachprop/draw/font.hpp>
#include <bachprop/music/score/score.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <numbers>

namespace {

using bachprop::Index;
using bachprop::Matrix;

constexpr int plot_size = 480;  // pixels per side of the plane
constexpr int margin = 24;      // room for the title

bachprop::Rgb pale(bachprop::Rgb c) {
  auto mix = [](std::uint8_t v) { return static_cast<std::uint8_t>(v + (255 - v) * 0.6); };
  return {mix(c.r), mix(c.g), mix(c.b)};
}

// The network's input for the centre of every pixel of the plot.
Matrix<float> pixel_grid() {
  std::vector<canvas::Click> pixels;
  pixels.reserve(static_cast<std::size_t>(plot_size) * plot_size);
  for (int py = 0; py < plot_size; ++py) {
    for (int px = 0; px < plot_size; ++px) {
      pixels.push_back({(px + 0.5) / plot_size, (py + 0.5) / plot_size, 0});
    }
  }
  return canvas::inputs_of(pixels);
}

int to_pixel(double coordinate) { return static_cast<int>(std::lround(coordinate * plot_size)); }

void draw_clicks(bachprop::Image& image, const std::vector<canvas::Click>& clicks, bool hollow) {
  for (const auto& c : clicks) {
    const int x = to_pixel(c.x);
    const int y = margin + to_pixel(c.y);
    image.dot(x, y, 4, bachprop::black);
    image.dot(x, y, 3,
              hollow ? bachprop::white : bachprop::class_colour(static_cast<std::size_t>(c.note)));
  }
}

// The path across the plane: a figure of eight through most of the regions.
std::vector<canvas::Click> path_points(int count) {
  std::vector<canvas::Click> points;
  for (int i = 0; i < count; ++i) {
    const double t = static_cast<double>(i) / count;
    points.push_back({0.5 + 0.4 * std::sin(2 * std::numbers::pi * t),
                      0.5 - 0.36 * std::sin(4 * std::numbers::pi * t), 0});
  }
  return points;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 1;
  std::string summary_path;
  std::string points_path;
  std::string out_dir = ".";
  std::size_t clicks_count = 350;
  double spread = 0.06;
  double held_out_share = 0.2;
  int path_length = 32;
  canvas::Settings settings;
  examples::CommandLine cli(
      "notes_canvas",
      "From canvas to code: learns which of seven notes (C D E F G A B) a click on a plane "
      "means (classification) and its frequency in Hz (regression), draws the plane coloured "
      "by the prediction, and turns a path across the plane into a melody (MIDI, and WAV "
      "where FluidSynth is installed).");
  cli.standard(seed, summary_path)
      .option("points", points_path, "FILE", "CSV of clicks x,y,note (default: generate them)")
      .option("clicks", clicks_count, "N", "clicks to generate when no --points is given")
      .option("spread", spread, "S", "standard deviation of generated clicks around their region")
      .option("held-out", held_out_share, "F", "share of clicks kept out of training")
      .option("hidden", settings.hidden, "N", "neurons in each of the two hidden layers")
      .option("epochs", settings.epochs, "N", "training epochs of each model")
      .option("learning-rate", settings.learning_rate, "ETA", "Adam's learning rate")
      .option("path-notes", path_length, "N", "notes sampled along the path for the melody")
      .option("out", out_dir, "DIR", "folder for the pictures, MIDI and WAV");
  if (!cli.parse(argc, argv)) {
    return cli.exit_code();
  }
  return examples::run_reporting_errors(cli.program(), [&] {
    if (!(held_out_share > 0 && held_out_share < 1) || settings.epochs < 1 || settings.hidden < 1 ||
        path_length < 2 || clicks_count < 14) {
      throw bachprop::ArgumentError("--held-out must be in (0, 1); --epochs and --hidden "
                                    "positive; --path-notes at least 2; --clicks at least 14");
    }
    std::filesystem::create_directories(out_dir);
    const std::filesystem::path out(out_dir);

    // 1. Data: the clicks, split into training and held-out sets.
    std::vector<canvas::Click> clicks =
        points_path.empty() ? canvas::make_clicks(clicks_count, spread, seed)
                            : canvas::parse_clicks(bachprop::read_file(points_path), points_path);
    if (!points_path.empty()) {
      bachprop::Rng(seed).shuffle(std::span<canvas::Click>(clicks));
    }
    const auto held =
        static_cast<std::size_t>(std::max<double>(1.0, held_out_share * clicks.size()));
    if (held >= clicks.size()) {
      throw bachprop::ArgumentError("too few clicks to keep " + std::to_string(held) +
                                    " out of training");
    }
    const std::vector<canvas::Click> test(clicks.begin(), clicks.begin() + static_cast<long>(held));
    const std::vector<canvas::Click> train(clicks.begin() + static_cast<long>(held), clicks.end());
    std::cout << "Data: " << clicks.size() << " clicks ("
              << (points_path.empty() ? "generated, seed " + std::to_string(seed) : points_path)
              << "): " << train.size() << " to train on, " << test.size() << " held out\n";

    // 2. Classification: which note is this position?
    auto classifier = canvas::make_classifier(settings.hidden, seed);
    const auto class_losses = canvas::train_classifier(classifier, train, settings, seed);
    const double train_accuracy = bachprop::classification_accuracy(
        Matrix<float>(classifier.forward(canvas::inputs_of(train))), canvas::labels_of(train));
    const Matrix<float> test_outputs = classifier.forward(canvas::inputs_of(test));
    const double test_accuracy =
        bachprop::classification_accuracy(test_outputs, canvas::labels_of(test));
    std::printf("\nClassifier 2-%ld-%ld-7 (tanh, softmax + cross-entropy, Adam %.3g, %ld epochs)\n",
                static_cast<long>(settings.hidden), static_cast<long>(settings.hidden),
                settings.learning_rate, static_cast<long>(settings.epochs));
    std::printf("  loss: first epoch %.4f, last %.4f\n", class_losses.front(), class_losses.back());
    std::printf("  accuracy: training %.1f%%, held-out %.1f%%\n", train_accuracy * 100,
                test_accuracy * 100);
    const auto confusion = bachprop::confusion_matrix(
        canvas::labels_of(test), bachprop::argmax_columns(test_outputs), canvas::note_count);
    std::cout << "  held-out confusion matrix (rows: the note clicked, columns: predicted)\n     ";
    for (auto name : canvas::note_names) {
      std::printf("%4s", std::string(name).c_str());
    }
    std::cout << '\n';
    for (Index r = 0; r < canvas::note_count; ++r) {
      std::printf("  %3s", std::string(canvas::note_names[static_cast<std::size_t>(r)]).c_str());
      for (Index c = 0; c < canvas::note_count; ++c) {
        std::printf("%4ld", confusion(r, c));
      }
      std::cout << '\n';
    }

    // 3. Regression: which frequency is this position?
    auto regressor = canvas::make_regressor(settings.hidden, seed);
    const auto regression_losses = canvas::train_regressor(regressor, train, settings, seed);
    const auto train_error = canvas::regression_error(regressor, train);
    const auto test_error = canvas::regression_error(regressor, test);
    std::printf(
        "\nRegressor 2-%ld-%ld-1 (tanh, linear output, quadratic cost on standardised Hz)\n",
        static_cast<long>(settings.hidden), static_cast<long>(settings.hidden));
    std::printf("  loss: first epoch %.4f, last %.4f\n", regression_losses.front(),
                regression_losses.back());
    std::printf("  held-out error: mean %.1f Hz (RMS %.1f Hz), mean %.0f cents; %.1f%% within "
                "50 cents of the right note (training: mean %.1f Hz)\n",
                test_error.mean_absolute_hz, test_error.rms_hz, test_error.mean_absolute_cents,
                test_error.within_50_cents * 100, train_error.mean_absolute_hz);

    // 4. Pictures: the plane coloured by each model's answer, with the clicks on top.
    const Matrix<float> grid = pixel_grid();
    const std::vector<Index> grid_classes =
        bachprop::argmax_columns(Matrix<float>(classifier.forward(grid)));
    const Matrix<float> grid_hz = regressor.forward(grid);
    bachprop::Image classes(plot_size, plot_size + margin);
    bachprop::Image frequencies(plot_size + 70, plot_size + margin);
    const auto scale = canvas::frequency_scale();
    const double low_hz = canvas::note_frequency(0);
    const double high_hz = canvas::note_frequency(canvas::note_count - 1);
    for (int py = 0; py < plot_size; ++py) {
      for (int px = 0; px < plot_size; ++px) {
        const auto i = static_cast<std::size_t>(py) * plot_size + static_cast<std::size_t>(px);
        classes.set(px, margin + py,
                    pale(bachprop::class_colour(static_cast<std::size_t>(grid_classes[i]))));
        const double hz = scale.decode(grid_hz(0, static_cast<Index>(i)));
        frequencies.set(px, margin + py, bachprop::heat_colour((hz - low_hz) / (high_hz - low_hz)));
      }
    }
    draw_clicks(classes, train, false);
    draw_clicks(classes, test, true);
    draw_clicks(frequencies, train, false);
    bachprop::draw_text(classes, 4, 4, "NOTE PREDICTED AT EACH POINT (HOLLOW: HELD OUT)",
                        bachprop::black, 1);
    bachprop::draw_text(frequencies, 4, 4, "FREQUENCY PREDICTED AT EACH POINT", bachprop::black, 1);
    for (Index n = 0; n < canvas::note_count; ++n) {
      const auto centre = canvas::region_centre(n);
      const std::string name(canvas::note_names[static_cast<std::size_t>(n)]);
      const int x = to_pixel(centre[0]) - 5;
      const int y = margin + to_pixel(centre[1]) - 7;
      classes.fill_rect(x - 3, y - 3, 16, 20, bachprop::white);
      bachprop::draw_text(classes, x, y, name, bachprop::black, 2);
    }
    // The frequency scale beside the map.
    for (int py = 0; py < plot_size; ++py) {
      const double t = 1.0 - static_cast<double>(py) / (plot_size - 1);
      frequencies.fill_rect(plot_size + 8, margin + py, 14, 1, bachprop::heat_colour(t));
    }
    char label[32];
    std::snprintf(label, sizeof label, "%.0f", high_hz);
    bachprop::draw_text(frequencies, plot_size + 26, margin, label, bachprop::black, 1);
    bachprop::draw_text(frequencies, plot_size + 26, margin + 10, "HZ", bachprop::black, 1);
    std::snprintf(label, sizeof label, "%.0f", low_hz);
    bachprop::draw_text(frequencies, plot_size + 26, margin + plot_size - 18, label,
                        bachprop::black, 1);
    bachprop::draw_text(frequencies, plot_size + 26, margin + plot_size - 8, "HZ", bachprop::black,
                        1);

    // 5. A melody: the notes the classifier names along a path across the plane.
    const auto path = path_points(path_length);
    const std::vector<Index> path_notes =
        bachprop::argmax_columns(Matrix<float>(classifier.forward(canvas::inputs_of(path))));
    for (int i = 0; i < path_length; ++i) {
      const auto& a = path[static_cast<std::size_t>(i)];
      const auto& b = path[static_cast<std::size_t>((i + 1) % path_length)];
      classes.line(to_pixel(a.x), margin + to_pixel(a.y), to_pixel(b.x), margin + to_pixel(b.y),
                   bachprop::black);
      classes.dot(to_pixel(a.x), margin + to_pixel(a.y), 2, bachprop::black);
    }
    bachprop::music::Score score;
    score.title = "notes_canvas path melody";
    score.tempo_bpm = 100;
    bachprop::music::Part melody{"canvas path", 0, 0, {}};
    std::string melody_text;
    for (std::size_t i = 0; i < path_notes.size(); ++i) {
      const int pitch = canvas::note_pitches[static_cast<std::size_t>(path_notes[i])];
      // A note the path stays on is held: one longer note rather than repeated attacks.
      if (!melody.notes.empty() && melody.notes.back().pitch == pitch) {
        melody.notes.back().duration += 0.5;
      } else {
        melody.add(pitch, 0.5 * static_cast<double>(i), 0.5);
        melody_text +=
            std::string(canvas::note_names[static_cast<std::size_t>(path_notes[i])]) + " ";
      }
    }
    melody.notes.back().duration += 1.0;  // let the last note ring
    score.parts.push_back(melody);

    const auto classes_png = out / "notes_canvas_classes.png";
    const auto frequency_png = out / "notes_canvas_frequency.png";
    const auto midi_path = out / "notes_canvas_path.mid";
    const auto wav_path = out / "notes_canvas_path.wav";
    bachprop::write_png(classes_png, classes);
    bachprop::write_png(frequency_png, frequencies);
    bachprop::music::write_midi(midi_path, score);
    std::cout << "\nThe path's melody (" << melody.notes.size() << " notes): " << melody_text
              << '\n';
    std::cout << "Wrote " << classes_png.string() << ", " << frequency_png.string() << ", "
              << midi_path.string();
    std::string why;
    const bool wav = examples::render_wav(midi_path, wav_path, why);
    std::cout << (wav ? ", " + wav_path.string() + "\n" : "\n(no WAV: " + why + ")\n");

    examples::write_summary(
        summary_path,
        {{"program", "notes_canvas"},
         {"seed", seed},
         {"clicks",
          {{"total", clicks.size()},
           {"training", train.size()},
           {"held_out", test.size()},
           {"source", points_path.empty() ? "generated" : points_path}}},
         {"classifier",
          {{"training_accuracy", train_accuracy},
           {"held_out_accuracy", test_accuracy},
           {"final_loss", class_losses.back()}}},
         {"regressor",
          {{"held_out_mean_abs_hz", test_error.mean_absolute_hz},
           {"held_out_rms_hz", test_error.rms_hz},
           {"held_out_mean_abs_cents", test_error.mean_absolute_cents},
           {"held_out_within_50_cents", test_error.within_50_cents},
           {"training_mean_abs_hz", train_error.mean_absolute_hz},
           {"final_loss", regression_losses.back()}}},
         {"melody", melody_text},
         {"outputs", {classes_png.string(), frequency_png.string(), midi_path.string()}},
         {"wav", wav ? wav_path.string() : ""}});
    return 0;
  });
}
