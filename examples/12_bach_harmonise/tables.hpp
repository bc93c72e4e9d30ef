#pragma once
// bach_harmonise's evaluation tables: a row per harmoniser (Bach's own first) with its accuracy
// against Bach, its music checks (the rules a counterpoint teacher checks, per 100 chords) and
// its rhythm and line per voice; the tables printed from the rows, and precision and recall per
// pitch class.

#include "common/bach.hpp"
#include "setup.hpp"

#include <bachprop/music/evaluate.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace bach_harmonise {

/// One line of the evaluation tables.
struct Row {
  std::string name;
  std::optional<HarmonyAccuracy> accuracy;  // none for Bach himself
  MusicChecks checks;
  LineStatistics lines;  // rhythm and line per voice
  double seconds = 0;    // training time
  Index parameters = 0;
};

/// Bach's own row: the music checks of the test chorales (in `keys`, each chorale's key) and
/// their rhythm and line.
inline Row bach_row(const std::vector<FourVoiceGrid>& test, const std::vector<Key>& keys) {
  return {"Bach (the test chorales)",
          std::nullopt,
          music_checks(test, {}, keys),
          line_statistics(test),
          0,
          0};
}

/// The evaluation row of `model` (a copy): its harmonisations of the sopranos of `test` against
/// Bach's, their music checks (leading tones judged in Bach's `keys`, so that every row judges
/// a melody in the same key) and their rhythm and line.
template <class Model>
Row score_row(const std::string& name, Model model, const std::vector<FourVoiceGrid>& test,
              const std::vector<Key>& keys, double seconds = 0, Index parameters = 0) {
  const auto harmonised = harmonise_all(model, test);
  return {name,
          evaluate_accuracy(harmonised, test),
          music_checks(harmonised, {}, keys),
          line_statistics(harmonised),
          seconds,
          parameters};
}

inline void print_table(const std::vector<Row>& rows, std::size_t pieces, double steps) {
  std::printf("\nHarmonising the soprano of the %zu test chorales (%.0f steps of a 16th):\n",
              pieces, steps);
  std::printf("  %-34s %27s %7s | %s\n", "", "accuracy against Bach", "", "chords a");
  std::printf("  %-34s %6s %6s %6s %7s %7s | %8s\n", "model", "alto", "tenor", "bass", "mean",
              "p.class", "quarter");
  for (const auto& r : rows) {
    std::string acc(35, ' ');
    if (r.accuracy) {
      const auto& a = *r.accuracy;
      char text[64];
      std::snprintf(text, sizeof text, "%5.1f%% %5.1f%% %5.1f%% %6.1f%% %6.1f%%",
                    100 * a.accuracy(alto), 100 * a.accuracy(tenor), 100 * a.accuracy(bass),
                    100 * a.mean_accuracy(),
                    100 *
                        (a.pitch_class_accuracy(alto) + a.pitch_class_accuracy(tenor) +
                         a.pitch_class_accuracy(bass)) /
                        3);
      acc = text;
    } else {
      acc = "     —      —      —       —       —";
    }
    std::printf("  %-34s %s | %8.2f\n", r.name.c_str(), acc.c_str(), r.checks.chords_per_quarter());
  }
  std::printf(
      "  accuracy: share of 16th steps where the voice is exactly Bach's pitch (or "
      "silent with him); p.class: his pitch class, octave errors forgiven.\n");
}

/// `value` in `format`, right-aligned in `width` columns ("—" when it is NaN).
inline std::string cell(double value, const char* format, int width = 6) {
  const std::string text = examples::figure(value, format);
  const int shown = std::isnan(value) ? 1 : static_cast<int>(text.size());
  return std::string(static_cast<std::size_t>(std::max(0, width - shown)), ' ') + text;
}

/// Every rule of music/evaluate/voice_leading.hpp per 100 chords, a row per model.
inline void print_rules(const std::vector<Row>& rows) {
  std::printf(
      "\nThe rules a teacher checks, per 100 chords (a chord: any voice changes; hidden: "
      "outer voices, the soprano leaping;\nspacing: over an octave S-A or A-T; range: "
      "textbook ranges, all voices; leading tone: outer voices at the final chord):\n");
  std::printf("  %-34s %11s %11s %11s %6s %5s %6s %8s\n", "", "parallel", "contrary", "hidden",
              "cross-", "spac-", "out of", "leading");
  std::printf("  %-34s %5s %5s %5s %5s %5s %5s %6s %5s %6s %8s\n", "model", "5ths", "8ves", "5ths",
              "8ves", "5ths", "8ves", "ings", "ing", "range", "tones");
  constexpr std::array<int, rule_count> widths{6, 6, 6, 6, 6, 6, 7, 6, 7, 9};  // as the heads
  for (const auto& r : rows) {
    std::printf("  %-34s", r.name.c_str());
    for (std::size_t k = 0; k < rule_count; ++k) {
      std::printf("%s", cell(r.checks.rate(static_cast<Rule>(k)), "%.2f", widths[k]).c_str());
    }
    std::printf("\n");
  }
}

/// Rhythm and line of the lower voices, a row per model, and Bach's spread chorale by chorale
/// (his 10th and 90th percentiles) in the same columns.
inline void print_lines(const std::vector<Row>& rows, const LineSpread& spread) {
  std::printf(
      "\nRhythm and line of the alto, tenor and bass: note-length distance to Bach's (total "
      "variation), share of\nstepwise motion, mean |interval| in semitones, notes shorter than "
      "an eighth per 100 chords:\n");
  constexpr std::array<const char*, 4> names{"length distance", "stepwise %", "mean |interval|",
                                             "short notes"};
  constexpr std::array<const char*, 4> formats{"%.2f", "%.1f", "%.2f", "%.2f"};
  const LineStatistics& bach = rows.front().lines;
  // Measure m of voice v in a row.
  auto measure = [&](const LineStatistics& lines, std::size_t m, int v) {
    const VoiceLine& line = lines.voices[static_cast<std::size_t>(v)];
    switch (m) {
      case 0:
        return note_length_distance(line.lengths, bach.voices[static_cast<std::size_t>(v)].lengths);
      case 1:
        return 100 * line.stepwise_share();
      case 2:
        return line.mean_abs_interval();
      default:
        return lines.short_notes_per_100_chords(v);
    }
  };
  // Measure m of voice v over Bach's chorales.
  auto spread_of = [&](std::size_t m, int v) -> const Spread& {
    const VoiceSpread& s = spread.voices[static_cast<std::size_t>(v)];
    return m == 0   ? s.note_length_distance
           : m == 1 ? s.stepwise_share
           : m == 2 ? s.mean_abs_interval
                    : s.short_notes_per_100_chords;
  };
  std::printf("  %-34s", "");
  for (const char* name : names) {
    std::printf(" %18s", name);
  }
  std::printf("\n  %-34s", "model");
  for (std::size_t m = 0; m < names.size(); ++m) {
    std::printf("   alto tenor  bass");
  }
  std::printf("\n");
  auto row = [&](const std::string& name, auto value) {
    std::printf("  %-34s", name.c_str());
    for (std::size_t m = 0; m < names.size(); ++m) {
      std::printf(" ");
      for (int v = alto; v <= bass; ++v) {
        std::printf("%s", cell(value(m, v), formats[m]).c_str());
      }
    }
    std::printf("\n");
  };
  for (const auto& r : rows) {
    row(r.name, [&](std::size_t m, int v) { return measure(r.lines, m, v); });
  }
  for (const double p : {10.0, 90.0}) {
    row(p == 10 ? "Bach chorale by chorale: p10" : "                           p90",
        [&](std::size_t m, int v) {
          const Spread& s = spread_of(m, v);
          return (m == 1 ? 100 : 1) * (p == 10 ? s.p10 : s.p90);
        });
  }
}

inline void print_precision_recall(const std::string& name, const HarmonyAccuracy& a) {
  std::printf(
      "\n%s, precision / recall per pitch class in %% (the class '-' is silence; a '-' "
      "figure: never predicted):\n",
      name.c_str());
  std::printf("  %-6s", "");
  for (Index c = 0; c < pitch_class_label_count; ++c) {
    std::printf(" %5s", pitch_class_label_name(c).c_str());
  }
  std::printf("\n");
  for (int v = alto; v <= bass; ++v) {
    const auto& m = a.confusion[static_cast<std::size_t>(v)];
    for (const bool precision : {true, false}) {
      std::printf("  %-6s",
                  precision ? std::string(voice_names[static_cast<std::size_t>(v)]).c_str() : "");
      for (Index c = 0; c < m.classes(); ++c) {
        const double value = precision ? m.precision(c) : m.recall(c);
        std::printf(" %5s",
                    std::isnan(value) ? "-" : examples::figure(100 * value, "%.0f").c_str());
      }
      std::printf("  %s\n", precision ? "precision" : "recall");
    }
  }
}

}  // namespace bach_harmonise
