#pragma once
// The notes_canvas program around its lesson (main.cpp): the options it takes, and the report of
// the run — the tables it prints, the two maps of the plane it draws, the melody it writes as
// MIDI (and WAV where FluidSynth is installed), and the JSON summary.

#include "canvas.hpp"
#include "common/music_files.hpp"
#include "common/lesson.hpp"

#include <bachprop/draw/font.hpp>
#include <bachprop/draw/png.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/score/score.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace notes_canvas {

using bachprop::Index;
using bachprop::Matrix;
using canvas::Click;

/// What the command line sets (main.cpp declares the options; these are their defaults).
struct Options {
  std::uint64_t seed = 1;
  std::string summary_path;
  std::string points_path;    // CSV of clicks; empty: generate them
  examples::OutputOptions output;
  std::size_t clicks = canvas::DataSettings{}.clicks;  // clicks to generate
  double spread = canvas::DataSettings{}.spread;  // deviation of generated clicks from their region
  double held_out_share = canvas::DataSettings{}.held_out_share;
  int path_length = 32;       // notes sampled along the path
  canvas::Settings settings;

  /// Throws ArgumentError for values the lesson cannot use.
  void check() const {
    if (!(held_out_share > 0 && held_out_share < 1) || settings.epochs < 1 ||
        settings.hidden < 1 || path_length < 2 || clicks < 14) {
      throw bachprop::ArgumentError("--held-out must be in (0, 1); --epochs and --hidden "
                                    "positive; --length at least 2; --clicks at least 14");
    }
  }
};

/// Prints what the lesson finds, draws the plane, writes the melody and the summary.
class Report : public examples::LessonReport<Options> {
 public:
  /// Creates the output folder.
  explicit Report(const Options& options) : LessonReport(options) {
    summary_["program"] = "notes_canvas";
    summary_["seed"] = options.seed;
  }

  void data(const std::vector<Click>& clicks, const std::vector<Click>& train,
            const std::vector<Click>& test) {
    const bool generated = options_.points_path.empty();
    std::cout << "Data: " << clicks.size() << " clicks ("
              << (generated ? "generated, seed " + std::to_string(options_.seed)
                            : options_.points_path)
              << "): " << train.size() << " to train on, " << test.size() << " held out\n";
    summary_["clicks"] = {{"total", clicks.size()},
                          {"training", train.size()},
                          {"held_out", test.size()},
                          {"source", generated ? "generated" : options_.points_path}};
  }

  void classifier(const std::vector<double>& losses, double train_accuracy, double test_accuracy,
                  const std::vector<Click>& test, const Matrix<float>& test_outputs) {
    const auto& s = options_.settings;
    std::printf("\nClassifier 2-%ld-%ld-7 (tanh, softmax + cross-entropy, Adam %.3g, %ld epochs)\n",
                static_cast<long>(s.hidden), static_cast<long>(s.hidden), s.learning_rate,
                static_cast<long>(s.epochs));
    std::printf("  loss: first epoch %.4f, last %.4f\n", losses.front(), losses.back());
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
    summary_["classifier"] = {{"training_accuracy", train_accuracy},
                              {"held_out_accuracy", test_accuracy},
                              {"final_loss", losses.back()}};
  }

  void regressor(const std::vector<double>& losses, const canvas::RegressionError& train_error,
                 const canvas::RegressionError& test_error) {
    const auto hidden = static_cast<long>(options_.settings.hidden);
    std::printf(
        "\nRegressor 2-%ld-%ld-1 (tanh, linear output, quadratic cost on standardised Hz)\n",
        hidden, hidden);
    std::printf("  loss: first epoch %.4f, last %.4f\n", losses.front(), losses.back());
    std::printf("  held-out error: mean %.1f Hz (RMS %.1f Hz), mean %.0f cents; %.1f%% within "
                "50 cents of the right note (training: mean %.1f Hz)\n",
                test_error.mean_absolute_hz, test_error.rms_hz, test_error.mean_absolute_cents,
                test_error.within_50_cents * 100, train_error.mean_absolute_hz);
    summary_["regressor"] = {{"held_out_mean_abs_hz", test_error.mean_absolute_hz},
                             {"held_out_rms_hz", test_error.rms_hz},
                             {"held_out_mean_abs_cents", test_error.mean_absolute_cents},
                             {"held_out_within_50_cents", test_error.within_50_cents},
                             {"training_mean_abs_hz", train_error.mean_absolute_hz},
                             {"final_loss", losses.back()}};
  }

  /// Draws the plane coloured by each model's answer at every pixel, with the clicks (hollow:
  /// held out) and the path on top.
  void pictures(canvas::Classifier& classifier, canvas::Regressor& regressor,
                const std::vector<Click>& train, const std::vector<Click>& test,
                const std::vector<Click>& path) {
    const Matrix<float> grid = pixel_grid();
    const std::vector<Index> grid_classes =
        bachprop::argmax_columns(Matrix<float>(classifier.forward(grid)));
    const Matrix<float> grid_hz = regressor.forward(grid);
    const auto scale = canvas::frequency_scale();
    const double low_hz = canvas::note_frequency(0);
    const double high_hz = canvas::note_frequency(canvas::note_count - 1);
    for (int py = 0; py < plot_size; ++py) {
      for (int px = 0; px < plot_size; ++px) {
        const auto i = static_cast<std::size_t>(py) * plot_size + static_cast<std::size_t>(px);
        classes_.set(px, margin + py,
                     pale(bachprop::class_colour(static_cast<std::size_t>(grid_classes[i]))));
        const double hz = scale.decode(grid_hz(0, static_cast<Index>(i)));
        frequencies_.set(px, margin + py,
                         bachprop::heat_colour((hz - low_hz) / (high_hz - low_hz)));
      }
    }
    draw_clicks(classes_, train, false);
    draw_clicks(classes_, test, true);
    draw_clicks(frequencies_, train, false);
    bachprop::draw_text(classes_, 4, 4, "NOTE PREDICTED AT EACH POINT (HOLLOW: HELD OUT)",
                        bachprop::black, 1);
    bachprop::draw_text(frequencies_, 4, 4, "FREQUENCY PREDICTED AT EACH POINT", bachprop::black,
                        1);
    for (Index n = 0; n < canvas::note_count; ++n) {
      const auto centre = canvas::region_centre(n);
      const std::string name(canvas::note_names[static_cast<std::size_t>(n)]);
      const int x = to_pixel(centre[0]) - 5;
      const int y = margin + to_pixel(centre[1]) - 7;
      classes_.fill_rect(x - 3, y - 3, 16, 20, bachprop::white);
      bachprop::draw_text(classes_, x, y, name, bachprop::black, 2);
    }
    // The frequency scale beside the map.
    for (int py = 0; py < plot_size; ++py) {
      const double t = 1.0 - static_cast<double>(py) / (plot_size - 1);
      frequencies_.fill_rect(plot_size + 8, margin + py, 14, 1, bachprop::heat_colour(t));
    }
    char label[32];
    std::snprintf(label, sizeof label, "%.0f", high_hz);
    bachprop::draw_text(frequencies_, plot_size + 26, margin, label, bachprop::black, 1);
    bachprop::draw_text(frequencies_, plot_size + 26, margin + 10, "HZ", bachprop::black, 1);
    std::snprintf(label, sizeof label, "%.0f", low_hz);
    bachprop::draw_text(frequencies_, plot_size + 26, margin + plot_size - 18, label,
                        bachprop::black, 1);
    bachprop::draw_text(frequencies_, plot_size + 26, margin + plot_size - 8, "HZ",
                        bachprop::black, 1);
    // The path, closed into a loop.
    const std::size_t points = path.size();
    for (std::size_t i = 0; i < points; ++i) {
      const auto& a = path[i];
      const auto& b = path[(i + 1) % points];
      classes_.line(to_pixel(a.x), margin + to_pixel(a.y), to_pixel(b.x), margin + to_pixel(b.y),
                    bachprop::black);
      classes_.dot(to_pixel(a.x), margin + to_pixel(a.y), 2, bachprop::black);
    }
  }

  /// Writes the pictures, and the melody as MIDI and (where FluidSynth is installed) WAV.
  void melody(const bachprop::music::Part& melody) {
    std::string melody_text;
    for (const auto& note : melody.notes) {
      for (std::size_t n = 0; n < canvas::note_pitches.size(); ++n) {
        if (canvas::note_pitches[n] == note.pitch) {
          melody_text += std::string(canvas::note_names[n]) + " ";
        }
      }
    }
    bachprop::music::Score score;
    score.title = "notes_canvas path melody";
    score.tempo_bpm = 100;
    score.parts.push_back(melody);
    const auto classes_png = options_.output.file("notes_canvas_classes.png");
    const auto frequency_png = options_.output.file("notes_canvas_frequency.png");
    bachprop::write_png(classes_png, classes_);
    bachprop::write_png(frequency_png, frequencies_);
    const examples::ScoreFiles files =
        examples::write_score_files(score, options_.output, "notes_canvas_path");
    std::cout << "\nThe path's melody (" << melody.notes.size() << " notes): " << melody_text
              << '\n';
    std::cout << "Wrote " << classes_png.string() << " and " << frequency_png.string() << '\n';
    examples::print_score_files(files, "");
    summary_["melody"] = melody_text;
    summary_["outputs"] = {classes_png.string(), frequency_png.string(), files.midi.string(),
                           files.musicxml.string()};
    summary_["wav"] = files.wav ? files.wav_path.string() : "";
  }

 private:
  static constexpr int plot_size = 480;  // pixels per side of the plane
  static constexpr int margin = 24;      // room for the title

  static bachprop::Rgb pale(bachprop::Rgb c) {
    auto mix = [](std::uint8_t v) { return static_cast<std::uint8_t>(v + (255 - v) * 0.6); };
    return {mix(c.r), mix(c.g), mix(c.b)};
  }

  // The network's input for the centre of every pixel of the plot.
  static Matrix<float> pixel_grid() {
    std::vector<Click> pixels;
    pixels.reserve(static_cast<std::size_t>(plot_size) * plot_size);
    for (int py = 0; py < plot_size; ++py) {
      for (int px = 0; px < plot_size; ++px) {
        pixels.push_back({(px + 0.5) / plot_size, (py + 0.5) / plot_size, 0});
      }
    }
    return canvas::inputs_of(pixels);
  }

  static int to_pixel(double coordinate) {
    return static_cast<int>(std::lround(coordinate * plot_size));
  }

  static void draw_clicks(bachprop::Image& image, const std::vector<Click>& clicks,
                          bool hollow) {
    for (const auto& c : clicks) {
      const int x = to_pixel(c.x);
      const int y = margin + to_pixel(c.y);
      image.dot(x, y, 4, bachprop::black);
      image.dot(x, y, 3,
                hollow ? bachprop::white
                       : bachprop::class_colour(static_cast<std::size_t>(c.note)));
    }
  }

  bachprop::Image classes_{plot_size, plot_size + margin};
  bachprop::Image frequencies_{plot_size + 70, plot_size + margin};
};

}  // namespace notes_canvas
