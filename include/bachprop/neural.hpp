#pragma once
/// @file
/// The neural-network library in one include, without the music, the data readers or the
/// pictures: matrices, layers, losses, optimisers, training (checkpoints included) and model
/// files. It needs only Eigen and nlohmann/json: not zlib, which the IDX reader
/// (<bachprop/io/idx.hpp>, or <bachprop/io.hpp>) and PNG pictures (<bachprop/draw.hpp>) use.

#include <bachprop/core/error.hpp>
#include <bachprop/core/gradient_check.hpp>
#include <bachprop/core/init.hpp>
#include <bachprop/core/layer.hpp>
#include <bachprop/core/loss.hpp>
#include <bachprop/core/network.hpp>
#include <bachprop/core/network_group.hpp>
#include <bachprop/core/number_text.hpp>
#include <bachprop/core/parameter.hpp>
#include <bachprop/core/product.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/io/book_json.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/io/model_json.hpp>
#include <bachprop/io/torch_state_dict.hpp>
#include <bachprop/layers/activation.hpp>
#include <bachprop/layers/bidirectional.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/layers/dropout.hpp>
#include <bachprop/layers/embedding.hpp>
#include <bachprop/layers/grouped_softmax.hpp>
#include <bachprop/layers/gru.hpp>
#include <bachprop/layers/input_projection.hpp>
#include <bachprop/layers/last_step.hpp>
#include <bachprop/layers/lstm.hpp>
#include <bachprop/layers/perceptron.hpp>
#include <bachprop/layers/relu.hpp>
#include <bachprop/layers/rnn.hpp>
#include <bachprop/layers/sequence.hpp>
#include <bachprop/layers/sigmoid.hpp>
#include <bachprop/layers/softmax.hpp>
#include <bachprop/layers/tanh.hpp>
#include <bachprop/loss/cross_entropy.hpp>
#include <bachprop/loss/quadratic.hpp>
#include <bachprop/optim/adadelta.hpp>
#include <bachprop/optim/adam.hpp>
#include <bachprop/optim/clip.hpp>
#include <bachprop/optim/sgd.hpp>
#include <bachprop/optim/state.hpp>
#include <bachprop/train/batches.hpp>
#include <bachprop/train/checkpoint.hpp>
#include <bachprop/train/divergence.hpp>
#include <bachprop/train/early_stopping.hpp>
#include <bachprop/train/metrics.hpp>
#include <bachprop/train/optimiser_json.hpp>
#include <bachprop/train/resume.hpp>
#include <bachprop/train/train_options.hpp>
#include <bachprop/train/trainer.hpp>
