#pragma once
/// @file
/// The room music/score/ in one include (see ARCHITECTURE.md).
/// Written music: notes, parts and scores, melodies, note sequences, four-voice grids, streams,
/// Standard MIDI files read and written, ABC tunes read, and sheet music out (MusicXML and
/// LilyPond).

#include <bachprop/music/score/abc.hpp>
#include <bachprop/music/score/four_voice_grid.hpp>
#include <bachprop/music/score/lilypond.hpp>
#include <bachprop/music/score/melody.hpp>
#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/score/musicxml.hpp>
#include <bachprop/music/score/notation.hpp>
#include <bachprop/music/score/note_values.hpp>
#include <bachprop/music/score/note_sequence.hpp>
#include <bachprop/music/score/score.hpp>
#include <bachprop/music/score/stream.hpp>
