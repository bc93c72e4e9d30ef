#pragma once
/// @file
/// The room music/live/ in one include (see ARCHITECTURE.md).
/// Playing in real time: MIDI messages, the clocks, the sinks (MIDI bytes, a recording) and the
/// player that schedules steps from any source, generating a few ahead.

#include <bachprop/music/live/live_clock.hpp>
#include <bachprop/music/live/live_player.hpp>
#include <bachprop/music/live/midi_message.hpp>
#include <bachprop/music/live/midi_sinks.hpp>
