//===- SequenceRunner.h - One sequence through a backend --------*- C++ -*-===//
//
// Runs a single sequence through a model's backend, its keys and values in
// pages 0, 1, ... of a pool sized for `maxPositions`. For benchmarks, tests
// and tools that score one prompt; the engine batches many sequences
// through the same backend with the scheduler. Creating a runner replaces
// the backend's KV pool, so one runner is in use at a time per model.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_MODEL_SEQUENCERUNNER_H
#define SGL_RUNTIME_MODEL_SEQUENCERUNNER_H

#include "runtime/model/LlamaModel.h"
#include "runtime/support/Expected.h"

#include <cstdint>
#include <span>
#include <vector>

namespace sgl::runtime {

/// Which logits a forward call returns.
enum class LogitsMode { LastToken, AllTokens };

class SequenceRunner {
public:
  static constexpr int32_t kPageSize = 16;
  /// Tokens per backend call: bounds the activations of a long prompt.
  static constexpr int64_t kChunkTokens = 256;

  /// A runner for up to `maxPositions` positions (a clear error when the
  /// pool cannot be allocated).
  static Expected<SequenceRunner> create(LlamaModel &model,
                                         int64_t maxPositions);

  /// Runs `tokens` at positions startPos, startPos + 1, ... (startPos <=
  /// length(); later positions are overwritten) and returns the last
  /// token's [vocab] logits, or [tokens, vocab] for AllTokens.
  Expected<std::vector<float>> forward(std::span<const int32_t> tokens,
                                       int64_t startPos,
                                       LogitsMode mode = LogitsMode::LastToken);

  /// Positions whose keys/values are held.
  int64_t length() const { return length_; }
  int64_t capacity() const { return capacity_; }

private:
  SequenceRunner(LlamaModel &model, int64_t capacity)
      : model_(&model), capacity_(capacity) {}

  LlamaModel *model_;
  int64_t capacity_;
  int64_t length_ = 0;
  std::vector<int32_t> pages_;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_MODEL_SEQUENCERUNNER_H
