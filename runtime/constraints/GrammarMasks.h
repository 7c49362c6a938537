//===- GrammarMasks.h - Token masks of a grammar's stacks -------*- C++ -*-===//
//
// The allowed tokens of a set of stacks, as XGrammar splits the work. For
// every top frame (rule, state) one walk of the vocabulary trie, with the
// stack below unknown, sorts the tokens into those the top accepts whatever
// lies below (its rule, and the rules it calls, consume all their bytes),
// those it refuses whatever lies below, and the context-dependent ones,
// whose bytes run past the end of the top's rule. That split is cached per
// top. A set of stacks then allows the union of its tops' accepted tokens
// and of the context-dependent ones that its real stacks consume, found by
// walking just those subtrees of the trie from the real stacks; the result is
// cached per set of stacks, since the same positions in a structure recur
// across the outputs of one schema.
//
// A regular grammar (one rule, no calls) walks its top splits as a plain
// DFA (TrieWalk.h), several times faster, and has no context-dependent
// tokens.
//
// Budgets: a token is allowed only when the bytes still needed after it
// fit in the tokens left after it, one byte per token: every vocabulary
// handled here spells each byte on its own, so the shortest completion can
// always be written out, and a gen whose budget covers the constraint's
// shortest match ends accepted. Narrowing is rare -- the per-top walks
// record the longest completion a token can leave -- and takes one exact
// walk of the trie from the real stacks.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_GRAMMARMASKS_H
#define SGL_RUNTIME_CONSTRAINTS_GRAMMARMASKS_H

#include "runtime/constraints/Constraint.h"
#include "runtime/constraints/GrammarFrames.h"

#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace sgl::runtime::constraints {

/// What a walk of the trie keeps per depth, reused from walk to walk.
struct TrieWalkScratch {
  /// The closure after each live ancestor, and whether a way returned to
  /// the caller before the next byte.
  std::vector<std::vector<Frame>> closed;
  std::vector<uint8_t> returned;
  /// Levels that hold one stack whose top neither calls nor accepts: that
  /// frame, and the bytes the frames below it need.
  std::vector<Frame> single;
  std::vector<uint8_t> isSingle;
  std::vector<uint32_t> below;
  std::vector<Frame> after;
};

/// The stacks of one matcher: sorted, distinct frames.
struct GrammarStacks {
  std::vector<Frame> frames;
};

class GrammarMasks {
public:
  GrammarMasks(const Grammar &grammar, const ConstraintVocabulary &vocabulary);

  size_t numWords() const { return numWords_; }
  FrameStepper &stepper() { return stepper_; }

  /// The allowed tokens of `frames` with `tokensLeft` tokens to go.
  std::span<const uint64_t> mask(const std::vector<Frame> &frames,
                                 uint32_t tokensLeft);

  ConstraintMasks::Stats stats() const;

private:
  using Words = std::vector<uint64_t>;
  struct TopSplit {
    Words accepted;
    /// Trie subtrees whose tokens depend on the caller, in preorder.
    std::vector<int32_t> contextRoots;
    /// The most bytes any accepted token leaves to finish the top's rule
    /// and what it pushed.
    uint32_t longestLeft = 0;
  };
  struct StacksMask {
    Words words;
    /// The most bytes any allowed token leaves to finish the whole output:
    /// budgets at or above this need no narrowing.
    uint32_t longestLeft = 0;
  };
  struct FramesHash {
    size_t operator()(const std::vector<Frame> &frames) const;
  };

  /// The token slice a state survives best (most tokens), if any.
  struct SliceFit {
    bool known = false;
    const TokenSlice *slice = nullptr;
    uint8_t chars = 0;  ///< runs it survives (TokenSlice::kAny: any)
    int32_t tokens = 0; ///< tokens of the slice's mask for those runs
    uint32_t longestLeft = 0;
  };
  const SliceFit &sliceFit(int32_t rule, int32_t state);
  const TopSplit &topSplit(int32_t rule, int32_t state);
  TopSplit buildTopSplit(int32_t rule, int32_t state);
  StacksMask buildStacksMask(const std::vector<Frame> &frames);
  Words buildNarrowedMask(const std::vector<Frame> &frames,
                          uint32_t tokensLeft);
  /// Runs of string content (the first slice) that `frame`'s real stack
  /// survives, returns to callers included, up to kStackRunChars.
  TokenSlice::Absorption absorbOnStack(const Frame &frame);
  /// Adds the tokens below `roots` that `frame`'s real stack takes to
  /// `mask`; returns the most bytes one of them leaves.
  uint32_t addContextTokens(const Frame &frame,
                            const std::vector<int32_t> &roots, Words &mask);
  /// Sets the EOS bits when `accepting`, clears them otherwise: an id that
  /// ends a gen may also spell text in a hand-built vocabulary.
  void markEos(Words &words, bool accepting) const;

  const Grammar &grammar_;
  const ConstraintVocabulary &vocabulary_;
  size_t numWords_;
  FrameArena arena_;
  FrameStepper stepper_;
  Words none_;
  const std::vector<TokenSlice> *slices_; ///< null: none to use
  std::vector<std::unordered_map<int32_t, std::unique_ptr<TopSplit>>> tops_;
  std::vector<std::vector<SliceFit>> fits_; ///< per rule, per state
  /// Per rule, per slice: TokenSlice::representativeBytes.
  std::vector<std::vector<std::vector<uint8_t>>> sliceBytes_;
  /// The first slice's representative bytes over all rules together.
  std::vector<uint8_t> stackBytes_;

  std::unordered_map<std::vector<Frame>, StacksMask, FramesHash> stacks_;
  std::unordered_map<std::vector<Frame>, std::unordered_map<uint32_t, Words>,
                     FramesHash>
      narrowed_;
  TrieWalkScratch scratch_;
  ConstraintMasks::Stats stats_;
};

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_GRAMMARMASKS_H
