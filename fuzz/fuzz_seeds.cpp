// Writes the fuzzers' seed corpora: small valid inputs for every target, made by the library's
// own writers (IDX files raw and gzip, saved models, network2.py documents, torch state dicts,
// MIDI files, piano pieces for the folder reader, chorale documents, note strings, ABC tunes).
// scripts/fuzz.sh runs it into the build folder and adds the test fixtures (MIDI files written by
// mido, the chorale mini data, two torch state dicts, the ABC tunes of tests/fixtures/abc/).
// Built without the fuzzer's instrumentation: it is an ordinary program.
//
// usage: fuzz_seeds FOLDER   (writes FOLDER/<target>/<seed>)

#include <bachprop/io/book_json.hpp>
#include <bachprop/io/gzip.hpp>
#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/core/network.hpp>
#include <bachprop/io/model_json.hpp>
#include <bachprop/io/torch_state_dict.hpp>
#include <bachprop/layers/bidirectional.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/layers/dropout.hpp>
#include <bachprop/layers/embedding.hpp>
#include <bachprop/layers/gru.hpp>
#include <bachprop/layers/lstm.hpp>
#include <bachprop/layers/rnn.hpp>
#include <bachprop/layers/sigmoid.hpp>
#include <bachprop/layers/softmax.hpp>
#include <bachprop/layers/tanh.hpp>
#include <bachprop/music/models/biaxial.hpp>
#include <bachprop/music/models/harmony_lstm.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>
#include <bachprop/music/models/melody_rnn.hpp>
#include <bachprop/music/models/minibach.hpp>
#include <bachprop/music/models/token_lstm.hpp>
#include <bachprop/music/models/token_quantised_file.hpp>
#include <bachprop/music/models/piano_roll_rnn.hpp>
#include <bachprop/music/score/stream.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace bachprop;

fs::path root;

void seed(const std::string& target, const std::string& name, const std::string& bytes) {
  fs::create_directories(root / target);
  std::ofstream out(root / target / name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    throw IoError((root / target / name).string() + ": write failed");
  }
}

std::string big_endian(std::uint32_t value) {
  return {static_cast<char>(value >> 24U), static_cast<char>((value >> 16U) & 0xFFU),
          static_cast<char>((value >> 8U) & 0xFFU), static_cast<char>(value & 0xFFU)};
}

std::string idx_images(std::uint32_t count, std::uint32_t rows, std::uint32_t columns) {
  std::string bytes("\x00\x00\x08\x03", 4);
  bytes += big_endian(count) + big_endian(rows) + big_endian(columns);
  for (std::uint32_t i = 0; i < count * rows * columns; ++i) {
    bytes.push_back(static_cast<char>((i * 37U) & 0xFFU));
  }
  return bytes;
}

std::string idx_labels(std::uint32_t count) {
  std::string bytes("\x00\x00\x08\x01", 4);
  bytes += big_endian(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    bytes.push_back(static_cast<char>(i % 10));
  }
  return bytes;
}

void idx_seeds() {
  seed("idx", "images_2x3x3", idx_images(2, 3, 3));
  seed("idx", "images_2x3x3.gz", gzip_compress(idx_images(2, 3, 3)));
  seed("idx", "images_1x28x28.gz", gzip_compress(idx_images(1, 28, 28)));
  seed("idx", "labels_12", idx_labels(12));
  seed("idx", "labels_12.gz", gzip_compress(idx_labels(12)));
  // Two gzip members, read as their concatenation.
  const std::string labels = idx_labels(4);
  seed("idx", "labels_4_two_members.gz",
       gzip_compress(labels.substr(0, 5)) + gzip_compress(labels.substr(5)));
}

void model_seeds() {
  Network dense{Dense(3, 5), Tanh(), Dense(5, 2), Softmax()};
  dense.initialise(1);
  seed("model_json", "dense_3_5_2.json", model_to_json(dense, {{"epochs", 3}}).dump(1));
  Network rnn{Rnn<float>(4, 3), Dense<float>(3, 4), GroupedSoftmax<float>({2, 2})};
  rnn.initialise(2);
  seed("model_json", "rnn_4_3_4.json", model_to_json(rnn).dump());
  Network lstm{Lstm<float>(4, 3), Lstm<float>(3, 3), Dense<float>(3, 4), Softmax<float>()};
  lstm.initialise(4);
  seed("model_json", "lstm_4_3_3_4.json", model_to_json(lstm).dump());
  Network gru{Gru<float>(4, 3), Dense<float>(3, 4), Softmax<float>()};
  gru.initialise(5);
  seed("model_json", "gru_4_3_4.json", model_to_json(gru).dump());
  Network embedded{Embedding<float>(5, 3), Lstm<float>(3, 3), Dropout<float>(0.25),
                   Lstm<float>(3, 3), Dense<float>(3, 5), Softmax<float>()};
  embedded.initialise(6);
  seed("model_json", "embedding_lstm_dropout.json", model_to_json(embedded).dump());
  Network bidirectional{Bidirectional<Lstm<float>>(4, 3), Bidirectional<Gru<float>>(6, 2),
                        Dense<float>(4, 4), Softmax<float>()};
  bidirectional.initialise(9);
  seed("model_json", "bidirectional_4_3_2_4.json", model_to_json(bidirectional).dump());
  music::MelodyVocabulary vocabulary;
  vocabulary.lowest_pitch = 60;
  vocabulary.highest_pitch = 64;
  vocabulary.durations = {0.5, 1.0, 2.0};
  const music::MelodyRnn melody(vocabulary, 3);
  seed("model_json", "melody_rnn.json", melody.to_json().dump());
  seed("model_json", "melody_lstm.json", music::MelodyLstm(vocabulary, 2, 1, 0.2).to_json().dump());
  seed("model_json", "melody_gru.json", music::MelodyGru(vocabulary, 2).to_json().dump());
  const music::TokenLstm tokens(music::Vocabulary::build({{"C4", "E4.G4", "R"}}),
                                music::DurationClasses(),
                                {.embedding = 3, .hidden = 2, .layers = 2});
  seed("model_json", "token_lstm.json", tokens.to_json().dump());
  seed("quantised_model", "token_lstm.bpq",
       music::quantised_bytes(music::QuantisedTokenLstm(tokens)));
  music::HarmonyEncoding encoding;
  encoding.voices = {music::VoiceClasses{67, 70}, music::VoiceClasses{62, 65},
                     music::VoiceClasses{55, 58}, music::VoiceClasses{45, 48}};
  const music::MiniBach minibach(encoding, {.window = 4, .hidden = 3});
  seed("model_json", "minibach.json", minibach.to_json().dump());
  const music::HarmonyRnn harmony_rnn(encoding, {.hidden = 3, .lookahead = 1, .period = 2});
  seed("model_json", "harmony_rnn.json", harmony_rnn.to_json().dump());
  const music::HarmonyLstm harmony_lstm(encoding, {.hidden = 2, .dropout = 0.25, .period = 2});
  seed("model_json", "harmony_lstm.json", harmony_lstm.to_json().dump());
  const music::PianoRollRnn piano_roll(3, 60, 5);
  seed("model_json", "piano_roll_rnn.json", piano_roll.to_json().dump());
  const music::BiaxialModel biaxial({.time_hidden_1 = 3, .time_hidden_2 = 2, .note_hidden_1 = 2,
                                     .note_hidden_2 = 2, .dropout = 0.5, .lowest_pitch = 60,
                                     .keys = 4});
  seed("model_json", "biaxial.json", biaxial.to_json().dump());
}

void book_seeds() {
  Network book{Dense<double>(3, 2), Sigmoid<double>(), Dense<double>(2, 1), Sigmoid<double>()};
  book.initialise(3);
  seed("book_json", "book_3_2_1.json", book_model_to_json(book, BookCost::quadratic).dump());
  seed("book_json", "book_flat_biases.json", R"({"sizes": [3, 2, 1],
    "weights": [[[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], [[0.7, -0.8]]],
    "biases": [[0.05, -0.05], [0.2]], "cost": "CrossEntropyCost"})");
}

// The networks fuzz_torch_state_dict imports into, written under the names it gives them, and
// one document holding all three (its unused tensors are refused, or allowed).
void torch_seeds() {
  Network lstm{Lstm<float>(3, 2), Lstm<float>(2, 2), Dense<float>(2, 2)};
  lstm.initialise(6);
  const nlohmann::json lstm_document = torch_state_dict_to_json(lstm, {"rnn", "rnn", "fc"});
  seed("torch_state_dict", "lstm_3_2_2_2.json", lstm_document.dump());
  Network gru{Gru<float>(3, 2), Tanh<float>(), Dense<float>(2, 2)};
  gru.initialise(7);
  const nlohmann::json gru_document = torch_state_dict_to_json(gru, {"gru", "fc"});
  seed("torch_state_dict", "gru_3_2_2.json", gru_document.dump(1));
  Network rnn{Rnn<float>(3, 2)};
  rnn.initialise(8);
  nlohmann::json all = torch_state_dict_to_json(rnn, {""});
  seed("torch_state_dict", "bare_rnn_3_2.json", all.dump());
  for (const nlohmann::json* document : {&lstm_document, &gru_document}) {
    for (const auto& [key, tensor] : (*document)["tensors"].items()) {
      all["tensors"][key == "fc.weight" || key == "fc.bias" ? "head." + key : key] = tensor;
    }
  }
  seed("torch_state_dict", "all_three.json", all.dump());
  Network bidirectional{Bidirectional<Lstm<float>>(3, 2), Bidirectional<Lstm<float>>(4, 2),
                        Dense<float>(4, 2)};
  bidirectional.initialise(10);
  seed("torch_state_dict", "bidirectional_lstm_3_2_2_2.json",
       torch_state_dict_to_json(bidirectional, {"rnn", "rnn", "fc"}).dump());
}

void midi_seeds() {
  music::Stream melody("melody", 73, 0);
  melody.append("G4 G4 A4 B4 | C5 B4 A4/2 | B4/8 C5/8 R/4 D5:1.5 G3.B3.D4/2");
  music::Stream bass("bass", 32, 1);
  bass.append("G2/1 C3/2 D3/2");
  music::Score score = melody.score(90.0, {3, 4}, {1, music::Mode::major});
  score.parts.push_back(bass.part());
  seed("midi", "format1.mid", encode_midi(score));
  seed("midi", "format0.mid", encode_midi(score, {.format = 0}));
  seed("midi", "running_status.mid",
       encode_midi(score, {.running_status = true, .note_off_as_zero_velocity = true}));
}

// Piano pieces for the folder and the articulated roll: repeated and overlapping notes, 6/8,
// drums on channel 9, keys beyond the piano's, a note off the grid.
void midi_folder_seeds() {
  music::Score piano;
  piano.time_signature = {6, 8};
  music::Part right{"right", 0, 0, {}};
  right.add(72, 0.0, 0.5).add(72, 0.5, 0.5).add(72, 1.0, 1.5).add(72, 2.0, 1.0);
  right.add(74, 3.1, 0.2).add_chord({76, 79}, 3.5, 2.5).add(112, 6.0, 1.0);
  music::Part left{"left", 0, 1, {}};
  left.add_chord({36, 43}, 0.0, 3.0).add_chord({36, 43}, 3.0, 3.0).add(12, 6.0, 1.0);
  music::Part drums{"drums", 0, 9, {}};
  drums.add(36, 0.0, 0.25).add(38, 1.5, 0.25);
  piano.parts = {right, left, drums};
  seed("midi_folder", "piano_6_8.mid", encode_midi(piano));
  seed("midi_folder", "piano_format0.mid", encode_midi(piano, {.format = 0}));
  music::Score waltz = piano;
  waltz.time_signature = {3, 4};
  waltz.parts.resize(1);
  seed("midi_folder", "waltz_running_status.mid",
       encode_midi(waltz, {.running_status = true, .note_off_as_zero_velocity = true}));
}

void chorale_seeds() {
  seed("chorales_json", "separated.json",
       R"({"train": [[[74, 70, 65, 58], [74, 70, 65, 58], [75, 70, 67, -1]]],
           "valid": [[[72.0, 67.0, 64.0, 48.0]]], "test": []})");
  seed("chorales_json", "unseparated.json",
       R"({"train": [[[60, 64, 67], [60, 64, 67], [], [62, 65]]], "valid": [], "test": [[[55]]]})");
  seed("chorales_lisp", "two.lisp",
       "(1 ((st 8) (pitch 67) (dur 4) (keysig 1) (timesig 12) (fermata 0))"
       " ((st 12) (pitch 67) (dur 8) (keysig 1) (timesig 12) (fermata 1)))\n"
       "(2 ((st 0) (pitch 60) (dur 4) (keysig -2) (timesig 16) (fermata 0))"
       " ((st 8) (pitch 62) (dur 2) (keysig -2) (timesig 16) (fermata 0)))\n");
}

void note_seeds() {
  const std::vector<std::string> strings{
      "C4",
      "F#3",
      "Bb5 B#3 Cb4 C-1 G9",
      "C4 D4 E4/8 R G4/2",
      "E4 E4 F4 G4 | G4 F4 E4 D4 | C4 C4 D4 E4 | E4/4. D4/8 D4/2",
      "C4.E4.G4/1 R/16 D4:1.5 E4:0.25 F4/4.. G4/64",
  };
  for (std::size_t i = 0; i < strings.size(); ++i) {
    seed("notes", "notes_" + std::to_string(i), strings[i]);
  }
}

// Small ABC tunes, one feature or two each (the test fixtures add whole tunes).
void abc_seeds() {
  const std::vector<std::string> tunes{
      "X:1\nT:Scale\nM:4/4\nL:1/8\nK:G\nGABc defg|",
      "X:2\nM:6/8\nK:Ador\n|:eAA ^cBA|1 G3 :|2 A3|]\n",
      "X:3\nM:4/4\nL:1/4\nK:F\n(3BAG F>G A<B | [CEG]2- [CEG] z | Z2 | _B =B B2 |]",
      "X:4\nM:3/4\nQ:3/8=60\nP:A2B\nK:D\nP:A\nd2 f|\nP:B\n(3:2:4 a/b/c'/d'/ {g}a2 !trill!f|",
      "X:5\nL:1/4\nV:1 name=\"S\"\nV:2 clef=bass-8\nK:Em\n[V:1] E F G|\n[V:2] E, D, C,|",
      "X:6\nK:C transpose=2\n%%propagate-accidentals octave\n^c c C [K:D exp _b] B \\\n"
      "[L:1/16] c3/ c// [M:none] c|]\n\nX:7\nK:HP\nc\n",
  };
  for (std::size_t i = 0; i < tunes.size(); ++i) {
    seed("abc", "tune_" + std::to_string(i) + ".abc", tunes[i]);
  }
}

void csv_seeds() {
  seed("canvas_csv", "clicks.csv", "x,y,note\n0.1,0.2,C\n0.9,0.5,G4\n# a comment\n\n1,0,B\n");
  seed("canvas_csv", "no_header.csv", "0.25, 0.75 ,E\r\n0,1,A\r\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_seeds FOLDER\n";
    return 2;
  }
  try {
    root = argv[1];
    idx_seeds();
    model_seeds();
    book_seeds();
    torch_seeds();
    midi_seeds();
    midi_folder_seeds();
    chorale_seeds();
    note_seeds();
    csv_seeds();
    abc_seeds();
  } catch (const std::exception& error) {
    std::cerr << "fuzz_seeds: " << error.what() << '\n';
    return 1;
  }
  return 0;
}
