//===- GrammarMasks.cpp - Token masks of a grammar's stacks ---------------===//
#include "runtime/constraints/GrammarMasks.h"

#include "runtime/constraints/ReverseDistances.h"
#include "runtime/constraints/TrieWalk.h"

#include <algorithm>

namespace sgl::runtime::constraints {

namespace {

/// The trie walked next to a set of stacks: calls onTokens(node, after) for
/// every node with tokens whose bytes some stack consumes, `after` being
/// the stacks then, and onContext(node) for every node no stack consumes
/// while some way returned past a kBase frame before its last byte: every
/// token of its subtree then depends on the caller. Returns the steps.
template <typename OnTokens, typename OnContext>
int64_t walkStacks(FrameStepper &stepper, const VocabularyTrie &trie,
                   const std::vector<Frame> &start, OnTokens &&onTokens,
                   OnContext &&onContext) {
  using Node = VocabularyTrie::Node;
  const size_t levels = static_cast<size_t>(trie.maxDepth()) + 1;
  // The closure after each live ancestor, and whether a way returned to
  // the caller before the next byte.
  std::vector<std::vector<Frame>> closed(levels);
  std::vector<uint8_t> returned(levels, 0);
  std::vector<Frame> after;
  stepper.closure(start, closed[0]);
  returned[0] = stepper.hasAcceptingOn(closed[0], Frame::kBase);
  int64_t steps = 0;
  for (Node node = VocabularyTrie::kRoot + 1; node < trie.numNodes();) {
    int32_t depth = trie.depth(node);
    stepper.stepClosed(closed[depth - 1], trie.byte(node), after);
    ++steps;
    if (after.empty()) {
      if (returned[depth - 1])
        onContext(node);
      node = trie.subtreeEnd(node);
      continue;
    }
    if (trie.hasTokens(node))
      onTokens(node, after);
    if (trie.subtreeEnd(node) > node + 1) {
      stepper.closure(after, closed[depth]);
      returned[depth] = returned[depth - 1] ||
                        stepper.hasAcceptingOn(closed[depth], Frame::kBase);
    }
    ++node;
  }
  return steps;
}

void setTokens(std::vector<uint64_t> &words, std::span<const int32_t> ids) {
  for (int32_t id : ids)
    words[static_cast<size_t>(id) / 64] |= uint64_t{1} << (id % 64);
}

bool hasToken(const std::vector<uint64_t> &words, int32_t id) {
  return (words[static_cast<size_t>(id) / 64] >> (id % 64)) & 1;
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

void GrammarMasks::setEos(Words &words) const {
  setTokens(words, vocabulary_.eosIds);
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
  if (grammar_.isRegular()) {
    // One DFA and nothing below it: the plain walk, several times faster.
    stats_.automatonSteps += walkLiveTokens(
        dfa, trie, state, [&](VocabularyTrie::Node node, ByteDfa::State next) {
          setTokens(split.accepted, trie.tokensAt(node));
          split.longestLeft =
              std::max(split.longestLeft, dfa.shortestAccept(next));
        });
    return split;
  }
  stats_.automatonSteps += walkStacks(
      stepper_, trie, {Frame{rule, state, Frame::kBase}},
      [&](VocabularyTrie::Node node, const std::vector<Frame> &after) {
        setTokens(split.accepted, trie.tokensAt(node));
        split.longestLeft =
            std::max(split.longestLeft, stepper_.shortest(after));
      },
      [&](VocabularyTrie::Node node) {
        for (VocabularyTrie::Node n = node; n < trie.subtreeEnd(node); ++n)
          for (int32_t id : trie.tokensAt(n))
            split.contextTokens.push_back(id);
      });
  return split;
}

std::optional<uint32_t> GrammarMasks::bytesLeftAfter(const Frame &frame,
                                                     int32_t token) {
  walkA_.assign(1, frame);
  for (char byte : vocabulary_.tokenBytes[token]) {
    stepper_.step(walkA_, static_cast<uint8_t>(byte));
    ++stats_.automatonSteps;
    if (walkA_.empty())
      return std::nullopt;
  }
  return stepper_.shortest(walkA_);
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
    for (int32_t token : split.contextTokens) {
      if (hasToken(mask.words, token))
        continue;
      if (std::optional<uint32_t> left = bytesLeftAfter(frame, token)) {
        setTokens(mask.words, {&token, 1});
        mask.longestLeft = std::max(mask.longestLeft, *left);
      }
    }
  }
  if (stepper_.accepting(frames))
    setEos(mask.words);
  return mask;
}

GrammarMasks::Words
GrammarMasks::buildNarrowedMask(const std::vector<Frame> &frames,
                                uint32_t tokensLeft) {
  const VocabularyTrie &trie = vocabulary_.trie;
  Words words(numWords_, 0);
  stats_.automatonSteps += walkStacks(
      stepper_, trie, frames,
      [&](VocabularyTrie::Node node, const std::vector<Frame> &after) {
        if (stepper_.shortest(after) <= tokensLeft - 1)
          setTokens(words, trie.tokensAt(node));
      },
      [](VocabularyTrie::Node) {}); // real stacks: no unknown caller
  if (stepper_.accepting(frames))
    setEos(words);
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
