#pragma once
/// @file
/// The room music/generate/ in one include (see ARCHITECTURE.md).
/// From probabilities to notes: sampling (temperature, top-k, nucleus, constraints), the paper's
/// note sampling, smoothed decoding, and Markov chains.

#include <bachprop/music/generate/markov.hpp>
#include <bachprop/music/generate/note_sampling.hpp>
#include <bachprop/music/generate/sampling.hpp>
#include <bachprop/music/generate/smoothing.hpp>
