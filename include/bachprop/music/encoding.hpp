#pragma once
/// @file
/// The room music/encoding/ in one include (see ARCHITECTURE.md).
/// Music as numbers: the paper's note embedding, piano rolls (plain, and articulated: held and
/// re-struck notes apart), tokens and their vocabulary, the melody models' vocabulary, the
/// harmonisers' voice classes and training windows.

#include <bachprop/music/encoding/articulated_roll.hpp>
#include <bachprop/music/encoding/biaxial_features.hpp>
#include <bachprop/music/encoding/chord_tokens.hpp>
#include <bachprop/music/encoding/grid_windows.hpp>
#include <bachprop/music/encoding/melody_vocabulary.hpp>
#include <bachprop/music/encoding/note_embedding.hpp>
#include <bachprop/music/encoding/piano_roll.hpp>
#include <bachprop/music/encoding/token_corpus.hpp>
#include <bachprop/music/encoding/tokens.hpp>
#include <bachprop/music/encoding/vocabulary.hpp>
#include <bachprop/music/encoding/voice_classes.hpp>
