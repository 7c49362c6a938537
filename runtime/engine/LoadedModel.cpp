//===- LoadedModel.cpp - A model folder ready to run programs -------------===//
#include "runtime/engine/LoadedModel.h"

#include <algorithm>
#include <filesystem>

namespace sgl::runtime {

LoadedModel::LoadedModel(std::string dir, std::unique_ptr<LlamaModel> model,
                         Tokenizer tokenizer,
                         std::optional<ChatTemplate> chatTemplate)
    : dir_(std::move(dir)), model_(std::move(model)),
      tokenizer_(std::move(tokenizer)), chatTemplate_(chatTemplate) {
  for (int64_t id : model_->config().eosTokenIds)
    if (id >= 0 && id <= INT32_MAX)
      eosIds_.push_back(static_cast<int32_t>(id));
  if (std::optional<int32_t> eos = tokenizer_.eosId())
    eosIds_.push_back(*eos);
  std::sort(eosIds_.begin(), eosIds_.end());
  eosIds_.erase(std::unique(eosIds_.begin(), eosIds_.end()), eosIds_.end());
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
