#pragma once
/// @file
/// The fully connected layer: z = W a + b, equations (3)-(4), and its backward pass, (17), (20)
/// and (22).

#include <bachprop/core/error.hpp>
#include <bachprop/core/init.hpp>
#include <bachprop/core/layer.hpp>
#include <bachprop/core/parameter.hpp>
#include <bachprop/core/product.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bachprop {

/// A fully connected (affine) layer of `outputs` neurons, each connected to all `inputs`.
///
/// Weights are n_out × n_in, so w_jk links input k to neuron j (section 2.5), and a batch is one
/// column per sample: Z = W A + b·1ᵀ. The paper's equation (4) writes the same product for a row
/// vector, z = x W, i.e. with W transposed; the code follows sections 2.5 and 4.
template <Scalar S = float>
class Dense {
 public:
  /// The element type, float or double.
  using Scalar = S;

  /// A layer of `outputs` neurons over `inputs` features, its weights drawn by `init` from
  /// `seed`. Without a seed the layer is unseeded(): it holds the draw of seed 0 until a Network
  /// takes it and draws it afresh, so that equal layers do not start equal.
  Dense(Index inputs, Index outputs, Init init = Init::nielsen,
        std::optional<std::uint64_t> seed = std::nullopt)
      : weights_("weights", outputs, inputs, true), biases_("biases", outputs, 1, false),
        init_(init) {
    if (inputs <= 0 || outputs <= 0) {
      throw ArgumentError("Dense: sizes must be positive, got " + std::to_string(inputs) + "→" +
                          std::to_string(outputs));
    }
    Rng rng(seed.value_or(0));
    initialise(rng);
    unseeded_ = !seed.has_value();
  }

  /// The layer's name in messages and saved models.
  static constexpr std::string_view kind() { return "dense"; }
  /// n_in: the rows a batch must have.
  Index input_size() const { return weights_.value.cols(); }
  /// n_out: the number of neurons, the rows of the output.
  Index output_size() const { return weights_.value.rows(); }
  /// The scheme initialise() draws weights by.
  Init init() const { return init_; }

  /// Draws fresh weights and biases by the layer's scheme (step 1 of section 5).
  void initialise(Rng& rng) {
    initialise_affine(init_, weights_.value, biases_.value, rng);
    unseeded_ = false;
  }

  /// True while the parameters are the draw of a layer built without a seed and nothing has
  /// touched them since (initialise, or a mutable weights(), biases() or for_each_parameter):
  /// a Network then draws them afresh.
  bool unseeded() const { return unseeded_; }

  /// Z = W A + b·1ᵀ for a batch A (inputs × batch). Keeps a copy of A for the weight gradient,
  /// so A may be a temporary.
  const Matrix<S>& forward(const Matrix<S>& input) {
    check_input(input);
    input_.copy(input);
    return affine(input_.get());  // the copy: `input` may even be this layer's output
  }

  /// forward without the copy: keeps a reference to A, which must stay alive and unchanged
  /// until backward (the rule in core/layer.hpp). What a Network calls.
  const Matrix<S>& forward_borrowing(const Matrix<S>& input) {
    check_input(input);
    input_.borrow(input);
    return affine(input);
  }

  /// Given δ = ∂C/∂Z (outputs × batch), stores ∂C/∂W and ∂C/∂b and returns Wᵀδ = ∂C/∂A.
  const Matrix<S>& backward(const Matrix<S>& delta) {
    backward_parameters_only(delta);
    input_gradient_.resize(input_size(), delta.cols());
    // doc:begin dense-backward-input
    // (17) the sum over k of w_kj δ_k for every j: (W^{l+1})ᵀ δ^{l+1}. The activation
    // layer below multiplies it by σ'(z^l). (In Eigen: `weights_.value.transpose() * delta`.)
    multiply_transposed_a(input_gradient_, weights_.value, delta, transposed_weights_);
    // doc:end dense-backward-input
    return input_gradient_;
  }

  /// The parameter half of backward; a network's first layer needs nothing more.
  void backward_parameters_only(const Matrix<S>& delta) {
    check_delta(delta);
    const Matrix<S>& input = input_.get();
    weights_.gradient.resize(output_size(), input_size());
    // doc:begin dense-backward-parameters
    // (22) ∂C/∂w_kj = δ_k a_j^{l-1}; summed over the batch's columns that is δ Aᵀ.
    // (In Eigen: `delta * input.transpose()`.)
    multiply_transposed_b(weights_.gradient, delta, input);
    // (20) ∂C/∂b_j = δ_j, summed over the batch.
    biases_.gradient.noalias() = delta.rowwise().sum();
    // doc:end dense-backward-parameters
  }

  /// Visits the weights, then the biases (the order saved models and optimisers rely on).
  template <class F>
  void for_each_parameter(F&& visit) {
    unseeded_ = false;
    visit(weights_);
    visit(biases_);
  }
  /// Visits the weights, then the biases, read-only.
  template <class F>
  void for_each_parameter(F&& visit) const {
    visit(weights_);
    visit(biases_);
  }

  /// W (n_out × n_in) and its gradient.
  Parameter<S>& weights() {
    unseeded_ = false;
    return weights_;
  }
  /// W (n_out × n_in) and its gradient, read-only.
  const Parameter<S>& weights() const { return weights_; }
  /// b (n_out × 1) and its gradient.
  Parameter<S>& biases() {
    unseeded_ = false;
    return biases_;
  }
  /// b (n_out × 1) and its gradient, read-only.
  const Parameter<S>& biases() const { return biases_; }

  /// "784→30": the sizes, for messages.
  std::string describe() const {
    return std::to_string(input_size()) + "→" + std::to_string(output_size());
  }

 private:
  const Matrix<S>& affine(const Matrix<S>& input) {
    output_.resize(output_size(), input.cols());
    // doc:begin dense-forward
    // (3)-(4) z^l = W^l a^{l-1} + b^l, for every column (sample) of the batch at once: in Eigen
    // `output_.noalias() = weights_.value * input; output_.colwise() += biases_.value.col(0);`,
    // here one pass of the product kernel (core/product.hpp), each sum starting from b^l.
    multiply(output_, weights_.value, input, biases_.value.data());
    // doc:end dense-forward
    return output_;
  }

  void check_input(const Matrix<S>& input) const {
    if (input.rows() != input_size()) {
      throw ShapeError("Dense " + describe() + ": input has " + std::to_string(input.rows()) +
                       " rows (features) but the layer expects " + std::to_string(input_size()) +
                       " (a batch is one column per sample)");
    }
  }

  void check_delta(const Matrix<S>& delta) const {
    if (input_.empty()) {
      throw ArgumentError("Dense " + describe() + ": backward called before forward");
    }
    const Index batch = input_.get().cols();
    if (delta.rows() != output_size() || delta.cols() != batch) {
      throw ShapeError("Dense " + describe() + ": backward expects a gradient of shape " +
                       shape_string(output_size(), batch) + " (outputs × batch), got " +
                       shape_string(delta));
    }
  }

  Parameter<S> weights_;
  Parameter<S> biases_;
  Init init_;
  bool unseeded_ = false;
  KeptInput<S> input_;            // A^{l-1} of the latest forward, for (22)
  Matrix<S> output_;              // Z^l
  Matrix<S> input_gradient_;      // (W^l)ᵀ δ^l
  Matrix<S> transposed_weights_;  // (W^l)ᵀ laid out for the product kernel (scratch)
};

}  // namespace bachprop
