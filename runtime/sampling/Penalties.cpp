//===- Penalties.cpp - Repetition, frequency and presence penalties -------===//
#include "runtime/sampling/Penalties.h"

#include <algorithm>

namespace sgl::runtime {

void TokenPenalties::start(const SamplingParams &params,
                           std::span<const int32_t> prompt,
                           size_t maxDistinct) {
  repetition_ = params.repetitionPenalty;
  frequency_ = params.frequencyPenalty;
  presence_ = params.presencePenalty;
  const bool repetition = repetition_ != 1.0f;
  active_ = repetition || frequency_ != 0.0f || presence_ != 0.0f;
  prompt_.clear();
  output_.clear();
  if (!active_)
    return;
  if (repetition) {
    prompt_.assign(prompt.begin(), prompt.end());
    std::sort(prompt_.begin(), prompt_.end());
    prompt_.erase(std::unique(prompt_.begin(), prompt_.end()), prompt_.end());
  }
  output_.reserve(maxDistinct);
}

void TokenPenalties::addOutput(int32_t id) {
  if (!active_)
    return;
  auto at = std::lower_bound(
      output_.begin(), output_.end(), id,
      [](const Count &c, int32_t value) { return c.id < value; });
  if (at != output_.end() && at->id == id)
    ++at->times;
  else
    output_.insert(at, Count{id, 1});
}

void TokenPenalties::apply(std::span<float> logits) const {
  if (!active_)
    return;
  auto logit = [&](int32_t id) -> float * {
    return id >= 0 && static_cast<size_t>(id) < logits.size() ? &logits[id]
                                                              : nullptr;
  };
  if (repetition_ != 1.0f) {
    // Each id of the prompt or the output once: a merge of the two sorted
    // lists.
    size_t i = 0, j = 0;
    while (i < prompt_.size() || j < output_.size()) {
      int32_t id;
      if (j == output_.size() ||
          (i < prompt_.size() && prompt_[i] < output_[j].id)) {
        id = prompt_[i++];
      } else {
        id = output_[j++].id;
        if (i < prompt_.size() && prompt_[i] == id)
          ++i;
      }
      if (float *l = logit(id))
        *l = *l > 0 ? *l / repetition_ : *l * repetition_;
    }
  }
  if (frequency_ == 0.0f && presence_ == 0.0f)
    return;
  for (const Count &c : output_)
    if (float *l = logit(c.id)) {
      *l -= frequency_ * static_cast<float>(c.times);
      *l -= presence_;
    }
}

} // namespace sgl::runtime
