#pragma once
/// @file
/// The whole library in one include.

#include <bachprop/core/error.hpp>
#include <bachprop/core/gradient_check.hpp>
#include <bachprop/core/init.hpp>
#include <bachprop/core/layer.hpp>
#include <bachprop/core/loss.hpp>
#include <bachprop/core/network.hpp>
#include <bachprop/core/parameter.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/io/model_json.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/layers/perceptron.hpp>
#include <bachprop/layers/relu.hpp>
#include <bachprop/layers/sigmoid.hpp>
#include <bachprop/layers/softmax.hpp>
#include <bachprop/layers/tanh.hpp>
#include <bachprop/loss/cross_entropy.hpp>
#include <bachprop/loss/quadratic.hpp>
#include <bachprop/optim/adam.hpp>
#include <bachprop/optim/sgd.hpp>
#include <bachprop/train/metrics.hpp>
#include <bachprop/train/trainer.hpp>
