#pragma once
/// @file
/// The room music/draw/ in one include (see ARCHITECTURE.md).
/// Pictures of music: piano rolls.

#include <bachprop/music/draw/piano_roll_image.hpp>
