#pragma once
/// @file
/// Pictures: an RGB image with a few drawing tools, a bitmap font for labels, and PNG files
/// (through zlib).

#include <bachprop/draw/font.hpp>
#include <bachprop/draw/image.hpp>
#include <bachprop/draw/png.hpp>
