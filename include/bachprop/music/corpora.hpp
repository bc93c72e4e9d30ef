#pragma once
/// @file
/// The room music/corpora/ in one include (see ARCHITECTURE.md).
/// The Bach corpora: the JSB chorales and the UCI chorale melodies, any folder of MIDI files, and
/// what a corpus holds.

#include <bachprop/music/corpora/jsb.hpp>
#include <bachprop/music/corpora/midi_folder.hpp>
#include <bachprop/music/corpora/statistics.hpp>
#include <bachprop/music/corpora/uci.hpp>
