// Tests of bachprop/core/product.hpp: the hot path's products against Eigen's, on every shape class
// the kernel handles (heights below, at and between whole vectors; one to many columns; depth 0),
// the ones it hands to Eigen, column blocks, accumulation, transposed operands, float and double.
// That they allocate nothing is tests/alloc/test_product.cpp's.

#include <bachprop/core/error.hpp>
#include <bachprop/core/product.hpp>
#include <bachprop/core/random.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>

using namespace bachprop;

namespace {

template <class S>
Matrix<S> random_matrix(Index rows, Index cols, Rng& rng) {
  Matrix<S> m(rows, cols);
  for (Index i = 0; i < m.size(); ++i) {
    m.data()[i] = static_cast<S>(rng.uniform(-1.0, 1.0));
  }
  return m;
}

// ‖ours − Eigen's‖ relative to the size of the numbers summed.
template <class S>
double difference(const Matrix<S>& ours, const Matrix<S>& eigen) {
  return static_cast<double>((ours - eigen).norm()) / (static_cast<double>(eigen.norm()) + 1.0);
}

template <class S>
void compare_with_eigen(std::uint64_t seed, int trials) {
  const double tolerance = sizeof(S) == 4 ? 2e-6 : 1e-14;
  Rng rng(seed);
  double worst = 0;
  for (int trial = 0; trial < trials; ++trial) {
    // Mostly thin shapes (the kernel's), sometimes taller ones (several row blocks) and, every
    // 50th, a left factor too large for the kernel's cache budget (Eigen's product).
    const bool large = trial % 50 == 0;
    const auto m = static_cast<Index>(large ? 600 + rng.below(100)
                                            : 1 + rng.below(trial % 3 == 0 ? 130 : 50));
    const auto n = static_cast<Index>(1 + rng.below(large ? 4 : 30));
    const auto k = static_cast<Index>(large ? 500 : rng.below(trial % 7 == 0 ? 300 : 40));
    INFO("m " << m << ", n " << n << ", k " << k);
    const Matrix<S> a = random_matrix<S>(m, k, rng);
    const Matrix<S> b = random_matrix<S>(k, n, rng);
    const Matrix<S> bias = random_matrix<S>(m, 1, rng);

    Matrix<S> c(m, n);
    multiply(c, a, b, bias.data());
    Matrix<S> expected = a * b;
    expected.colwise() += bias.col(0);
    worst = std::max(worst, difference(c, expected));

    multiply(c, a, b);
    worst = std::max(worst, difference(c, Matrix<S>(a * b)));

    Matrix<S> accumulated = random_matrix<S>(m, n, rng);
    Matrix<S> expected_sum = accumulated + a * b;
    multiply_add(accumulated, a, b);
    worst = std::max(worst, difference(accumulated, expected_sum));

    const Matrix<S> b_transposed = random_matrix<S>(n, k, rng);
    multiply_transposed_b(c, a, b_transposed);
    worst = std::max(worst, difference(c, Matrix<S>(a * b_transposed.transpose())));

    const Matrix<S> a_transposed = random_matrix<S>(k, m, rng);
    Matrix<S> scratch;
    multiply_transposed_a(c, a_transposed, b, scratch);
    worst = std::max(worst, difference(c, Matrix<S>(a_transposed.transpose() * b)));

    // Blocks of whole columns, read and written in place; the columns around stay untouched.
    Matrix<S> wide = random_matrix<S>(m, n + 5, rng);
    const Matrix<S> wide_b = random_matrix<S>(k, n + 7, rng);
    Matrix<S> wide_expected = wide;
    wide_expected.middleCols(2, n) = a * wide_b.middleCols(3, n);
    multiply(wide.middleCols(2, n), a, wide_b.middleCols(3, n));
    worst = std::max(worst, difference(wide, wide_expected));
    CHECK(wide.leftCols(2) == wide_expected.leftCols(2));
    CHECK(wide.rightCols(3) == wide_expected.rightCols(3));
  }
  INFO("worst relative difference " << worst);
  CHECK(worst < tolerance);
}

}  // namespace

TEST_CASE("the product kernels agree with Eigen on random shapes", "[product]") {
  compare_with_eigen<float>(1, 300);
  compare_with_eigen<double>(2, 300);
}

// One or two columns (a generation step) take blocks of many vectors first; what they leave must
// still be covered, at every height and for every vector width (the bug this found on NEON: a
// remainder of fewer rows than a vector re-added the row before it when accumulating).
template <class S>
void compare_thin_products_with_eigen(std::uint64_t seed) {
  const double tolerance = sizeof(S) == 4 ? 2e-6 : 1e-14;
  Rng rng(seed);
  for (Index m = 1; m <= 200; ++m) {
    for (Index n = 1; n <= 3; ++n) {
      INFO("m " << m << ", n " << n);
      const Matrix<S> a = random_matrix<S>(m, 5, rng);
      const Matrix<S> b = random_matrix<S>(5, n, rng);
      const Matrix<S> bias = random_matrix<S>(m, 1, rng);
      Matrix<S> c(m, n);
      multiply(c, a, b, bias.data());
      Matrix<S> expected = a * b;
      expected.colwise() += bias.col(0);
      CHECK(difference(c, expected) < tolerance);
      Matrix<S> accumulated = random_matrix<S>(m, n, rng);
      const Matrix<S> expected_sum = accumulated + a * b;
      multiply_add(accumulated, a, b);
      CHECK(difference(accumulated, expected_sum) < tolerance);
    }
  }
}

TEST_CASE("one- and two-column products agree with Eigen at every height", "[product]") {
  compare_thin_products_with_eigen<float>(4);
  compare_thin_products_with_eigen<double>(5);
}

TEST_CASE("the product kernels on the benchmark shapes agree with Eigen", "[product]") {
  Rng rng(3);
  // (rows of W, inputs, batch): the book's and the autoencoder's layers, the RNN's and the
  // LSTM's products (4·128 gate rows; one and two columns take the tall blocks).
  for (const auto& [m, k, n] : {std::tuple<Index, Index, Index>{30, 784, 10}, {30, 784, 256},
                                {10, 30, 64}, {128, 784, 64}, {784, 128, 256}, {32, 128, 256},
                                {128, 128, 32}, {64, 128, 1024}, {128, 128, 1}, {512, 128, 1},
                                {512, 128, 2}, {200, 128, 1}, {512, 128, 32}, {128, 512, 32},
                                // the biaxial model's (issue 18): its first LSTM's W_x X and
                                // δ Xᵀ over 88 keys × 64 frames, one gate's δ hᵀ, and its
                                // dense layer's two outputs
                                {384, 79, 5632}, {96, 96, 5568}, {2, 32, 5632}}) {
    INFO(m << "×" << k << " times " << k << "×" << n);
    const Matrix<float> w = random_matrix<float>(m, k, rng);
    const Matrix<float> x = random_matrix<float>(k, n, rng);
    Matrix<float> z(m, n);
    multiply(z, w, x);
    CHECK(difference(z, Matrix<float>(w * x)) < 2e-6);
    const Matrix<float> delta = random_matrix<float>(m, n, rng);
    Matrix<float> weight_gradient(m, k);
    multiply_transposed_b(weight_gradient, delta, x);
    CHECK(difference(weight_gradient, Matrix<float>(delta * x.transpose())) < 2e-6);
  }
}

TEST_CASE("a weight gradient over the kernel's cache budget is the kernel's own sum",
          "[product]") {
  // δ Xᵀ with δ of 300 × 4000 floats (4.8 MB, over the 1 MiB budget) is taken in slices of
  // δ's columns, each added to the last: the same multiply-adds in the same order as the kernel
  // computes for row blocks of δ that fit the budget whole, so exactly the same numbers.
  Rng rng(5);
  for (const Index rows : {Index{300}, Index{37}}) {
    const Matrix<float> delta = random_matrix<float>(rows, 4000, rng);
    const Matrix<float> x = random_matrix<float>(23, 4000, rng);
    Matrix<float> sliced(rows, 23);
    multiply_transposed_b(sliced, delta, x);
    Matrix<float> by_rows(rows, 23);
    const Index block = 16;  // 16 × 4000 floats: 256 KB, within the budget (37 = 16 + 16 + 5)
    for (Index r = 0; r < rows; r += block) {
      const Index height = std::min(block, rows - r);
      multiply_transposed_b(by_rows.middleRows(r, height), delta.middleRows(r, height), x);
    }
    CHECK(sliced == by_rows);
    CHECK(difference(sliced, Matrix<float>(delta * x.transpose())) < 2e-6);
  }
}

TEST_CASE("a product with shapes that do not fit is refused, not computed", "[product]") {
  Matrix<float> a = Matrix<float>::Ones(4, 3);
  Matrix<float> b = Matrix<float>::Ones(5, 2);
  Matrix<float> c(4, 2);
  CHECK_THROWS_AS(multiply(c, a, b), ShapeError);
  Matrix<float> wrong(3, 2);
  CHECK_THROWS_AS(multiply(wrong, a, Matrix<float>::Ones(3, 2).eval()), ShapeError);
  CHECK_THROWS_AS(multiply_transposed_b(c, a, b), ShapeError);
}
