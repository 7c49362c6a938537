//===- Penalties.h - Repetition, frequency and presence penalties -*- C++
//-*-===//
//
// vLLM's penalties (vllm/model_executor/layers/utils.py, apply_penalties),
// applied to a row of logits before temperature and every filter, so that
// they change greedy choices too. In vLLM's order, for each token id:
//
//   repetition r  if the id is in the prompt or the output so far:
//                 l = l > 0 ? l / r : l * r           (r > 0; 1 = off)
//   frequency f   l -= f * (times the id is in the output)   (0 = off)
//   presence p    l -= p if the id is in the output          (0 = off)
//
// The output is what this gen has sampled so far; the prompt is its
// context, every token the model saw before the gen. Logits of -inf stay
// -inf (a masked token stays masked), NaN stays NaN.
//
// A TokenPenalties keeps the distinct ids of both, sorted, the output's
// with their counts: apply() costs O(distinct ids) rather than O(vocab),
// and does nothing when every penalty is off. start() reserves room for
// every distinct id the gen can sample, so counting a token does not
// allocate.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_SAMPLING_PENALTIES_H
#define SGL_RUNTIME_SAMPLING_PENALTIES_H

#include "runtime/sampling/Sampler.h"

#include <cstdint>
#include <span>
#include <vector>

namespace sgl::runtime {

class TokenPenalties {
public:
  /// Starts a gen sampled with `params` after `prompt`, forgetting the
  /// previous one. `maxDistinct` bounds the distinct ids it will sample (at
  /// most its max_tokens and the vocabulary): room for them is reserved.
  void start(const SamplingParams &params, std::span<const int32_t> prompt,
             size_t maxDistinct);

  /// Whether any penalty is on; when none is, apply() and addOutput() do
  /// nothing.
  bool active() const { return active_; }

  /// Counts one token the gen sampled.
  void addOutput(int32_t id);

  /// Penalizes `logits` in place; ids outside the row are left alone.
  void apply(std::span<float> logits) const;

private:
  struct Count {
    int32_t id;
    uint32_t times;
  };

  bool active_ = false;
  float repetition_ = 1.0f;
  float frequency_ = 0.0f;
  float presence_ = 0.0f;
  /// The prompt's distinct ids, sorted; empty unless repetition is on.
  std::vector<int32_t> prompt_;
  /// The output's distinct ids, sorted, with their counts.
  std::vector<Count> output_;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_SAMPLING_PENALTIES_H
