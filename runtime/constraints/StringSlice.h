//===- StringSlice.h - Tokens that are JSON string content ------*- C++ -*-===//
//
// Most first visits of a JSON grammar's states are cheap, since few tokens
// get far, but a state inside a string admits nearly the whole vocabulary,
// and walking all of the trie costs a millisecond or two. The string slice
// (as LLGuidance calls its precomputed token sets) does that work once per
// tokenizer: it knows which tokens are string content -- every character
// but `"`, `\` and controls, a last character possibly cut -- and how many
// characters each spans.
//
// A state that stays alive for every run of up to k such characters then
// accepts all the slice's tokens of at most k characters at once, from a
// precomputed mask, and the walk of the trie skips every subtree holding
// only such tokens: in a free string it visits a few thousand nodes of
// Llama 3's 274 thousand.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_STRINGSLICE_H
#define SGL_RUNTIME_CONSTRAINTS_STRINGSLICE_H

#include "runtime/constraints/ByteDfa.h"
#include "runtime/constraints/VocabularyTrie.h"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace sgl::runtime::constraints {

class StringSlice {
public:
  /// An absorption with no bound on the characters; also the count of the
  /// mask that holds every token of the slice (no token spans this many).
  static constexpr uint8_t kAny = 254;

  explicit StringSlice(const VocabularyTrie &trie);

  /// How long runs of string content `dfa` survives from `state`.
  struct Absorption {
    /// Every run of up to `chars` characters stays alive (kAny: any run).
    uint8_t chars = 0;
    /// The most bytes still needed to accept after such a run.
    uint32_t longestLeft = 0;
  };
  Absorption absorb(const ByteDfa &dfa, ByteDfa::State state) const;

  /// The largest count with a mask that is at most `chars`, 0 if none.
  uint8_t maskCountAtMost(uint8_t chars) const;
  /// The slice's tokens of at most `chars` characters, for a count
  /// maskCountAtMost returns.
  std::span<const uint64_t> tokensUpTo(uint8_t chars) const;

  /// Whether every token below `node` is in the slice with at most
  /// `chars` characters (tokens a mask of `chars` already holds).
  bool coversSubtree(VocabularyTrie::Node node, uint8_t chars) const {
    return subtreeChars_[node] <= chars;
  }

private:
  static constexpr uint8_t kMixed = 255;

  ByteDfa content_;
  /// Per node: the most characters of a token in its subtree when all of
  /// them are string content, else kMixed.
  std::vector<uint8_t> subtreeChars_;
  std::vector<uint8_t> counts_; ///< the counts masks are kept for
  std::vector<std::vector<uint64_t>> masks_;
};

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_STRINGSLICE_H
