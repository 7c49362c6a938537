//===- TokenizerVocabulary.h - The trie of a tokenizer's tokens -*- C++ -*-===//
//
// Which tokens a constrained value may be made of: every token that decodes
// to at least one byte and is not special. Special tokens (<|eot_id|>,
// <|start_header_id|>, ...) are never text of a value; the ids that end a
// gen are given separately.
//
// In its own library, SGLConstraintsTokenizer, so that SGLConstraints does
// not depend on the tokenizer.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_TOKENIZERVOCABULARY_H
#define SGL_RUNTIME_CONSTRAINTS_TOKENIZERVOCABULARY_H

#include "runtime/constraints/Constraint.h"
#include "runtime/constraints/VocabularyTrie.h"
#include "runtime/tokenizer/Tokenizer.h"

namespace sgl::runtime::constraints {

/// The trie of `tokenizer`'s non-special tokens, over vocabSize() ids. It
/// views the tokenizer's bytes only while building: it may outlive it.
VocabularyTrie buildVocabularyTrie(const Tokenizer &tokenizer);

/// The trie and the bytes of every non-special token of `tokenizer`, with
/// `eosIds` (each below vocabSize()) as the ids that end a gen, and the
/// standard token slices.
ConstraintVocabulary buildConstraintVocabulary(const Tokenizer &tokenizer,
                                               std::vector<int32_t> eosIds);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_TOKENIZERVOCABULARY_H
