#pragma once
/// @file
/// The Bach chorale corpora: the JSB chorales (Boulanger-Lewandowski's train/valid/test split,
/// 229/76/77 chorales, as JSON piano rolls) and the UCI "Bach Chorales" soprano melodies
/// (Conklin; 100 chorales with real durations, in Lisp syntax). Loads both, extracts melodies,
/// converts to scores, and summarises a corpus (counts, lengths, pitch range, keys, durations).
///
/// JSB JSON: `{"train": [...], "valid": [...], "test": [...]}`; a chorale is a list of time
/// steps on a fixed grid (a quarter, an eighth or a sixteenth note), a step a list of the MIDI
/// pitches sounding then. Pitches may be written as floats (73.0); `-1` marks a silent voice in
/// the "separated" file, where every step is exactly [S, A, T, B]; an empty step is a rest.
/// Held and repeated notes look the same on the grid: whenever a line is read back as notes,
/// equal consecutive steps are joined into one note, so a repeated note becomes one longer note
/// (the data cannot tell them apart).
///
/// UCI Lisp: one chorale per line, `(ID ((st S) (pitch P) (dur D) (keysig K) (timesig T)
/// (fermata F)) ...)`, times in sixteenth notes, rests as gaps between events.
///
/// Every malformed document throws FormatError naming the file and where: the JSON path
/// (`train[3][17][2]`) or byte offset for JSON, the line and column for Lisp.

#include <bachprop/core/error.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/music/key.hpp>
#include <bachprop/music/melody.hpp>
#include <bachprop/music/score.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop::music {

/// The value of a silent voice in a separated JSB step.
inline constexpr int silent_voice = -1;

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

/// Joins equal consecutive grid values into events (`value` per step: a pitch or rest_pitch).
inline Melody join_grid(const std::vector<int>& values, int steps_per_quarter) {
  Melody melody;
  const double step = 1.0 / steps_per_quarter;
  for (std::size_t i = 0; i < values.size();) {
    std::size_t j = i;
    while (j < values.size() && values[j] == values[i]) {
      ++j;
    }
    melody.push_back({values[i] < 0 ? rest_pitch : values[i], static_cast<double>(j - i) * step});
    i = j;
  }
  return melody;
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
      value = static_cast<std::size_t>(voice) < sorted.size() ? sorted[static_cast<std::size_t>(voice)]
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

/// Every transposition of `melody` by lowest..highest semitones that stays in [low, high]
/// (the usual augmentation: the same tune in other keys), the untransposed one included.
inline std::vector<Melody> transpositions(const Melody& melody, int lowest, int highest,
                                          int low = 0, int high = 127) {
  if (lowest > highest) {
    throw ArgumentError("transpositions: lowest shift " + std::to_string(lowest) +
                        " is above highest " + std::to_string(highest));
  }
  std::vector<Melody> out;
  for (int shift = lowest; shift <= highest; ++shift) {
    if (can_transpose(melody, shift, low, high)) {
      out.push_back(transpose(melody, shift, low, high));
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// UCI chorales (Lisp)

/// One UCI event, times in sixteenth notes.
struct UciEvent {
  int start = 0;            ///< onset from the chorale's start, in sixteenths
  int pitch = 60;           ///< MIDI pitch
  int duration = 4;         ///< length in sixteenths
  int key_sharps = 0;       ///< key signature: sharps (> 0) or flats (< 0)
  int bar_sixteenths = 16;  ///< 16 for 4/4, 12 for 3/4
  bool fermata = false;     ///< a fermata on this note
  /// Every field equal.
  friend bool operator==(const UciEvent&, const UciEvent&) = default;
};

/// One UCI chorale: its catalogue number and its soprano events.
struct UciChorale {
  int id = 0;                      ///< the chorale's number in the UCI file
  std::vector<UciEvent> events{};  ///< its soprano notes in time order

  /// The melody in quarter notes: rests where there are gaps between events; the upbeat before
  /// the first event is not a rest.
  Melody melody() const {
    Melody m;
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (i > 0) {
        const int gap = events[i].start - (events[i - 1].start + events[i - 1].duration);
        if (gap > 0) {
          m.push_back({rest_pitch, gap / 4.0});
        }
      }
      m.push_back({events[i].pitch, events[i].duration / 4.0});
    }
    return m;
  }
  /// For each event of melody(): whether it is under a fermata (rests: false).
  std::vector<bool> fermatas() const {
    std::vector<bool> flags;
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (i > 0 && events[i].start > events[i - 1].start + events[i - 1].duration) {
        flags.push_back(false);
      }
      flags.push_back(events[i].fermata);
    }
    return flags;
  }
  /// The time signature: 4/4 for 16 sixteenths a bar, 3/4 for 12 (others as n/16 reduced).
  TimeSignature time_signature() const {
    const int bar = events.empty() ? 16 : events.front().bar_sixteenths;
    if (bar % 4 == 0) {
      return {bar / 4, 4};
    }
    if (bar % 2 == 0) {
      return {bar / 2, 8};
    }
    return {bar, 16};
  }
  /// The key signature: the file's sharps/flats; major or minor is not in the data, so the mode
  /// whose Krumhansl-Kessler profile (tonic of that signature) correlates better with the
  /// melody's duration-weighted pitch classes is taken.
  KeySignature key_signature() const {
    const int sharps = events.empty() ? 0 : events.front().key_sharps;
    std::vector<int> pitches;
    std::vector<double> durations;
    for (const auto& e : events) {
      pitches.push_back(e.pitch);
      durations.push_back(e.duration);
    }
    if (pitches.empty()) {
      return {sharps, Mode::major};
    }
    const auto histogram = pitch_class_histogram(pitches, durations);
    const double major = key_correlation(histogram, key_of({sharps, Mode::major}));
    const double minor = key_correlation(histogram, key_of({sharps, Mode::minor}));
    return {sharps, minor > major ? Mode::minor : Mode::major};
  }
  /// The chorale as a one-part score with its real start times (the upbeat kept), time and key
  /// signature.
  Score to_score(int program = 52, double tempo_bpm = 80.0) const {
    Score score;
    score.title = "UCI chorale " + std::to_string(id);
    score.tempo_bpm = tempo_bpm;
    score.time_signature = time_signature();
    score.key_signature = key_signature();
    Part part;
    part.name = "Soprano";
    part.program = program;
    for (const auto& e : events) {
      part.notes.push_back({e.pitch, e.start / 4.0, e.duration / 4.0, e.fermata ? 70 : 80});
    }
    score.parts.push_back(std::move(part));
    return score;
  }
};

namespace detail {

/// A tiny reader of the UCI file's S-expressions, tracking line and column for errors.
class LispReader {
 public:
  LispReader(std::string_view text, std::string name) : text_(text), name_(std::move(name)) {}

  [[noreturn]] void fail(const std::string& expected) const {
    throw FormatError(name_ + ": line " + std::to_string(line_) + ", column " +
                      std::to_string(column_) + ": expected " + expected);
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])) != 0) {
      advance();
    }
  }
  bool at_end() {
    skip_space();
    return pos_ >= text_.size();
  }
  bool peek(char c) {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  void expect(char c, const char* what) {
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != c) {
      fail(std::string("'") + c + "' (" + what + ")" + found());
    }
    advance();
  }
  std::string_view symbol() {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_])) != 0) {
      advance();
    }
    return text_.substr(start, pos_ - start);
  }
  int integer(const char* what) {
    skip_space();
    const std::size_t start = pos_;
    if (pos_ < text_.size() && text_[pos_] == '-') {
      advance();
    }
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])) != 0) {
      advance();
    }
    int value = 0;
    const auto [end, error] = std::from_chars(text_.data() + start, text_.data() + pos_, value);
    if (start == pos_ || error != std::errc() || end != text_.data() + pos_) {
      pos_ = start;
      fail(std::string("an integer (") + what + ")" + found());
    }
    return value;
  }
  std::string found() const {
    if (pos_ >= text_.size()) {
      return ", but the file ends";
    }
    return ", found '" + std::string(text_.substr(pos_, std::min<std::size_t>(12, text_.size() - pos_))) +
           "'";
  }
  int line() const { return line_; }

 private:
  void advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    ++pos_;
  }
  std::string_view text_;
  std::string name_{};
  std::size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

}  // namespace detail

/// The latest end (st + dur, in sixteenths) a UCI event may have: about 65,000 bars of 4/4.
inline constexpr int max_uci_time = 1 << 20;

/// Parses the UCI chorales.lisp text. Checks every field's domain (pitch 0..127, duration > 0,
/// key signature -7..7, bar length > 0, fermata 0 or 1), that events neither overlap nor go back
/// in time, and that key and time signature stay constant within a chorale.
inline std::vector<UciChorale> parse_uci_chorales(std::string_view text, const std::string& name) {
  static constexpr std::array<std::string_view, 6> fields{"st",     "pitch",   "dur",
                                                          "keysig", "timesig", "fermata"};
  detail::LispReader in(text, name);
  std::vector<UciChorale> chorales;
  while (!in.at_end()) {
    in.expect('(', "the start of a chorale");
    UciChorale chorale;
    chorale.id = in.integer("the chorale number");
    while (!in.peek(')')) {
      in.expect('(', "the start of an event");
      std::array<int, 6> values{};
      for (std::size_t f = 0; f < fields.size(); ++f) {
        if (!in.peek('(')) {
          in.fail("the field '" + std::string(fields[f]) + "'" + in.found());
        }
        in.expect('(', "the start of a field");
        const std::string_view field = in.symbol();
        if (field != fields[f]) {
          in.fail("the field '" + std::string(fields[f]) + "'" +
                  (field.empty() ? in.found() : ", found '" + std::string(field) + "'"));
        }
        values[f] = in.integer(std::string(fields[f]).c_str());
        in.expect(')', "the end of a field");
      }
      in.expect(')', "the end of an event");
      const UciEvent e{values[0], values[1], values[2], values[3], values[4], values[5] != 0};
      auto bad = [&](const std::string& what) {
        in.fail(what + " (chorale " + std::to_string(chorale.id) + ", event " +
                std::to_string(chorale.events.size() + 1) + ", just before this point)");
      };
      if (e.start < 0 || !is_midi_pitch(e.pitch) || e.duration <= 0 || e.key_sharps < -7 ||
          e.key_sharps > 7 || e.bar_sixteenths <= 0 || values[5] < 0 || values[5] > 1) {
        bad("st ≥ 0, pitch 0..127, dur > 0, keysig -7..7, timesig > 0 and fermata 0 or 1");
      }
      // Ends are computed as st + dur: keep them inside int (and far beyond any chorale).
      if (e.start > max_uci_time - e.duration) {
        bad("an event ending by sixteenth " + std::to_string(max_uci_time) + ", found st " +
            std::to_string(e.start) + " and dur " + std::to_string(e.duration));
      }
      if (!chorale.events.empty()) {
        const UciEvent& last = chorale.events.back();
        if (e.start < last.start + last.duration) {
          bad("an event starting at or after the end of the previous one (" +
              std::to_string(last.start + last.duration) + "), found st " +
              std::to_string(e.start));
        }
        if (e.key_sharps != last.key_sharps || e.bar_sixteenths != last.bar_sixteenths) {
          bad("the same keysig and timesig as the chorale's other events");
        }
      }
      chorale.events.push_back(e);
    }
    in.expect(')', "the end of a chorale");
    chorales.push_back(std::move(chorale));
  }
  return chorales;
}

/// Loads the UCI chorales.lisp file.
inline std::vector<UciChorale> load_uci_chorales(const std::filesystem::path& path) {
  return parse_uci_chorales(read_file(path), path.string());
}

// ------------------------------------------------------------------------------------------------
// Statistics

/// What a set of melodies holds: counts, lengths, range, keys and durations.
struct MelodyStatistics {
  std::size_t pieces = 0;  ///< melodies counted
  std::size_t events = 0;  ///< notes and rests
  std::size_t notes = 0;  ///< events that sound
  std::size_t rests = 0;  ///< silent events
  std::size_t shortest = 0;  ///< fewest events in a piece
  std::size_t longest = 0;      ///< most events in a piece
  double mean_events = 0.0;     ///< events per piece, on average
  double total_quarters = 0.0;  ///< length of all pieces together, in quarter notes
  int lowest_pitch = -1;  ///< -1 when there are no notes
  int highest_pitch = -1;  ///< -1 when there are no notes
  std::map<int, std::size_t> pitches{};           ///< MIDI pitch → notes
  std::map<double, std::size_t> durations{};      ///< quarter length → events (notes only)
  std::map<std::string, std::size_t> keys{};      ///< estimated key name → pieces

  /// The figures as JSON (for summaries).
  nlohmann::json to_json() const {
    nlohmann::json j = {{"pieces", pieces},          {"events", events},
                        {"notes", notes},            {"rests", rests},
                        {"shortest", shortest},      {"longest", longest},
                        {"mean_events", mean_events}, {"total_quarters", total_quarters},
                        {"lowest_pitch", lowest_pitch}, {"highest_pitch", highest_pitch}};
    nlohmann::json d = nlohmann::json::object();
    for (const auto& [length, count] : durations) {
      std::string key = std::to_string(length);
      key.erase(key.find_last_not_of('0') + 1);
      if (!key.empty() && key.back() == '.') {
        key.pop_back();
      }
      d[key] = count;
    }
    j["durations"] = d;
    j["keys"] = keys;
    return j;
  }
};

/// Statistics of `melodies`; each piece's key is estimated from its notes (estimate_key).
inline MelodyStatistics melody_statistics(const std::vector<Melody>& melodies) {
  MelodyStatistics s;
  s.pieces = melodies.size();
  for (std::size_t i = 0; i < melodies.size(); ++i) {
    const Melody& m = melodies[i];
    s.events += m.size();
    s.shortest = i == 0 ? m.size() : std::min(s.shortest, m.size());
    s.longest = std::max(s.longest, m.size());
    std::vector<int> pitches;
    std::vector<double> durations;
    for (const auto& e : m) {
      s.total_quarters += e.duration;
      if (e.is_rest()) {
        ++s.rests;
        continue;
      }
      ++s.notes;
      ++s.pitches[e.pitch];
      ++s.durations[e.duration];
      s.lowest_pitch = s.lowest_pitch < 0 ? e.pitch : std::min(s.lowest_pitch, e.pitch);
      s.highest_pitch = std::max(s.highest_pitch, e.pitch);
      pitches.push_back(e.pitch);
      durations.push_back(e.duration);
    }
    if (!pitches.empty()) {
      ++s.keys[key_name(estimate_key(pitch_class_histogram(pitches, durations)).key)];
    }
  }
  s.mean_events = s.pieces == 0 ? 0.0 : static_cast<double>(s.events) / s.pieces;
  return s;
}

}  // namespace bachprop::music
