#pragma once
// Saying what the music examples wrote for listening: with --wav, a WAV rendered by FluidSynth
// where it is installed (common/audio.hpp), else what to install; the MIDI file and its piano
// roll; and how to listen.

#include "common/audio.hpp"

#include <cstdio>
#include <filesystem>
#include <string>

namespace examples {

/// With `wanted`, renders `midi` to `wav` and prints, after `indent`, "wrote WAV" or "no WAV:"
/// and what to install.
inline void render_wav_if_wanted(bool wanted, const std::filesystem::path& midi,
                                 const std::filesystem::path& wav, const char* indent = "") {
  if (!wanted) {
    return;
  }
  std::string why;
  if (render_wav(midi, wav, why)) {
    std::printf("%swrote %s\n", indent, wav.string().c_str());
  } else {
    std::printf("%sno WAV: %s\n", indent, why.c_str());
  }
}

/// Prints "wrote MIDI (S seconds) and PNG" (S, the piece's length, with `decimals` decimals);
/// with `wav`, renders the MIDI file to `wav_path`; then says how to listen.
inline void say_music_written(const std::filesystem::path& midi, const std::filesystem::path& png,
                              double seconds, int decimals, bool wav,
                              const std::filesystem::path& wav_path) {
  std::printf("wrote %s (%.*f seconds) and %s\n", midi.string().c_str(), decimals, seconds,
              png.string().c_str());
  render_wav_if_wanted(wav, midi, wav_path);
  std::printf("Listen: scripts/render_wav.sh %s\n", midi.string().c_str());
}

}  // namespace examples
