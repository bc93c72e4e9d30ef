// Tests of bachprop/music/generate/markov.hpp: counts and probabilities worked out by hand for each
// smoothing, held-out log-likelihood, the transition matrix, and seeded sampling.

#include <bachprop/music/generate/markov.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

namespace {

std::vector<double> dist(const MarkovChain& chain, std::vector<int> history) {
  std::vector<double> out(chain.vocabulary_size());
  chain.distribution(history, out);
  return out;
}

}  // namespace

TEST_CASE("counts of every order, without padding", "[markov]") {
  MarkovChain chain(3, {.order = 2});
  const std::vector<int> s{0, 1, 0, 2, 0, 1};
  chain.add_sequence(s);
  CHECK(chain.tokens_seen() == 6);
  CHECK(chain.count({}, 0) == 3);
  CHECK(chain.count({}, 1) == 2);
  CHECK(chain.count(std::vector<int>{0}, 1) == 2);
  CHECK(chain.count(std::vector<int>{0}, 2) == 1);
  CHECK(chain.count(std::vector<int>{1}, 0) == 1);
  CHECK(chain.context_count(std::vector<int>{0}) == 3);
  CHECK(chain.context_count(std::vector<int>{2}) == 1);
  CHECK(chain.count(std::vector<int>{0, 1}, 0) == 1);
  CHECK(chain.count(std::vector<int>{2, 0}, 1) == 1);
  CHECK(chain.context_count(std::vector<int>{1, 2}) == 0);
  CHECK_THROWS_AS(chain.add_sequence(std::vector<int>{0, 3}), ArgumentError);
  CHECK(chain.tokens_seen() == 6);  // a refused sequence counts nothing
  CHECK_THROWS_AS(chain.count({}, -1), ArgumentError);
}

TEST_CASE("add-k, back-off and Witten-Bell probabilities by hand", "[markov]") {
  // Training [0, 1, 0, 2], V = 3: unigrams 0:2 1:1 2:1 (N = 4); bigrams 0→1, 1→0, 0→2.
  const std::vector<int> s{0, 1, 0, 2};
  MarkovChain add_k(3, {.order = 1, .smoothing = Smoothing::add_k, .k = 1.0});
  add_k.add_sequence(s);
  // P(1 | 0) = (1 + 1) / (2 + 3); P(0 | 0) = 1 / 5; context 2 unseen: uniform.
  CHECK(dist(add_k, {0}) == std::vector<double>{0.2, 0.4, 0.4});
  CHECK(dist(add_k, {2}) == std::vector<double>{1.0 / 3, 1.0 / 3, 1.0 / 3});
  // No history: the add-k unigram (2+1)/7, 2/7, 2/7.
  CHECK(dist(add_k, {})[0] == Approx(3.0 / 7));

  MarkovChain mle(3, {.order = 1, .smoothing = Smoothing::add_k, .k = 0.0});
  mle.add_sequence(s);
  CHECK(dist(mle, {0}) == std::vector<double>{0.0, 0.5, 0.5});
  CHECK(dist(mle, {1}) == std::vector<double>{1.0, 0.0, 0.0});

  MarkovChain backoff(3, {.order = 1, .smoothing = Smoothing::backoff, .k = 0.5});
  backoff.add_sequence(s);
  // Context 0 seen: (c + 0.5) / (2 + 1.5). Context 2 unseen: the unigram (c + 0.5) / (4 + 1.5).
  CHECK(dist(backoff, {0})[1] == Approx(1.5 / 3.5));
  CHECK(dist(backoff, {2})[0] == Approx(2.5 / 5.5));
  CHECK(dist(backoff, {2})[2] == Approx(1.5 / 5.5));

  MarkovChain wb(3, {.order = 1, .smoothing = Smoothing::interpolated, .k = 1.0});
  wb.add_sequence(s);
  // P0 = 3/7, 2/7, 2/7. Context 0: c = 2, T = 2:
  //   P(w|0) = (c(0,w) + 2·P0(w)) / 4 → (0 + 6/7)/4, (1 + 4/7)/4, (1 + 4/7)/4.
  const auto p0 = dist(wb, {0});
  CHECK(p0[0] == Approx(6.0 / 28));
  CHECK(p0[1] == Approx(11.0 / 28));
  CHECK(p0[2] == Approx(11.0 / 28));
  // Context 1: c = 1, T = 1: (1 + 3/7)/2 for 0, (2/7)/2 for the others.
  CHECK(dist(wb, {1})[0] == Approx(10.0 / 14));
  CHECK(dist(wb, {1})[2] == Approx(1.0 / 7));
  // Context 2 unseen: the unigram.
  CHECK(dist(wb, {2})[1] == Approx(2.0 / 7));
  CHECK(wb.probability(std::vector<int>{0}, 1) == Approx(11.0 / 28));
  for (const auto* chain : {&add_k, &backoff, &wb}) {
    for (int h = 0; h < 3; ++h) {
      const auto d = dist(*chain, {h});
      CHECK(d[0] + d[1] + d[2] == Approx(1.0));
    }
  }
}

TEST_CASE("higher orders interpolate through every level", "[markov]") {
  // [0, 1, 2, 0, 1, 0], V = 3, order 2, k = 1.
  MarkovChain wb(3, {.order = 2});
  wb.add_sequence(std::vector<int>{0, 1, 2, 0, 1, 0});
  // Unigram: 0:3 1:2 2:1, N = 6 → P0 = 4/9, 3/9, 2/9.
  // Context (1): followed by 2 and 0, c = 2, T = 2 → P1(0|1) = (1 + 2·4/9)/4 = 17/36.
  // Context (0, 1): followed by 2 and 0, c = 2, T = 2 → P2(0|0,1) = (1 + 2·17/36)/4 = 35/72.
  CHECK(dist(wb, {0, 1})[0] == Approx(35.0 / 72));
  // P1(1|1) = (0 + 2·3/9)/4 = 1/6, P2(1|0,1) = (0 + 2/6)/4 = 1/12.
  CHECK(dist(wb, {0, 1})[1] == Approx(1.0 / 12));
  // An unseen pair (2, 1) falls back to context (1) alone.
  CHECK(dist(wb, {2, 1})[0] == Approx(17.0 / 36));
  // Back-off uses the longest seen context: (0, 1) has c = 2: (1 + 1)/(2 + 3) for token 0.
  MarkovChain backoff(3, {.order = 2, .smoothing = Smoothing::backoff});
  backoff.add_sequence(std::vector<int>{0, 1, 2, 0, 1, 0});
  CHECK(dist(backoff, {0, 1})[0] == Approx(0.4));
  CHECK(dist(backoff, {2, 1})[0] == Approx(0.4));  // (1): 0 once, 2 once; c = 2
  CHECK(dist(backoff, {2, 2})[2] == Approx(1.0 / 4));  // (2,2) unseen, (2): 0 once → (0+1)/(1+3)
}

TEST_CASE("held-out log-likelihood and accuracy", "[markov]") {
  MarkovChain add_k(3, {.order = 1, .smoothing = Smoothing::add_k, .k = 1.0});
  add_k.add_sequence(std::vector<int>{0, 1, 0, 2});
  // Held out [0, 1, 2]: P(0) = 3/7 (unigram), P(1|0) = 0.4, P(2|1) = (0+1)/(1+3) = 0.25.
  const auto e = add_k.evaluate({{0, 1, 2}});
  CHECK(e.tokens == 3);
  CHECK(e.bits == Approx(-std::log2(3.0 / 7) - std::log2(0.4) - std::log2(0.25)));
  CHECK(e.bits_per_token == Approx(e.bits / 3));
  CHECK(e.perplexity() == Approx(std::exp2(e.bits_per_token)));
  // Argmax: no history → 0 (right); after 0, tokens 1 and 2 tie at 0.4 → 1 (right); after 1 → 0
  // (wrong).
  CHECK(e.accuracy == Approx(2.0 / 3));
  CHECK(add_k.evaluate({}).tokens == 0);
  // A uniform model scores log2(V) bits per token.
  MarkovChain uniform(8, {.order = 0, .smoothing = Smoothing::add_k, .k = 1.0});
  CHECK(uniform.evaluate({{1, 2, 3, 7}}).bits_per_token == Approx(3.0));
  CHECK_THROWS_AS(add_k.evaluate({{0, 5}}), ArgumentError);
}

TEST_CASE("the transition matrix has a row per previous token", "[markov]") {
  MarkovChain chain(3, {.order = 1, .smoothing = Smoothing::add_k, .k = 0.0});
  chain.fit({{0, 1, 0, 2}, {1, 2, 2}});
  const Matrix<double> t = chain.transition_matrix();
  REQUIRE(t.rows() == 3);
  CHECK(t(0, 1) == 0.5);
  CHECK(t(0, 2) == 0.5);
  CHECK(t(1, 0) == 0.5);  // 1→0 and 1→2
  CHECK(t(2, 2) == 1.0);
  CHECK(t.rowwise().sum().isApprox(Vector<double>::Ones(3)));
  MarkovChain zero(3, {.order = 0});
  CHECK_THROWS_AS(zero.transition_matrix(), ArgumentError);
}

TEST_CASE("sampling is seeded, follows the chain and obeys masks", "[markov]") {
  MarkovChain chain(4, {.order = 1, .smoothing = Smoothing::add_k, .k = 0.0});
  chain.fit({{0, 1, 2, 3, 0, 1, 2, 3, 0, 2}});
  Rng a(5);
  Rng b(5);
  const auto one = chain.generate(std::vector<int>{0}, 50, a);
  CHECK(one == chain.generate(std::vector<int>{0}, 50, b));
  CHECK(one.size() == 50);
  // Only seen transitions: 0→1 or 0→2, 1→2, 2→3, 3→0.
  int previous = 0;
  for (const int t : one) {
    if (previous == 1) {
      CHECK(t == 2);
    }
    if (previous == 2) {
      CHECK(t == 3);
    }
    previous = t;
  }
  Rng c(6);
  Sampler sampler(4);
  int ones = 0;
  for (int i = 0; i < 3000; ++i) {
    ones += chain.sample_next(std::vector<int>{0}, c, sampler) == 1 ? 1 : 0;
  }
  CHECK(ones / 3000.0 == Approx(2.0 / 3).margin(0.03));
  // Argmax generation is deterministic whatever the seed.
  Rng d(1);
  Rng e(2);
  CHECK(chain.generate({}, 8, d, {.temperature = 0.0}) ==
        chain.generate({}, 8, e, {.temperature = 0.0}));
  // A constraint that forbids token 1: 0 is always followed by 2.
  Rng f(7);
  const auto constrained = chain.generate(
      std::vector<int>{3}, 40, f, {}, [](std::span<const int>, std::span<std::uint8_t> mask) {
        mask[1] = 0;
      });
  CHECK(std::count(constrained.begin(), constrained.end(), 1) == 0);
  // A constraint that forbids everything possible is a clear error.
  Rng g(8);
  CHECK_THROWS_WITH(chain.generate(std::vector<int>{1}, 3, g, {},
                                   [](std::span<const int>, std::span<std::uint8_t> mask) {
                                     mask[2] = 0;
                                   }),
                    Catch::Contains("masked"));
}

TEST_CASE("bad settings are refused", "[markov][errors]") {
  CHECK_THROWS_AS(MarkovChain(0), ArgumentError);
  CHECK_THROWS_AS(MarkovChain(3, {.order = -1}), ArgumentError);
  CHECK_THROWS_AS(MarkovChain(3, {.order = 1, .k = -1.0}), ArgumentError);
  CHECK_THROWS_WITH(MarkovChain(1U << 20, {.order = 4}), Catch::Contains("too many contexts"));
  MarkovChain chain(3);
  std::vector<double> small(2);
  CHECK_THROWS_AS(chain.distribution({}, small), ArgumentError);
  std::vector<double> right(3);
  CHECK_THROWS_AS(chain.distribution(std::vector<int>{9}, right), ArgumentError);
}
