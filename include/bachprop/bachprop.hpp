#pragma once
/// @file
/// The whole library in one include: the neural networks (neural.hpp), the data readers
/// (io.hpp), pictures (draw.hpp) and the music (music.hpp).

#include <bachprop/draw.hpp>
#include <bachprop/io.hpp>
#include <bachprop/music.hpp>
#include <bachprop/neural.hpp>
