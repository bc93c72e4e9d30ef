// bach_polyphony: the polyphonic benchmark. A recurrent network reads the JSB chorales as a
// piano roll, one quarter-note frame at a time (which of 88 keys sound), and predicts the next
// frame, each key a yes/no. Its test negative log-likelihood in nats per frame is computed the
// way published JSB results are, and printed beside them and beside two baselines counted here.
// Then it continues a held-out chorale: MIDI, piano-roll PNG, WAV where FluidSynth is installed.

#include "common/audio.hpp"
#include "common/bach.hpp"
#include "common/cli.hpp"

#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/draw/piano_roll_image.hpp>
#include <bachprop/music/models/piano_roll_rnn.hpp>

#include <array>
#include <cmath>
#include <map>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace {

using namespace bachprop;
using namespace bachprop::music;

constexpr int lowest_key = 21;  // A0
constexpr Index key_count = 88;

// Two baselines that need no network, both with add-one smoothing of their counts:
// every key on or off independently with its training frequency, and every key a two-state
// Markov chain (its state in frame t predicts its state in frame t + 1).
std::pair<double, double> baseline_nll(const std::vector<PianoRollFrames>& train,
                                       const std::vector<PianoRollFrames>& test) {
  std::vector<double> on(key_count, 1.0);
  double frames = 2.0;
  std::vector<std::array<double, 4>> transitions(key_count, {1, 1, 1, 1});  // [from·2 + to]
  auto state = [](const std::vector<int>& frame, Index key) {
    return std::find(frame.begin(), frame.end(), lowest_key + static_cast<int>(key)) != frame.end();
  };
  for (const auto& piece : train) {
    for (std::size_t t = 0; t < piece.size(); ++t) {
      frames += 1;
      for (Index k = 0; k < key_count; ++k) {
        const bool now = state(piece[t], k);
        on[static_cast<std::size_t>(k)] += now ? 1 : 0;
        if (t + 1 < piece.size()) {
          transitions[static_cast<std::size_t>(k)]
                     [(now ? 2 : 0) + (state(piece[t + 1], k) ? 1 : 0)] += 1;
        }
      }
    }
  }
  double independent = 0;
  double markov = 0;
  double predicted = 0;
  for (const auto& piece : test) {
    for (std::size_t t = 1; t < piece.size(); ++t) {
      predicted += 1;
      for (Index k = 0; k < key_count; ++k) {
        const auto i = static_cast<std::size_t>(k);
        const bool next = state(piece[t], k);
        const double p = on[i] / frames;
        independent -= std::log(next ? p : 1 - p);
        const auto& c = transitions[i];
        const bool before = state(piece[t - 1], k);
        const double from = before ? c[2] + c[3] : c[0] + c[1];
        const double p_on = (before ? c[3] : c[1]) / from;
        markov -= std::log(next ? p_on : 1 - p_on);
      }
    }
  }
  return {independent / predicted, markov / predicted};
}

// A piano roll (frames of a quarter note) as a one-part score: a key sounding in consecutive
// frames is one held note.
Part part_of(const PianoRollFrames& frames, const std::string& name, int channel, double start) {
  Part part;
  part.name = name;
  part.program = 19;  // church organ
  part.channel = channel;
  std::map<int, double> sounding;  // pitch → onset
  for (std::size_t t = 0; t <= frames.size(); ++t) {
    const std::vector<int> now = t < frames.size() ? frames[t] : std::vector<int>{};
    for (auto it = sounding.begin(); it != sounding.end();) {
      if (std::find(now.begin(), now.end(), it->first) == now.end()) {
        part.add(it->first, start + it->second, static_cast<double>(t) - it->second);
        it = sounding.erase(it);
      } else {
        ++it;
      }
    }
    for (const int p : now) {
      sounding.emplace(p, static_cast<double>(t));
    }
  }
  part.sort();
  return part;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 1;
  std::string summary_path;
  std::string data;
  bool download = false;
  std::string out_dir = "bach_output";
  PianoRollRnnSettings settings;
  std::size_t chorale = 0;
  std::size_t primer_frames = 8;
  std::size_t frames_to_add = 24;
  examples::CommandLine cli(
      "bach_polyphony",
      "A recurrent network on the JSB chorales as a piano roll (88 keys, quarter-note frames, "
      "frame t predicts frame t + 1): test NLL per frame beside published results, and a "
      "polyphonic continuation of a held-out chorale (MIDI, PNG, WAV).");
  cli.standard(seed, summary_path)
      .option("data", data, "DIR", "folder holding jsb-chorales/")
      .flag("download", download, "download the chorales if no copy is found (checksummed)")
      .option("out", out_dir, "DIR", "folder for the model, MIDI, PNG and WAV")
      .option("hidden", settings.hidden, "N", "recurrent units")
      .option("epochs", settings.epochs, "N",
              "most training epochs (the best on validation is kept)")
      .option("learning-rate", settings.learning_rate, "ETA", "Adam's learning rate")
      .option("chorale", chorale, "N", "which test chorale to continue")
      .option("frames", frames_to_add, "N", "quarter-note frames to add");
  if (!cli.parse(argc, argv)) {
    return cli.exit_code();
  }
  return examples::run_reporting_errors(cli.program(), [&] {
    settings.seed = seed;
    const auto folder = examples::locate_or_download(
        examples::jsb_source(), {data, download, examples::interactive_session()});
    const JsbCorpus corpus = load_jsb_chorales(folder / "jsb-chorales-quarter.json");
    const auto train = piano_rolls(corpus.train);
    const auto valid = piano_rolls(corpus.valid);
    const auto test = piano_rolls(corpus.test);
    if (chorale >= test.size()) {
      throw ArgumentError("--chorale must be below " + std::to_string(test.size()));
    }
    std::printf("JSB chorales, quarter-note piano rolls (C major / C minor): %zu / %zu / %zu "
                "chorales (train / valid / test)\n",
                train.size(), valid.size(), test.size());
    PianoRollRnn model(settings.hidden, lowest_key, key_count, seed);
    std::printf("Training Rnn(88 → %ld, tanh) → Dense(%ld → 88) → sigmoid per key, binary "
                "cross-entropy, BPTT over %ld frames, Adam %.3g:\n",
                static_cast<long>(settings.hidden), static_cast<long>(settings.hidden),
                static_cast<long>(settings.steps), settings.learning_rate);
    const auto epochs = model.train(train, settings, valid, [](const ValidatedEpoch& e) {
      std::printf("  epoch %2ld  train %.3f  validation %.3f nats/frame%s  (%.2f s)\n",
                  static_cast<long>(e.training.epoch), e.training.mean_loss, e.validation,
                  e.best ? "  best" : "", e.training.seconds);
      std::fflush(stdout);
    });
    const double nll = model.nll_per_frame(test);
    const auto [independent, markov] = baseline_nll(train, test);
    std::printf("\nTest negative log-likelihood, nats per frame (lower is better):\n");
    std::printf("  %-44s %6.2f\n", "independent keys (counted here)", independent);
    std::printf("  %-44s %6.2f\n", "per-key Markov chains (counted here)", markov);
    std::printf("  %-44s %6.2f\n", "this RNN", nll);
    std::printf("  published: %-32s %6.2f\n", "vanilla RNN", 8.91);
    std::printf("  published: %-32s %6.2f\n", "LSTM", 8.45);
    std::printf("  published: %-32s %6.2f\n", "GRU", 8.43);
    std::printf("  published: %-32s %6.2f\n", "TCN", 8.10);
    std::printf("  published: %-32s %6.2f\n", "RNN-RBM", 6.27);
    std::printf("  published: %-32s %6.2f\n", "RNN-NADE", 5.56);

    // A continuation: the network hears the opening frames and draws each next frame, every
    // key on with its own predicted probability.
    std::filesystem::create_directories(out_dir);
    const std::filesystem::path out(out_dir);
    const PianoRollFrames& piece = test[chorale];
    const std::size_t heard = std::min(primer_frames, piece.size());
    PianoRollFrames primer(piece.begin(), piece.begin() + static_cast<long>(heard));
    PianoRollFrames continuation;
    Rng rng(seed);
    model.reset();
    const Matrix<float>* p = nullptr;
    for (const auto& frame : primer) {
      p = &model.feed(frame);
    }
    for (std::size_t t = 0; t < frames_to_add; ++t) {
      std::vector<int> frame;
      for (Index k = 0; k < key_count; ++k) {
        if (rng.uniform() < static_cast<double>((*p)(k, 0))) {
          frame.push_back(lowest_key + static_cast<int>(k));
        }
      }
      continuation.push_back(frame);
      p = &model.feed(frame);
    }
    Score score;
    score.title = "JSB test chorale " + std::to_string(chorale) + ": Bach, then the piano-roll RNN";
    score.tempo_bpm = 72;
    score.parts.push_back(part_of(primer, "Bach (primer)", 0, 0.0));
    score.parts.push_back(part_of(continuation, "RNN continuation", 1, static_cast<double>(heard)));
    const auto model_path = out / "bach_piano_roll_rnn.json";
    const auto midi_path = out / "bach_polyphony.mid";
    const auto png_path = out / "bach_polyphony.png";
    const auto wav_path = out / "bach_polyphony.wav";
    model.save(model_path, {{"trained_by", "bach_polyphony"},
                            {"settings", settings.to_json()},
                            {"test_nll_per_frame", nll}});
    write_midi(midi_path, score);
    PianoRollImageOptions picture;
    picture.title = score.title;
    write_piano_roll_png(png_path, score, picture);
    std::string why;
    const bool wav = examples::render_wav(midi_path, wav_path, why);
    std::printf("\nWrote %s\n      %s\n      %s\n      %s\n", model_path.string().c_str(),
                midi_path.string().c_str(), png_path.string().c_str(),
                wav ? wav_path.string().c_str() : ("(no WAV: " + why + ")").c_str());

    nlohmann::json log = nlohmann::json::array();
    for (const auto& e : epochs) {
      log.push_back({{"epoch", e.training.epoch},
                     {"train_nll", e.training.mean_loss},
                     {"validation_nll", e.validation}});
    }
    examples::write_summary(
        summary_path, {{"program", "bach_polyphony"},
                       {"seed", seed},
                       {"settings", settings.to_json()},
                       {"epochs", log},
                       {"test_nll_per_frame", nll},
                       {"independent_keys_nll", independent},
                       {"per_key_markov_nll", markov},
                       {"published",
                        {{"vanilla_rnn", 8.91},
                         {"lstm", 8.45},
                         {"gru", 8.43},
                         {"tcn", 8.10},
                         {"rnn_rbm", 6.27},
                         {"rnn_nade", 5.56}}},
                       {"outputs", {model_path.string(), midi_path.string(), png_path.string()}},
                       {"wav", wav ? wav_path.string() : ""}});
    return 0;
  });
}
