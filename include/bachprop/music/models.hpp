#pragma once
/// @file
/// The room music/models/ in one include (see ARCHITECTURE.md).
/// The music networks: the paper's window model, the melody RNN and its continuation, the
/// piano-roll RNN, MiniBach, the look-ahead harmony RNN and the bidirectional harmony LSTM, and
/// their model files.

#include <bachprop/music/models/biaxial.hpp>
#include <bachprop/music/models/biaxial_generation.hpp>
#include <bachprop/music/models/biaxial_training.hpp>
#include <bachprop/music/models/decoding_tuning.hpp>
#include <bachprop/music/models/harmony_decoding.hpp>
#include <bachprop/music/models/harmony_lstm.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>
#include <bachprop/music/models/harmony_training.hpp>
#include <bachprop/music/models/melody_beam_search.hpp>
#include <bachprop/music/models/melody_continuation.hpp>
#include <bachprop/music/models/melody_rnn.hpp>
#include <bachprop/music/models/minibach.hpp>
#include <bachprop/music/models/model_file.hpp>
#include <bachprop/music/models/piano_roll_rnn.hpp>
#include <bachprop/music/models/token_generation.hpp>
#include <bachprop/music/models/token_lstm.hpp>
#include <bachprop/music/models/token_quantised.hpp>
#include <bachprop/music/models/token_quantised_file.hpp>
#include <bachprop/music/models/token_stream.hpp>
#include <bachprop/music/models/window_model.hpp>
