// Tests of bachprop/core/layer.hpp: the lifetime rule of a layer's input. forward(x) keeps a copy
// (so x may be a temporary, or the layer's own output); forward_borrowing(x) keeps a reference and
// gives the same results; a copied layer never points at a borrowed input.

#include "helpers.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/core/layer.hpp>

using namespace bachprop;
using test::normal;

TEST_CASE("forward_borrowing gives what forward gives, without keeping a copy", "[hot][borrow]") {
  Dense<double> copying(5, 3, Init::xavier, 1);
  Dense<double> borrowing = copying;
  const Matrix<double> x = normal(5, 4, 2);
  const Matrix<double> g = normal(3, 4, 3);
  CHECK(copying.forward(x) == borrowing.forward_borrowing(x));
  CHECK(copying.backward(g) == borrowing.backward(g));
  CHECK(copying.weights().gradient == borrowing.weights().gradient);

  Sigmoid<double> sigmoid_copying;
  Sigmoid<double> sigmoid_borrowing;
  CHECK(sigmoid_copying.forward(x) == sigmoid_borrowing.forward_borrowing(x));
  CHECK(&sigmoid_borrowing.last_input() == &x);  // a reference, not a copy
  CHECK(&sigmoid_copying.last_input() != &x);
  CHECK(sigmoid_copying.backward(normal(5, 4, 4)) == sigmoid_borrowing.backward(normal(5, 4, 4)));
}

TEST_CASE("a copied layer forgets a borrowed input but keeps a copied one", "[hot][borrow]") {
  const Matrix<double> x = normal(5, 4, 5);
  const Matrix<double> g = normal(3, 4, 6);
  Dense<double> borrowing(5, 3, Init::xavier, 7);
  borrowing.forward_borrowing(x);
  Dense<double> copy_of_borrowing = borrowing;  // might outlive x: must not point to it
  CHECK_THROWS_AS(copy_of_borrowing.backward(g), ArgumentError);

  Dense<double> copying(5, 3, Init::xavier, 7);
  copying.forward(x);
  Dense<double> copy_of_copying = copying;
  CHECK(copy_of_copying.backward(g) == copying.backward(g));
}

TEST_CASE("a layer fed its own output works on a copy of it", "[hot][borrow]") {
  // forward(x) copies x before writing its output, so x may be that very output.
  Dense<double> dense(4, 4, Init::xavier, 25);
  Dense<double> reference = dense;
  const Matrix<double> x = normal(4, 3, 26);
  const Matrix<double>& once = dense.forward(x);
  const Matrix<double> expected = reference.forward(Matrix<double>(reference.forward(x)));
  CHECK(dense.forward(once).isApprox(expected, 1e-15));

  Tanh<double> tanh_layer;
  const Matrix<double> twice = (x.array().tanh().tanh()).matrix();
  CHECK(tanh_layer.forward(tanh_layer.forward(x)).isApprox(twice, 1e-15));
}
