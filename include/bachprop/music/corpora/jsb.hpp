#pragma once
/// @file
/// The JSB chorales (Boulanger-Lewandowski's train/valid/test split, 229/76/77 chorales, as JSON
/// piano rolls): loading, the voices as melodies, a chorale as a score or a four-voice grid, and
/// transposition.
///
/// JSB JSON: `{"train": [...], "valid": [...], "test": [...]}`; a chorale is a list of time
/// steps on a fixed grid (a quarter, an eighth or a sixteenth note), a step a list of the MIDI
/// pitches sounding then. Pitches may be written as floats (73.0); `-1` marks a silent voice in
/// the "separated" file, where every step is exactly [S, A, T, B]; an empty step is a rest.
/// Held and repeated notes look the same on the grid: whenever a line is read back as notes,
/// equal consecutive steps are joined into one note, so a repeated note becomes one longer note
/// (the data cannot tell them apart).
///
/// Every malformed document throws FormatError naming the file and where: the JSON path
/// (`train[3][17][2]`) or the byte offset.

#include <bachprop/core/error.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/music/score/four_voice_grid.hpp>
#include <bachprop/music/score/melody.hpp>
#include <bachprop/music/score/score.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop::music {

/// One JSB chorale: its time steps, each the pitches sounding (or silent_voice entries).
struct JsbChorale {
  std::vector<std::vector<int>> steps{};  ///< per grid step, the MIDI pitches (or silent_voice)
  /// Same steps, same pitches.
  friend bool operator==(const JsbChorale&, const JsbChorale&) = default;
};

/// A JSB file: the three splits and the grid they are on.
struct JsbCorpus {
  std::vector<JsbChorale> train{};  ///< the training split
  std::vector<JsbChorale> valid{};  ///< the validation split
  std::vector<JsbChorale> test{};   ///< the test split
  /// Grid steps per quarter note: 1 (quarter file), 2 (8th) or 4 (16th).
  int steps_per_quarter = 1;
  /// True when every step is [S, A, T, B] with silent_voice for a silent voice.
  bool separated = false;

  /// A split by name: "train", "valid" or "test" (ArgumentError otherwise).
  const std::vector<JsbChorale>& split(std::string_view name) const {
    if (name == "train") {
      return train;
    }
    if (name == "valid") {
      return valid;
    }
    if (name == "test") {
      return test;
    }
    throw ArgumentError("JSB corpus: no split '" + std::string(name) +
                        "' (expected train, valid or test)");
  }
};

/// How to read a JSB file.
struct JsbOptions {
  /// Grid steps per quarter note; 0 infers it from the file name ("quarter" 1, "8th" 2,
  /// "16th" 4).
  int steps_per_quarter = 0;
  /// Voice layout: 0 = infer (separated when every step has exactly four entries), 1 = the
  /// separated [S, A, T, B] layout, 2 = pitches as listed (voice order or ascending).
  int layout = 0;
};

/// Parses a JSB JSON document. `name` (the file name) leads every error message.
inline JsbCorpus parse_jsb_chorales(std::string_view text, const std::string& name,
                                    const JsbOptions& options = {}) {
  int spq = options.steps_per_quarter;
  if (spq == 0) {
    const std::string file = std::filesystem::path(name).filename().string();
    if (file.find("quarter") != std::string::npos) {
      spq = 1;
    } else if (file.find("8th") != std::string::npos) {
      spq = 2;
    } else if (file.find("16th") != std::string::npos) {
      spq = 4;
    } else {
      throw ArgumentError(name + ": cannot tell the grid from the file name; pass "
                                 "JsbOptions::steps_per_quarter (1, 2 or 4)");
    }
  }
  if (spq < 1 || spq > 96) {
    throw ArgumentError("JSB: steps per quarter must be 1..96, got " + std::to_string(spq));
  }
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    throw FormatError(name + ": byte " + std::to_string(error.byte) +
                      ": malformed JSON: " + error.what());
  } catch (const nlohmann::json::out_of_range& error) {
    // A number beyond a double's range (1e400): the parser names the number, not its byte.
    throw FormatError(name + ": malformed JSON: " + error.what());
  }
  if (!document.is_object()) {
    throw FormatError(name + ": expected a JSON object with train, valid and test lists");
  }
  JsbCorpus corpus;
  corpus.steps_per_quarter = spq;
  bool all_four = true;
  for (const char* split : {"train", "valid", "test"}) {
    const auto found = document.find(split);
    if (found == document.end() || !found->is_array()) {
      throw FormatError(name + ": expected a list '" + split + "' of chorales");
    }
    auto& out = std::string_view(split) == "train"   ? corpus.train
                : std::string_view(split) == "valid" ? corpus.valid
                                                     : corpus.test;
    out.reserve(found->size());
    for (std::size_t c = 0; c < found->size(); ++c) {
      const auto& chorale = (*found)[c];
      const std::string where = std::string(split) + "[" + std::to_string(c) + "]";
      if (!chorale.is_array()) {
        throw FormatError(name + ": " + where + ": expected a chorale (a list of time steps)");
      }
      JsbChorale parsed;
      parsed.steps.reserve(chorale.size());
      for (std::size_t s = 0; s < chorale.size(); ++s) {
        const auto& step = chorale[s];
        const std::string step_where = where + "[" + std::to_string(s) + "]";
        if (!step.is_array()) {
          throw FormatError(name + ": " + step_where +
                            ": expected a time step (a list of MIDI pitches)");
        }
        if (step.size() > 16) {
          throw FormatError(name + ": " + step_where + ": expected at most 16 pitches, got " +
                            std::to_string(step.size()));
        }
        all_four = all_four && step.size() == 4;
        std::vector<int> pitches;
        pitches.reserve(step.size());
        for (std::size_t v = 0; v < step.size(); ++v) {
          const auto& value = step[v];
          double number = std::nan("");
          if (value.is_number()) {
            number = value.get<double>();
          }
          if (!(number == std::floor(number)) || number < -1.0 || number > 127.0) {
            throw FormatError(name + ": " + step_where + "[" + std::to_string(v) +
                              "]: expected a MIDI pitch (a whole number 0..127, or -1 for a "
                              "silent voice), got " +
                              // No dump() of a list: it recurses, and a list nested 100,000
                              // deep would overflow the stack.
                              (value.is_array()    ? "a list"
                               : value.is_object() ? "an object"
                               : value.is_string() &&
                                       value.get_ref<const std::string&>().size() > 40
                                   ? "a string"
                                   : value.dump()));
          }
          pitches.push_back(static_cast<int>(number));
        }
        parsed.steps.push_back(std::move(pitches));
      }
      out.push_back(std::move(parsed));
    }
  }
  corpus.separated = options.layout == 1 || (options.layout == 0 && all_four);
  if (corpus.separated && !all_four) {
    throw FormatError(name + ": the separated layout needs exactly four voices in every step");
  }
  return corpus;
}

/// Loads a JSB JSON file (see parse_jsb_chorales).
inline JsbCorpus load_jsb_chorales(const std::filesystem::path& path,
                                   const JsbOptions& options = {}) {
  return parse_jsb_chorales(read_file(path), path.string(), options);
}

/// One voice of a chorale as a melody: voice 0..3 (S, A, T, B) of a separated corpus; in the
/// other layouts voice 0 is the highest pitch of each step (the soprano, except where voices
/// cross) and voice 3 the lowest. Repeated grid values are joined (see the file comment); a
/// silent voice or an empty step is a rest.
inline Melody voice_line(const JsbChorale& chorale, const JsbCorpus& corpus, int voice) {
  if (voice < 0 || voice > 3) {
    throw ArgumentError("voice_line: voice must be 0..3 (S, A, T, B), got " +
                        std::to_string(voice));
  }
  std::vector<int> values;
  values.reserve(chorale.steps.size());
  for (const auto& step : chorale.steps) {
    int value = rest_pitch;
    if (corpus.separated) {
      value = step[static_cast<std::size_t>(voice)];
    } else if (!step.empty() && (voice == 0 || voice == 3)) {
      const auto [low, high] = std::minmax_element(step.begin(), step.end());
      value = voice == 0 ? *high : *low;
    } else if (!step.empty()) {
      // Inner voices of an unseparated step: sort descending and take the voice-th entry.
      std::vector<int> sorted = step;
      std::sort(sorted.rbegin(), sorted.rend());
      value = static_cast<std::size_t>(voice) < sorted.size()
                  ? sorted[static_cast<std::size_t>(voice)]
                  : rest_pitch;
    }
    values.push_back(value < 0 ? rest_pitch : value);
  }
  return join_grid(values, corpus.steps_per_quarter);
}

/// The soprano line (voice 0) with real note durations, repeated notes merged.
inline Melody soprano_line(const JsbChorale& chorale, const JsbCorpus& corpus) {
  return voice_line(chorale, corpus, 0);
}

/// The soprano lines of a whole split.
inline std::vector<Melody> soprano_lines(const JsbCorpus& corpus, std::string_view split) {
  std::vector<Melody> lines;
  for (const auto& chorale : corpus.split(split)) {
    lines.push_back(soprano_line(chorale, corpus));
  }
  return lines;
}

/// A chorale as a score: four parts (Soprano, Alto, Tenor, Bass on channels 0-3) for a separated
/// corpus; otherwise one part in which a pitch present in consecutive steps is one held note.
inline Score chorale_to_score(const JsbChorale& chorale, const JsbCorpus& corpus,
                              int program = 52, double tempo_bpm = 80.0) {
  Score score;
  score.tempo_bpm = tempo_bpm;
  if (corpus.separated) {
    static constexpr std::array<const char*, 4> names{"Soprano", "Alto", "Tenor", "Bass"};
    for (int v = 0; v < 4; ++v) {
      score.parts.push_back(melody_to_part(voice_line(chorale, corpus, v),
                                           names[static_cast<std::size_t>(v)], program, v));
    }
    return score;
  }
  Part part;
  part.name = "Chorale";
  part.program = program;
  const double step = 1.0 / corpus.steps_per_quarter;
  for (std::size_t s = 0; s < chorale.steps.size(); ++s) {
    for (const int p : chorale.steps[s]) {
      if (p < 0) {
        continue;
      }
      const auto& previous = s > 0 ? chorale.steps[s - 1] : std::vector<int>{};
      if (std::find(previous.begin(), previous.end(), p) != previous.end()) {
        continue;  // held from the previous step: already part of a note
      }
      std::size_t end = s + 1;
      while (end < chorale.steps.size() &&
             std::find(chorale.steps[end].begin(), chorale.steps[end].end(), p) !=
                 chorale.steps[end].end()) {
        ++end;
      }
      part.notes.push_back({p, static_cast<double>(s) * step,
                            static_cast<double>(end - s) * step, 80});
    }
  }
  part.sort();
  score.parts.push_back(std::move(part));
  return score;
}

/// A chorale moved by `semitones` (silent voices stay silent). Throws ArgumentError when a pitch
/// would leave [low, high].
inline JsbChorale transpose(const JsbChorale& chorale, int semitones, int low = 0,
                            int high = 127) {
  JsbChorale out = chorale;
  for (auto& step : out.steps) {
    for (auto& p : step) {
      if (p < 0) {
        continue;
      }
      if (p + semitones < low || p + semitones > high) {
        throw ArgumentError("transpose: pitch " + std::to_string(p) + " moved by " +
                            std::to_string(semitones) + " leaves " + std::to_string(low) + ".." +
                            std::to_string(high));
      }
      p += semitones;
    }
  }
  return out;
}

/// A separated JSB chorale (every step [S, A, T, B]) as a grid. Throws ArgumentError for a corpus
/// that is not separated: its voices cannot be told apart.
inline FourVoiceGrid grid_of(const JsbChorale& chorale, const JsbCorpus& corpus) {
  if (!corpus.separated) {
    throw ArgumentError(
        "grid_of: the corpus is not in the separated [S, A, T, B] layout (use "
        "Jsb16thSeparated.json)");
  }
  FourVoiceGrid grid;
  grid.steps_per_quarter = corpus.steps_per_quarter;
  for (auto& line : grid.voices) {
    line.reserve(chorale.steps.size());
  }
  for (const auto& step : chorale.steps) {
    for (std::size_t v = 0; v < voice_count; ++v) {
      grid.voices[v].push_back(step[v] < 0 ? silent_voice : step[v]);
    }
  }
  return grid;
}

/// Every chorale of a split as a grid.
inline std::vector<FourVoiceGrid> grids_of(const JsbCorpus& corpus, std::string_view split) {
  std::vector<FourVoiceGrid> grids;
  for (const auto& chorale : corpus.split(split)) {
    grids.push_back(grid_of(chorale, corpus));
  }
  return grids;
}

}  // namespace bachprop::music
