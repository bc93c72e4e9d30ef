#pragma once
// The canvas lesson's data and models, shared by the notes_canvas program and its tests: clicks
// on a plane, each with a position and one of seven notes; a classifier that names the note and
// a regressor that predicts its frequency; a path across the plane for the melody.

#include <bachprop/neural.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace canvas {

/// The seven notes of the lesson, C4 to B4 (the white keys of one octave).
inline constexpr std::array<std::string_view, 7> note_names{"C", "D", "E", "F", "G", "A", "B"};
inline constexpr std::array<int, 7> note_pitches{60, 62, 64, 65, 67, 69, 71};
inline constexpr bachprop::Index note_count = 7;

/// Frequency in Hz of lesson note `index` (equal temperament, A4 = 440 Hz).
inline double note_frequency(bachprop::Index index) {
  return bachprop::music::frequency(note_pitches[static_cast<std::size_t>(index)]);
}

/// One click: a position in [0, 1]² (y grows downwards, as on a screen) and a note 0..6.
struct Click {
  double x = 0;
  double y = 0;
  bachprop::Index note = 0;
};

/// Where note `index` sits in the generated layout: seven regions around the centre like the
/// hours of a clock, C at the top and the scale going clockwise.
inline std::array<double, 2> region_centre(bachprop::Index index) {
  const double angle = 2.0 * std::numbers::pi * static_cast<double>(index) / 7.0;
  return {0.5 + 0.33 * std::sin(angle), 0.5 - 0.33 * std::cos(angle)};
}

/// `count` clicks spread evenly over the seven notes, each at its region's centre plus Gaussian
/// noise of `spread` (clamped into the plane), shuffled by `seed`.
inline std::vector<Click> make_clicks(std::size_t count, double spread, std::uint64_t seed) {
  bachprop::Rng rng(seed);
  std::vector<Click> clicks;
  clicks.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto note = static_cast<bachprop::Index>(i % note_count);
    const auto centre = region_centre(note);
    clicks.push_back({std::clamp(rng.normal(centre[0], spread), 0.0, 1.0),
                      std::clamp(rng.normal(centre[1], spread), 0.0, 1.0), note});
  }
  rng.shuffle(std::span<Click>(clicks));
  return clicks;
}

/// The clicks split in two: the first share `held_out_share` of them (at least one) held out of
/// training to test on, the rest to train on. Throws ArgumentError when none would be left.
struct Split {
  std::vector<Click> train;
  std::vector<Click> held_out;
};

inline Split hold_out(const std::vector<Click>& clicks, double held_out_share) {
  const auto held =
      static_cast<std::size_t>(std::max<double>(1.0, held_out_share * clicks.size()));
  if (held >= clicks.size()) {
    throw bachprop::ArgumentError("too few clicks to keep " + std::to_string(held) +
                                  " out of training");
  }
  return {{clicks.begin() + static_cast<long>(held), clicks.end()},
          {clicks.begin(), clicks.begin() + static_cast<long>(held)}};
}

/// `count` points along a path across the plane: a figure of eight through most of the regions.
inline std::vector<Click> path_points(int count) {
  std::vector<Click> points;
  for (int i = 0; i < count; ++i) {
    const double t = static_cast<double>(i) / count;
    points.push_back({0.5 + 0.4 * std::sin(2 * std::numbers::pi * t),
                      0.5 - 0.36 * std::sin(4 * std::numbers::pi * t), 0});
  }
  return points;
}

/// Lesson note index of a name ("C" or "c", optionally with octave 4: "C4"); -1 if not one of
/// the seven.
inline bachprop::Index note_index(std::string_view name) {
  if (name.size() == 2 && name[1] == '4') {
    name = name.substr(0, 1);
  }
  if (name.size() != 1) {
    return -1;
  }
  const char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  for (std::size_t i = 0; i < note_names.size(); ++i) {
    if (note_names[i][0] == letter) {
      return static_cast<bachprop::Index>(i);
    }
  }
  return -1;
}

/// Reads clicks from CSV text: one `x,y,note` per line, x and y in [0, 1], note one of
/// C D E F G A B (optionally C4..B4); an optional header line `x,y,note`; blank lines and lines
/// starting with # are skipped. Throws FormatError naming `source`, the line and the problem.
inline std::vector<Click> parse_clicks(std::string_view text, const std::string& source) {
  std::vector<Click> clicks;
  std::istringstream in{std::string(text)};
  std::string line;
  std::size_t number = 0;
  auto trim = [](std::string s) {
    const auto first = s.find_first_not_of(" \t\r");
    const auto last = s.find_last_not_of(" \t\r");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
  };
  while (std::getline(in, line)) {
    ++number;
    line = trim(line);
    if (line.empty() || line[0] == '#') {
      continue;
    }
    std::vector<std::string> fields;
    std::stringstream row(line);
    for (std::string field; std::getline(row, field, ',');) {
      fields.push_back(trim(field));
    }
    const std::string where = source + ": line " + std::to_string(number) + ": ";
    if (clicks.empty() && fields.size() == 3 && fields[0] == "x" && fields[1] == "y" &&
        fields[2] == "note") {
      continue;  // the header
    }
    if (fields.size() != 3) {
      throw bachprop::FormatError(where + "expected 3 comma-separated columns x,y,note, found " +
                                  std::to_string(fields.size()));
    }
    Click click;
    for (int axis = 0; axis < 2; ++axis) {
      const std::string& field = fields[static_cast<std::size_t>(axis)];
      std::size_t used = 0;
      double value = 0;
      try {
        value = std::stod(field, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (field.empty() || used != field.size() || !(value >= 0.0 && value <= 1.0)) {
        throw bachprop::FormatError(where + "column " + (axis == 0 ? "x" : "y") +
                                    " should be a number from 0 to 1, got '" + field + "'");
      }
      (axis == 0 ? click.x : click.y) = value;
    }
    click.note = note_index(fields[2]);
    if (click.note < 0) {
      throw bachprop::FormatError(where + "unknown note name '" + fields[2] +
                                  "' (expected one of C D E F G A B)");
    }
    clicks.push_back(click);
  }
  if (clicks.empty()) {
    throw bachprop::FormatError(source + ": no clicks (expected lines of x,y,note)");
  }
  return clicks;
}

/// The network's input for positions: x and y mapped from [0, 1] to [−1, 1], one column each.
inline bachprop::Matrix<float> inputs_of(const std::vector<Click>& clicks) {
  bachprop::Matrix<float> inputs(2, static_cast<bachprop::Index>(clicks.size()));
  for (std::size_t i = 0; i < clicks.size(); ++i) {
    inputs(0, static_cast<bachprop::Index>(i)) = static_cast<float>(2.0 * clicks[i].x - 1.0);
    inputs(1, static_cast<bachprop::Index>(i)) = static_cast<float>(2.0 * clicks[i].y - 1.0);
  }
  return inputs;
}

inline std::vector<bachprop::Index> labels_of(const std::vector<Click>& clicks) {
  std::vector<bachprop::Index> labels;
  for (const auto& c : clicks) {
    labels.push_back(c.note);
  }
  return labels;
}

/// Frequencies are standardised for training (a regressor learns best with targets near 0) and
/// mapped back for reporting.
struct FrequencyScale {
  double mean = 0;
  double stddev = 1;
  float encode(double hz) const { return static_cast<float>((hz - mean) / stddev); }
  double decode(float value) const { return mean + stddev * static_cast<double>(value); }
};

inline FrequencyScale frequency_scale() {
  double sum = 0;
  double squares = 0;
  for (bachprop::Index i = 0; i < note_count; ++i) {
    sum += note_frequency(i);
    squares += note_frequency(i) * note_frequency(i);
  }
  const double mean = sum / note_count;
  return {mean, std::sqrt(squares / note_count - mean * mean)};
}

/// The lesson's generated clicks: how many, how far they spread around their region, and the
/// share held out (notes_canvas's defaults, and the web page's preset).
struct DataSettings {
  std::size_t clicks = 350;
  double spread = 0.06;
  double held_out_share = 0.2;
};

/// Settings of both models.
struct Settings {
  bachprop::Index hidden = 32;
  bachprop::Index epochs = 200;
  bachprop::Index batch_size = 16;
  double learning_rate = 0.01;
};

/// Classifier: x, y → softmax over the seven notes (cross-entropy pairs with it).
inline auto make_classifier(bachprop::Index hidden, std::uint64_t seed) {
  bachprop::Network network{bachprop::Dense(2, hidden), bachprop::Tanh(),
                            bachprop::Dense(hidden, hidden), bachprop::Tanh(),
                            bachprop::Dense(hidden, note_count), bachprop::Softmax()};
  network.initialise(seed);
  return network;
}

/// Regressor: x, y → one linear output, the standardised frequency (quadratic cost).
inline auto make_regressor(bachprop::Index hidden, std::uint64_t seed) {
  bachprop::Network network{bachprop::Dense(2, hidden), bachprop::Tanh(),
                            bachprop::Dense(hidden, hidden), bachprop::Tanh(),
                            bachprop::Dense(hidden, 1)};
  network.initialise(seed);
  return network;
}

using Classifier = decltype(make_classifier(1, 0));
using Regressor = decltype(make_regressor(1, 0));

/// The mean loss of every epoch of a training run.
inline std::vector<double> mean_losses(const std::vector<bachprop::EpochReport>& reports) {
  std::vector<double> losses;
  for (const auto& r : reports) {
    losses.push_back(r.mean_loss);
  }
  return losses;
}

/// Trains the classifier; returns the mean loss per epoch. `callbacks` see every epoch (the web
/// page redraws the plane from them).
inline std::vector<double> train_classifier(Classifier& network, const std::vector<Click>& clicks,
                                            const Settings& settings, std::uint64_t seed,
                                            const bachprop::TrainCallbacks& callbacks = {}) {
  bachprop::Adam<float> adam(settings.learning_rate);
  return mean_losses(bachprop::train(
      network, bachprop::CrossEntropy<float>(), adam, inputs_of(clicks),
      bachprop::one_hot<float>(labels_of(clicks), note_count),
      {.epochs = settings.epochs, .batch_size = settings.batch_size, .seed = seed}, callbacks));
}

/// Trains the regressor on standardised frequencies; returns the mean loss per epoch.
inline std::vector<double> train_regressor(Regressor& network, const std::vector<Click>& clicks,
                                           const Settings& settings, std::uint64_t seed,
                                           const bachprop::TrainCallbacks& callbacks = {}) {
  const FrequencyScale scale = frequency_scale();
  bachprop::Matrix<float> targets(1, static_cast<bachprop::Index>(clicks.size()));
  for (std::size_t i = 0; i < clicks.size(); ++i) {
    targets(0, static_cast<bachprop::Index>(i)) = scale.encode(note_frequency(clicks[i].note));
  }
  bachprop::Adam<float> adam(settings.learning_rate);
  return mean_losses(bachprop::train(
      network, bachprop::Quadratic<float>(), adam, inputs_of(clicks), targets,
      {.epochs = settings.epochs, .batch_size = settings.batch_size, .seed = seed}, callbacks));
}

/// Regression errors on a set of clicks.
struct RegressionError {
  double mean_absolute_hz = 0;
  double rms_hz = 0;
  double mean_absolute_cents = 0;
  double within_50_cents = 0;  // share of predictions nearer the right note than any other
};

inline RegressionError regression_error(Regressor& network, const std::vector<Click>& clicks) {
  const FrequencyScale scale = frequency_scale();
  const bachprop::Matrix<float> predicted = network.forward(inputs_of(clicks));
  RegressionError error;
  for (std::size_t i = 0; i < clicks.size(); ++i) {
    const double truth = note_frequency(clicks[i].note);
    const double hz = std::max(1.0, scale.decode(predicted(0, static_cast<bachprop::Index>(i))));
    const double cents = 1200.0 * std::log2(hz / truth);
    error.mean_absolute_hz += std::abs(hz - truth);
    error.rms_hz += (hz - truth) * (hz - truth);
    error.mean_absolute_cents += std::abs(cents);
    error.within_50_cents += std::abs(cents) < 50.0 ? 1.0 : 0.0;
  }
  const auto n = static_cast<double>(clicks.size());
  error.mean_absolute_hz /= n;
  error.rms_hz = std::sqrt(error.rms_hz / n);
  error.mean_absolute_cents /= n;
  error.within_50_cents /= n;
  return error;
}

}  // namespace canvas
