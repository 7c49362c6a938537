//===- TokenizerVocabulary.h - The trie of a tokenizer's tokens -*- C++ -*-===//
//
// Which tokens a constrained value may be made of: every token that decodes
// to at least one byte and is not special. Special tokens (<|eot_id|>,
// <|start_header_id|>, ...) are never text of a value; a gen's EOS is given
// to TokenMaskCache separately.
//
// In its own library, SGLConstraintsTokenizer, so that SGLConstraints does
// not depend on the tokenizer.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_TOKENIZERVOCABULARY_H
#define SGL_RUNTIME_CONSTRAINTS_TOKENIZERVOCABULARY_H

#include "runtime/constraints/VocabularyTrie.h"
#include "runtime/tokenizer/Tokenizer.h"

namespace sgl::runtime::constraints {

/// The trie of `tokenizer`'s non-special tokens, over vocabSize() ids. It
/// views the tokenizer's bytes only while building: it may outlive it.
VocabularyTrie buildVocabularyTrie(const Tokenizer &tokenizer);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_TOKENIZERVOCABULARY_H
