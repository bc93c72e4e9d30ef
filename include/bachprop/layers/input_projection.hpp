#pragma once
/// @file
/// The input side of a recurrent layer, W X + b·1ᵀ for every step at once, and its weight
/// gradient δ Xᵀ, with a shortcut for one-hot inputs (a melody's notes): the product with a
/// one-hot column x is the column of W where x has its 1, and the gradient a sum of δ columns.
/// Rnn, Lstm and Gru share it; both paths give the same numbers, since the product only adds
/// zeros.

#include <bachprop/core/product.hpp>
#include <bachprop/core/types.hpp>

#include <vector>

namespace bachprop::detail {

/// Whether every column of x is one-hot (a single 1, zeros elsewhere) or zero; if so, `hot`
/// gets each column's row of the 1 (−1 for none), else it is emptied. The capacity of `hot` is
/// kept, so a steady loop does not allocate.
template <Scalar S>
bool find_one_hot_rows(const Matrix<S>& x, std::vector<Index>& hot) {
  hot.resize(static_cast<std::size_t>(x.cols()));
  for (Index j = 0; j < x.cols(); ++j) {
    const S* column = x.data() + j * x.rows();
    Index one = -1;
    for (Index i = 0; i < x.rows(); ++i) {
      if (column[i] != S(0)) {
        if (column[i] != S(1) || one >= 0) {
          hot.clear();
          return false;
        }
        one = i;
      }
    }
    hot[static_cast<std::size_t>(j)] = one;
  }
  return true;
}

/// out = W X + b·1ᵀ. For one-hot X a copy of one column of W (plus b) per column of X; `hot`
/// receives the row of each column's 1 (−1 for a zero column), or is left empty when X is not
/// one-hot and the general product ran.
template <Scalar S>
void project_inputs(const Matrix<S>& weights, const Matrix<S>& biases, const Matrix<S>& x,
                    std::vector<Index>& hot, Matrix<S>& out) {
  out.resize(weights.rows(), x.cols());
  if (!find_one_hot_rows(x, hot)) {
    multiply(out, weights, x, biases.data());
    return;
  }
  for (Index j = 0; j < x.cols(); ++j) {
    const Index k = hot[static_cast<std::size_t>(j)];
    if (k >= 0) {
      out.col(j) = biases.col(0) + weights.col(k);
    } else {
      out.col(j) = biases.col(0);
    }
  }
}

/// out = δ Xᵀ (rows of δ × rows of X). `hot` is what project_inputs found for X: with one entry
/// per column (X one-hot), column k of out is the sum of the δ columns whose x had its 1 in row
/// k; otherwise the general product.
template <Scalar S, class Delta>
void input_weight_gradient(const Delta& delta, const Matrix<S>& x, const std::vector<Index>& hot,
                           Matrix<S>& out) {
  out.resize(delta.rows(), x.rows());
  if (static_cast<Index>(hot.size()) != x.cols()) {
    multiply_transposed_b(out, delta, x);
    return;
  }
  out.setZero();
  for (Index j = 0; j < x.cols(); ++j) {
    const Index k = hot[static_cast<std::size_t>(j)];
    if (k >= 0) {
      out.col(k) += delta.col(j);
    }
  }
}

}  // namespace bachprop::detail
