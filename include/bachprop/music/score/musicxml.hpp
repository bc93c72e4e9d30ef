#pragma once
/// @file
/// Writing a Score as MusicXML 3.1 (partwise), the exchange format of notation programs
/// (MuseScore, Finale, Sibelius, Dorico, music21).
///
/// The layout is notate's (music/score/notation.hpp: measures, voices, note values, ties, rests,
/// spellings, clefs). The file holds a part-list entry per Part (its name, and its MIDI channel and
/// program, both counted from 1 as MusicXML counts them, in a midi-instrument), then per part its
/// measures: the first carries the divisions, key signature (fifths and mode), time signature and
/// clef, and the first part's first measure the tempo (a metronome mark and a sound element).
/// Chords are notes after the first marked chord; a second voice follows the first after a backup
/// of the whole measure; ties are written both as tie (sound) and tied (notation); triplet values
/// carry a time-modification of 3 in the time of 2 (the bracket left to the reader); a fermata is
/// an upright fermata in the notations of its first note; a pickup is an implicit measure numbered
/// 0 (the others from 1); a note's velocity is its dynamics attribute (percent of velocity 90, as
/// the format defines it). Names and the title are escaped, with control characters and bytes that
/// are not UTF-8 replaced by '?'. Files are written through write_file_atomically.

#include <bachprop/core/error.hpp>
#include <bachprop/core/number_text.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/music/score/notation.hpp>
#include <bachprop/music/score/score.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace bachprop::music {

/// How encode_musicxml writes a score.
struct MusicXmlOptions {
  /// Note starts and ends are rounded to 1/grid of a quarter note (see NotationOptions).
  int grid = 96;
  /// Print the tempo as a metronome mark above the first measure (the tempo is played either
  /// way, from a sound element).
  bool metronome_mark = true;
};

namespace detail::xml {

/// `text` with & < > " escaped, and control characters and invalid UTF-8 replaced by '?'.
inline std::string escaped(std::string_view text) {
  std::string out;
  for (const char c : detail::notation::printable(text)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// The shortest decimal text that reads back as `value` ("80", "72.5").
inline std::string number(double value) { return number_text::shortest(value); }

/// MusicXML's name of a note type (log2 of a quarter: 0 quarter, -1 eighth, 2 whole).
inline std::string_view type_name(int log2) {
  static constexpr std::array<std::string_view, 13> names{
      "1024th", "512th",   "256th", "128th", "64th",  "32nd", "16th",
      "eighth", "quarter", "half",  "whole", "breve", "long"};
  return names[static_cast<std::size_t>(log2 + 8)];
}

inline void write_event(std::string& out, const NotatedEvent& event, std::size_t voice) {
  const std::size_t heads = event.is_rest() ? 1 : event.pitches.size();
  for (std::size_t h = 0; h < heads; ++h) {
    out += "      <note";
    if (!event.is_rest()) {
      out += " dynamics=\"" + number_text::fixed(event.pitches[h].velocity / 0.9, 2) + "\"";
    }
    out += ">\n";
    if (h > 0) {
      out += "        <chord/>\n";
    }
    if (event.is_rest()) {
      out += event.measure_rest ? "        <rest measure=\"yes\"/>\n" : "        <rest/>\n";
    } else {
      const NotatedPitch& p = event.pitches[h];
      out += "        <pitch><step>";
      out += "CDEFGAB"[p.letter];
      out += "</step>";
      if (p.alteration != 0) {
        out += "<alter>" + std::to_string(p.alteration) + "</alter>";
      }
      out += "<octave>" + std::to_string(p.octave) + "</octave></pitch>\n";
    }
    out += "        <duration>" + std::to_string(event.duration) + "</duration>\n";
    if (event.tie_from_previous) {
      out += "        <tie type=\"stop\"/>\n";
    }
    if (event.tie_to_next) {
      out += "        <tie type=\"start\"/>\n";
    }
    out += "        <voice>" + std::to_string(voice + 1) + "</voice>\n";
    if (!event.measure_rest) {
      out += "        <type>" + std::string(type_name(event.value.log2)) + "</type>\n";
      if (event.value.dots == 1) {
        out += "        <dot/>\n";
      }
    }
    if (!event.is_rest() && event.pitches[h].accidental) {
      const int alteration = event.pitches[h].alteration;
      out += std::string("        <accidental>") +
             (alteration > 0   ? "sharp"
              : alteration < 0 ? "flat"
                               : "natural") +
             "</accidental>\n";
    }
    if (event.value.triplet && !event.measure_rest) {
      out +=
          "        <time-modification><actual-notes>3</actual-notes>"
          "<normal-notes>2</normal-notes></time-modification>\n";
    }
    const bool fermata = event.fermata && h == 0;
    if (event.tie_from_previous || event.tie_to_next || fermata) {
      out += "        <notations>";
      out += event.tie_from_previous ? "<tied type=\"stop\"/>" : "";
      out += event.tie_to_next ? "<tied type=\"start\"/>" : "";
      out += fermata ? "<fermata type=\"upright\"/>" : "";
      out += "</notations>\n";
    }
    out += "      </note>\n";
  }
}

inline void write_attributes(std::string& out, const NotatedScore& layout,
                             const NotatedPart& part) {
  out += "      <attributes>\n        <divisions>" + std::to_string(layout.divisions) +
         "</divisions>\n        <key><fifths>" + std::to_string(layout.key_signature.sharps) +
         "</fifths><mode>" + std::string(mode_name(layout.key_signature.mode)) +
         "</mode></key>\n        <time><beats>" + std::to_string(layout.time_signature.numerator) +
         "</beats><beat-type>" + std::to_string(layout.time_signature.denominator) +
         "</beat-type></time>\n" +
         (part.clef == Clef::bass ? "        <clef><sign>F</sign><line>4</line></clef>\n"
                                  : "        <clef><sign>G</sign><line>2</line></clef>\n") +
         "      </attributes>\n";
}

inline void write_tempo(std::string& out, const NotatedScore& layout, bool metronome_mark) {
  const std::string sound = "<sound tempo=\"" + number(layout.tempo_bpm) + "\"/>\n";
  if (!metronome_mark) {
    out += "      " + sound;
    return;
  }
  out +=
      "      <direction placement=\"above\">\n"
      "        <direction-type><metronome><beat-unit>quarter</beat-unit><per-minute>" +
      number(layout.tempo_bpm) + "</per-minute></metronome></direction-type>\n        " + sound +
      "      </direction>\n";
}

}  // namespace detail::xml

/// The text of a MusicXML 3.1 partwise file holding `score` (the layout in the file comment and
/// in music/score/notation.hpp). Throws ArgumentError for what cannot be written (an invalid
/// note, such as one with a negative start; an invalid time or key signature, tempo, channel or
/// program; a grid that does not divide 384), naming the problem.
inline std::string encode_musicxml(const Score& score, const MusicXmlOptions& options = {}) {
  using namespace detail::xml;
  NotatedScore layout;
  try {
    layout = notate(score, NotationOptions{options.grid});
  } catch (const ArgumentError& error) {
    throw ArgumentError(std::string("encode_musicxml: ") + error.what());
  }
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
      "<!DOCTYPE score-partwise PUBLIC \"-//Recordare//DTD MusicXML 3.1 Partwise//EN\" "
      "\"http://www.musicxml.org/dtds/partwise.dtd\">\n"
      "<score-partwise version=\"3.1\">\n";
  if (!layout.title.empty()) {
    out += "  <work><work-title>" + escaped(layout.title) + "</work-title></work>\n";
  }
  out +=
      "  <identification><encoding><software>bachprop</software></encoding>"
      "</identification>\n  <part-list>\n";
  for (std::size_t p = 0; p < layout.parts.size(); ++p) {
    const NotatedPart& part = layout.parts[p];
    const std::string id = "P" + std::to_string(p + 1);
    out += "    <score-part id=\"" + id + "\">\n      <part-name>" + escaped(part.name) +
           "</part-name>\n      <score-instrument id=\"" + id + "-I1\"><instrument-name>" +
           escaped(part.name) + "</instrument-name></score-instrument>\n" +
           "      <midi-instrument id=\"" + id + "-I1\"><midi-channel>" +
           std::to_string(part.channel + 1) + "</midi-channel><midi-program>" +
           std::to_string(part.program + 1) + "</midi-program></midi-instrument>\n" +
           "    </score-part>\n";
  }
  out += "  </part-list>\n";
  for (std::size_t p = 0; p < layout.parts.size(); ++p) {
    const NotatedPart& part = layout.parts[p];
    out += "  <part id=\"P" + std::to_string(p + 1) + "\">\n";
    for (std::size_t m = 0; m < part.measures.size(); ++m) {
      out += "    <measure number=\"" + std::to_string(layout.number_of_measure(m)) + "\"" +
             (m == 0 && layout.pickup_length > 0 ? " implicit=\"yes\"" : "") + ">\n";
      if (m == 0) {
        write_attributes(out, layout, part);
        if (p == 0) {
          write_tempo(out, layout, options.metronome_mark);
        }
      }
      const auto& voices = part.measures[m].voices;
      for (std::size_t v = 0; v < voices.size(); ++v) {
        if (voices[v].empty()) {
          continue;
        }
        if (v > 0) {
          out += "      <backup><duration>" + std::to_string(layout.length_of_measure(m)) +
                 "</duration></backup>\n";
        }
        for (const NotatedEvent& event : voices[v]) {
          write_event(out, event, v);
        }
      }
      out += "    </measure>\n";
    }
    out += "  </part>\n";
  }
  out += "</score-partwise>\n";
  return out;
}

/// Writes `score` to `path` as MusicXML (encode_musicxml), atomically.
inline void write_musicxml(const std::filesystem::path& path, const Score& score,
                           const MusicXmlOptions& options = {}) {
  write_file_atomically(path, encode_musicxml(score, options));
}

}  // namespace bachprop::music
