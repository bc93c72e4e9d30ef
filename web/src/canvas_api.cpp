// The notes-on-a-canvas lesson for the web page (web/site/canvas.html): the same clicks, the
// same 2-32-32-7 classifier and 2-32-32-1 regressor, trained by the same functions
// (examples/00_notes_canvas/canvas.hpp) with the same seed as the notes_canvas program, so the
// page and the program give the same numbers. Each function returns JSON (api_result.hpp).
//
// While it trains, every epoch is handed to JavaScript (Module.onEpoch, set by the page's
// worker) with the loss and the plane as the network sees it then, so the page redraws as it
// learns.

#include "00_notes_canvas/canvas.hpp"
#include "api_result.hpp"

#include <emscripten.h>

#include <cmath>
#include <optional>
#include <span>
#include <string>
#include <vector>

// Hands one epoch's JSON to the page, if it listens.
EM_JS(void, post_epoch, (const char* json), {
  if (Module.onEpoch) {
    Module.onEpoch(UTF8ToString(json));
  }
});

namespace {

using bachprop::Index;
using bachprop::Matrix;
using canvas::Click;

/// What the last training run left for canvas_predict.
struct Trained {
  canvas::Classifier classifier;
  canvas::Regressor regressor;
};
std::optional<Trained> trained;

/// The centres of a grid×grid raster over the plane, row by row from the top.
std::vector<Click> grid_points(int grid) {
  std::vector<Click> points;
  for (int row = 0; row < grid; ++row) {
    for (int column = 0; column < grid; ++column) {
      points.push_back({(column + 0.5) / grid, (row + 0.5) / grid, 0});
    }
  }
  return points;
}

/// The note the classifier names at every grid point.
std::vector<Index> classes_on(canvas::Classifier& classifier, const Matrix<float>& grid) {
  return bachprop::argmax_columns(Matrix<float>(classifier.forward(grid)));
}

/// The frequency the regressor predicts at every grid point, in Hz.
std::vector<double> frequencies_on(canvas::Regressor& regressor, const Matrix<float>& grid) {
  const canvas::FrequencyScale scale = canvas::frequency_scale();
  const Matrix<float> out = regressor.forward(grid);
  std::vector<double> hz;
  for (Index i = 0; i < out.cols(); ++i) {
    hz.push_back(scale.decode(out(0, i)));
  }
  return hz;
}

nlohmann::json clicks_json(const std::vector<Click>& clicks) {
  nlohmann::json list = nlohmann::json::array();
  for (const Click& c : clicks) {
    list.push_back({c.x, c.y, canvas::note_names[static_cast<std::size_t>(c.note)]});
  }
  return list;
}

nlohmann::json error_json(const canvas::RegressionError& e) {
  return {{"mean_abs_hz", e.mean_absolute_hz},
          {"rms_hz", e.rms_hz},
          {"mean_abs_cents", e.mean_absolute_cents},
          {"within_50_cents", e.within_50_cents}};
}

}  // namespace

extern "C" {

/// The lesson's defaults (notes_canvas's): clicks, spread, held-out share, hidden, epochs,
/// learning rate, batch size, seed.
EMSCRIPTEN_KEEPALIVE const char* canvas_defaults() {
  return web::answer([] {
    const canvas::DataSettings data;
    const canvas::Settings model;
    return nlohmann::json{{"clicks", data.clicks},
                          {"spread", data.spread},
                          {"held_out", data.held_out_share},
                          {"hidden", model.hidden},
                          {"epochs", model.epochs},
                          {"learning_rate", model.learning_rate},
                          {"batch_size", model.batch_size},
                          {"seed", 1}};
  });
}

/// The preset: the clicks notes_canvas generates for `seed` (already in its shuffled order).
EMSCRIPTEN_KEEPALIVE const char* canvas_preset(int clicks, double spread, unsigned seed) {
  return web::answer([&] {
    if (clicks < 14 || clicks > 100000 || !(spread >= 0 && spread <= 1)) {
      throw bachprop::ArgumentError("the preset needs 14..100000 clicks and a spread in [0, 1]");
    }
    return nlohmann::json{
        {"points", clicks_json(canvas::make_clicks(static_cast<std::size_t>(clicks), spread,
                                                   seed))}};
  });
}

/// Trains both models on `points_csv` (lines x,y,note, as notes_canvas --points reads), shuffled
/// by the seed as notes_canvas shuffles a --points file (`shuffle` 1) or taken in their order
/// (0: the preset, generated already shuffled). Posts every epoch with the plane on a grid×grid
/// raster; returns the accuracies, the regression errors and the final planes.
EMSCRIPTEN_KEEPALIVE const char* canvas_train(const char* points_csv, int shuffle, int hidden,
                                              int epochs, double learning_rate, unsigned seed,
                                              double held_out, int grid) {
  return web::answer([&] {
    if (hidden < 1 || hidden > 512 || epochs < 1 || epochs > 10000 ||
        !(learning_rate > 0 && learning_rate < 10) || !(held_out > 0 && held_out < 1) ||
        grid < 2 || grid > 256) {
      throw bachprop::ArgumentError("hidden 1..512, epochs 1..10000, a learning rate in "
                                    "(0, 10), a held-out share in (0, 1) and a grid of 2..256");
    }
    std::vector<Click> clicks = canvas::parse_clicks(points_csv, "the canvas");
    if (shuffle != 0) {
      bachprop::Rng(seed).shuffle(std::span<Click>(clicks));  // as notes_canvas --points does
    }
    const auto [train, test] = canvas::hold_out(clicks, held_out);
    const canvas::Settings settings{.hidden = hidden, .epochs = epochs,
                                    .learning_rate = learning_rate};
    const Matrix<float> raster = canvas::inputs_of(grid_points(grid));

    auto classifier = canvas::make_classifier(settings.hidden, seed);
    bachprop::TrainCallbacks show_classifier;
    show_classifier.on_epoch = [&](const bachprop::EpochReport& report) {
      const std::string text = nlohmann::json{{"model", "classifier"},
                                              {"epoch", report.epoch},
                                              {"epochs", epochs},
                                              {"loss", report.mean_loss},
                                              {"classes", classes_on(classifier, raster)}}
                                   .dump();
      post_epoch(text.c_str());
      return true;
    };
    const auto class_losses =
        canvas::train_classifier(classifier, train, settings, seed, show_classifier);
    const double train_accuracy = bachprop::classification_accuracy(
        Matrix<float>(classifier.forward(canvas::inputs_of(train))), canvas::labels_of(train));
    const double test_accuracy = bachprop::classification_accuracy(
        Matrix<float>(classifier.forward(canvas::inputs_of(test))), canvas::labels_of(test));

    auto regressor = canvas::make_regressor(settings.hidden, seed);
    bachprop::TrainCallbacks show_regressor;
    show_regressor.on_epoch = [&](const bachprop::EpochReport& report) {
      const std::string text = nlohmann::json{{"model", "regressor"},
                                              {"epoch", report.epoch},
                                              {"epochs", epochs},
                                              {"loss", report.mean_loss}}
                                   .dump();
      post_epoch(text.c_str());
      return true;
    };
    const auto regression_losses =
        canvas::train_regressor(regressor, train, settings, seed, show_regressor);
    nlohmann::json result = {
        {"clicks", {{"total", clicks.size()}, {"training", train.size()},
                    {"held_out", test.size()}}},
        {"classifier",
         {{"training_accuracy", train_accuracy},
          {"held_out_accuracy", test_accuracy},
          {"losses", class_losses}}},
        {"regressor",
         {{"held_out", error_json(canvas::regression_error(regressor, test))},
          {"training", error_json(canvas::regression_error(regressor, train))},
          {"losses", regression_losses}}},
        {"grid", grid},
        {"classes", classes_on(classifier, raster)},
        {"frequencies", frequencies_on(regressor, raster)},
        {"held_out_points", clicks_json(test)}};
    trained.emplace(Trained{std::move(classifier), std::move(regressor)});
    return result;
  });
}

/// What the trained models say at (x, y) in [0, 1]²: the note named (with its probability and
/// pitch) and the frequency predicted.
EMSCRIPTEN_KEEPALIVE const char* canvas_predict(double x, double y) {
  return web::answer([&] {
    if (!trained) {
      throw bachprop::ArgumentError("train the models first");
    }
    const Matrix<float> at = canvas::inputs_of({{x, y, 0}});
    const Matrix<float> probabilities = trained->classifier.forward(at);
    Index note = 0;
    const float probability = probabilities.col(0).maxCoeff(&note);
    const auto index = static_cast<std::size_t>(note);
    return nlohmann::json{{"note", canvas::note_names[index]},
                          {"pitch", canvas::note_pitches[index]},
                          {"note_hz", canvas::note_frequency(note)},
                          {"probability", probability},
                          {"hz", frequencies_on(trained->regressor, at).front()}};
  });
}

}  // extern "C"
