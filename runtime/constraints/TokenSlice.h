//===- TokenSlice.h - Tokens made of one class of characters ----*- C++ -*-===//
//
// Most first visits of a JSON grammar's states are cheap, since few tokens
// get far, but a state inside a free string, or a pattern such as `.*` or
// `[\w.-]+`, admits a large part of the vocabulary, and walking all of the
// trie costs a millisecond or two. Token slices (as LLGuidance calls its
// precomputed token sets) do that work once per tokenizer: a slice knows
// which tokens are runs of one class of characters -- JSON string content,
// a line, no white space, word characters, ... -- and how many characters
// each spans, a last character possibly cut.
//
// A state that stays alive for every run of up to k characters of a slice
// accepts all the slice's tokens of at most k characters at once, from a
// precomputed mask, and the walk of the trie skips every subtree holding
// only such tokens: in a free string it visits a few thousand nodes of
// Llama 3's 274 thousand.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_TOKENSLICE_H
#define SGL_RUNTIME_CONSTRAINTS_TOKENSLICE_H

#include "runtime/constraints/ByteDfa.h"
#include "runtime/constraints/CodePointSet.h"
#include "runtime/constraints/VocabularyTrie.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sgl::runtime::constraints {

class TokenSlice {
public:
  /// An absorption with no bound on the characters; also the count of the
  /// mask that holds every token of the slice (no token spans this many).
  static constexpr uint8_t kAny = 254;

  /// The slice of `trie`'s tokens made of `characters` only, which must
  /// lie in JSON string content (no `"`, `\` or controls).
  TokenSlice(std::string name, const CodePointSet &characters,
             const VocabularyTrie &trie);

  const std::string &name() const { return name_; }

  /// How long runs of the slice's characters `dfa` survives from `state`.
  struct Absorption {
    /// Every run of up to `chars` characters stays alive (kAny: any run).
    uint8_t chars = 0;
    /// The most bytes still needed to accept after such a run.
    uint32_t longestLeft = 0;
  };
  Absorption absorb(const ByteDfa &dfa, ByteDfa::State state) const {
    return absorb(dfa, state, representativeBytes(dfa));
  }
  /// The same with `bytes` = representativeBytes(dfa), which callers that
  /// ask about many states of one DFA compute once. When every run
  /// survives, `reached` (if given) gets the states runs lead to: each of
  /// them survives every run too, with no more bytes left.
  Absorption absorb(const ByteDfa &dfa, ByteDfa::State state,
                    std::span<const uint8_t> bytes,
                    std::vector<ByteDfa::State> *reached = nullptr) const;
  /// One byte of every class pair the slice's runs and `dfa` tell apart,
  /// the slice's bytes only.
  std::vector<uint8_t> representativeBytes(const ByteDfa &dfa) const {
    const ByteDfa *one = &dfa;
    return representativeBytes(std::span<const ByteDfa *const>(&one, 1));
  }
  /// The same for several DFAs together (all the rules of a grammar).
  std::vector<uint8_t>
  representativeBytes(std::span<const ByteDfa *const> dfas) const;
  /// Any run of the slice's characters, as a DFA.
  const ByteDfa &runs() const { return runs_; }

  /// The largest count with a mask that is at most `chars`, 0 if none.
  uint8_t maskCountAtMost(uint8_t chars) const;
  /// The slice's tokens of at most `chars` characters, for a count
  /// maskCountAtMost returns, and how many they are.
  std::span<const uint64_t> tokensUpTo(uint8_t chars) const;
  int32_t numTokensUpTo(uint8_t chars) const;

  /// Whether every token below `node` is in the slice with at most
  /// `chars` characters (tokens a mask of `chars` already holds).
  bool coversSubtree(VocabularyTrie::Node node, uint8_t chars) const {
    return subtreeChars_[node] <= chars;
  }
  /// Whether every token strictly below `node` goes on from it with a run
  /// of at most `chars` of the slice's characters: a walk that reaches
  /// `node` in a state absorbing that many takes them all.
  bool coversRunsBelow(VocabularyTrie::Node node, uint8_t chars) const {
    return runsBelow_[node] <= chars;
  }

private:
  static constexpr uint8_t kMixed = 255;
  size_t maskIndex(uint8_t chars) const;
  void computeRunsBelow(const VocabularyTrie &trie);

  std::string name_;
  ByteDfa runs_; ///< any run of the characters
  /// Per node: the most characters of a token in its subtree when all of
  /// them are in the slice, else kMixed.
  std::vector<uint8_t> subtreeChars_;
  /// Per node: the longest run (in characters) that a token below it goes
  /// on with, when all of them go on with runs of the slice, else kMixed.
  std::vector<uint8_t> runsBelow_;
  std::vector<uint8_t> counts_; ///< the counts masks are kept for
  std::vector<std::vector<uint64_t>> masks_;
  std::vector<int32_t> sizes_; ///< tokens per mask
};

/// The slices built for every tokenizer: string content, a line (no line
/// terminator, as ECMA-262's `.`), no white space (`\S`), word characters
/// (`\w`), letters and digits, lower-case letters.
std::vector<TokenSlice> standardTokenSlices(const VocabularyTrie &trie);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_TOKENSLICE_H
