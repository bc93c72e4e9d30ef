// bach_tokens: Play Bach with tokens. Every piece (any folder of MIDI files, or the JSB
// chorales) becomes a sequence of words, one per onset: the notes that start together as one
// chord token ("C3.E4.G4"), "R" for a silence, each with the duration until the next as a second
// stream. An LSTM reads windows of 40 tokens and predicts the next token and its duration; a
// Markov chain on the same tokens is the baseline its validation perplexity must beat. Then the
// same network runs one step at a time, its state carried, to continue a primer: MIDI, piano-roll
// PNG and WAV. The model is saved with its vocabulary, so `--model FILE` generates without a
// corpus; its 8-bit twin (a byte per weight, --quantised, --save-quantised) is a quarter of the
// size, for small devices.
//
// The lesson comes first; report.hpp holds the command line and prints and writes.

#include "live.hpp"
#include "report.hpp"

#include <bachprop/music/corpora/jsb.hpp>
#include <bachprop/music/models/token_quantised_file.hpp>

#include <chrono>
#include <optional>

namespace {

using namespace bach_tokens;

// The lesson, 1: the words. Notes starting together are one token; every piece is first moved
// into C major or A minor (its key estimated from its notes), so that the same music in another
// key gives the same tokens; rare tokens (fewer than --min-count in the training pieces) become
// <unk>, which the generator never draws.
TokenCorpus read_corpus(const Options& o) {
  TokenCorpusOptions options;
  options.min_count = o.min_count;
  options.seed = o.seed;
  options.to_c = !o.original_keys;
  options.transpose = o.transpose;
  if (!o.midi_dir.empty()) {
    return midi_token_corpus(o.midi_dir, options);
  }
  const auto folder = o.data.locate(examples::jsb_source());
  return jsb_token_corpus(load_jsb_chorales(folder / "Jsb16thSeparated.json"), options);
}

// The lesson, 2: the primer as tokens — a note string, a MIDI file's opening (moved into C major
// or A minor as the corpus was), or the opening of the first validation piece (with a loaded
// model and no corpus: its commonest token).
template <class Model>
ChordTokens read_primer(const Options& o, const std::optional<TokenCorpus>& corpus,
                        const Model& model) {
  ChordTokens primer;
  const std::size_t most = std::max<std::size_t>(o.primer_length, 1);
  if (!o.primer_text.empty()) {
    primer.name = "--primer";
    try {
      for (const auto& event : parse_notes(o.primer_text)) {
        primer.tokens.push_back(token_of(event.pitches));
        primer.durations.push_back(model.durations().classify(event.quarter_length));
      }
    } catch (const FormatError& error) {
      throw examples::UsageError(std::string("--primer: ") + error.what());
    }
    return primer;
  }
  if (!o.primer_midi.empty()) {
    const Score score = read_midi(o.primer_midi);
    primer = chord_tokens(o.original_keys ? score : in_c(score), model.durations());
    primer.name = o.primer_midi;
    if (primer.tokens.empty()) {
      throw ArgumentError(o.primer_midi + ": no notes to use as a primer");
    }
  } else if (corpus && !corpus->valid.empty()) {
    primer = corpus->valid.front();
  } else {
    const int commonest = model.vocabulary().has_unknown() ? 1 : 0;
    primer = {"the commonest token", {model.vocabulary().token(commonest)}, {3}};
  }
  primer.tokens.resize(std::min(primer.size(), most));
  primer.durations.resize(primer.tokens.size());
  return primer;
}

// The lesson, 3: generation. The primer heard one token at a time, then each next token and
// duration drawn from the network's two softmaxes, the state carried from step to step; with
// --live, each played as it is drawn (live.hpp), the same draws.
template <class Model>
int play(const Options& o, Report& report, const std::optional<TokenCorpus>& corpus,
         Model& model, bool eight_bit, std::FILE* midi_out) {
  const ChordTokens primer = read_primer(o, corpus, model);
  TokenGenerationSettings settings;
  settings.length = o.length;
  settings.seed = o.seed;
  settings.tokens = {o.temperature, o.top_k, o.top_p};
  settings.durations = {o.temperature, 0, 1.0};
  if (o.live.on) {
    play_live_tokens(o, model, primer, settings, midi_out, report);
    return report.finish();
  }
  const auto began = std::chrono::steady_clock::now();
  const GeneratedTokens drawn = generate_tokens(model, model.vocabulary().encode(primer.tokens),
                                                primer.durations, settings);
  const std::chrono::duration<double> spent = std::chrono::steady_clock::now() - began;
  const ChordTokens piece{"generated", model.vocabulary().decode(drawn.ids), drawn.durations};
  report.generated(primer, piece, model.durations(),
                   spent.count() / static_cast<double>(primer.size() + piece.size()), eight_bit);
  return report.finish();
}

// Seconds per step of `model`, over 2000 steps through its vocabulary after 100 to warm up.
template <class Model>
double seconds_per_step(Model& model) {
  model.reset();
  const auto step = [&](int i) {
    model.step(static_cast<int>(i % model.tokens()), static_cast<int>(i % model.duration_count()));
  };
  for (int i = 0; i < 100; ++i) {
    step(i);
  }
  const auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < 2000; ++i) {
    step(i);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count() / 2000;
}

// The lesson: the corpus, the Markov baseline, the LSTM trained on windows, the two compared on
// the same validation tokens, then generation step by step.
int lesson(const Options& o, Report& report) {
  std::FILE* midi_out = o.live.on && o.live.chosen_sink() == "stdout" ? claim_stdout_for_midi()
                                                                      : nullptr;
  if (!o.model_path.empty() && o.midi_dir.empty() && is_quantised_file(o.model_path)) {
    // A compact 8-bit model (--save-quantised): generation alone, as on a small device.
    QuantisedTokenLstm eight_bit = load_quantised(o.model_path);
    report.network(eight_bit, static_cast<std::size_t>(std::filesystem::file_size(o.model_path)));
    return play(o, report, std::nullopt, eight_bit, true, midi_out);
  }
  std::optional<TokenCorpus> corpus;
  if (o.model_path.empty() || !o.midi_dir.empty()) {
    corpus = read_corpus(o);
    report.data(*corpus);
  }

  // The model: Embedding (one column per token and duration) → LSTM × --layers (dropout after
  // each) → Dense → a softmax over tokens beside a softmax over durations.
  TokenLstm model = o.model_path.empty()
                        ? TokenLstm(corpus->vocabulary, corpus->durations, o.model_shape(), o.seed)
                        : TokenLstm::load(o.model_path);
  report.network(model);

  if (corpus) {
    const auto train = ids_of(corpus->train, model.vocabulary());
    const auto valid = ids_of(corpus->valid, model.vocabulary());
    const auto train_durations = TokenCorpus::duration_ids(corpus->train);
    const auto valid_durations = TokenCorpus::duration_ids(corpus->valid);
    // The baseline: a Markov chain on the same ids, smoothed so that no transition is
    // impossible, its order the best on validation (or --markov-order).
    const int fixed_order = o.markov_order;
    const ChosenMarkov markov =
        choose_markov(static_cast<std::size_t>(model.tokens()), train, valid,
                      fixed_order > 0 ? fixed_order : 4, 0.5, fixed_order > 0 ? fixed_order : 1);
    if (o.model_path.empty()) {
      // Training: windows of --window tokens, the next token's and the next duration's
      // cross-entropies summed; the epoch with the lowest validation perplexity is kept.
      const auto epochs = model.train(
          train, train_durations, valid, valid_durations, o.training_settings(),
          [](const TokenEpoch& e) {
            std::printf("  epoch %3ld  loss %.3f  validation perplexity %.2f%s  (%s)\n",
                        static_cast<long>(e.epoch), e.train_loss, e.validation_perplexity,
                        e.best ? "  best" : "", examples::format_duration(e.seconds).c_str());
            std::fflush(stdout);
          });
      model.save(o.save, {{"trained_by", "bach_tokens"}, {"source", corpus->source},
                          {"settings", o.training_settings().to_json()}});
      report.trained(epochs, o.save);
    }
    report.compared(model.evaluate(valid, valid_durations), markov);
  }

  // Small devices: the same network with every weight in 8 bits and a scale per row (55), a
  // quarter of the bytes. How often it picks the float model's likeliest token on the
  // validation pieces, and how long a step takes, say what the saving costs.
  QuantisedTokenLstm eight_bit(model);
  std::optional<QuantisedAgreement> agreement;
  if (corpus) {
    agreement = argmax_agreement(model, eight_bit, ids_of(corpus->valid, model.vocabulary()),
                                 TokenCorpus::duration_ids(corpus->valid));
  }
  if (!o.save_quantised.empty()) {
    save_quantised(eight_bit, o.save_quantised, {{"trained_by", "bach_tokens"}});
  }
  report.quantised(eight_bit, model, agreement, seconds_per_step(eight_bit),
                   seconds_per_step(model));

  return o.quantised ? play(o, report, corpus, eight_bit, true, midi_out)
                     : play(o, report, corpus, model, false, midi_out);
}

}  // namespace

// The command line (report.hpp: each option sets a field of Options); then the lesson runs.
int main(int argc, char** argv) {
  Options options;
  examples::CommandLine cli = command_line(options);
  return examples::run_lesson<Report>(cli, argc, argv, options, lesson);
}
