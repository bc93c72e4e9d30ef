#pragma once
/// @file
/// The whole library in one include: the neural networks (neural.hpp), the data readers
/// (io.hpp), pictures (draw.hpp) and the music (music.hpp). The version macros are in
/// <bachprop/version.hpp>, which CMake generates into the build tree and installs beside these
/// headers; it is not included here, so that the headers work from a plain include path too.

#include <bachprop/draw.hpp>
#include <bachprop/io.hpp>
#include <bachprop/music.hpp>
#include <bachprop/neural.hpp>
