#pragma once
/// @file
/// All of the music: theory, scores and MIDI, corpora, encodings, generation, live playing,
/// evaluation, models and pictures (ARCHITECTURE.md shows the rooms and the order they include
/// each other in).

#include <bachprop/music/theory.hpp>
#include <bachprop/music/score.hpp>
#include <bachprop/music/corpora.hpp>
#include <bachprop/music/encoding.hpp>
#include <bachprop/music/generate.hpp>
#include <bachprop/music/live.hpp>
#include <bachprop/music/evaluate.hpp>
#include <bachprop/music/models.hpp>
#include <bachprop/music/draw.hpp>
