// Tests of bachprop/music/models/window_model.hpp: the paper's feedforward 32-in, 32-out model and
// its fix.

#include "helpers.hpp"

#include <bachprop/music/models/window_model.hpp>

using namespace bachprop;
using namespace bachprop::music;

namespace {

NoteSequence pattern(int start, std::size_t n) {
  static const std::vector<int> steps{0, 4, 7, 4, 2, 5, 9, 5};
  NoteSequence m;
  for (std::size_t i = 0; i < n; ++i) {
    m.pitches.push_back(start + steps[i % steps.size()]);
    m.durations.push_back(i % 2 == 0 ? 1.0 : 0.5);
  }
  return m;
}

WindowModelSettings small(WindowOutput output) {
  WindowModelSettings s;
  s.output = output;
  s.context = 4;
  s.horizon = 3;
  s.hidden = 24;
  s.epochs = 60;
  s.patience = 0;
  s.transpose_down = 2;  // the validation melody is a transposition of the training ones
  s.transpose_up = 2;
  s.learning_rate = output == WindowOutput::paper ? 2.0 : 0.01;
  return s;
}

}  // namespace

TEST_CASE("contexts are left-padded with empty notes", "[window]") {
  WindowModel model(small(WindowOutput::softmax));
  const NoteSequence m = pattern(60, 10);
  const Index rows = model.embedding().rows();
  Vector<float> context(4 * rows);
  model.encode_context(m, 2, context);
  CHECK(context.head(2 * rows).isZero());  // notes −2 and −1 do not exist
  CHECK(context.segment(2 * rows, rows)(60 - 36) == 1.0F);
  CHECK(context.segment(3 * rows, rows)(64 - 36) == 1.0F);
  CHECK(context.sum() == 4.0F);

  Matrix<float> inputs;
  Matrix<float> targets;
  model.make_examples({m}, inputs, targets);
  CHECK(inputs.cols() == 10 - 3);  // t = 1 .. 7: the horizon of 3 must fit
  CHECK(targets.col(0).segment(0, rows)(64 - 36) == 1.0F);  // target 0 of t = 1 is note 1
  CHECK(on_eighth_grid({{60}, {0.3}}).durations[0] == 0.5);
  CHECK(on_eighth_grid({{60}, {20.0}}).durations[0] == 8.0);
}

TEST_CASE("both window models learn a repeating pattern", "[window][training]") {
  std::vector<NoteSequence> train;
  for (int start : {60, 62, 65}) {
    train.push_back(pattern(start, 40));
  }
  const std::vector<NoteSequence> valid{pattern(64, 40)};
  for (const auto output : {WindowOutput::paper, WindowOutput::softmax}) {
    WindowModel model(small(output));
    const auto before = model.next_note_bits(valid);
    model.train(train, valid);
    const auto after = model.next_note_bits(valid);
    INFO((output == WindowOutput::paper ? "paper" : "softmax")
         << ": " << before.first << " → " << after.first << " bits per pitch");
    CHECK(after.first < before.first - 2.0);
    const Matrix<float> p = model.next_pitch_distributions(valid[0]);
    CHECK(p.col(5).sum() == Approx(1.0F));
    Index best = 0;
    p.col(20).maxCoeff(&best);
    CHECK(36 + best == valid[0].pitches[21]);
  }
}
