// Tests of bachprop/core/product.hpp in a steady loop: the hot path's products allocate nothing.
// That they agree with Eigen's is core/test_product.cpp's.

#include "allocation_counter.hpp"

#include <bachprop/core/product.hpp>
#include <bachprop/core/random.hpp>

#include <catch2/catch.hpp>

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

}  // namespace

TEST_CASE("the product kernels allocate nothing", "[product][alloc]") {
  Rng rng(4);
  const Matrix<float> w = random_matrix<float>(30, 784, rng);
  const Matrix<float> x = random_matrix<float>(784, 64, rng);
  const Matrix<float> delta = random_matrix<float>(30, 64, rng);
  Matrix<float> z(30, 64);
  Matrix<float> gradient(30, 784);
  Matrix<float> back(784, 64);
  Matrix<float> scratch;
  multiply_transposed_a(back, w, delta, scratch);  // sizes the scratch
  alloc_test::AllocationCounter counter;
  multiply(z, w, x);
  multiply_add(z, w, x);
  multiply_transposed_b(gradient, delta, x);
  multiply_transposed_a(back, w, delta, scratch);
  counter.stop();
  INFO(counter.describe());
  CHECK(counter.count() == 0);
}

TEST_CASE("products over the kernel's cache budget or under its height allocate nothing",
          "[product][alloc]") {
  // The biaxial model's (issue 18): δ Xᵀ of its first LSTM over 88 keys × 64 frames (δ is 8.6
  // MB, taken in slices), and its dense layer's two outputs over as many columns (Eigen's
  // product, a slice of columns at a time). Eigen's product on the whole would allocate its
  // packing buffers for both.
  Rng rng(5);
  const Matrix<float> delta = random_matrix<float>(384, 5632, rng);
  const Matrix<float> x = random_matrix<float>(79, 5632, rng);
  const Matrix<float> w = random_matrix<float>(2, 32, rng);
  const Matrix<float> h = random_matrix<float>(32, 5632, rng);
  const Matrix<float> bias = random_matrix<float>(2, 1, rng);
  Matrix<float> gradient(384, 79);
  Matrix<float> logits(2, 5632);
  alloc_test::AllocationCounter counter;
  multiply_transposed_b(gradient, delta, x);
  multiply(logits, w, h, bias.data());
  multiply_add(logits, w, h);
  counter.stop();
  INFO(counter.describe());
  CHECK(counter.count() == 0);
}
