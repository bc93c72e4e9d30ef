// notes_canvas: from canvas to code. Clicks on a plane each carry a note; one network learns to
// name the note at a position (classification over C D E F G A B), another to predict its
// frequency in Hz (regression). Then a path across the plane becomes a melody.
//
// The lesson comes first; the command line is at the end, and report.hpp prints, draws and
// writes the files.

#include "canvas.hpp"
#include "report.hpp"

namespace {

using bachprop::Matrix;
using notes_canvas::Options;
using notes_canvas::Report;

// The whole pipeline, twice: data → model → training loop → evaluation.
int lesson(const Options& o, Report& report) {
  // 1. Data: the clicks (generated, or read from a CSV file and shuffled), split into the ones
  //    to train on and the ones held out to test on.
  std::vector<canvas::Click> clicks =
      o.points_path.empty()
          ? canvas::make_clicks(o.clicks, o.spread, o.seed)
          : canvas::parse_clicks(bachprop::read_file(o.points_path), o.points_path);
  if (!o.points_path.empty()) {
    bachprop::Rng(o.seed).shuffle(std::span<canvas::Click>(clicks));
  }
  const auto [train, test] = canvas::hold_out(clicks, o.held_out_share);
  report.data(clicks, train, test);

  // 2. Classification: which note is this position? x, y → two tanh layers → a softmax over the
  //    seven notes, trained by Adam on the cross-entropy (paired with the softmax: δ = a − y).
  auto classifier = canvas::make_classifier(o.settings.hidden, o.seed);
  const auto class_losses = canvas::train_classifier(classifier, train, o.settings, o.seed);
  const double train_accuracy = bachprop::classification_accuracy(
      Matrix<float>(classifier.forward(canvas::inputs_of(train))), canvas::labels_of(train));
  const Matrix<float> test_outputs = classifier.forward(canvas::inputs_of(test));
  const double test_accuracy =
      bachprop::classification_accuracy(test_outputs, canvas::labels_of(test));
  report.classifier(class_losses, train_accuracy, test_accuracy, test, test_outputs);

  // 3. Regression: which frequency is this position? The same layers with one linear output,
  //    trained on the quadratic cost (7) of the frequency standardised to mean 0, deviation 1.
  auto regressor = canvas::make_regressor(o.settings.hidden, o.seed);
  const auto regression_losses = canvas::train_regressor(regressor, train, o.settings, o.seed);
  const auto train_error = canvas::regression_error(regressor, train);
  const auto test_error = canvas::regression_error(regressor, test);
  report.regressor(regression_losses, train_error, test_error);

  // 4. A melody: the note the classifier names at each point of a path across the plane.
  const auto path = canvas::path_points(o.path_length);
  const std::vector<bachprop::Index> path_notes =
      bachprop::argmax_columns(Matrix<float>(classifier.forward(canvas::inputs_of(path))));
  bachprop::music::Part melody{"canvas path", 0, 0, {}};
  for (std::size_t i = 0; i < path_notes.size(); ++i) {
    const int pitch = canvas::note_pitches[static_cast<std::size_t>(path_notes[i])];
    // A note the path stays on is held: one longer note rather than repeated attacks.
    if (!melody.notes.empty() && melody.notes.back().pitch == pitch) {
      melody.notes.back().duration += 0.5;
    } else {
      melody.add(pitch, 0.5 * static_cast<double>(i), 0.5);
    }
  }
  melody.notes.back().duration += 1.0;  // let the last note ring

  // 5. Pictures: the plane coloured by each model's answer, with the clicks and the path.
  report.pictures(classifier, regressor, train, test, path);
  report.melody(melody);
  return report.finish();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  examples::CommandLine cli(
      "notes_canvas",
      "From canvas to code: learns which of seven notes (C D E F G A B) a click on a plane "
      "means (classification) and its frequency in Hz (regression), draws the plane coloured "
      "by the prediction, and turns a path across the plane into a melody (MIDI, MusicXML, "
      "and WAV where FluidSynth is installed).");
  cli.standard(o.seed, o.summary_path)
      .option("points", o.points_path, "FILE", "CSV of clicks x,y,note (default: generate them)")
      .option("clicks", o.clicks, "N", "clicks to generate when no --points is given")
      .option("spread", o.spread, "S", "standard deviation of generated clicks around their region")
      .option("held-out", o.held_out_share, "F", "share of clicks kept out of training")
      .option("hidden", o.settings.hidden, "N", "neurons in each of the two hidden layers")
      .option("epochs", o.settings.epochs, "N", "training epochs of each model")
      .learning_rate(o.settings.learning_rate, "Adam")
      .option("length", o.path_length, "N", "notes sampled along the path for the melody");
  o.output.declare(cli, "the pictures and the MIDI, MusicXML and WAV files");
  return examples::run_lesson<Report>(cli, argc, argv, o, lesson);
}
