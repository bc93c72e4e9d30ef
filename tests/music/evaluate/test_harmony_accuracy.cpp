// Tests of bachprop/music/evaluate/harmony_accuracy.hpp: confusion matrices, precision and recall,
// per-voice accuracy and pitch-class confusion against Bach's own voices.

#include "music/evaluate/chord_grids.hpp"

#include <bachprop/music/evaluate/harmony_accuracy.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("a confusion matrix gives accuracy, precision and recall", "[harmony][evaluation]") {
  ConfusionMatrix m(3);
  m.add(0, 0, 3);
  m.add(0, 1);
  m.add(1, 1, 2);
  m.add(2, 0);
  CHECK(m.total() == 7);
  CHECK(m.accuracy() == Approx(5.0 / 7));
  CHECK(m.precision(0) == Approx(0.75));  // predicted 0 four times, right three
  CHECK(m.recall(0) == Approx(0.75));     // was 0 four times, found three
  CHECK(m.precision(1) == Approx(2.0 / 3));
  CHECK(m.recall(1) == Approx(1.0));
  CHECK(std::isnan(m.precision(2)));  // never predicted
  CHECK(m.recall(2) == 0.0);
  CHECK(m.support(2) == 1);
  CHECK(m.predicted(0) == 4);
  CHECK_THROWS_AS(m.add(3, 0), ArgumentError);
  ConfusionMatrix twice = m;
  twice += m;
  CHECK(twice.count(0, 0) == 6);
  CHECK_THROWS_AS(twice += ConfusionMatrix(2), ShapeError);
  CHECK(std::isnan(ConfusionMatrix(2).accuracy()));
}

TEST_CASE("per-voice accuracy and pitch-class confusion against Bach", "[harmony][evaluation]") {
  const FourVoiceGrid bach =
      grid_of_chords({{72, 67, 64, 48}, {72, 67, 64, 48}, {74, 65, 62, 47}, {X, X, X, X}});
  const FourVoiceGrid model =
      grid_of_chords({{72, 67, 52, 48}, {72, 64, 64, 48}, {74, 65, 62, 43}, {X, 60, X, X}});
  const HarmonyAccuracy a = evaluate_accuracy({model}, {bach});
  CHECK(a.steps == 4);
  CHECK(a.accuracy(soprano) == 1.0);
  CHECK(a.accuracy(alto) == 0.5);               // steps 0 and 2 right
  CHECK(a.accuracy(tenor) == 0.75);             // step 0 an octave too low
  CHECK(a.pitch_class_accuracy(tenor) == 1.0);  // ... but the right pitch class
  CHECK(a.accuracy(bass) == 0.75);              // step 2: G2 instead of B2
  CHECK(a.mean_accuracy() == Approx((0.5 + 0.75 + 0.75) / 3));
  const ConfusionMatrix& alto_confusion = a.confusion[alto];
  CHECK(alto_confusion.count(pitch_class_label(67), pitch_class_label(67)) == 1);
  CHECK(alto_confusion.count(pitch_class_label(67), pitch_class_label(64)) == 1);  // G as E
  CHECK(alto_confusion.count(12, pitch_class_label(60)) == 1);                     // silence as C
  CHECK(alto_confusion.recall(12) == 0.0);
  CHECK(alto_confusion.precision(pitch_class_label(65)) == 1.0);
  CHECK(pitch_class_label_name(12) == "-");
  CHECK(pitch_class_label_name(1) == "C#");
  const auto json = a.to_json();
  CHECK(json["Alto"]["accuracy"] == 0.5);
  CHECK(json["Alto"]["recall"]["-"] == 0.0);
  CHECK(json["Alto"]["precision"]["-"].is_null());  // never predicted silence

  CHECK_THROWS_AS(evaluate_accuracy({model}, {bach, bach}), ArgumentError);
  const FourVoiceGrid shorter = grid_of_chords({{72, 67, 64, 48}});
  CHECK_THROWS_AS(evaluate_accuracy({shorter}, {bach}), ShapeError);
}
