//===- LoadedModel.h - A model folder ready to run programs -----*- C++ -*-===//
//
// Everything the interpreter needs from a Hugging Face model folder, loaded
// once: the weights (LlamaModel), the tokenizer, the chat template sglrun
// recognizes (if any) and the ids that end a generation. The vocabulary
// the constraint engine needs is built on first use, once per model.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_ENGINE_LOADEDMODEL_H
#define SGL_RUNTIME_ENGINE_LOADEDMODEL_H

#include "runtime/chat/ChatTemplate.h"
#include "runtime/constraints/Constraint.h"
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
  /// The ids that end a gen: eosIds(), and inside an assistant message
  /// also the chat template's end-of-turn token.
  std::vector<int32_t> genEndIds(bool insideAssistant) const;

  /// The tokens as the constraint engine sees them, with genEndIds() as
  /// the ids that end a constrained gen; built on first use (a trie of
  /// every token: about 40 ms for Llama 3's 128k) and kept. Thread-safe.
  const constraints::ConstraintVocabulary &
  constraintVocabulary(bool insideAssistant) const;

private:
  struct ConstraintVocabularies;
  std::string dir_;
  std::unique_ptr<LlamaModel> model_;
  Tokenizer tokenizer_;
  std::optional<ChatTemplate> chatTemplate_;
  std::vector<int32_t> eosIds_;
  /// Shared so that LoadedModel stays movable; filled lazily.
  std::shared_ptr<ConstraintVocabularies> vocabularies_;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_LOADEDMODEL_H
