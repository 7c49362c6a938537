//===- SequenceRunner.cpp - One sequence through a backend ----------------===//
#include "runtime/model/SequenceRunner.h"

#include <algorithm>
#include <numeric>

namespace sgl::runtime {

Expected<SequenceRunner> SequenceRunner::create(LlamaModel &model,
                                                int64_t maxPositions) {
  if (maxPositions <= 0)
    return makeError("a sequence runner needs room for at least one position");
  // Rounded up without overflow for any positive int64.
  const int64_t pages =
      maxPositions / kPageSize + (maxPositions % kPageSize != 0);
  if (pages > INT32_MAX)
    return makeError("a sequence of " + std::to_string(maxPositions) +
                     " positions needs more pages than a pool can index");
  kernels::BackendStatus s =
      model.backend().allocateKV(static_cast<int32_t>(pages), kPageSize);
  if (!s)
    return makeError(s.error);
  SequenceRunner runner(model, pages * kPageSize);
  runner.pages_.resize(static_cast<size_t>(pages));
  std::iota(runner.pages_.begin(), runner.pages_.end(), 0);
  return runner;
}

Expected<std::vector<float>>
SequenceRunner::forward(std::span<const int32_t> tokens, int64_t startPos,
                        LogitsMode mode) {
  const int64_t n = static_cast<int64_t>(tokens.size());
  if (n == 0)
    return makeError("forward() needs at least one token");
  if (startPos < 0 || startPos > length_)
    return makeError("forward() at position " + std::to_string(startPos) +
                     " but the sequence holds only " + std::to_string(length_) +
                     " positions");
  if (startPos + n > capacity_)
    return makeError("sequence of " + std::to_string(startPos + n) +
                     " positions does not fit the runner (" +
                     std::to_string(capacity_) + ")");
  const int64_t vocab = model_->config().vocabSize;
  for (int32_t t : tokens)
    if (t < 0 || t >= vocab)
      return makeError("token id " + std::to_string(t) +
                       " is outside the vocabulary (size " +
                       std::to_string(vocab) + ")");
  // Chunks bound the backend's workspace whatever the prompt's length.
  const bool all = mode == LogitsMode::AllTokens;
  std::vector<float> logits(static_cast<size_t>((all ? n : 1) * vocab));
  for (int64_t c0 = 0; c0 < n; c0 += kChunkTokens) {
    const int64_t m = std::min(kChunkTokens, n - c0);
    const bool last = c0 + m == n;
    kernels::ForwardBatchBuilder batch;
    batch.addSequence(tokens.subspan(c0, m), startPos + c0, pages_, kPageSize,
                      /*lastLogits=*/last, all);
    std::span<float> out(logits.data() + (all ? c0 * vocab : 0),
                         batch.logitRows.size() * static_cast<size_t>(vocab));
    if (kernels::BackendStatus s = model_->backend().forward(batch.view(), out);
        !s)
      return makeError(s.error);
  }
  length_ = startPos + n;
  return logits;
}

} // namespace sgl::runtime
