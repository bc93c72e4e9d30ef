#pragma once
/// @file
/// The whole library in one include: the neural networks (neural.hpp) and the music.

#include <bachprop/neural.hpp>

#include <bachprop/io/midi.hpp>
#include <bachprop/music/chorales.hpp>
#include <bachprop/music/encoding.hpp>
#include <bachprop/music/harmony_baseline.hpp>
#include <bachprop/music/harmony_data.hpp>
#include <bachprop/music/harmony_evaluation.hpp>
#include <bachprop/music/harmony_minibach.hpp>
#include <bachprop/music/harmony_rnn.hpp>
#include <bachprop/music/harmony_training.hpp>
#include <bachprop/music/key.hpp>
#include <bachprop/music/markov.hpp>
#include <bachprop/music/melody.hpp>
#include <bachprop/music/melody_baselines.hpp>
#include <bachprop/music/melody_generation.hpp>
#include <bachprop/music/melody_rnn.hpp>
#include <bachprop/music/melody_scores.hpp>
#include <bachprop/music/note_sequence.hpp>
#include <bachprop/music/piano_roll_image.hpp>
#include <bachprop/music/piano_roll_rnn.hpp>
#include <bachprop/music/pitch.hpp>
#include <bachprop/music/sampling.hpp>
#include <bachprop/music/score.hpp>
#include <bachprop/music/stream.hpp>
#include <bachprop/music/style_statistics.hpp>
#include <bachprop/music/window_model.hpp>
