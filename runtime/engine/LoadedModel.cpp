//===- LoadedModel.cpp - A model folder ready to run programs -------------===//
#include "runtime/engine/LoadedModel.h"

#include "runtime/constraints/TokenizerVocabulary.h"

#include <algorithm>
#include <filesystem>
#include <mutex>

namespace sgl::runtime {

struct LoadedModel::ConstraintVocabularies {
  std::mutex mutex;
  /// [0]: outside assistant messages, [1]: inside them.
  std::shared_ptr<const constraints::ConstraintVocabulary> byRole[2];
};

LoadedModel::LoadedModel(std::string dir, std::unique_ptr<LlamaModel> model,
                         Tokenizer tokenizer,
                         std::optional<ChatTemplate> chatTemplate)
    : dir_(std::move(dir)), model_(std::move(model)),
      tokenizer_(std::move(tokenizer)), chatTemplate_(chatTemplate),
      vocabularies_(std::make_shared<ConstraintVocabularies>()) {
  for (int64_t id : model_->config().eosTokenIds)
    if (id >= 0 && id <= INT32_MAX)
      eosIds_.push_back(static_cast<int32_t>(id));
  if (std::optional<int32_t> eos = tokenizer_.eosId())
    eosIds_.push_back(*eos);
  std::sort(eosIds_.begin(), eosIds_.end());
  eosIds_.erase(std::unique(eosIds_.begin(), eosIds_.end()), eosIds_.end());
}

std::vector<int32_t> LoadedModel::genEndIds(bool insideAssistant) const {
  std::vector<int32_t> ids = eosIds_;
  if (insideAssistant && chatTemplate_)
    if (std::optional<int32_t> eot =
            tokenizer_.tokenToId(chatTemplate_->endOfTurn()))
      ids.push_back(*eot);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

const constraints::ConstraintVocabulary &
LoadedModel::constraintVocabulary(bool insideAssistant) const {
  std::lock_guard<std::mutex> lock(vocabularies_->mutex);
  std::shared_ptr<const constraints::ConstraintVocabulary> &slot =
      vocabularies_->byRole[insideAssistant ? 1 : 0];
  if (slot)
    return *slot;
  // Ids past the tokenizer's (config.json may count more) have no bytes
  // and are never in a mask, so they need not end anything.
  std::vector<int32_t> ends = genEndIds(insideAssistant);
  std::erase_if(ends, [&](int32_t id) {
    return static_cast<size_t>(id) >= tokenizer_.vocabSize();
  });
  // Most templates' end of turn is an eos id already: share the trie.
  const std::shared_ptr<const constraints::ConstraintVocabulary> &other =
      vocabularies_->byRole[insideAssistant ? 0 : 1];
  if (other && other->eosIds == ends)
    slot = other;
  else
    slot = std::make_shared<const constraints::ConstraintVocabulary>(
        constraints::buildConstraintVocabulary(tokenizer_, std::move(ends)));
  return *slot;
}

Expected<LoadedModel> LoadedModel::load(const std::string &dir,
                                        unsigned numThreads) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec))
    return makeError("model folder '" + dir + "' does not exist");
  if (!fs::is_directory(dir, ec))
    return makeError("model path '" + dir + "' is not a folder");
  auto fail = [&](const Error &e) {
    return makeError("model at '" + dir + "': " + e.message);
  };

  Expected<std::unique_ptr<LlamaModel>> model =
      LlamaModel::load(dir, numThreads);
  if (!model)
    return fail(model.error());
  if (!fs::exists(fs::path(dir) / "tokenizer.json", ec))
    return makeError("model at '" + dir + "': no tokenizer.json");
  Expected<Tokenizer> tokenizer = Tokenizer::fromFile(dir);
  if (!tokenizer)
    return fail(tokenizer.error());
  const int64_t vocab = (*model)->config().vocabSize;
  if (static_cast<int64_t>(tokenizer->vocabSize()) > vocab)
    return makeError("model at '" + dir + "': the tokenizer has " +
                     std::to_string(tokenizer->vocabSize()) +
                     " ids but config.json's vocab_size is " +
                     std::to_string(vocab));

  Expected<std::string> jinja = ChatTemplate::readJinja(dir);
  if (!jinja)
    return fail(jinja.error());
  const Tokenizer &tok = *tokenizer;
  std::optional<ChatTemplate> chat =
      ChatTemplate::detect(*jinja, [&](std::string_view token) {
        return tok.tokenToId(token).has_value();
      });
  return LoadedModel(dir, model.take(), tokenizer.take(), chat);
}

} // namespace sgl::runtime
