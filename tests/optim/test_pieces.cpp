// Tests of bachprop/optim/pieces.hpp: a step taken in pieces (begin_step, then update for each
// piece of each parameter, the pieces in any order) gives step()'s weights, bit for bit when the
// pieces are cut at multiples of 16 entries.

#include "helpers.hpp"

#include <bachprop/core/init.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/optim/adadelta.hpp>
#include <bachprop/optim/adam.hpp>
#include <bachprop/optim/sgd.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

using namespace bachprop;

namespace {

// A Dense layer of odd sizes (1,961 weights, 37 biases: no multiple of a vector's width) with
// random weights and the gradients of `step`.
template <class S>
Dense<S> layer_at(std::uint64_t step) {
  Dense<S> layer(53, 37, Init::zeros);
  layer.weights().value = test::random_matrix(37, 53, 1).template cast<S>();
  layer.biases().value = test::random_matrix(37, 1, 2).template cast<S>();
  layer.weights().gradient = test::random_matrix(37, 53, 10 + step).template cast<S>();
  layer.biases().gradient = test::random_matrix(37, 1, 20 + step).template cast<S>();
  return layer;
}

// Three steps of `whole` by step() and of `pieces` in pieces cut at `cuts` (offsets into each
// parameter, within its size), the last piece first; the weights must be equal, bit for bit.
template <class S, class Optimiser>
void check_pieces(Optimiser whole, Optimiser pieces, const std::vector<Index>& cuts) {
  Dense<S> a = layer_at<S>(0);
  Dense<S> b = layer_at<S>(0);
  for (std::uint64_t step = 0; step < 3; ++step) {
    const Dense<S> fresh = layer_at<S>(step);
    a.weights().gradient = fresh.weights().gradient;
    a.biases().gradient = fresh.biases().gradient;
    b.weights().gradient = fresh.weights().gradient;
    b.biases().gradient = fresh.biases().gradient;
    whole.step(a);
    const auto coefficients = pieces.begin_step(b);
    std::size_t index = 0;
    b.for_each_parameter([&](Parameter<S>& p) {
      std::vector<Index> ends{0};
      for (Index cut : cuts) {
        if (cut > 0 && cut < p.value.size()) {
          ends.push_back(cut);
        }
      }
      ends.push_back(p.value.size());
      for (std::size_t k = ends.size() - 1; k > 0; --k) {  // the last piece first
        pieces.update(coefficients, index, p, ends[k - 1], ends[k]);
      }
      ++index;
    });
  }
  CHECK(a.weights().value == b.weights().value);
  CHECK(a.biases().value == b.biases().value);
  CHECK(a.weights().value != layer_at<S>(0).weights().value);  // the steps moved them
}

template <class S>
void check_every_optimiser(const std::vector<Index>& cuts) {
  check_pieces<S>(Sgd<S>(0.1), Sgd<S>(0.1), cuts);
  const SgdOptions heavy{.learning_rate = 0.1, .momentum = 0.9, .weight_decay = 0.01};
  check_pieces<S>(Sgd<S>(heavy), Sgd<S>(heavy), cuts);
  const SgdOptions decay{.learning_rate = 0.1, .weight_decay = 0.01};
  check_pieces<S>(Sgd<S>(decay), Sgd<S>(decay), cuts);
  const AdamOptions adam{.learning_rate = 1e-2, .weight_decay = 0.01};
  check_pieces<S>(Adam<S>(adam), Adam<S>(adam), cuts);
  check_pieces<S>(Adadelta<S>(1.0), Adadelta<S>(1.0), cuts);
}

}  // namespace

TEST_CASE("a step in pieces cut at multiples of 16 entries is step(), bit for bit",
          "[optim][pieces]") {
  static_assert(PiecewiseOptimiser<Adam<float>, Dense<float>>);
  static_assert(PiecewiseOptimiser<Sgd<double>, Dense<double>>);
  static_assert(PiecewiseOptimiser<Adadelta<float>, Dense<float>>);
  check_every_optimiser<float>({16, 48, 1024, 1952});
  check_every_optimiser<double>({16, 48, 1024, 1952});
}

TEST_CASE("a step in pieces cut anywhere is step() to rounding", "[optim][pieces]") {
  // Cut inside a vector's width, an entry may be computed by the scalar code instead of the
  // vector code, and the compiler may fuse a multiply and an add in one but not the other.
  Dense<double> a = layer_at<double>(0);
  Dense<double> b = layer_at<double>(0);
  Adam<double> whole(AdamOptions{.learning_rate = 1e-2, .weight_decay = 0.01});
  Adam<double> pieces(AdamOptions{.learning_rate = 1e-2, .weight_decay = 0.01});
  whole.step(a);
  const auto coefficients = pieces.begin_step(b);
  pieces.update(coefficients, 0, b.weights(), 7, 1001);
  pieces.update(coefficients, 0, b.weights(), 0, 7);
  pieces.update(coefficients, 0, b.weights(), 1001, b.weights().value.size());
  pieces.update(coefficients, 1, b.biases(), 0, 37);
  CHECK(b.weights().value.isApprox(a.weights().value, 1e-14));
  CHECK(b.biases().value == a.biases().value);
}
