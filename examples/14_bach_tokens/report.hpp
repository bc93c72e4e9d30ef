#pragma once
// The bach_tokens program around its lesson (main.cpp): the options it takes, the primer (a note
// string, a MIDI file or the opening of a validation piece), and the report of the run — the
// corpus (and the files it could not read), each epoch, the LSTM beside the Markov chain, the
// generated piece's files (MIDI, piano-roll PNG, WAV where FluidSynth is installed) and the
// JSON summary.

#include "common/bach.hpp"
#include "common/cli.hpp"
#include "common/lesson.hpp"
#include "common/music_files.hpp"
#include "common/progress.hpp"
#include "live_options.hpp"

#include <bachprop/music/encoding/token_corpus.hpp>
#include <bachprop/music/models/token_generation.hpp>
#include <bachprop/music/models/token_lstm.hpp>
#include <bachprop/music/models/token_quantised.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bach_tokens {

using namespace bachprop;
using namespace bachprop::music;

/// What the command line sets (command_line() declares the options; these are their defaults).
struct Options {
  std::uint64_t seed = 1;
  std::string summary_path;
  examples::DataOptions data;
  std::string midi_dir;
  std::size_t min_count = 5;
  bool original_keys = false;
  int transpose = 0;
  examples::OutputOptions output;
  std::string save;
  std::string model_path;
  bool quantised = false;
  std::string save_quantised;
  bool quick = false;
  // The sizes and regularisation that beat the Markov chain on the JSB chorales (about 20,000
  // training tokens): one wide LSTM, heavy dropout and weight decay (docs/examples/bach_tokens.md).
  TokenLstmShape shape{.embedding = 32, .hidden = 256, .layers = 1, .dropout = 0.5,
                       .input_dropout = 0.5};
  TokenTrainingSettings training{
      .epochs = 40, .learning_rate = 6e-3, .weight_decay = 1e-4, .patience = 4};
  double minutes = 10;
  int markov_order = 0;  // 0: chosen on validation among 1..4
  std::string primer_text;
  std::string primer_midi;
  std::size_t primer_length = 8;
  std::size_t length = 64;
  double temperature = 1.0;
  std::size_t top_k = 0;
  double top_p = 1.0;
  double tempo = 100;
  std::string name = "bach_tokens";
  LiveOptions live;  // --live and its companions (live_options.hpp)

  /// The sizes (--quick: a small model).
  TokenLstmShape model_shape() const {
    if (quick) {
      return {.embedding = 16, .hidden = 48, .layers = 1, .dropout = 0.1, .input_dropout = 0.1,
              .hears_durations = shape.hears_durations};
    }
    return shape;
  }
  /// The training as the options set it (--quick: a few short epochs).
  TokenTrainingSettings training_settings() const {
    TokenTrainingSettings s = training;
    s.seed = seed;
    s.max_seconds = minutes * 60.0;
    if (quick) {
      s.epochs = std::min<Index>(s.epochs, 4);
      s.window = std::min<Index>(s.window, 20);
      s.stride = s.window;
      s.learning_rate = 1e-2;
    }
    return s;
  }
  /// Throws UsageError for values out of range or options that contradict each other.
  void check() {
    if (!primer_text.empty() && !primer_midi.empty()) {
      throw examples::UsageError("give one primer: --primer or --primer-midi");
    }
    if (shape.layers < 1 || shape.layers > 3) {
      throw examples::UsageError("--layers must be 1, 2 or 3");
    }
    if (!(shape.dropout >= 0.0 && shape.dropout < 1.0) ||
        !(shape.input_dropout >= 0.0 && shape.input_dropout < 1.0)) {
      throw examples::UsageError("--dropout and --input-dropout must be in [0, 1)");
    }
    if (shape.embedding < 1 || shape.hidden < 1 || training.window < 1 || training.stride < 1 ||
        training.epochs < 1 || training.batch_size < 1 || min_count < 1 || length < 1 ||
        !(minutes > 0.0)) {
      throw examples::UsageError("--embedding, --hidden, --window, --stride, --epochs, "
                                 "--batch-size, --min-count, --length and --minutes must be "
                                 "positive");
    }
    if (transpose < 0 || transpose > 11) {
      throw examples::UsageError("--transpose must be 0..11 semitones");
    }
    if (markov_order < 0 || markov_order > 8) {
      throw examples::UsageError("--markov-order must be 0 (chosen) to 8");
    }
    if (!(temperature >= 0.0) || !(top_p > 0.0 && top_p <= 1.0)) {
      throw examples::UsageError("--temperature must be ≥ 0 and --top-p in (0, 1]");
    }
    if (tempo < 10 || tempo > 400) {
      throw examples::UsageError("--tempo must be 10..400 quarter notes a minute");
    }
    live.check();
    if (save.empty() && model_path.empty()) {
      save = output.file(name + ".json").string();
    }
  }
};

/// The command line, each option bound to a field of `o`.
inline examples::CommandLine command_line(Options& o) {
  examples::CommandLine cli(
      "bach_tokens",
      "Play Bach with tokens: every MIDI file of a folder (or the JSB chorales) as chord tokens "
      "and durations, an LSTM trained on windows of 40 tokens beside a Markov chain on the same "
      "tokens (validation perplexity and accuracy), then a piece generated step by step from a "
      "primer (MIDI, PNG, WAV). The model is saved with its vocabulary: --model FILE generates "
      "without a corpus.");
  cli.standard(o.seed, o.summary_path);
  o.data.declare(cli, "folder holding jsb-chorales/ (default: see README)");
  o.output.declare(cli, "the model, MIDI, MusicXML, PNG and WAV files");
  cli.option("midi-dir", o.midi_dir, "DIR", "train on every MIDI file under DIR instead")
      .option("min-count", o.min_count, "N", "rarer training tokens become <unk>")
      .option("transpose", o.transpose, "N",
              "also train on every piece moved by up to N semitones each way")
      .flag("original-keys", o.original_keys,
            "keep every piece in its key (default: moved into C major or A minor)")
      .option("save", o.save, "FILE", "where to save the model (default OUT/bach_tokens.json)")
      .option("model", o.model_path, "FILE",
              "load this model instead of training one (JSON, or an 8-bit model's compact file)")
      .flag("quantised", o.quantised,
            "generate with the model's 8-bit twin (a byte per weight, a scale per row)")
      .option("save-quantised", o.save_quantised, "FILE",
              "also save the 8-bit model as a compact file (generation only)")
      .option("embedding", o.shape.embedding, "N", "entries of each token's vector")
      .option("hidden", o.shape.hidden, "N", "units of each LSTM")
      .option("layers", o.shape.layers, "N", "stacked LSTMs (1 to 3)")
      .option("dropout", o.shape.dropout, "P", "dropout after every LSTM in training")
      .option("input-dropout", o.shape.input_dropout, "P", "dropout after the embedding")
      .option("weight-decay", o.training.weight_decay, "L", "Adam's L2 penalty on the weights")
      .flag("hear-durations", o.shape.hears_durations,
            "the network hears each token's duration too (an embedding per token and duration)")
      .option("window", o.training.window, "N", "tokens per training window")
      .option("stride", o.training.stride, "N", "tokens between a piece's windows")
      .option("epochs", o.training.epochs, "N", "most epochs (the best on validation is kept)")
      .option("batch-size", o.training.batch_size, "M", "windows per Adam step")
      .learning_rate(o.training.learning_rate, "Adam")
      .option("patience", o.training.patience, "N",
              "stop after N epochs without a better validation perplexity")
      .option("minutes", o.minutes, "M", "stop training before an epoch would pass M minutes")
      .option("markov-order", o.markov_order, "N",
              "the Markov chain's order (0: the best of 1..4 on validation)")
      .quick(o.quick, "a small model, a few short epochs")
      .option("primer", o.primer_text, "TEXT",
              "the primer as a note string (\"C3.E4.G4 D4/8 R\": chords joined by '.', /N "
              "note values, R for a rest)")
      .option("primer-midi", o.primer_midi, "FILE", "the primer from a MIDI file (all parts)")
      .option("primer-length", o.primer_length, "N",
              "tokens of the primer heard (default primer: a validation piece's opening)")
      .option("length", o.length, "N", "tokens to generate")
      .option("temperature", o.temperature, "T", "sampling temperature (0: the likeliest)")
      .option("top-k", o.top_k, "K", "draw among the K likeliest tokens only (0: all)")
      .option("top-p", o.top_p, "P", "draw among the likeliest tokens covering P (1: all)")
      .option("tempo", o.tempo, "BPM", "quarter notes a minute of the files")
      .option("name", o.name, "NAME", "the file name (without extension) of the piece");
  o.live.declare(cli);
  return cli;
}

/// The pieces of `split` as ids of `vocabulary` (unseen tokens as <unk>).
inline std::vector<std::vector<int>> ids_of(const std::vector<ChordTokens>& split,
                                            const Vocabulary& vocabulary) {
  std::vector<std::vector<int>> out;
  for (const auto& piece : split) {
    out.push_back(vocabulary.encode(piece.tokens));
  }
  return out;
}

/// "C3.E4.G4/4 D4/8 R/2 ...": tokens with their durations, at most `most` of them.
inline std::string token_text(const std::vector<std::string>& tokens,
                              const std::vector<int>& durations, const DurationClasses& classes,
                              std::size_t most = 12) {
  std::string text;
  for (std::size_t i = 0; i < tokens.size() && i < most; ++i) {
    text += (i > 0 ? " " : "") + tokens[i] + ":" +
            examples::figure(classes.quarters(durations[i]), "%g");
  }
  return text + (tokens.size() > most ? " ..." : "");
}

/// Prints what the lesson finds, writes the generated piece's files, writes the summary.
class Report : public examples::LessonReport<Options> {
 public:
  explicit Report(const Options& options)
      : LessonReport(options), started_(std::chrono::steady_clock::now()) {
    summary_ = {{"program", "bach_tokens"}, {"seed", options.seed}, {"quick", options.quick}};
  }

  /// The corpus: pieces, tokens, vocabulary, and the files a MIDI folder could not give.
  void data(const TokenCorpus& c) {
    std::printf("%s: %zu / %zu pieces (train / validation), %zu / %zu tokens\n",
                c.source.c_str(), c.train.size(), c.valid.size(), c.token_count(c.train),
                c.token_count(c.valid));
    nlohmann::json skipped = nlohmann::json::array();
    if (!c.report.empty()) {
      std::printf("  %s\n", c.report.c_str());
      for (const auto& file : c.skipped) {
        std::printf("  skipped %s: %s\n", file.path.generic_string().c_str(), file.reason.c_str());
        skipped.push_back({{"file", file.path.generic_string()}, {"reason", file.reason}});
      }
    }
    std::printf("Vocabulary: %zu tokens (%zu distinct in training, those seen fewer than %zu "
                "times are <unk>: %zu training tokens, %zu validation tokens)\n",
                c.vocabulary.size(), c.distinct_tokens, options_.min_count,
                c.vocabulary.count(0), c.unknown_in_validation());
    std::printf("  most common: %s; %zu duration classes\n", common(c.vocabulary).c_str(),
                c.durations.size());
    summary_["data"] = {{"source", c.source},
                        {"train_pieces", c.train.size()},
                        {"valid_pieces", c.valid.size()},
                        {"train_tokens", c.token_count(c.train)},
                        {"valid_tokens", c.token_count(c.valid)},
                        {"vocabulary_size", c.vocabulary.size()},
                        {"distinct_training_tokens", c.distinct_tokens},
                        {"min_count", options_.min_count},
                        {"unknown_train_tokens", c.vocabulary.count(0)},
                        {"unknown_valid_tokens", c.unknown_in_validation()},
                        {"duration_classes", c.durations.to_json()},
                        {"skipped", skipped},
                        {"ignored", c.ignored}};
    std::fflush(stdout);
  }

  /// The network, before it trains (or as loaded).
  void network(const TokenLstm& model) {
    const TokenLstmShape& s = model.shape();
    std::printf("Network: Embedding(%ld %s → %ld), dropout %.2g → %ld × Lstm(%ld), dropout %.2g "
                "→ Dense → softmax over %ld tokens ⊕ softmax over %ld durations; %ld parameters\n",
                static_cast<long>(model.inputs()),
                s.hears_durations ? "(token, duration) pairs" : "tokens",
                static_cast<long>(s.embedding), s.input_dropout, static_cast<long>(s.layers),
                static_cast<long>(s.hidden), s.dropout, static_cast<long>(model.tokens()),
                static_cast<long>(model.duration_count()),
                static_cast<long>(model.parameter_count()));
    summary_["shape"] = s.to_json();
    summary_["parameters"] = model.parameter_count();
    if (options_.model_path.empty()) {
      const auto t = options_.training_settings();
      std::printf("Training: Adam (η %.3g) on windows of %ld tokens every %ld, %ld per step, at "
                  "most %ld epochs or %.3g minutes:\n",
                  t.learning_rate, static_cast<long>(t.window), static_cast<long>(t.stride),
                  static_cast<long>(t.batch_size), static_cast<long>(t.epochs), options_.minutes);
      summary_["settings"] = t.to_json();
    } else {
      std::printf("Model %s loaded (no training)\n", options_.model_path.c_str());
    }
    std::fflush(stdout);
  }

  /// An 8-bit model loaded from its compact file (generation only).
  void network(const QuantisedTokenLstm& model, std::size_t file_bytes) {
    const TokenLstmShape& s = model.shape();
    std::printf("8-bit model %s loaded (%zu bytes): Embedding(%ld → %ld) → %ld × Lstm(%ld) → "
                "Dense → softmax over %ld tokens ⊕ softmax over %ld durations\n",
                options_.model_path.c_str(), file_bytes, static_cast<long>(model.inputs()),
                static_cast<long>(s.embedding), static_cast<long>(s.layers),
                static_cast<long>(s.hidden), static_cast<long>(model.tokens()),
                static_cast<long>(model.duration_count()));
    summary_["shape"] = s.to_json();
    summary_["quantised"] = {{"file", options_.model_path}, {"file_bytes", file_bytes},
                             {"bytes", model.bytes()}};
    std::fflush(stdout);
  }

  /// The model in 8 bits beside the float model: bytes, agreement of the likeliest tokens on
  /// the validation pieces (when there are some), time per step.
  void quantised(const QuantisedTokenLstm& eight_bit, const TokenLstm& model,
                 const std::optional<QuantisedAgreement>& agreement, double step_seconds,
                 double float_step_seconds) {
    const auto float_bytes = 4 * static_cast<std::size_t>(model.parameter_count());
    const double ratio =
        static_cast<double>(float_bytes) / static_cast<double>(eight_bit.bytes());
    std::printf("\nIn 8 bits (a byte per weight, a scale per row): %zu bytes against %zu in "
                "float, %.2f× smaller;", eight_bit.bytes(), float_bytes, ratio);
    if (agreement) {
      std::printf(" the same likeliest token in %.1f%% of %zu validation steps;",
                  100 * agreement->share(), agreement->steps);
    }
    std::printf(" one step %.3f ms against %.3f ms in float\n", step_seconds * 1e3,
                float_step_seconds * 1e3);
    summary_["quantised"] = {{"bytes", eight_bit.bytes()},
                             {"float_bytes", float_bytes},
                             {"ratio", ratio},
                             {"step_ms", step_seconds * 1e3},
                             {"float_step_ms", float_step_seconds * 1e3}};
    if (agreement) {
      summary_["quantised"]["argmax_agreement"] = agreement->share();
      summary_["quantised"]["agreement_steps"] = agreement->steps;
    }
    if (!options_.save_quantised.empty()) {
      std::printf("Saved the 8-bit model to %s\n", options_.save_quantised.c_str());
      summary_["quantised"]["file"] = options_.save_quantised;
    }
    std::fflush(stdout);
  }

  /// Every epoch trained, and where the model went.
  void trained(const std::vector<TokenEpoch>& epochs, const std::filesystem::path& saved) {
    nlohmann::json log = nlohmann::json::array();
    for (const auto& e : epochs) {
      log.push_back({{"epoch", e.epoch}, {"train_loss", e.train_loss},
                     {"validation_perplexity", e.validation_perplexity},
                     {"seconds", e.seconds}, {"best", e.best}});
    }
    summary_["epochs"] = log;
    summary_["training_seconds"] = epochs.empty() ? 0.0 : epochs.back().seconds;
    std::printf("Saved the model (with its vocabulary) to %s\n", saved.string().c_str());
    summary_["model"] = saved.string();
  }

  /// The LSTM beside the Markov chain on the validation tokens.
  void compared(const TokenScores& lstm, const ChosenMarkov& markov) {
    std::printf("\nValidation, %zu tokens (each predicted from those before it in its piece):\n",
                lstm.tokens);
    std::printf("  %-28s %11s %9s %20s %10s\n", "", "perplexity", "accuracy",
                "duration perplexity", "accuracy");
    std::printf("  %-28s %11.2f %8.1f%% %20.2f %9.1f%%\n", "LSTM", lstm.perplexity(),
                100 * lstm.accuracy(), lstm.duration_perplexity(), 100 * lstm.duration_accuracy());
    const std::string name = "Markov chain, order " + std::to_string(markov.order);
    std::printf("  %-28s %11.2f %8.1f%% %20s %10s\n", name.c_str(),
                markov.validation.perplexity(), 100 * markov.validation.accuracy(), "—", "—");
    std::printf("  (the Markov chain's validation perplexity by order:");
    for (std::size_t i = 0; i < markov.orders.size(); ++i) {
      std::printf(" %d: %.2f", markov.orders[i], markov.perplexities[i]);
    }
    std::printf(")\n");
    summary_["validation_tokens"] = lstm.tokens;
    summary_["validation_perplexity"] = {{"lstm", lstm.perplexity()},
                                         {"markov", markov.validation.perplexity()}};
    summary_["validation_accuracy"] = {{"lstm", lstm.accuracy()},
                                       {"markov", markov.validation.accuracy()}};
    summary_["lstm"] = {{"validation_perplexity", lstm.perplexity()},
                        {"validation_accuracy", lstm.accuracy()},
                        {"validation_duration_perplexity", lstm.duration_perplexity()},
                        {"validation_duration_accuracy", lstm.duration_accuracy()}};
    summary_["markov"] = {{"validation_perplexity", markov.validation.perplexity()},
                          {"validation_accuracy", markov.validation.accuracy()},
                          {"order", markov.order},
                          {"orders_tried", markov.orders},
                          {"perplexity_by_order", markov.perplexities},
                          {"smoothing", "Witten-Bell interpolation, add-0.5 unigram"}};
  }

  /// The figures of a live performance (live.hpp prints them).
  void played_live(nlohmann::json figures) { summary_["live"] = std::move(figures); }

  /// The generated piece after its primer, written as MIDI, MusicXML, PNG and WAV.
  void generated(const ChordTokens& primer, const ChordTokens& piece,
                 const DurationClasses& classes, double step_seconds, bool eight_bit) {
    Score score;
    score.title = "Tokens after a primer";
    score.tempo_bpm = options_.tempo;
    Part before = chord_tokens_to_part(primer.tokens, primer.durations, classes, "Primer");
    before.program = 0;
    Part after = chord_tokens_to_part(piece.tokens, piece.durations, classes, "Token LSTM");
    after.channel = 1;
    double primer_length = 0;
    for (const int d : primer.durations) {
      primer_length += classes.quarters(d);
    }
    for (auto& note : after.notes) {
      note.start += primer_length;
    }
    score.parts = {before, after};
    const auto files = examples::write_score_files(score, options_.output, options_.name);
    std::printf("\nPrimer (%s): %s\nGenerated %zu tokens (temperature %.2g, top-k %zu, top-p "
                "%.2g, seed %llu%s): %s\n  one step %.3f ms\n",
                primer.name.c_str(), token_text(primer.tokens, primer.durations, classes).c_str(),
                piece.size(), options_.temperature, options_.top_k, options_.top_p,
                static_cast<unsigned long long>(options_.seed), eight_bit ? ", 8-bit model" : "",
                token_text(piece.tokens, piece.durations, classes).c_str(), step_seconds * 1e3);
    examples::print_score_files(files, "  ");
    summary_["generation"] = {{"primer", primer.name},
                              {"primer_tokens", primer.size()},
                              {"tokens", piece.tokens},
                              {"durations", piece.durations},
                              {"notes", after.notes.size()},
                              {"temperature", options_.temperature},
                              {"top_k", options_.top_k},
                              {"top_p", options_.top_p},
                              {"step_ms", step_seconds * 1e3},
                              {"eight_bit", eight_bit},
                              {"midi", files.midi.string()},
                              {"png", files.png.string()},
                              {"wav", files.wav ? files.wav_path.string() : ""}};
    const double total =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    std::printf("\nThe whole run took %s.\n", examples::format_duration(total).c_str());
    summary_["total_seconds"] = total;
  }

 private:
  static std::string common(const Vocabulary& v) {
    std::string text;
    for (int i = v.has_unknown() ? 1 : 0; i < static_cast<int>(v.size()) && i < 7; ++i) {
      text += (text.empty() ? "" : ", ") + v.token(i) + " (" + std::to_string(v.count(i)) + ")";
    }
    return text;
  }

  std::chrono::steady_clock::time_point started_;
};

}  // namespace bach_tokens
