//===- TokenizerVocabulary.cpp - The trie of a tokenizer's tokens ---------===//
#include "runtime/constraints/TokenizerVocabulary.h"

#include "runtime/constraints/TokenSlice.h"

#include <vector>

namespace sgl::runtime::constraints {

VocabularyTrie buildVocabularyTrie(const Tokenizer &tokenizer) {
  std::vector<VocabularyToken> tokens;
  tokens.reserve(tokenizer.vocabSize());
  for (size_t i = 0; i < tokenizer.vocabSize(); ++i) {
    auto id = static_cast<int32_t>(i);
    if (!tokenizer.isSpecial(id))
      tokens.push_back({id, tokenizer.tokenBytes(id)});
  }
  return VocabularyTrie(tokens, tokenizer.vocabSize());
}

ConstraintVocabulary buildConstraintVocabulary(const Tokenizer &tokenizer,
                                               std::vector<int32_t> eosIds) {
  std::vector<std::string> bytes(tokenizer.vocabSize());
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto id = static_cast<int32_t>(i);
    if (!tokenizer.isSpecial(id))
      bytes[i] = std::string(tokenizer.tokenBytes(id));
  }
  ConstraintVocabulary vocabulary{buildVocabularyTrie(tokenizer),
                                  std::move(bytes), std::move(eosIds), nullptr};
  vocabulary.slices = std::make_shared<const std::vector<TokenSlice>>(
      standardTokenSlices(vocabulary.trie));
  return vocabulary;
}

} // namespace sgl::runtime::constraints
