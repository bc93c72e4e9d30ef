#pragma once
/// @file
/// The room music/evaluate/ in one include (see ARCHITECTURE.md).
/// How music models are measured: melody scores and their baselines, harmony accuracy, the
/// voice-leading checks, style statistics, and what a harmoniser is.

#include <bachprop/music/evaluate/harmonisers.hpp>
#include <bachprop/music/evaluate/harmony_accuracy.hpp>
#include <bachprop/music/evaluate/harmony_baseline.hpp>
#include <bachprop/music/evaluate/line_statistics.hpp>
#include <bachprop/music/evaluate/melody_baselines.hpp>
#include <bachprop/music/evaluate/melody_scores.hpp>
#include <bachprop/music/evaluate/roll_statistics.hpp>
#include <bachprop/music/evaluate/rules.hpp>
#include <bachprop/music/evaluate/style_statistics.hpp>
#include <bachprop/music/evaluate/voice_leading.hpp>
