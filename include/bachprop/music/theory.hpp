#pragma once
/// @file
/// The room music/theory/ in one include (see ARCHITECTURE.md).
/// Music theory: pitch names and numbers, keys and scales, key estimation.

#include <bachprop/music/theory/key.hpp>
#include <bachprop/music/theory/pitch.hpp>
#include <bachprop/music/theory/scale.hpp>
