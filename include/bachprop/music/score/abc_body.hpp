#pragma once
/// @file
/// The tune body of ABC notation, read one line at a time into a list of items per voice:
/// chords (a note is a chord of one) and rests with their exact lengths, and the bar lines that
/// shape playback (repeats, endings, double bars, part labels). Pitches are settled here, in
/// written order, because an accidental carries to the end of its bar as written; repeats are
/// played out afterwards (music/score/abc.hpp). Internal (namespace detail::abc).
///
/// What each character means follows the ABC 2.1 standard, sections 4.1-4.20: see abc.hpp for
/// the summary of what is read and what is skipped.

#include <bachprop/music/score/abc_fields.hpp>
#include <bachprop/music/score/abc_key.hpp>
#include <bachprop/music/score/abc_voice.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bachprop::music::detail::abc {

/// The voices of one tune body and the reading of its music lines.
class Body {
 public:
  std::vector<Voice> voices;
  std::size_t current = 0;
  Propagation propagation = Propagation::pitch;
  std::size_t events = 0;      ///< chords and rests read, in every voice
  std::size_t max_events = 0;  ///< AbcOptions::max_notes

  /// Switches to voice `id` (created from `prototype` when new; `span` is the V: field, for
  /// errors). The first V: of a tune whose header declares no voice takes the music before it,
  /// as abc2midi does.
  void switch_to(const Voice& prototype, const VoiceField& field, const Span& span) {
    current = voices.size();
    for (std::size_t i = 0; i < voices.size(); ++i) {
      current = voices[i].id == field.id ? i : current;
    }
    if (current == voices.size() && voices.size() == 1 && voices[0].id.empty()) {
      current = 0;
      voices[0].id = field.id;
    } else if (current == voices.size()) {
      if (voices.size() >= 64) {
        span.fail(0, "at most 64 voices in a tune");
      }
      voices.push_back(prototype);
      voices.back().id = field.id;
    }
    Voice& v = voices[current];
    v.shift.update(field.shift);
    v.name = field.name.empty() ? v.name : field.name;
  }

  /// Adds a part label (P:A) to every voice: parts are the tune's, not one voice's.
  void part(const Span& span, char label) {
    if (label < 'A' || label > 'Z') {
      span.fail(0, "a part label A-Z after P:" + span.found(0));
    }
    for (Voice& v : voices) {
      count(span, 0);
      mark(v, span, 0, ItemKind::part).endings = static_cast<std::uint64_t>(label);
    }
  }

  /// Reads one line of music into the current voice (inline [V:] fields switch voices).
  template <class Field>
  void music(const Span& line, Field&& field) {
    const std::string_view t = line.text;
    std::size_t at = 0;
    while (at < t.size()) {
      Voice& v = voices[current];
      const char c = t[at];
      const char next = at + 1 < t.size() ? t[at + 1] : '\0';
      if (c == 'H') {
        v.fermata_next = true;  // a fermata over the next note or chord
        ++at;
      } else if (is_space(c) || c == '`' || c == '$' || c == 'y' || c == '\\' || c == ')' ||
                 c == '.' || c == '~' || (c >= 'H' && c <= 'W') || (c >= 'h' && c <= 'w')) {
        ++at;  // spacing, beams, line breaks, slur ends, decorations (T trill, ...)
      } else if (c == '%') {
        return;                                       // a comment to the end of the line
      } else if (c == '"' || c == '{' || c == '+') {  // chord symbol or annotation, grace notes
        const char close = c == '{' ? '}' : c;
        const std::size_t end = t.find(close, at + 1);
        if (c == '+' && end > at + 1 && end != std::string_view::npos &&
            t.substr(at + 1, end - at - 1).find_first_not_of("ABCDEFGabcdefg^_=,'/0123456789") ==
                std::string_view::npos) {
          line.fail(at,
                    "a decoration such as +trill+: the old chord syntax +CEG+ is not "
                    "supported (write [CEG])");
        }
        if (c == '+' && end != std::string_view::npos) {
          v.fermata_next = v.fermata_next || is_fermata(t.substr(at + 1, end - at - 1));
        }
        if (end == std::string_view::npos) {
          line.fail(at, std::string("a '") + close + "' closing the " +
                            (c == '"'   ? "chord symbol or annotation"
                             : c == '{' ? "grace notes"
                                        : "decoration") +
                            " on the same line");
        }
        at = end + 1;
      } else if (c == '!') {  // !trill!, or an old line break when no '!' closes it
        const std::size_t end = t.find('!', at + 1);
        if (end != std::string_view::npos) {
          v.fermata_next = v.fermata_next || is_fermata(t.substr(at + 1, end - at - 1));
        }
        at = end == std::string_view::npos ? at + 1 : end + 1;
      } else if (c == '(' && is_digit(next)) {
        tuplet(line, at, v);
      } else if (c == '(') {
        ++at;  // a slur
      } else if (c == '[' && (is_digit(next) || next == '|')) {
        bar(line, at, v);
      } else if (c == '[' && at + 2 < t.size() && t[at + 2] == ':' && letter(next)) {
        const std::size_t end = t.find(']', at);
        if (end == std::string_view::npos) {
          line.fail(at, "a ']' closing the inline field");
        }
        Span value = line.from(at + 3, end - at - 3);
        field(next, trimmed(value));
        at = end + 1;
      } else if (c == '[') {
        chord(line, at, v);
      } else if (c == '|' || c == ':') {
        bar(line, at, v);
      } else if (c == '>' || c == '<') {
        broken_rhythm(line, at, v);
      } else if (c == '&') {  // a voice overlay: a second voice in this bar, left out
        const std::size_t end = t.find('|', at);
        at = end == std::string_view::npos ? t.size() : end;
      } else if (c == 'z' || c == 'x') {
        const std::size_t start = at++;
        const Rational length = times(line, start, v.unit, multiplier(line, at));
        v.tied.clear();
        v.fermata_next = false;  // a fermata over a rest: the score keeps none
        timed(line, start, v, {ItemKind::rest, 0, 0, length});
      } else if (c == 'Z' || c == 'X') {
        multi_bar_rest(line, at, v);
      } else if (c == '^' || c == '_' || c == '=' || letter_index(c) >= 0) {
        const std::size_t start = at;
        const Written note = read_note(line, at, v);
        chord_of(line, start, v, {note}, note.length);
      } else {
        line.fail(at, "a note, rest, chord, bar line or decoration" + line.found(at));
      }
    }
  }

 private:
  static bool letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }


  void count(const Span& line, std::size_t at) {
    if (++events > max_events) {
      line.fail(at, "at most " + std::to_string(max_events) +
                        " notes and rests in a tune (AbcOptions::max_notes)");
    }
  }

  static Item& mark(Voice& v, const Span& line, std::size_t at, ItemKind kind) {
    Item item{kind, 0, 0, {}};
    item.line = line.line;
    item.column = line.column + static_cast<int>(at);
    v.items.push_back(item);
    return v.items.back();
  }

  Written read_note(const Span& line, std::size_t& at, Voice& v) {
    const std::string_view t = line.text;
    const std::size_t start = at;
    std::optional<int> accidental;
    if (t[at] == '^' || t[at] == '_' || t[at] == '=') {
      const char sign = t[at];
      const int marks = sign != '=' && at + 1 < t.size() && t[at + 1] == sign ? 2 : 1;
      accidental = sign == '=' ? 0 : (sign == '^' ? marks : -marks);
      at += static_cast<std::size_t>(marks);
      if (at < t.size() && (is_digit(t[at]) || t[at] == '/')) {
        line.fail(start,
                  "a sharp, flat or natural: microtonal accidentals such as ^/c are not "
                  "supported");
      }
    }
    const int letter = at < t.size() ? letter_index(t[at]) : -1;
    if (letter < 0) {
      line.fail(at, "a note letter A-G or a-g after the accidental" + line.found(at));
    }
    int octave = t[at] >= 'a' ? 5 : 4;  // C is middle C (MIDI 60), c the octave above
    for (++at; at < t.size() && (t[at] == '\'' || t[at] == ','); ++at) {
      octave += t[at] == '\'' ? 1 : -1;
    }
    Written note;
    note.step = letter + 7 * octave;
    note.length = times(line, start, v.unit, multiplier(line, at));
    note.tied = tie(t, at);
    const int where = propagation == Propagation::pitch ? letter : note.step;
    int alteration = v.key[static_cast<std::size_t>(letter)];
    if (accidental) {
      alteration = *accidental;
      if (propagation != Propagation::none) {
        v.bar_accidentals[where] = alteration;
      }
    } else if (const auto carried = v.bar_accidentals.find(where);
               carried != v.bar_accidentals.end()) {
      alteration = carried->second;
    }
    static constexpr std::array<int, 7> naturals{0, 2, 4, 5, 7, 9, 11};
    note.pitch = 12 * (octave + 1) + naturals[static_cast<std::size_t>(letter)] + alteration +
                 v.shift.semitones();
    for (const auto& [step, pitch] : v.tied) {
      if (!accidental && step == note.step) {
        note.pitch = pitch;  // a note tied over a bar line keeps its accidental
      }
    }
    if (note.pitch < 0 || note.pitch > 127) {
      line.fail(start, "a pitch inside MIDI's 0..127, found " + std::to_string(note.pitch) +
                           " for " + quoted(t.substr(start, at - start)));
    }
    return note;
  }

  /// Adds a chord (or rest) after applying the tuplet and a pending broken rhythm.
  void timed(const Span& line, std::size_t at, Voice& v, Item item) {
    if (v.tuplet_left > 0) {
      item.length = times(line, at, item.length, v.tuplet);
      --v.tuplet_left;
    }
    if (v.broken) {
      item.length = times(line, at, item.length, *v.broken);
      v.broken.reset();
    }
    count(line, at);
    Item& added = mark(v, line, at, item.kind);
    item.line = added.line;
    item.column = added.column;
    added = item;
    v.last_timed = v.items.size() - 1;
  }

  void chord_of(const Span& line, std::size_t at, Voice& v, const std::vector<Written>& notes,
                Rational length) {
    Item item{ItemKind::chord, static_cast<std::uint32_t>(v.sounds.size()),
              static_cast<std::uint32_t>(notes.size()), length};
    item.fermata = std::exchange(v.fermata_next, false);
    v.tied.clear();
    for (const Written& note : notes) {
      v.sounds.push_back({note.pitch, note.tied});
      if (note.tied) {
        v.tied.emplace_back(note.step, note.pitch);
      }
    }
    timed(line, at, v, item);
  }

  /// [CEG], [C2E2G2]3/2, [CE]-: every note lasts the first note's length (2.1, section 4.17).
  void chord(const Span& line, std::size_t& at, Voice& v) {
    const std::string_view t = line.text;
    const std::size_t start = at++;
    std::vector<Written> notes;
    while (at < t.size() && t[at] != ']') {
      const char c = t[at];
      if (c == '^' || c == '_' || c == '=' || letter_index(c) >= 0) {
        notes.push_back(read_note(line, at, v));
        if (notes.size() > 64) {
          line.fail(start, "a chord of at most 64 notes");
        }
      } else if (c == '!' || c == '"') {
        const std::size_t end = t.find(c, at + 1);
        if (c == '!' && end != std::string_view::npos) {
          v.fermata_next = v.fermata_next || is_fermata(t.substr(at + 1, end - at - 1));
        }
        at = end == std::string_view::npos ? t.size() : end + 1;
      } else if (is_space(c) || c == '.' || c == '~' || (c >= 'H' && c <= 'W') ||
                 (c >= 'h' && c <= 'w')) {
        ++at;
      } else {
        line.fail(at, "a note or the ']' closing the chord" + line.found(at));
      }
    }
    if (at >= t.size()) {
      line.fail(start, "a ']' closing the chord on the same line");
    }
    ++at;
    if (notes.empty()) {
      line.fail(start, "a note inside the chord");
    }
    const Rational length = times(line, start, notes.front().length, multiplier(line, at));
    if (tie(t, at)) {
      for (Written& note : notes) {
        note.tied = true;
      }
    }
    chord_of(line, start, v, notes, length);
  }

  /// (3abc, (3:2:4 ...: p notes in the time of q for the next r notes.
  void tuplet(const Span& line, std::size_t& at, Voice& v) {
    const std::size_t start = at++;
    const int p = *number(line, at, 64, "a tuplet of notes");
    std::optional<int> q;
    int r = p;
    if (at < line.text.size() && line.text[at] == ':') {
      ++at;
      q = number(line, at, 64, "a tuplet's time");
      if (at < line.text.size() && line.text[at] == ':') {
        ++at;
        r = number(line, at, 64, "a tuplet's note count").value_or(p);
      }
    }
    static constexpr std::array<int, 10> times_of{0, 1, 3, 2, 3, 0, 2, 0, 3, 0};  // 0: n
    const int time = q ? *q
                     : p < 10 && times_of[static_cast<std::size_t>(p)] != 0
                         ? times_of[static_cast<std::size_t>(p)]
                     : v.meter.compound() ? 3
                                          : 2;
    if (p < 1 || time < 1 || r < 1) {
      line.fail(start, "a tuplet (p:q:r of positive numbers, such as (3 or (3:2:3)");
    }
    if (v.tuplet_left > 0) {
      line.fail(start,
                "the tuplet before this one to end first (tuplets inside tuplets are "
                "not supported)");
    }
    v.tuplet = reduced(time, p);
    v.tuplet_left = r;
  }

  /// a>b (a dotted, b halved), a>>b, a>>>b, and the same with '<' the other way round.
  void broken_rhythm(const Span& line, std::size_t& at, Voice& v) {
    const std::size_t start = at;
    const char sign = line.text[at];
    while (at < line.text.size() && line.text[at] == sign) {
      ++at;
    }
    const auto n = static_cast<int>(at - start);
    if (n > 3 || !v.last_timed || v.broken) {
      line.fail(start, n > 3 ? "at most three '" + std::string(1, sign) + "'"
                             : "a note or rest before the broken rhythm " +
                                   quoted(line.text.substr(start, at - start)));
    }
    const Rational longer = reduced((2 << n) - 1, 1 << n);  // 3/2, 7/4, 15/8
    const Rational shorter = reduced(1, 1 << n);
    Item& before = v.items[*v.last_timed];
    before.length = times(line, start, before.length, sign == '>' ? longer : shorter);
    v.broken = sign == '>' ? shorter : longer;
    v.broken_at = {line.line, line.column + static_cast<int>(start)};
  }

  /// Z, Z4, X3: whole bars of rest in the current meter.
  void multi_bar_rest(const Span& line, std::size_t& at, Voice& v) {
    const std::size_t start = at++;
    const int bars = number(line, at, 10000, "a count of bars").value_or(1);
    if (v.broken) {
      line.fail(start, "a note after the broken rhythm, before the whole-bar rest");
    }
    if (v.meter.free || bars < 1) {
      line.fail(start, bars < 1 ? "a positive count of bars"
                                : "a meter (M:) for the whole-bar rest " +
                                      quoted(line.text.substr(start, at - start)));
    }
    v.tied.clear();
    count(line, start);
    mark(v, line, start, ItemKind::rest).length = times(line, start, v.meter.bar(), {bars, 1});
    v.last_timed.reset();
  }

  /// | || |] [| |: :| :: :|: |1 :|2 [1 [1,3 [2-4 ...: a bar line and an ending after it.
  void bar(const Span& line, std::size_t& at, Voice& v) {
    const std::string_view t = line.text;
    const std::size_t start = at;
    while (at < t.size() && (t[at] == '|' || t[at] == ':' || t[at] == ']' ||
                             (t[at] == '[' && at + 1 < t.size() && t[at + 1] == '|'))) {
      ++at;
    }
    const std::string_view run = t.substr(start, at - start);
    if (!run.empty()) {
      if (v.broken) {
        line.fail(start, "a note after the broken rhythm, before the bar line");
      }
      if (!v.first_bar && music_so_far(v).num > 0) {  // a bar line before any music: no
        v.first_bar = music_so_far(v);                   // bar ends there
      }
      v.last_timed.reset();
      v.bar_accidentals.clear();
      const std::size_t lead = run.find_first_not_of(':');
      const std::size_t trail = run.size() - 1 - run.find_last_not_of(':');
      if (lead == std::string_view::npos && run.size() < 2) {
        line.fail(start, "a bar line (a ':' stands beside '|', as in |: or :|)");
      }
      const std::string_view core =
          lead == std::string_view::npos ? "" : run.substr(lead, run.size() - lead - trail);
      if (lead == std::string_view::npos || (lead > 0 && trail > 0) ||
          core.find(':') != std::string_view::npos) {  // :: :|: :||:
        mark(v, line, start, ItemKind::repeat_end);
        mark(v, line, start, ItemKind::repeat_start);
      } else if (lead > 0) {
        const int colons = static_cast<int>(std::min<std::size_t>(lead, 8));
        mark(v, line, start, ItemKind::repeat_end).passes = colons + 1;  // ::| plays 3 times
      } else if (trail > 0) {
        mark(v, line, start, ItemKind::repeat_start);
      } else if (core != "|" && core != "[|]") {
        mark(v, line, start, ItemKind::section_end);
      }
      if (at >= t.size() || !is_digit(t[at]) || run.back() != '|') {
        return;
      }
    } else {
      ++at;  // '[' of [1
    }
    const std::size_t list = at;
    std::uint64_t endings = 0;
    do {
      const auto first = number(line, at, 64, "an ending number");
      int last = first.value_or(0);
      if (at + 1 < t.size() && t[at] == '-' && is_digit(t[at + 1])) {
        ++at;
        last = number(line, at, 64, "an ending number").value_or(0);
      }
      if (!first || *first < 1 || last < *first) {
        line.fail(list, "an ending's numbers 1..64, such as 1, 2, 1,3 or 1-3");
      }
      for (int n = *first; n <= last; ++n) {
        endings |= std::uint64_t{1} << static_cast<unsigned>(n - 1);
      }
    } while (at + 1 < t.size() && t[at] == ',' && is_digit(t[at + 1]) && ++at);
    mark(v, line, list, ItemKind::ending).endings = endings;
  }
};

}  // namespace bachprop::music::detail::abc
