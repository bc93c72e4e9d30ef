#pragma once
/// @file
/// Drawing a note from a network's output in the paper's note embedding: the pitch and the
/// duration each drawn from their own block, as section 6.2 of the derivation paper samples.

#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/encoding/note_embedding.hpp>
#include <bachprop/music/generate/sampling.hpp>

#include <cstdint>
#include <span>

namespace bachprop::music {

/// An event sampled from a column of `embedding`'s layout whose two blocks are (unnormalised)
/// probability vectors, as the paper does: the pitch and the duration are drawn separately with
/// `options`. The optional masks (pitch_rows() and duration_rows() entries) forbid options.
/// Allocation-free after the sampler's first call at these sizes.
template <Scalar S>
MelodyEvent sample_event(const NoteEmbedding& embedding, const Vector<S>& column, Rng& rng,
                         Sampler& sampler, const SamplingOptions& options = {},
                         std::span<const std::uint8_t> pitch_mask = {},
                         std::span<const std::uint8_t> duration_mask = {}) {
  embedding.check_column(column.size());
  const std::span<const S> all(column.data(), static_cast<std::size_t>(column.size()));
  const auto pitch_rows = static_cast<std::size_t>(embedding.pitch_rows());
  const auto p = sampler.sample(all.subspan(0, pitch_rows), rng, options, pitch_mask);
  const auto d = sampler.sample(all.subspan(pitch_rows), rng, options, duration_mask);
  return {embedding.pitch_of_row(static_cast<Index>(p)),
          embedding.duration_of_row(static_cast<Index>(d))};
}

}  // namespace bachprop::music
