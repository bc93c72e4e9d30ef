// libFuzzer target: a folder of MIDI files (music/corpora/midi_folder.hpp) and the articulated
// piano roll made from what it reads (music/encoding/articulated_roll.hpp). The bytes are the one
// file of a scratch folder: read_midi_folder must read it or skip it with a reason, never throw.
// What decodes becomes rolls on three grids (sixteenths, triplet eighths, halves; the piano's
// keys and all 128); each must pass check_roll, and its notes (part_of) must give the same roll
// again. The rolls are capped at 4,000 frames (ArticulatedRollOptions::max_frames), so a forged
// length is the documented ArgumentError rather than an allocation of gigabytes.

#include "fuzz_common.hpp"

#include <bachprop/music/corpora/midi_folder.hpp>
#include <bachprop/music/encoding/articulated_roll.hpp>
#include <bachprop/music/score/midi_read.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace {

/// A folder of this process's own, holding one file rewritten with each input; removed at exit.
class ScratchFolder {
 public:
  ScratchFolder()
      : path_(fuzz::scratch_folder() /
              ("bachprop-fuzz-midi_folder-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path_);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  ~ScratchFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  /// Writes `bytes` as the folder's file piece.mid and returns the folder.
  const std::filesystem::path& write(std::string_view bytes) {
    std::ofstream out(path_ / "piece.mid", std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      __builtin_trap();  // the machine, not the reader: stop loudly
    }
    return path_;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bachprop;
  static ScratchFolder scratch;
  const std::string_view bytes = fuzz::as_text(data, size);
  // Any exception here escapes: a bad file must be skipped, not thrown.
  const music::MidiFolder folder = music::read_midi_folder(scratch.write(bytes));
  if (folder.files.size() + folder.skipped.size() != 1 || !folder.ignored.empty() ||
      music::midi_folder_report(folder).empty()) {
    __builtin_trap();
  }
  music::Score score;
  try {
    score = music::decode_midi(bytes, "fuzz.mid");
  } catch (const Error&) {
    if (!folder.files.empty()) {
      __builtin_trap();  // the folder read a file that the reader refuses
    }
    return 0;
  }
  if (!folder.files.empty() && !(folder.files[0].score == score)) {
    __builtin_trap();  // the folder read the file differently
  }
  for (const auto& options : {music::ArticulatedRollOptions{21, 108, 0.25, 4000},
                              music::ArticulatedRollOptions{0, 127, 1.0 / 3.0, 4000},
                              music::ArticulatedRollOptions{21, 108, 2.0, 4000}}) {
    music::ArticulatedRollResult result;
    try {
      result = music::articulated_roll(score, options);
    } catch (const ArgumentError&) {
      continue;  // a roll (or a bar) longer than the cap
    }
    const music::ArticulatedRoll& roll = result.roll;
    music::check_roll(roll);  // an ArgumentError here escapes: a finding
    music::Score notes;
    notes.parts.push_back(music::part_of(roll));
    const music::ArticulatedRoll again = music::articulated_roll(notes, options).roll;
    // The notes give the roll back, up to the silent frames after the last note (compared as
    // bytes: the first columns of a column-major matrix are its first bytes).
    const auto cells = static_cast<std::size_t>(again.play.size());
    const auto same = [cells](const std::uint8_t* a, const std::uint8_t* b) {
      return cells == 0 || std::memcmp(a, b, cells) == 0;  // an empty matrix's data is null
    };
    if (again.frames() > roll.frames() || again.keys() != roll.keys() ||
        !same(again.play.data(), roll.play.data()) ||
        !same(again.articulate.data(), roll.articulate.data()) ||
        std::any_of(roll.play.data() + cells, roll.play.data() + roll.play.size(),
                    [](std::uint8_t cell) { return cell != 0; })) {
      __builtin_trap();
    }
  }
  return 0;
}
