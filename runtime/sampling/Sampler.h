//===- Sampler.h - Next-token choice from logits ----------------*- C++ -*-===//
//
// Turns a row of logits into one token id:
//
//   temperature == 0 ─▶ argmax (ties: lowest id)
//   otherwise        ─▶ logits / T ─▶ min-p ─▶ top-k ─▶ softmax ─▶ top-p
//                    ─▶ draw
//
// vLLM's order (vllm/v1/sample/sampler.py): the repetition, frequency and
// presence penalties come before all of this, on the logits, greedy or not
// (TokenPenalties, Penalties.h); min-p, which never changes the argmax,
// filters the whole vocabulary after temperature and before top-k and top-p.
//
// The candidate set is built deterministically (ties broken by id) and the
// draw walks it in a fixed order with a portable generator (Rng.h), so a seed
// picks the same token everywhere. Also the log-softmax that select scoring
// uses.
//
// Cost: O(vocab) per token whatever the parameters. top-k and top-p find
// their cut-off with a weighted selection (a quickselect over "most likely
// first" that tracks probability mass, falling back to sorting a range only
// past a depth limit), and sampleToken draws with the same selection instead
// of sorting the candidates; only buildDistribution, which returns them
// sorted, sorts the final candidate set. min-p costs one pass for the
// largest logit and one that drops the tokens under its bound.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_SAMPLING_SAMPLER_H
#define SGL_RUNTIME_SAMPLING_SAMPLER_H

#include "runtime/sampling/Rng.h"

#include <cstdint>
#include <span>
#include <vector>

namespace sgl::runtime {

/// Sampling knobs of one gen. Defaults follow SGLang: T = 1, no top-k,
/// no top-p, no min-p, no penalties.
struct SamplingParams {
  float temperature = 1.0f; ///< 0 (or less): greedy
  float topP = 1.0f;        ///< nucleus mass in (0, 1]; 1 = off
  uint32_t topK = 0;        ///< keep the k most likely; 0 = off
  /// Keep the tokens whose probability (after temperature) is at least
  /// min_p times the most likely one's, in [0, 1]; 0 = off.
  float minP = 0.0f;
  // The penalties, which TokenPenalties applies (Penalties.h).
  float repetitionPenalty = 1.0f; ///< > 0; 1 = off
  float frequencyPenalty = 0.0f;  ///< in [-2, 2]; 0 = off
  float presencePenalty = 0.0f;   ///< in [-2, 2]; 0 = off
};

/// The tokens a draw can pick and their renormalized probabilities, most
/// likely first (ties: lower id first); in id order when neither top-k nor
/// top-p is on (min-p alone keeps the id order).
struct Distribution {
  std::vector<int32_t> ids;
  std::vector<double> probs; // sums to 1
};

/// Work one sampling call did, for tests of its cost: one per comparison
/// of two candidates.
struct SamplingCost {
  int64_t comparisons = 0;
};

/// Index of the largest logit; the lowest id among equal maxima. -1 for an
/// empty row. NaN logits never win.
int32_t argmax(std::span<const float> logits);

/// log softmax of `logits`, computed in double.
std::vector<double> logSoftmax(std::span<const float> logits);

/// The candidate set for non-greedy sampling: temperature, then min-p (the
/// tokens whose probability is at least min_p times the largest), then
/// top-k, then top-p over the sorted probabilities (the smallest prefix
/// whose mass reaches top_p, at least one token).
Distribution buildDistribution(std::span<const float> logits,
                               const SamplingParams &params,
                               SamplingCost *cost = nullptr);

/// Draws from `dist` with one uniform number of `rng`: the first entry at
/// which the running sum of probabilities exceeds it.
int32_t drawFrom(const Distribution &dist, Rng &rng);

/// Allowed token ids as a bitmask: id i is allowed when bit i % 64 of
/// words[i / 64] is set (the layout the constraint engine fills). Ids past
/// the words are not allowed.
struct TokenMask {
  std::span<const uint64_t> words;

  static size_t wordsFor(size_t vocab) { return (vocab + 63) / 64; }
  bool allows(int32_t id) const {
    const size_t word = static_cast<size_t>(id) / 64;
    return id >= 0 && word < words.size() && (words[word] >> (id % 64)) & 1;
  }
};

/// Sets every logit `mask` does not allow to -infinity, which every
/// function here treats as probability 0; returns how many tokens stay
/// allowed.
int64_t applyTokenMask(std::span<float> logits, const TokenMask &mask);

/// sampleToken over the tokens `mask` allows, masking `logits` in place:
/// -1 when the mask allows none (or only NaN logits remain).
int32_t sampleMaskedToken(std::span<float> logits, const TokenMask &mask,
                          const SamplingParams &params, Rng &rng);

/// Picks the next token: argmax when greedy, else a draw from the
/// distribution buildDistribution describes (the same token drawFrom would
/// pick, but found without sorting the candidates). Consumes one number of
/// `rng` when not greedy.
int32_t sampleToken(std::span<const float> logits, const SamplingParams &params,
                    Rng &rng, SamplingCost *cost = nullptr);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_SAMPLING_SAMPLER_H
