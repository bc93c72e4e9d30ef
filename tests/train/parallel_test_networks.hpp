#pragma once
// What the data-parallel tests share (tests/train/test_data_parallel.cpp and, across MPI
// processes, tests/mpi/test_exchange.cpp): a network's parameters or gradients as one vector,
// and the two networks both train, a dense one with dropout and an LSTM over sequences.

#include <bachprop/neural.hpp>

namespace parallel_test {

// Every parameter value (or, with `gradients`, every gradient), one after another.
template <class Net>
bachprop::Vector<typename Net::Scalar> flattened(const Net& net, bool gradients = false) {
  bachprop::Vector<typename Net::Scalar> all(net.parameter_count());
  bachprop::Index at = 0;
  net.for_each_parameter([&](const auto& p) {
    const auto& m = gradients ? p.gradient : p.value;
    all.segment(at, m.size()) = m.reshaped();
    at += m.size();
  });
  return all;
}

// 12 → 24 (tanh, dropout 0.25 with its own seed) → 5 (softmax), initialised from seed 3.
template <class S>
auto dense_network() {
  using namespace bachprop;
  Network net{Dense<S>(12, 24), Tanh<S>(), Dropout<S>(0.25, 9), Dense<S>(24, 5), Softmax<S>()};
  net.initialise(3);
  return net;
}

// An LSTM of 10 over 6 inputs, dropout, 6 outputs (softmax), initialised from seed 4.
template <class S>
auto lstm_network(double dropout = 0.2) {
  using namespace bachprop;
  Network net{Lstm<S>(6, 10), Dropout<S>(dropout), Dense<S>(10, 6), Softmax<S>()};
  net.initialise(4);
  return net;
}

}  // namespace parallel_test
