//===- PostProcessor.h - Special tokens around an encoding -----*- C++ -*-===//
//
// The `post_processor` section reduced to what a single sequence needs: the
// ids placed before and after it when special tokens are requested.
// Supports TemplateProcessing (`single` template), BertProcessing /
// RobertaProcessing (cls ... sep), ByteLevel (no ids) and Sequence.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_TOKENIZER_POSTPROCESSOR_H
#define SGL_RUNTIME_TOKENIZER_POSTPROCESSOR_H

#include "runtime/support/Expected.h"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace sgl::runtime {

/// Ids added around one encoded sequence.
struct SpecialTokenFrame {
  std::vector<int32_t> prefix;
  std::vector<int32_t> suffix;
};

using TokenLookup = std::function<std::optional<int32_t>(std::string_view)>;

/// Parses tokenizer.json's `post_processor` value (null allowed). Ids the
/// file gives as numbers must be below `idCount` (the vocabulary's size);
/// tokens it names are resolved with `lookup`.
Expected<SpecialTokenFrame> parsePostProcessor(const nlohmann::json &config,
                                               const TokenLookup &lookup,
                                               size_t idCount);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_TOKENIZER_POSTPROCESSOR_H
