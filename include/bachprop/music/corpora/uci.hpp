#pragma once
/// @file
/// The UCI "Bach Chorales" soprano melodies (Conklin; 100 chorales with real durations, in Lisp
/// syntax): one chorale per line, `(ID ((st S) (pitch P) (dur D) (keysig K) (timesig T)
/// (fermata F)) ...)`, times in sixteenth notes, rests as gaps between events.
///
/// Every malformed document throws FormatError naming the file, the line and the column.

#include <bachprop/core/error.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/music/score/melody.hpp>
#include <bachprop/music/score/score.hpp>
#include <bachprop/music/theory/key.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop::music {

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
    return ", found '" +
           std::string(text_.substr(pos_, std::min<std::size_t>(12, text_.size() - pos_))) + "'";
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

}  // namespace bachprop::music
