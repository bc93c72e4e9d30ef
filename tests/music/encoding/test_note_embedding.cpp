// Tests of bachprop/music/encoding/note_embedding.hpp: the paper's note embedding (one-hot pitch
// over 36..81 plus one-hot eighths), rests, preallocated buffers and quantised durations.

#include <bachprop/music/encoding/note_embedding.hpp>

#include <catch2/catch.hpp>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("the note embedding is one-hot pitch over 36..81 plus one-hot eighths", "[encoding]") {
  const NoteEmbedding paper;
  CHECK(paper.pitch_rows() == 46);
  CHECK(paper.duration_rows() == 16);
  CHECK(paper.rows() == 62);
  const Melody melody{{36, 0.5}, {60, 1.0}, {81, 8.0}, {67, 1.5}};
  const Matrix<float> x = paper.encode(melody);
  REQUIRE(x.rows() == 62);
  REQUIRE(x.cols() == 4);
  CHECK(x.colwise().sum() == RowVector<float>::Constant(4, 2.0F));
  CHECK(x(0, 0) == 1.0F);          // MIDI 36 is the first pitch row
  CHECK(x(46 + 0, 0) == 1.0F);     // one eighth
  CHECK(x(24, 1) == 1.0F);         // MIDI 60
  CHECK(x(46 + 1, 1) == 1.0F);     // two eighths
  CHECK(x(45, 2) == 1.0F);         // MIDI 81, the last pitch row
  CHECK(x(46 + 15, 2) == 1.0F);    // sixteen eighths
  CHECK(x(46 + 2, 3) == 1.0F);     // a dotted quarter is three eighths
  CHECK(paper.decode(x) == melody);
  CHECK_THROWS_WITH(paper.encode(Melody{{35, 1.0}}), Catch::Contains("pitch 35"));
  CHECK_THROWS_WITH(paper.encode(Melody{{rest_pitch, 1.0}}), Catch::Contains("with_rest"));
  CHECK_THROWS_WITH(paper.encode(Melody{{60, 0.25}}), Catch::Contains("quantise_durations"));
  CHECK_THROWS_AS(paper.encode(Melody{{60, 8.5}}), ArgumentError);
  CHECK_THROWS_AS(paper.decode(Matrix<float>::Zero(61, 2)), ShapeError);
}

TEST_CASE("rests, preallocated buffers and quantised durations", "[encoding]") {
  const NoteEmbedding embedding{.lowest_pitch = 60, .highest_pitch = 81, .max_eighths = 8,
                                .with_rest = true};
  CHECK(embedding.rows() == 23 + 8);
  const Melody melody{{60, 1.0}, {rest_pitch, 0.5}, {81, 4.0}};
  Matrix<double> buffer(embedding.rows(), 3);
  const double* before = buffer.data();
  embedding.encode(melody, buffer);
  CHECK(buffer.data() == before);  // the right shape: no reallocation
  CHECK(buffer(22, 1) == 1.0);     // the rest row is the last pitch row
  CHECK(embedding.decode(buffer) == melody);
  CHECK(embedding.row_pitches().back() == rest_pitch);
  Vector<float> column(embedding.rows());
  embedding.encode_event({62, 2.0}, column);
  CHECK(embedding.decode_event(column) == MelodyEvent{62, 2.0});
  CHECK(quantise_durations(Melody{{60, 0.25}, {62, 0.75}, {64, 1.3}}, 0.5) ==
        Melody{{60, 0.5}, {62, 1.0}, {64, 1.5}});
  CHECK_THROWS_AS(quantise_durations(melody, 0.0), ArgumentError);
}
