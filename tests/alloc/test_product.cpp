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
