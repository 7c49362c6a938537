//===- TokenizerVocabulary.cpp - The trie of a tokenizer's tokens ---------===//
#include "runtime/constraints/TokenizerVocabulary.h"

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

} // namespace sgl::runtime::constraints
