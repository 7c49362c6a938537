//===- SequenceContext.cpp - One growing prompt and its KV cache ----------===//
#include "runtime/engine/SequenceContext.h"

#include <algorithm>
#include <cstring>

namespace sgl::runtime {

namespace {

/// The cache starts this small and doubles, up to max_position_embeddings:
/// a 128k-position cache of a real model would not fit in memory.
constexpr int64_t kInitialCachePositions = 256;

std::string tooLong(int64_t tokens, int64_t maxPositions) {
  return "the context has " + std::to_string(tokens) +
         " tokens, more than the model's max_position_embeddings (" +
         std::to_string(maxPositions) + ")";
}

} // namespace

SequenceContext::SequenceContext(LlamaModel &model, const Tokenizer &tokenizer)
    : model_(model), tokenizer_(tokenizer),
      prefix_(tokenizer.encode("", /*addSpecialTokens=*/true)),
      cache_(model.makeCache(0)), maxPositions_(model.config().maxPositions) {}

Expected<std::vector<int32_t>>
SequenceContext::tokensOf(std::string_view text) const {
  Expected<std::vector<int32_t>> body = tokenizer_.tryEncode(text, false);
  if (!body)
    return body.error();
  std::vector<int32_t> ids = prefix_;
  ids.insert(ids.end(), body->begin(), body->end());
  return ids;
}

int64_t SequenceContext::reuse(const std::vector<int32_t> &target,
                               int64_t limit) {
  int64_t common = 0;
  const int64_t n =
      std::min<int64_t>({static_cast<int64_t>(cached_.size()),
                         static_cast<int64_t>(target.size()), limit});
  while (common < n && cached_[common] == target[common])
    ++common;
  if (common < static_cast<int64_t>(cached_.size())) {
    cached_.resize(common);
    cache_.length = common;
    logitsValid_ = false;
  }
  return common;
}

Status SequenceContext::reserve(int64_t positions) {
  if (positions > maxPositions_)
    return makeError(tooLong(positions, maxPositions_));
  if (positions <= cache_.maxLength)
    return Status::ok();
  int64_t size = std::max(kInitialCachePositions, cache_.maxLength * 2);
  size = std::min(std::max(size, positions), maxPositions_);
  Expected<KVCache> grown = model_.allocateCache(size);
  if (!grown)
    return grown.error();
  KVCache bigger = grown.take();
  const size_t row = static_cast<size_t>(cache_.kvDim);
  for (int64_t layer = 0; layer < cache_.numLayers; ++layer) {
    const size_t bytes = sizeof(float) * row * cache_.length;
    if (bytes == 0)
      continue;
    std::memcpy(bigger.layerKeys(layer), cache_.layerKeys(layer), bytes);
    std::memcpy(bigger.layerValues(layer), cache_.layerValues(layer), bytes);
  }
  bigger.length = cache_.length;
  cache_ = std::move(bigger);
  return Status::ok();
}

Expected<std::vector<float>>
SequenceContext::run(std::span<const int32_t> tokens, LogitsMode mode) {
  const int64_t start = static_cast<int64_t>(cached_.size());
  if (Status s = reserve(start + static_cast<int64_t>(tokens.size())); !s)
    return s.error();
  Expected<std::vector<float>> logits =
      model_.forward(tokens, start, cache_, mode);
  if (!logits)
    return logits.error();
  cached_.insert(cached_.end(), tokens.begin(), tokens.end());
  computed_ += static_cast<int64_t>(tokens.size());
  return logits;
}

Expected<std::span<const float>> SequenceContext::prefill() {
  Expected<std::vector<int32_t>> encoded = tokensOf(text_);
  if (!encoded)
    return encoded.error();
  const std::vector<int32_t> &target = *encoded;
  if (target.empty())
    return makeError("the prompt is empty and the tokenizer adds no BOS "
                     "token, so there is nothing to condition on");
  if (static_cast<int64_t>(target.size()) > maxPositions_)
    return makeError(tooLong(target.size(), maxPositions_));
  int64_t common = reuse(target, static_cast<int64_t>(target.size()));
  if (common == static_cast<int64_t>(target.size()) && logitsValid_)
    return std::span<const float>(logits_);
  // With every token cached but no logits kept, recompute the last one.
  if (common == static_cast<int64_t>(target.size()))
    common = reuse(target, common - 1);
  Expected<std::vector<float>> logits = run(
      std::span<const int32_t>(target).subspan(common), LogitsMode::LastToken);
  if (!logits)
    return logits.error();
  logits_ = logits.take();
  logitsValid_ = true;
  return std::span<const float>(logits_);
}

Expected<std::span<const float>> SequenceContext::decode(int32_t token) {
  const int32_t one[1] = {token};
  Expected<std::vector<float>> logits = run(one, LogitsMode::LastToken);
  if (!logits) {
    logitsValid_ = false;
    return logits.error();
  }
  logits_ = logits.take();
  logitsValid_ = true;
  return std::span<const float>(logits_);
}

Expected<ContinuationScore>
SequenceContext::scoreContinuation(std::string_view continuation) {
  Expected<std::vector<int32_t>> contextTokens = tokensOf(text_);
  if (!contextTokens)
    return contextTokens.error();
  Expected<std::vector<int32_t>> fullTokens =
      tokensOf(text_ + std::string(continuation));
  if (!fullTokens)
    return fullTokens.error();
  const std::vector<int32_t> &context = *contextTokens;
  const std::vector<int32_t> &full = *fullTokens;
  const int64_t total = static_cast<int64_t>(full.size());
  if (total > maxPositions_)
    return makeError(tooLong(total, maxPositions_));
  // The continuation's tokens start where the two tokenizations part (a
  // merge across the boundary re-scores the merged token). The first token
  // of a sequence has no prediction to score.
  int64_t first = 0;
  while (first < static_cast<int64_t>(context.size()) && first < total &&
         context[first] == full[first])
    ++first;
  first = std::max<int64_t>(first, 1);
  ContinuationScore score;
  if (first >= total)
    return score;
  // Run from the token before `first`, whose logits predict full[first].
  // Only the log-prob of each next choice token is computed, never a
  // [tokens, vocab] block of logits.
  const int64_t start = reuse(full, first - 1);
  std::span<const int32_t> tokens =
      std::span<const int32_t>(full).subspan(start);
  std::vector<int32_t> targets(tokens.size(), -1);
  for (int64_t pos = first; pos < total; ++pos)
    targets[pos - 1 - start] = full[pos];
  if (Status s = reserve(total); !s)
    return s.error();
  logitsValid_ = false;
  Expected<std::vector<double>> logProbs =
      model_.tokenLogProbs(tokens, start, cache_, targets, &logits_);
  if (!logProbs)
    return logProbs.error();
  cached_.insert(cached_.end(), tokens.begin(), tokens.end());
  computed_ += static_cast<int64_t>(tokens.size());
  for (int64_t pos = first; pos < total; ++pos) {
    score.logProbSum += (*logProbs)[pos - 1 - start];
    ++score.numTokens;
  }
  logitsValid_ = true;
  return score;
}

} // namespace sgl::runtime
