//===- TokenMaskCache.h - Allowed tokens per DFA state ----------*- C++ -*-===//
//
// The token masks of one compiled constraint: for a DFA state, the tokens
// whose bytes keep the DFA live, as the bitmask the sampler takes:
//
//   TokenMaskCache masks(dfa, trie, {eosId});
//   ByteDfa::State s = dfa.start();
//   TokenMask allowed{masks.mask(s)};             // runtime/sampling/Sampler.h
//   int32_t id = sampleMaskedToken(logits, allowed, params, rng);
//   s = dfa.walk(s, tokenBytes(id));               // unless id is EOS
//
// A state's mask is made by one walkLiveTokens (TrieWalk.h) the first time
// the state is asked for and kept, vocabSize / 8 bytes per visited state.
// EOS ids are allowed exactly in accepting states, whatever the trie holds.
//
// Budget-aware masks (maskWithin) also keep out every token after which the
// text could not reach acceptance within the tokens left, using the exact
// token distances of TokenDistances. The convention, chosen so that a gen
// whose budget covers its shortest completion always ends valid:
//
//  - a gen ends valid when it stops in an accepting state: by EOS, by a
//    mask that allows nothing, or by running out of tokens; no EOS is
//    needed within max_tokens;
//  - maskWithin(s, n) allows token t when walk(s, t) is live and
//    minTokensToAccept(walk(s, t)) <= n - 1, and EOS when s accepts (n >= 1);
//    maskWithin(s, 0) allows nothing.
//
// So if minTokensToAccept(start) <= max_tokens, every draw from maskWithin
// keeps minTokensToAccept(s) <= tokens left, and the gen cannot stop outside
// the language. Ask minTokensToAccept(start) when the gen starts: it makes
// the distances (TokenDistances bounds that work), and should it fail,
// maskWithin falls back to mask() and promises nothing about the budget.
//
// Narrowed masks are cached too, per (state, budget), and only budgets
// below the state's farthest successor (TokenDistances) need their own.
//
// Keeps references to the DFA and trie, which must outlive it. Spans
// returned stay valid for the cache's lifetime. Not thread-safe: mask
// queries fill the cache; use one instance per thread, or lock around it.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_TOKENMASKCACHE_H
#define SGL_RUNTIME_CONSTRAINTS_TOKENMASKCACHE_H

#include "runtime/constraints/ByteDfa.h"
#include "runtime/constraints/TokenDistances.h"
#include "runtime/constraints/VocabularyTrie.h"

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace sgl::runtime::constraints {

/// Cached token masks of one constraint; see the file comment.
class TokenMaskCache {
public:
  using State = ByteDfa::State;

  /// `eosIds` end a gen (e.g. Llama 3's <|eot_id|> and <|end_of_text|>);
  /// each must be below trie.vocabSize().
  TokenMaskCache(const ByteDfa &dfa, const VocabularyTrie &trie,
                 std::vector<int32_t> eosIds,
                 int64_t maxDistanceSteps = TokenDistances::kDefaultMaxSteps);

  /// 64-bit words per mask: bit i % 64 of word i / 64 is token i, the
  /// layout of TokenMask (runtime/sampling/Sampler.h).
  size_t numWords() const { return numWords_; }

  /// The tokens allowed in `state`: those whose bytes lead to a live state,
  /// plus the EOS ids when `state` accepts. All zero for the dead state.
  std::span<const uint64_t> mask(State state);

  /// mask(state) less the tokens after which acceptance takes more than
  /// `tokensLeft - 1` further tokens; see the file comment. mask(state)
  /// when the distances could not be computed.
  std::span<const uint64_t> maskWithin(State state, uint32_t tokensLeft);

  /// The fewest tokens, EOS not counted, from `state` to acceptance;
  /// TokenDistances::kNever when there is no way. An error when computing
  /// the distances ran past maxDistanceSteps.
  Expected<uint32_t> minTokensToAccept(State state) {
    return distances().distance(state);
  }

  /// The distances behind maskWithin, made on first need.
  TokenDistances &distances();

  /// DFA steps spent building masks (distances not included).
  int64_t steps() const { return steps_; }
  /// Masks held: one per state asked for, plus one per (state, budget)
  /// that maskWithin had to narrow.
  size_t numMasks() const { return numMasks_; }

private:
  using Words = std::vector<uint64_t>;
  /// One walk from `state`: sets the bits of tokens leading to a live
  /// state at token distance <= `within` (any live state when nullopt).
  Words buildMask(State state, std::optional<uint32_t> within);

  const ByteDfa &dfa_;
  const VocabularyTrie &trie_;
  std::vector<int32_t> eosIds_;
  size_t numWords_;
  Words none_;                                   ///< the all-zero mask
  std::vector<Words> masks_;                     ///< [numStates]
  std::vector<uint8_t> built_;                   ///< [numStates]
  std::unordered_map<uint64_t, Words> narrowed_; ///< by (state, within)
  int64_t maxDistanceSteps_;
  std::optional<TokenDistances> distances_;
  int64_t steps_ = 0;
  size_t numMasks_ = 0;
};

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_TOKENMASKCACHE_H
