#pragma once
/// @file
/// A mini-batch cut into data-parallel shards, and the shards' gradients summed in a fixed
/// order. The cut depends on the batch alone (TrainOptions::shards, or the batch size), never on
/// the threads that compute the shards, and the sum runs over the shards in their order, entry
/// by entry, so the batch's mean gradient is the same, bit for bit, whoever computed which
/// shard. Section 4.3's mean over a batch of m samples is the shards' means weighted by their
/// sizes m_j:
///
///     ∇C̄ = Σ_j (m_j / m) ∇C̄_j,   j = 0, 1, …, S − 1 in that order.
///
/// The sum reads each shard's gradient through a pointer, so shards computed elsewhere (another
/// process's, received whole) are summed the same way.

#include <bachprop/core/types.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

namespace bachprop {

/// Shards per batch of `batch_size` samples (or sequences of `steps` steps): `requested` when
/// positive, else at most 4 (they split evenly over 1, 2 or 4 threads) of at least 128 columns
/// and 16 samples each. Each shard's gradients cost a pass over the parameters in the sum, and
/// its products run slower on fewer columns: the autoencoder at batch 256 (210k weights) ran
/// 15% slower on one thread in 4 shards of 64 samples than in 2 of 128, and 7% slower on two.
/// Never more than the batch, never fewer than 1.
inline Index data_parallel_shards(Index batch_size, Index requested = 0, Index steps = 0) {
  const Index columns = batch_size * std::max<Index>(steps, 1);
  const Index shards =
      requested > 0 ? requested : std::min({Index{4}, batch_size / 16, columns / 128});
  return std::clamp<Index>(shards, 1, std::max<Index>(batch_size, 1));
}

/// Samples [first, first + count) of a batch of `batch` samples: shard `shard` of `shards`
/// (even sizes, the larger ones last; empty when the batch has fewer samples than shards).
struct ShardRange {
  Index first = 0;  ///< the shard's first sample within the batch
  Index count = 0;  ///< samples in the shard
};

/// Where shard `shard` of `shards` lies in a batch of `batch` samples.
inline ShardRange shard_range(Index batch, Index shards, Index shard) {
  const Index first = shard * batch / shards;
  return {first, (shard + 1) * batch / shards - first};
}

/// The seed of shard `shard`'s dropout masks, from the layer's seed: each shard draws its own
/// masks, the same whichever thread computes it (SplitMix64's finaliser spreads the seeds).
inline std::uint64_t shard_seed(std::uint64_t seed, Index shard) {
  std::uint64_t x = seed + 0x9E3779B97F4A7C15ULL * (static_cast<std::uint64_t>(shard) + 1);
  x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31U);
}

/// out[i] = Σ_j weights[j] · shards[j][i] for i in [first, last), the shards in their order:
/// the first product, then each next one added. Every entry takes the same operations in the
/// same order wherever a caller cuts [first, last), provided the cuts themselves do not depend
/// on the thread count (DataParallel cuts every parameter at fixed offsets). A block of entries
/// at a time collects every shard before it is stored: one pass over `out`, not one per shard.
template <class S>
void sum_in_shard_order(std::span<const S* const> shards, std::span<const S> weights, S* out,
                        Index first, Index last) {
  if (shards.empty()) {
    return;
  }
  constexpr Index block = 256;
  S sum[block];
  for (Index start = first; start < last; start += block) {
    const Index n = std::min(block, last - start);
    const S* g = shards[0] + start;
    const S w = weights[0];
    for (Index i = 0; i < n; ++i) {
      sum[i] = w * g[i];
    }
    for (std::size_t j = 1; j < shards.size(); ++j) {
      const S* gj = shards[j] + start;
      const S wj = weights[j];
      for (Index i = 0; i < n; ++i) {
        sum[i] += wj * gj[i];
      }
    }
    std::copy(sum, sum + n, out + start);
  }
}

}  // namespace bachprop
