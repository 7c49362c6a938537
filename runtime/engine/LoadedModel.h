//===- LoadedModel.h - A model folder ready to run programs -----*- C++ -*-===//
//
// Everything the interpreter needs from a Hugging Face model folder, loaded
// once: the weights (LlamaModel), the tokenizer, the chat template sglrun
// recognizes (if any) and the ids that end a generation.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_ENGINE_LOADEDMODEL_H
#define SGL_RUNTIME_ENGINE_LOADEDMODEL_H

#include "runtime/chat/ChatTemplate.h"
#include "runtime/model/LlamaModel.h"
#include "runtime/support/Expected.h"
#include "runtime/tokenizer/Tokenizer.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sgl::runtime {

class LoadedModel {
public:
  /// Loads `dir` (config.json, safetensors, tokenizer.json, ...) with a
  /// thread pool of `numThreads` (0 = all cores).
  static Expected<LoadedModel> load(const std::string &dir,
                                    unsigned numThreads = 0);

  /// Assembles a model from parts, e.g. to run without a chat template.
  LoadedModel(std::string dir, std::unique_ptr<LlamaModel> model,
              Tokenizer tokenizer, std::optional<ChatTemplate> chatTemplate);

  const std::string &dir() const { return dir_; }
  LlamaModel &model() { return *model_; }
  const Tokenizer &tokenizer() const { return tokenizer_; }
  const std::optional<ChatTemplate> &chatTemplate() const {
    return chatTemplate_;
  }
  /// Sorted, unique ids that end every generation: config/generation_config
  /// eos ids plus the tokenizer's eos.
  const std::vector<int32_t> &eosIds() const { return eosIds_; }

private:
  std::string dir_;
  std::unique_ptr<LlamaModel> model_;
  Tokenizer tokenizer_;
  std::optional<ChatTemplate> chatTemplate_;
  std::vector<int32_t> eosIds_;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_LOADEDMODEL_H
