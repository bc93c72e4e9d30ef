#pragma once
/// @file
/// The whole library in one include: the neural networks (neural.hpp), the data readers
/// (io.hpp), pictures (draw.hpp), the music (music.hpp) and the version (version.hpp, which
/// CMake generates into the build tree and installs beside these headers).

#include <bachprop/draw.hpp>
#include <bachprop/io.hpp>
#include <bachprop/music.hpp>
#include <bachprop/neural.hpp>
#include <bachprop/version.hpp>
