#pragma once
/// @file
/// Reading ABC notation (the ABC 2.1 standard, abcnotation.com), the text format folk musicians
/// share tunes in, into the score model: one tune of a file and one voice of it become a Score
/// with one part, as read_midi gives, so a program can take an ABC tune wherever it takes a
/// MIDI file (read_abc_melody gives the top line as a Melody, as a MIDI primer is read).
///
/// What is read, as abc2midi plays it unless said otherwise:
/// - **Tunes.** A tune starts at an X: line and ends at an empty line; the first tune of the
///   file is read, or the one whose X: number AbcOptions::tune names. Text without any X: line
///   is read as one tune. Fields M:, L: and Q: of a file header (a first block without X:)
///   apply to every tune.
/// - **Header.** T: (the first is the title), M: (N/D, (2+3)/8, C = 4/4, C| = 2/2, none), L:
///   (by default 1/16 when the meter is below 3/4, else 1/8), Q: (1/4=120, 3/8=60, "Allegro"
///   1/4=120; the older Q:120 and Q:C=120 are unit note lengths a minute, as the standard says,
///   where abc2midi takes Q:120 as quarter notes), K: (tonic, mode or its first three letters,
///   none, HP (no signature), Hp (F# and C#), explicit accidentals such as K:D exp ^f _b,
///   transpose=, octave= and clefs with +8/-8, which move the sounding pitch).
/// - **Notes.** Letters C..B (middle C is C, MIDI 60) and c..b an octave up, ' and , for octaves,
///   ^ ^^ _ __ = before a note, lengths 2, /2, /, //, 3/2 times the unit. An accidental carries
///   to the end of the bar, to the same letter in every octave (the standard's default: see
///   %%propagate-accidentals, which is read); a note tied over the bar keeps it.
/// - **Rhythm.** Rests z and x; Z and X (whole bars, in the meter); broken rhythm > >> >>> and
///   <; ties - (between equal pitches, also in and between chords; others are ignored); chords
///   [CEG] (every note lasts the first note's length, times the chord's own); tuplets (3abc and
///   (p:q:r, q by the standard's table, whose n is 3 in compound meters (6/8, 9/8, 12/8, 6/4)
///   and 2 in others (abc2midi takes 3 in 3/4 and 3/8 too).
/// - **Form.** Bar lines | || |] [| .|, repeats |: :| :: (::| plays three times), endings
///   [1 |1 :|2 [1,3 [2-4, played out in order (a :| without |: goes back to the start of the
///   tune or to the end of the last repeated section); P: parts played in the header's order
///   (P:AABB, P:(AB)2C; the music before the first part label is played first).
/// - **Voices.** V: lines and [V:] fields: the first voice with music is read, or the one
///   AbcOptions::voice names; a V: field's transpose=, octave= and clef apply to its voice; the
///   music before the first V: of a tune whose header declares no voice is that voice's.
/// - **Inline fields** [K:], [L:], [M:], [Q:], [V:], [P:], [I:]; body fields K:, L:, M:, V:.
/// - **Fermatas** (H, !fermata!, !invertedfermata!) mark the next note or chord's notes
///   (Note::fermata; one over a rest is dropped). An **upbeat**, music before the first bar
///   line that is shorter than a bar, is the score's pickup (Score::pickup).
///
/// Skipped: other decorations (!trill!, . ~ T and the other letters I-W and h-w, +trill+),
/// grace notes {...} (no time), chord symbols and annotations "...", slurs, lyrics (w:, W:),
/// comments %, directives %% (but propagate-accidentals), voice overlays & (the overlaid notes are
/// left out), later tempo changes (the score has one tempo, the first). The score's tempo is 120
/// quarter notes a minute without Q:, its time signature 4/4 without a meter, its key signature the
/// header's K: (modes as major, minor and aeolian as minor); the part is named by the voice's
/// name=, its id or the title, on channel 0 with program 0, every note at velocity 80.
///
/// Errors: bad input throws FormatError "NAME: line L, column C: expected ..." (NAME is the file
/// or "<text>"), never a guess: microtones, nested tuplets, a pitch outside MIDI, a meter whose
/// beat is not a power of two, a note length outside 64-bit fractions. Text above
/// AbcOptions::max_bytes and tunes of more than AbcOptions::max_notes notes and rests (read or
/// played out) are refused before they grow.

#include <bachprop/core/error.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/music/score/abc_body.hpp>
#include <bachprop/music/score/abc_fields.hpp>
#include <bachprop/music/score/abc_key.hpp>
#include <bachprop/music/score/abc_voice.hpp>
#include <bachprop/music/score/melody.hpp>
#include <bachprop/music/score/score.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace bachprop::music {

/// Which tune and voice to read, and the limits that keep a hostile file small.
struct AbcOptions {
  int tune = -1;        ///< the X: number of the tune to read; -1: the file's first tune
  std::string voice{};  ///< the V: id of the voice to read; empty: the first voice with music
  std::size_t max_bytes = std::size_t{4} << 20U;  ///< longer text is refused unread (4 MiB)
  std::size_t max_notes = 200000;  ///< notes and rests of a tune, as written and as played
};

/// A tune of an ABC file, as abc_tunes lists them.
struct AbcTune {
  int number = -1;    ///< its X: number (-1 when the X: field holds none)
  std::string title;  ///< its first T: field
  int line = 0;       ///< the line of its X: field
};

namespace detail::abc {

/// The fields before the music: the file header's, then the tune header's.
struct Header {
  std::string title;
  Meter meter;
  std::optional<Rational> unit;
  Tempo tempo;
  Propagation propagation = Propagation::pitch;
  KeyField key;
  std::vector<VoiceField> voices;
  std::string order;  ///< P: the parts in the order they are played
  int order_line = 0;
};

/// Reads one tune, line by line: the header up to K:, then the body.
class TuneReader {
 public:
  TuneReader(std::string_view source, const AbcOptions& options, Header defaults)
      : source_(source), options_(options), header_(std::move(defaults)) {
    body_.propagation = header_.propagation;
    body_.max_events = options.max_notes;
  }

  /// Reads line `number` of the file.
  void line(std::string_view text, int number) {
    const Span span{text, source_, number, 1};
    if (text.starts_with("%%")) {
      directive(span.from(2));
    } else if (text.starts_with("%")) {
      // a comment
    } else if (field_line(text, !in_header_)) {
      (in_header_ ? header_field(text[0], field_value(span))
                  : body_field(text[0], field_value(span)));
    } else if (in_header_) {
      span.fail(0,
                "a header field such as T:, M:, L: or K: (the header ends with K:, before "
                "the music)" +
                    span.found(0));
    } else {
      body_.music(span, [this](char letter, const Span& value) { body_field(letter, value); });
    }
  }

  /// Reads a header field (also the file header's).
  void header_field(char letter, const Span& value) {
    switch (letter) {
      case 'T':
        header_.title = header_.title.empty() ? std::string(value.text) : header_.title;
        break;
      case 'M':
        header_.meter = parse_meter(value);
        break;
      case 'L':
        header_.unit = parse_unit_length(value);
        break;
      case 'Q':
        header_.tempo = parse_tempo(value);
        break;
      case 'P': {
        std::size_t at = 0;
        header_.order.clear();
        part_order(value, at, 0, header_.order);
        header_.order_line = value.line;
        break;
      }
      case 'V':
        if (header_.voices.size() >= 64) {
          value.fail(0, "at most 64 voices in a tune");
        }
        header_.voices.push_back(parse_voice(value));
        break;
      case 'I':
        directive(value);
        break;
      case 'K':
        header_.key = parse_key(value);
        start_body();
        break;
      default:
        break;  // X:, C:, O:, R:, N:, Z:, S:, H: ... tell nothing of the sound
    }
  }

  /// The tune read: its first voice with music (or AbcOptions::voice) as a one-part score.
  Score finish(int last_line) {
    if (in_header_) {
      throw FormatError(std::string(source_) + ": line " + std::to_string(last_line) +
                        ": expected a K: field ending the tune header, found the end of the "
                        "tune");
    }
    const Voice* chosen = nullptr;
    std::string ids;
    for (const Voice& v : body_.voices) {
      if (v.broken) {
        throw FormatError(std::string(source_) + ": line " + std::to_string(v.broken_at.first) +
                          ", column " + std::to_string(v.broken_at.second) +
                          ": expected a note after the broken rhythm, found the end of the tune");
      }
      ids += (ids.empty() ? "" : ", ") + (v.id.empty() ? std::string("(unnamed)") : v.id);
      const bool wanted = options_.voice.empty() ? v.music() : v.id == options_.voice;
      chosen = chosen == nullptr && wanted ? &v : chosen;
    }
    if (chosen == nullptr && !options_.voice.empty()) {
      throw FormatError(std::string(source_) + ": expected a voice V:" + options_.voice +
                        " in the tune (its voices: " + ids + ")");
    }
    chosen = chosen == nullptr ? &body_.voices.front() : chosen;
    Player player(*chosen, source_, options_.max_notes);
    std::vector<std::size_t> labels;
    for (std::size_t i = 0; i < chosen->items.size(); ++i) {
      if (chosen->items[i].kind == ItemKind::part) {
        labels.push_back(i);
      }
    }
    if (header_.order.empty() || labels.empty()) {
      player.play(0, chosen->items.size());
    } else {
      player.play(0, labels.front());  // before the first label: played first, as abc2midi does
      for (const char label : header_.order) {
        std::size_t k = 0;
        while (k < labels.size() && chosen->items[labels[k]].endings != std::uint64_t(label)) {
          ++k;
        }
        if (k == labels.size()) {
          throw FormatError(std::string(source_) + ": line " + std::to_string(header_.order_line) +
                            ": expected a part P:" + label +
                            " in the tune, which the P: field plays");
        }
        player.play(labels[k] + 1, k + 1 < labels.size() ? labels[k + 1] : chosen->items.size());
      }
    }
    Score score;
    score.title = header_.title;
    if (header_.tempo.given) {
      score.tempo_bpm =
          header_.tempo.per_minute * quarters(header_.tempo.units ? unit_ : header_.tempo.beat);
    }
    if (!header_.meter.free) {
      score.time_signature = {header_.meter.numerator, header_.meter.denominator};
      // An upbeat: music before the first bar line that is shorter than a bar (2.1 has no
      // field for it; notation programs read it so).
      const double before = chosen->first_bar ? quarters(*chosen->first_bar) : 0.0;
      if (before > 0.0 && before < score.time_signature.bar_quarters()) {
        score.pickup = before;
      }
    }
    score.key_signature = header_.key.signature;
    Part part;
    part.name = !chosen->name.empty() ? chosen->name
                : !chosen->id.empty() ? chosen->id
                                      : score.title;
    part.notes = player.notes();
    part.sort();
    score.parts.push_back(std::move(part));
    return score;
  }

  /// The header as read so far (the file header's defaults for the tunes).
  const Header& header() const { return header_; }

 private:
  // %%propagate-accidentals (or I:propagate-accidentals) not | octave | pitch; others ignored.
  void directive(const Span& text) {
    const std::string_view t = text.text;
    if (t.starts_with("propagate-accidentals")) {
      const Span value = trimmed(text.from(21));
      const std::string_view v = value.text;
      if (v != "not" && v != "octave" && v != "pitch") {
        value.fail(0, "propagate-accidentals not, octave or pitch" + value.found(0));
      }
      header_.propagation = v == "not"      ? Propagation::none
                            : v == "octave" ? Propagation::octave
                                            : Propagation::pitch;
      body_.propagation = header_.propagation;
    }
  }

  void start_body() {
    in_header_ = false;
    const Meter& m = header_.meter;
    // 2.1, section 3.1.7: a sixteenth below 3/4, else an eighth (also without a meter).
    unit_ = header_.unit ? *header_.unit
                         : (!m.free && 4 * m.numerator < 3 * m.denominator ? Rational{1, 16}
                                                                           : Rational{1, 8});
    prototype_.key = header_.key.accidentals;
    prototype_.meter = m;
    prototype_.unit = unit_;
    prototype_.shift = header_.key.shift;
    for (const VoiceField& v : header_.voices) {
      body_.switch_to(prototype_, v, {});
    }
    if (header_.voices.empty()) {
      body_.switch_to(prototype_, {}, {});
    }
    body_.current = 0;  // music before any V: belongs to the first voice
  }

  void body_field(char letter, const Span& value) {
    Voice& v = body_.voices[body_.current];
    switch (letter) {
      case 'K': {
        const KeyField key = parse_key(value);
        v.key = key.has_key ? key.accidentals : v.key;
        v.shift.update(key.shift);
        v.bar_accidentals.clear();
        break;
      }
      case 'L':
        v.unit = parse_unit_length(value);
        break;
      case 'M':
        v.meter = parse_meter(value);
        break;
      case 'Q':
        parse_tempo(value);  // checked; the score keeps the first tempo only
        break;
      case 'V':
        body_.switch_to(prototype_, parse_voice(value), value);
        break;
      case 'P':
        body_.part(value, value.text.empty() ? '\0' : value.text[0]);
        break;
      case 'I':
        directive(value);
        break;
      default:
        break;  // lyrics, titles, notes, symbol lines ...
    }
  }

  std::string_view source_;
  const AbcOptions& options_;
  Header header_;
  bool in_header_ = true;
  Rational unit_{1, 8};
  Voice prototype_;
  Body body_;
};

}  // namespace detail::abc

/// The tunes of ABC text: each X: field's number, the tune's first T: and the X: line.
inline std::vector<AbcTune> abc_tunes(std::string_view text) {
  std::vector<AbcTune> tunes;
  bool in_header = false;
  const auto lines = detail::abc::lines_of(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (line.starts_with("X:")) {
      tunes.push_back({detail::abc::tune_number(line), "", static_cast<int>(i) + 1});
      in_header = true;
    } else if (in_header && (line.starts_with("K:") || detail::abc::blank(line))) {
      in_header = false;
    } else if (in_header && line.starts_with("T:") && tunes.back().title.empty()) {
      tunes.back().title = std::string(detail::abc::trimmed({line.substr(2), "", 0, 0}).text);
    }
  }
  return tunes;
}

/// Reads one tune of ABC text (rules in the file comment) into a score of one part: the tune
/// AbcOptions::tune names (or the first), its voice AbcOptions::voice (or the first with
/// music). `name` (the file name, or "<text>") leads every error message. Throws FormatError
/// naming the line, the column and what was expected there.
inline Score decode_abc(std::string_view text, const std::string& name = "<text>",
                        const AbcOptions& options = {}) {
  using namespace detail::abc;
  if (text.size() > options.max_bytes) {
    throw FormatError(name + ": " + std::to_string(text.size()) + " bytes, above the limit of " +
                      std::to_string(options.max_bytes) + " (AbcOptions::max_bytes)");
  }
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);  // a UTF-8 byte order mark
  }
  const std::vector<std::string_view> lines = lines_of(text);
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].starts_with("X:")) {
      starts.push_back(i);
    }
  }
  std::size_t start = 0;
  if (starts.empty()) {  // a tune without X:, from its first line that is not blank
    while (start < lines.size() && blank(lines[start])) {
      ++start;
    }
    if (options.tune >= 0 || start == lines.size()) {
      throw FormatError(
          name + ": expected " +
          (options.tune >= 0 ? "a tune X:" + std::to_string(options.tune) : std::string("a tune")) +
          ", but the text has no X: field" + (start == lines.size() ? " and no music" : ""));
    }
  } else if (options.tune < 0) {
    start = starts.front();
  } else {
    std::string numbers;
    start = lines.size();
    for (const std::size_t s : starts) {
      const int number = tune_number(lines[s]);
      start = number == options.tune && start == lines.size() ? s : start;
      numbers += (numbers.empty() ? "X:" : ", X:") + std::to_string(number);
    }
    if (start == lines.size()) {
      throw FormatError(name + ": expected a tune X:" + std::to_string(options.tune) +
                        "; the file's tunes are " + numbers);
    }
  }
  // A file header: a first block of fields before the first X:, read for every tune.
  TuneReader defaults(name, options, {});
  bool file_header = !starts.empty() && starts.front() > 0;
  std::size_t end = 0;
  for (; file_header && end < starts.front() && !blank(lines[end]); ++end) {
    file_header = field_line(lines[end], false) || lines[end].starts_with("%");
  }
  for (std::size_t i = 0; file_header && i < end; ++i) {
    const Span span{lines[i], name, static_cast<int>(i) + 1, 1};
    if (lines[i].starts_with("%%")) {
      defaults.line(lines[i], static_cast<int>(i) + 1);
    } else if (lines[i][0] == 'M' || lines[i][0] == 'L' || lines[i][0] == 'Q' ||
               lines[i][0] == 'I') {
      defaults.header_field(lines[i][0], field_value(span));
    }
  }
  Header header = defaults.header();
  TuneReader tune(name, options, std::move(header));
  std::size_t i = start;
  for (; i < lines.size() && (i == start || (!blank(lines[i]) && !lines[i].starts_with("X:")));
       ++i) {
    tune.line(lines[i], static_cast<int>(i) + 1);
  }
  return tune.finish(static_cast<int>(i));
}

/// Reads one tune of an ABC file (see decode_abc). Throws IoError when the file cannot be read,
/// FormatError when it is larger than AbcOptions::max_bytes (before reading it) or not valid.
inline Score read_abc(const std::filesystem::path& path, const AbcOptions& options = {}) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (!error && size > options.max_bytes) {
    throw FormatError(path.string() + ": " + std::to_string(size) + " bytes, above the limit of " +
                      std::to_string(options.max_bytes) + " (AbcOptions::max_bytes)");
  }
  return decode_abc(read_file(path), path.string(), options);
}

/// The melody of one tune of ABC text, as a MIDI primer is read: its top line (where notes
/// start together the highest, each note cut where the next starts, gaps as rests, a leading
/// rest dropped: melody_from_part). notes_of() gives it as a NoteSequence.
inline Melody decode_abc_melody(std::string_view text, const std::string& name = "<text>",
                                const AbcOptions& options = {}) {
  return melody_from_part(decode_abc(text, name, options).parts.front());
}

/// The melody of one tune of an ABC file (see decode_abc_melody and read_abc).
inline Melody read_abc_melody(const std::filesystem::path& path, const AbcOptions& options = {}) {
  return melody_from_part(read_abc(path, options).parts.front());
}

}  // namespace bachprop::music
