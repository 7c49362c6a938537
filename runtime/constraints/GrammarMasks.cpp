//===- GrammarMasks.cpp - Token masks of a grammar's stacks ---------------===//
#include "runtime/constraints/GrammarMasks.h"

#include "runtime/constraints/ReverseDistances.h"
#include "runtime/constraints/StringSlice.h"
#include "runtime/constraints/TrieWalk.h"

#include <algorithm>
#include <string>
#include <utility>

namespace sgl::runtime::constraints {

namespace {

/// The trie walked next to a set of stacks from the root: calls
/// onTokens(node, bytesLeft) for every node with tokens whose bytes some
/// stack consumes, bytesLeft being the fewest bytes that then finish, and
/// onContext(node) for every node no stack consumes while some way
/// returned past a kBase frame before its last byte: every token of its
/// subtree then depends on the caller. With `only` (sorted subtree roots,
/// none inside another), tokens are reported only within those subtrees
/// and nothing else is walked but their ancestors. Subtrees for which
/// skip(node) holds are left out. Returns the steps.
///
/// Most levels hold one stack whose top neither calls nor accepts; those
/// take a plain DFA step, with no closure and no vectors.
template <typename OnTokens, typename OnContext,
          typename Skip = WalkEverySubtree>
int64_t walkStacks(FrameStepper &stepper, const VocabularyTrie &trie,
                   const std::vector<Frame> &frames, TrieWalkScratch &scratch,
                   const std::vector<int32_t> *only, OnTokens &&onTokens,
                   OnContext &&onContext, Skip &&skip = {}) {
  using Node = VocabularyTrie::Node;
  const Grammar &grammar = stepper.grammar();
  const size_t levels = static_cast<size_t>(trie.maxDepth()) + 1;
  scratch.closed.resize(levels);
  scratch.returned.resize(levels);
  scratch.single.resize(levels);
  scratch.isSingle.resize(levels);
  scratch.below.resize(levels);
  std::vector<std::vector<Frame>> &closed = scratch.closed;
  std::vector<uint8_t> &returned = scratch.returned;
  std::vector<Frame> &single = scratch.single;
  std::vector<uint8_t> &isSingle = scratch.isSingle;
  std::vector<uint32_t> &below = scratch.below;
  std::vector<Frame> &after = scratch.after;
  auto plain = [&](const Frame &frame) {
    return !grammar.rule(frame.rule).expands[frame.state];
  };
  // Level `depth` after `after`: one plain stack, or a closure.
  auto enter = [&](int32_t depth, bool returnedAbove) {
    if (after.size() == 1 && plain(after.front())) {
      isSingle[depth] = 1;
      single[depth] = after.front();
      below[depth] =
          stepper.arena().shortestBelow(grammar, single[depth].parent);
      returned[depth] = returnedAbove;
      return;
    }
    isSingle[depth] = 0;
    stepper.closure(after, closed[depth]);
    returned[depth] =
        returnedAbove || stepper.hasAcceptingOn(closed[depth], Frame::kBase);
  };
  after = frames;
  enter(0, false);
  size_t nextRoot = 0;
  int64_t steps = 0;
  for (Node node = VocabularyTrie::kRoot + 1; node < trie.numNodes();) {
    bool report = true;
    if (only) {
      while (nextRoot < only->size() &&
             trie.subtreeEnd((*only)[nextRoot]) <= node)
        ++nextRoot;
      if (nextRoot == only->size())
        break;
      Node root = (*only)[nextRoot];
      if (node < root && trie.subtreeEnd(node) <= root) {
        node = trie.subtreeEnd(node); // holds no root
        continue;
      }
      report = node >= root; // else an ancestor of the root
    }
    if (skip(node)) {
      node = trie.subtreeEnd(node);
      continue;
    }
    const int32_t depth = trie.depth(node);
    const bool hasChildren = trie.subtreeEnd(node) > node + 1;
    const bool reportHere = report && trie.hasTokens(node);
    ++steps;
    if (isSingle[depth - 1]) {
      const Frame &frame = single[depth - 1];
      const Grammar::Rule &rule = grammar.rule(frame.rule);
      ByteDfa::State next = rule.dfa.step(frame.state, trie.byte(node));
      if (next == ByteDfa::kDead) {
        if (returned[depth - 1])
          onContext(node);
        node = trie.subtreeEnd(node);
        continue;
      }
      if (!rule.expands[next]) {
        if (reportHere)
          onTokens(node, static_cast<uint32_t>(std::min<uint64_t>(
                             uint64_t{rule.dfa.shortestAccept(next)} +
                                 below[depth - 1],
                             kNoPath)));
        if (hasChildren) {
          isSingle[depth] = 1;
          single[depth] = {frame.rule, next, frame.parent};
          below[depth] = below[depth - 1];
          returned[depth] = returned[depth - 1];
        }
        ++node;
        continue;
      }
      after.assign(1, Frame{frame.rule, next, frame.parent});
    } else {
      stepper.stepClosed(closed[depth - 1], trie.byte(node), after);
      if (after.empty()) {
        if (returned[depth - 1])
          onContext(node);
        node = trie.subtreeEnd(node);
        continue;
      }
    }
    if (reportHere)
      onTokens(node, stepper.shortest(after));
    if (hasChildren)
      enter(depth, returned[depth - 1]);
    ++node;
  }
  return steps;
}

void setTokens(std::vector<uint64_t> &words, std::span<const int32_t> ids) {
  for (int32_t id : ids)
    words[static_cast<size_t>(id) / 64] |= uint64_t{1} << (id % 64);
}

} // namespace

size_t
GrammarMasks::FramesHash::operator()(const std::vector<Frame> &frames) const {
  size_t hash = frames.size();
  for (const Frame &frame : frames)
    hash = hash * 0x100000001b3ull ^ FrameHash {}(frame);
  return hash;
}

GrammarMasks::GrammarMasks(const Grammar &grammar,
                           const ConstraintVocabulary &vocabulary)
    : grammar_(grammar), vocabulary_(vocabulary),
      numWords_((vocabulary.trie.vocabSize() + 63) / 64),
      stepper_(grammar, arena_), none_(numWords_, 0),
      tops_(grammar.numRules()) {}

void GrammarMasks::markEos(Words &words, bool accepting) const {
  for (int32_t id : vocabulary_.eosIds) {
    uint64_t bit = uint64_t{1} << (id % 64);
    uint64_t &word = words[static_cast<size_t>(id) / 64];
    word = accepting ? word | bit : word & ~bit;
  }
}

const GrammarMasks::TopSplit &GrammarMasks::topSplit(int32_t rule,
                                                     int32_t state) {
  std::unique_ptr<TopSplit> &split = tops_[rule][state];
  if (!split)
    split = std::make_unique<TopSplit>(buildTopSplit(rule, state));
  return *split;
}

GrammarMasks::TopSplit GrammarMasks::buildTopSplit(int32_t rule,
                                                   int32_t state) {
  const VocabularyTrie &trie = vocabulary_.trie;
  TopSplit split;
  split.accepted.assign(numWords_, 0);
  const ByteDfa &dfa = grammar_.rule(rule).dfa;
  // Runs of string content the top survives, by itself or in a rule it
  // calls first (a string's content is often a rule of its own): their
  // tokens come from the slice's mask, and the walk skips the subtrees
  // that hold only those.
  uint8_t sliceChars = 0;
  if (const StringSlice *slice = vocabulary_.stringSlice.get()) {
    StringSlice::Absorption best;
    std::vector<Frame> closed;
    stepper_.closure({Frame{rule, state, Frame::kBase}}, closed);
    for (const Frame &frame : closed) {
      StringSlice::Absorption absorbed =
          slice->absorb(grammar_.rule(frame.rule).dfa, frame.state);
      absorbed.longestLeft = static_cast<uint32_t>(
          std::min<uint64_t>(uint64_t{absorbed.longestLeft} +
                                 arena_.shortestBelow(grammar_, frame.parent),
                             kNoPath));
      if (absorbed.chars > best.chars ||
          (absorbed.chars == best.chars &&
           absorbed.longestLeft < best.longestLeft))
        best = absorbed;
    }
    sliceChars = slice->maskCountAtMost(best.chars);
    if (sliceChars > 0) {
      std::span<const uint64_t> tokens = slice->tokensUpTo(sliceChars);
      for (size_t w = 0; w < numWords_; ++w)
        split.accepted[w] |= tokens[w];
      split.longestLeft = best.longestLeft;
      ++stats_.sliceSplits;
    }
  }
  auto known = [&](VocabularyTrie::Node node) {
    return sliceChars > 0 &&
           vocabulary_.stringSlice->coversSubtree(node, sliceChars);
  };
  if (grammar_.isRegular()) {
    // One DFA and nothing below it: the plain walk, several times faster.
    stats_.automatonSteps += walkLiveTokens(
        dfa, trie, state,
        [&](VocabularyTrie::Node node, ByteDfa::State next) {
          setTokens(split.accepted, trie.tokensAt(node));
          split.longestLeft =
              std::max(split.longestLeft, dfa.shortestAccept(next));
        },
        known);
    return split;
  }
  stats_.automatonSteps += walkStacks(
      stepper_, trie, {Frame{rule, state, Frame::kBase}}, scratch_, nullptr,
      [&](VocabularyTrie::Node node, uint32_t left) {
        setTokens(split.accepted, trie.tokensAt(node));
        split.longestLeft = std::max(split.longestLeft, left);
      },
      [&](VocabularyTrie::Node node) { split.contextRoots.push_back(node); },
      known);
  return split;
}

uint32_t GrammarMasks::addContextTokens(const Frame &frame,
                                        const std::vector<int32_t> &roots,
                                        Words &mask) {
  uint32_t longest = 0;
  const VocabularyTrie &trie = vocabulary_.trie;
  stats_.automatonSteps += walkStacks(
      stepper_, trie, {frame}, scratch_, &roots,
      [&](VocabularyTrie::Node node, uint32_t left) {
        setTokens(mask, trie.tokensAt(node));
        longest = std::max(longest, left);
      },
      [](VocabularyTrie::Node) {}); // a real stack: no unknown caller
  return longest;
}

GrammarMasks::StacksMask
GrammarMasks::buildStacksMask(const std::vector<Frame> &frames) {
  StacksMask mask;
  mask.words.assign(numWords_, 0);
  for (const Frame &frame : frames) {
    const TopSplit &split = topSplit(frame.rule, frame.state);
    for (size_t w = 0; w < numWords_; ++w)
      mask.words[w] |= split.accepted[w];
    uint64_t below = arena_.shortestBelow(grammar_, frame.parent);
    mask.longestLeft = static_cast<uint32_t>(std::min<uint64_t>(
        std::max<uint64_t>(mask.longestLeft, split.longestLeft + below),
        kNoPath));
    if (!split.contextRoots.empty())
      mask.longestLeft =
          std::max(mask.longestLeft,
                   addContextTokens(frame, split.contextRoots, mask.words));
  }
  markEos(mask.words, stepper_.accepting(frames));
  return mask;
}

GrammarMasks::Words
GrammarMasks::buildNarrowedMask(const std::vector<Frame> &frames,
                                uint32_t tokensLeft) {
  const VocabularyTrie &trie = vocabulary_.trie;
  Words words(numWords_, 0);
  stats_.automatonSteps += walkStacks(
      stepper_, trie, frames, scratch_, nullptr,
      [&](VocabularyTrie::Node node, uint32_t left) {
        if (left <= tokensLeft - 1)
          setTokens(words, trie.tokensAt(node));
      },
      [](VocabularyTrie::Node) {}); // real stacks: no unknown caller
  markEos(words, stepper_.accepting(frames));
  return words;
}

std::span<const uint64_t> GrammarMasks::mask(const std::vector<Frame> &frames,
                                             uint32_t tokensLeft) {
  if (tokensLeft == 0 || frames.empty())
    return none_;
  auto it = stacks_.find(frames);
  if (it == stacks_.end()) {
    it = stacks_.emplace(frames, buildStacksMask(frames)).first;
    ++stats_.masksBuilt;
  } else {
    ++stats_.masksCached;
  }
  if (it->second.longestLeft <= tokensLeft - 1)
    return it->second.words;
  auto [narrowed, inserted] = narrowed_[frames].try_emplace(tokensLeft);
  if (inserted) {
    narrowed->second = buildNarrowedMask(frames, tokensLeft);
    ++stats_.masksBuilt;
  }
  return narrowed->second;
}

ConstraintMasks::Stats GrammarMasks::stats() const { return stats_; }

} // namespace sgl::runtime::constraints
