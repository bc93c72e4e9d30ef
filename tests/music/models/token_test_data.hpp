#pragma once
// What the token LSTM's tests share (test_token_lstm.cpp, test_token_quantised.cpp): a small
// vocabulary of notes.

#include <bachprop/music/encoding/vocabulary.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <string>
#include <vector>

namespace token_test {

// A vocabulary of <unk> and `n` notes from C4 up (n ≤ 68), each seen once.
inline bachprop::music::Vocabulary vocabulary(int n) {
  std::vector<std::string> tokens;
  for (int i = 0; i < n; ++i) {
    tokens.push_back(bachprop::music::pitch_name(60 + i));
  }
  return bachprop::music::Vocabulary::build({tokens}, 1, true);
}

}  // namespace token_test
