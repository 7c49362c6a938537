//===- GeneratedVocabulary.h - A small BPE-like vocabulary ------*- C++ -*-===//
//
// What the mask tests run on instead of a real tokenizer: ids 0-255 are the
// single bytes, as in byte-level BPE, followed by seeded random "merges"
// (two earlier tokens joined) drawn mostly from bytes the test patterns
// use. Some merges are whole UTF-8 characters (é, α, 中, 😀), some split
// one (a lead byte joined to ASCII, a character's tail); one id repeats an
// earlier token's bytes, one decodes to nothing, and the last id is a
// stand-in EOS that no token spells.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_TEST_UNIT_CONSTRAINTS_GENERATEDVOCABULARY_H
#define SGL_TEST_UNIT_CONSTRAINTS_GENERATEDVOCABULARY_H

#include "runtime/constraints/Constraint.h"
#include "runtime/constraints/TokenSlice.h"
#include "runtime/constraints/VocabularyTrie.h"

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace sgl::runtime::constraints::test {

struct GeneratedVocabulary {
  std::vector<std::string> bytes; ///< [vocabSize]: what each id decodes to
  int32_t eosId = -1;

  size_t vocabSize() const { return bytes.size(); }
  /// Every id but EOS, as the trie takes them.
  std::vector<VocabularyToken> tokens() const {
    std::vector<VocabularyToken> list;
    for (size_t id = 0; id < bytes.size(); ++id)
      if (static_cast<int32_t>(id) != eosId)
        list.push_back({static_cast<int32_t>(id), bytes[id]});
    return list;
  }
  /// What ConstraintMasks takes: the trie, the bytes, EOS, and the token
  /// slices unless `withSlice` is false (masks are the same either way).
  ConstraintVocabulary constraintVocabulary(bool withSlice = true) const {
    ConstraintVocabulary vocabulary{
        VocabularyTrie(tokens(), vocabSize()), bytes, {eosId}, nullptr};
    if (withSlice)
      vocabulary.slices = std::make_shared<const std::vector<TokenSlice>>(
          standardTokenSlices(vocabulary.trie));
    return vocabulary;
  }
};

/// `merges` random merges after the 256 bytes; the same for a given seed
/// on every standard library (mt19937_64 drawn with `%`).
inline GeneratedVocabulary generateVocabulary(uint64_t seed,
                                              int32_t merges = 1500) {
  GeneratedVocabulary vocab;
  for (int byte = 0; byte < 256; ++byte)
    vocab.bytes.push_back(std::string(1, static_cast<char>(byte)));
  // The pieces merges start from: bytes and characters the patterns use,
  // whole and cut.
  std::vector<std::string> pieces = {
      "a",        "b",        "c",    "x",    "y",    "z",    "0",
      "1",        "9",        " ",    "-",    ".",    ",",    ":",
      "\"",       "\\",       "{",    "}",    "@",    "_",    "é",
      "α",        "ω",        "中",   "😀",   "\xC3", "\xA9", "\xF0\x9F",
      "\x98\x80", "\xE4\xB8", "\xAD", "name", "age"};
  for (const std::string &piece : pieces)
    if (piece.size() > 1)
      vocab.bytes.push_back(piece);
  std::mt19937_64 rng(seed);
  auto pick = [&]() -> const std::string & {
    // Half the time a piece, else any token made so far past the bytes,
    // so merges build on merges as in BPE.
    size_t merged = vocab.bytes.size() - 256;
    if (rng() % 2 == 0 || merged == 0)
      return pieces[rng() % pieces.size()];
    return vocab.bytes[256 + rng() % merged];
  };
  for (int32_t i = 0; i < merges; ++i) {
    std::string merge = pick();
    merge += pick();
    if (merge.size() > 12)
      merge.resize(12); // may cut a character: such tokens exist too
    vocab.bytes.push_back(merge);
  }
  std::string repeated = vocab.bytes[256]; // a second id for the same bytes
  vocab.bytes.push_back(repeated);
  vocab.bytes.push_back(""); // decodes to nothing: never allowed
  vocab.eosId = static_cast<int32_t>(vocab.bytes.size());
  vocab.bytes.push_back("");
  return vocab;
}

} // namespace sgl::runtime::constraints::test

#endif // SGL_TEST_UNIT_CONSTRAINTS_GENERATEDVOCABULARY_H
