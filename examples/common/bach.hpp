#pragma once
// The Bach data the melody examples share: where the public originals live (for the download
// offer, with their published sizes and SHA-256), and the melodies as next-note models see them.

#include "common/cli.hpp"
#include "common/download.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/music/score.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace examples {

/// The JSB chorales (Boulanger-Lewandowski's split) as JSON, from czhuang/JSB-Chorales-dataset
/// at the commit the project's data provenance names.
inline const DataSetSource& jsb_source() {
  static const DataSetSource source{
      "JSB chorales",
      "jsb-chorales",
      {"https://raw.githubusercontent.com/czhuang/JSB-Chorales-dataset/"
       "9a7f733ddb4ed91f48da64ac7f0f621c34aadd4d/"},
      {{"Jsb16thSeparated.json", 1666444,
        "79294cc374f9252e95ef4b703161524c1c53dc1f712c236f00f1c1f5d54af5a7"},
       {"jsb-chorales-quarter.json", 407200,
        "2db9329f1881a1d3f49703ec556bf1d6f84b4f6c1d702c156536e93cf31e1c91"}}};
  return source;
}

/// Conklin's UCI "Bach Chorales" melodies (chorales.lisp), from the GitHub copy the project's
/// data provenance names.
inline const DataSetSource& uci_source() {
  static const DataSetSource source{
      "UCI Bach chorale melodies",
      "bach-chorales-uci",
      {"https://raw.githubusercontent.com/robbiebarrat/Bach_AI/"
       "0fb82302c50aeed9ad718b3d71f9debbaf54d1aa/"},
      {{"chorales.lisp", 304998,
        "35f15ed894bdfd8695079a2cde8cfadfeb843b87f31d928afdc79d6e6bd6deca"}}};
  return source;
}

/// --data DIR and --download: where a program finds its data sets, or fetches them.
struct DataOptions {
  std::string folder;     // --data DIR ("": BACHPROP_DATA, ../shared/data, the cache)
  bool download = false;  // --download: fetch without asking when no copy is found

  /// Declares --data DIR (with `help`) and --download (of `what`) on `cli`.
  void declare(CommandLine& cli, const std::string& help,
               const std::string& what = "the chorales") {
    cli.option("data", folder, "DIR", help)
        .flag("download", download, "download " + what + " if no copy is found (checksummed)");
  }

  /// The folder holding `source`'s files (locate_or_download).
  std::filesystem::path locate(const DataSetSource& source) const {
    return locate_or_download(source, {folder, download, interactive_session()});
  }
};

/// The JSB soprano lines as note sequences, by split.
struct JsbMelodies {
  bachprop::music::JsbCorpus corpus;  // the four-voice chorales themselves
  std::vector<bachprop::music::NoteSequence> train;
  std::vector<bachprop::music::NoteSequence> valid;
  std::vector<bachprop::music::NoteSequence> test;
};

inline JsbMelodies load_jsb_melodies(const std::filesystem::path& folder) {
  JsbMelodies m;
  m.corpus = bachprop::music::load_jsb_chorales(folder / "Jsb16thSeparated.json");
  auto notes = [&](std::string_view split) {
    std::vector<bachprop::music::NoteSequence> out;
    for (const auto& melody : bachprop::music::soprano_lines(m.corpus, split)) {
      out.push_back(bachprop::music::notes_of(melody));
    }
    return out;
  };
  m.train = notes("train");
  m.valid = notes("valid");
  m.test = notes("test");
  return m;
}

/// The UCI melodies as note sequences, in file order.
inline std::vector<bachprop::music::NoteSequence> load_uci_melodies(
    const std::filesystem::path& folder) {
  std::vector<bachprop::music::NoteSequence> out;
  for (const auto& chorale : bachprop::music::load_uci_chorales(folder / "chorales.lisp")) {
    out.push_back(bachprop::music::notes_of(chorale.melody()));
  }
  return out;
}

/// Notes `first` up to (not including) `last` of `notes`; `last` is clipped to its length.
inline bachprop::music::NoteSequence excerpt(const bachprop::music::NoteSequence& notes,
                                             std::size_t first, std::size_t last) {
  last = std::min(last, notes.size());
  const auto from = static_cast<long>(std::min(first, last));
  const auto to = static_cast<long>(last);
  return {{notes.pitches.begin() + from, notes.pitches.begin() + to},
          {notes.durations.begin() + from, notes.durations.begin() + to}};
}

/// "2.035" or "—" for a figure a model does not have.
inline std::string figure(double value, const char* format = "%.3f") {
  if (std::isnan(value)) {
    return "—";
  }
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

/// A published result on the JSB quarter-note piano rolls (Boulanger-Lewandowski's split), as
/// the lessons print it beside their own: test negative log-likelihood in nats per frame.
struct PublishedJsbResult {
  const char* name;  // as printed
  const char* key;   // in a summary's "published" object
  double nll;        // nats per frame
};

/// The published results lessons 10 and 13 compare with (vanilla RNN, LSTM, GRU and TCN as Bai,
/// Kolter & Koltun 2018 report them; RNN-RBM and RNN-NADE from Boulanger-Lewandowski et al. 2012).
inline constexpr PublishedJsbResult published_jsb_results[] = {
    {"vanilla RNN", "vanilla_rnn", 8.91}, {"LSTM", "lstm", 8.45},
    {"GRU", "gru", 8.43},                 {"TCN", "tcn", 8.10},
    {"RNN-RBM", "rnn_rbm", 6.27},         {"RNN-NADE", "rnn_nade", 5.56}};

}  // namespace examples
