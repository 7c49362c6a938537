//===- GrammarMasks.cpp - Token masks of a grammar's stacks ---------------===//
#include "runtime/constraints/GrammarMasks.h"

#include "runtime/constraints/ReverseDistances.h"
#include "runtime/constraints/TokenSlice.h"
#include "runtime/constraints/TrieWalk.h"

#include <algorithm>
#include <string>
#include <unordered_set>
#include <utility>

namespace sgl::runtime::constraints {

namespace {

/// No tokens taken below any node.
struct TakeNothing {
  bool operator()(VocabularyTrie::Node, std::span<const Frame>) const {
    return false;
  }
};

/// Subtrees smaller than this are walked rather than offered to takeBelow,
/// whose first question about a state costs more than walking them.
constexpr int32_t kMinSubtreeToTake = 16;

/// Tops with this many context-dependent subtrees first ask whether the
/// real stack survives runs of string content, of up to kStackRunChars.
constexpr size_t kManyContextRoots = 64;
constexpr uint32_t kStackRunChars = 16;

/// The trie walked next to a set of stacks from the root: calls
/// onTokens(node, bytesLeft) for every node with tokens whose bytes some
/// stack consumes, bytesLeft being the fewest bytes that then finish, and
/// onContext(node) for every node no stack consumes while some way
/// returned past a kBase frame before its last byte: every token of its
/// subtree then depends on the caller. With `only` (sorted subtree roots,
/// none inside another), tokens are reported only within those subtrees
/// and nothing else is walked but their ancestors. Subtrees for which
/// skip(node) holds are left out, and so are those below a node for which
/// takeBelow(node, frames there) took all tokens at once. Returns the
/// steps.
///
/// Most levels hold one stack whose top neither calls nor accepts; those
/// take a plain DFA step, with no closure and no vectors.
template <typename OnTokens, typename OnContext,
          typename Skip = WalkEverySubtree, typename TakeBelow = TakeNothing>
int64_t walkStacks(FrameStepper &stepper, const VocabularyTrie &trie,
                   const std::vector<Frame> &frames, TrieWalkScratch &scratch,
                   const std::vector<int32_t> *only, OnTokens &&onTokens,
                   OnContext &&onContext, Skip &&skip = {},
                   TakeBelow &&takeBelow = {}) {
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
    return !grammar.rule(frame.rule).dfa.expands(frame.state);
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
      if (!rule.dfa.expands(next)) {
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
          if (trie.subtreeEnd(node) - node >= kMinSubtreeToTake &&
              takeBelow(node, std::span<const Frame>(&single[depth], 1))) {
            node = trie.subtreeEnd(node);
            continue;
          }
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
    if (hasChildren) {
      enter(depth, returned[depth - 1]);
      if (trie.subtreeEnd(node) - node >= kMinSubtreeToTake &&
          takeBelow(node, isSingle[depth]
                              ? std::span<const Frame>(&single[depth], 1)
                              : std::span<const Frame>(closed[depth]))) {
        node = trie.subtreeEnd(node);
        continue;
      }
    }
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
      // Slices ask about every state some runs of characters reach, which
      // a lazy DFA would have to build.
      slices_(grammar.hasLazyRules() ? nullptr : vocabulary.slices.get()),
      tops_(grammar.numRules()), fits_(grammar.numRules()),
      sliceBytes_(grammar.numRules()) {}

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

const GrammarMasks::SliceFit &GrammarMasks::sliceFit(int32_t rule,
                                                     int32_t state) {
  std::vector<SliceFit> &fits = fits_[rule];
  if (fits.empty())
    fits.resize(grammar_.rule(rule).dfa.numStates());
  SliceFit &fit = fits[state];
  if (fit.known)
    return fit;
  fit.known = true;
  const ByteDfa &dfa = grammar_.rule(rule).dfa;
  const std::vector<TokenSlice> &slices = *slices_;
  std::vector<std::vector<uint8_t>> &bytes = sliceBytes_[rule];
  if (bytes.empty())
    for (const TokenSlice &candidate : slices)
      bytes.push_back(candidate.representativeBytes(dfa));
  for (size_t i = 0; i < slices.size(); ++i) {
    const TokenSlice &candidate = slices[i];
    // A slice with fewer tokens in all than the best so far cannot win
    // (the first, string content, holds all the others).
    if (candidate.numTokensUpTo(TokenSlice::kAny) <= fit.tokens)
      continue;
    std::vector<ByteDfa::State> reached;
    TokenSlice::Absorption absorbed =
        candidate.absorb(dfa, state, bytes[i], i == 0 ? &reached : nullptr);
    // Every run of string content survives from here, and so from every
    // state such runs reach: none can do better.
    for (ByteDfa::State other : reached) {
      SliceFit &known = fits[other];
      if (known.known)
        continue;
      known = {true, &candidate, TokenSlice::kAny,
               candidate.numTokensUpTo(TokenSlice::kAny), absorbed.longestLeft};
    }
    uint8_t chars = candidate.maskCountAtMost(absorbed.chars);
    if (chars == 0 || candidate.numTokensUpTo(chars) <= fit.tokens)
      continue;
    fit.slice = &candidate;
    fit.chars = absorbed.chars;
    fit.tokens = candidate.numTokensUpTo(chars);
    fit.longestLeft = absorbed.longestLeft;
  }
  return fit;
}

GrammarMasks::TopSplit GrammarMasks::buildTopSplit(int32_t rule,
                                                   int32_t state) {
  const VocabularyTrie &trie = vocabulary_.trie;
  TopSplit split;
  split.accepted.assign(numWords_, 0);
  const ByteDfa &dfa = grammar_.rule(rule).dfa;
  // Runs of a slice's characters the top survives, by itself or in a rule
  // it calls first (a string's content is often a rule of its own): the
  // slice that covers most tokens gives them from its mask, and the walk
  // skips the subtrees that hold only those.
  const TokenSlice *slice = nullptr;
  uint8_t sliceChars = 0;
  if (slices_) {
    std::vector<Frame> closed;
    stepper_.closure({Frame{rule, state, Frame::kBase}}, closed);
    int32_t mostTokens = 0;
    for (const Frame &frame : closed) {
      const SliceFit &fit = sliceFit(frame.rule, frame.state);
      if (!fit.slice || fit.tokens <= mostTokens)
        continue;
      mostTokens = fit.tokens;
      slice = fit.slice;
      sliceChars = fit.slice->maskCountAtMost(fit.chars);
      split.longestLeft = static_cast<uint32_t>(
          std::min<uint64_t>(uint64_t{fit.longestLeft} +
                                 arena_.shortestBelow(grammar_, frame.parent),
                             kNoPath));
    }
    if (slice) {
      std::span<const uint64_t> tokens = slice->tokensUpTo(sliceChars);
      for (size_t w = 0; w < numWords_; ++w)
        split.accepted[w] |= tokens[w];
      ++stats_.sliceSplits;
    }
  }
  auto known = [&](VocabularyTrie::Node node) {
    return slice && slice->coversSubtree(node, sliceChars);
  };
  // Deeper down, a subtree whose tokens all go on with runs that a stack
  // there survives is taken whole.
  auto takeBelow = [&](VocabularyTrie::Node node,
                       std::span<const Frame> frames) {
    if (!slices_)
      return false;
    for (const Frame &frame : frames) {
      const SliceFit &fit = sliceFit(frame.rule, frame.state);
      if (!fit.slice || !fit.slice->coversRunsBelow(node, fit.chars))
        continue;
      setTokens(split.accepted, trie.tokensIn(node + 1, trie.subtreeEnd(node)));
      split.longestLeft = static_cast<uint32_t>(std::min<uint64_t>(
          std::max<uint64_t>(split.longestLeft,
                             uint64_t{fit.longestLeft} +
                                 arena_.shortestBelow(grammar_, frame.parent)),
          kNoPath));
      ++stats_.sliceSubtrees;
      return true;
    }
    return false;
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
      known, takeBelow);
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

TokenSlice::Absorption GrammarMasks::absorbOnStack(const Frame &frame) {
  const TokenSlice &slice = slices_->front();
  const ByteDfa &runs = slice.runs();
  if (stackBytes_.empty()) {
    std::vector<const ByteDfa *> dfas;
    for (int32_t r = 0; r < grammar_.numRules(); ++r)
      dfas.push_back(&grammar_.rule(r).dfa);
    stackBytes_ = slice.representativeBytes(dfas);
  }
  // As TokenSlice::absorb, over sets of stacks instead of DFA states:
  // breadth first by characters, only sets not seen before looked at.
  TokenSlice::Absorption result;
  std::vector<Frame> start{frame};
  result.longestLeft = stepper_.shortest(start);
  std::unordered_set<std::vector<Frame>, FramesHash> seen{start};
  std::vector<std::vector<Frame>> frontier{start}, next;
  struct Inside {
    ByteDfa::State at;
    std::vector<Frame> frames;
  };
  std::vector<Inside> inside;
  for (uint32_t chars = 0; chars < kStackRunChars; ++chars) {
    next.clear();
    for (const std::vector<Frame> &from : frontier) {
      inside.assign(1, {runs.start(), from});
      while (!inside.empty()) {
        Inside item = std::move(inside.back());
        inside.pop_back();
        for (uint8_t byte : stackBytes_) {
          ByteDfa::State content = runs.step(item.at, byte);
          if (runs.isDead(content))
            continue;
          std::vector<Frame> after = item.frames;
          stepper_.step(after, byte);
          ++stats_.automatonSteps;
          if (after.empty()) {
            result.chars = static_cast<uint8_t>(chars);
            return result;
          }
          result.longestLeft =
              std::max(result.longestLeft, stepper_.shortest(after));
          if (content != runs.start())
            inside.push_back({content, std::move(after)});
          else if (seen.insert(after).second)
            next.push_back(std::move(after));
        }
      }
    }
    if (next.empty()) {
      result.chars = TokenSlice::kAny;
      return result;
    }
    frontier.swap(next);
  }
  result.chars = static_cast<uint8_t>(kStackRunChars);
  return result;
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
    const std::vector<int32_t> *roots = &split.contextRoots;
    std::vector<int32_t> uncovered;
    if (slices_ && roots->size() >= kManyContextRoots) {
      // Many tokens run past the top's rule (near the end of a block of a
      // long string, say): the real stack may take runs of string content
      // on, and then a slice's mask holds most of them.
      TokenSlice::Absorption absorbed = absorbOnStack(frame);
      const TokenSlice &slice = slices_->front();
      uint8_t chars = slice.maskCountAtMost(absorbed.chars);
      if (chars > 0) {
        std::span<const uint64_t> tokens = slice.tokensUpTo(chars);
        for (size_t w = 0; w < numWords_; ++w)
          mask.words[w] |= tokens[w];
        mask.longestLeft = std::max(mask.longestLeft, absorbed.longestLeft);
        for (int32_t root : *roots)
          if (!slice.coversSubtree(root, chars))
            uncovered.push_back(root);
        roots = &uncovered;
        ++stats_.sliceSplits;
      }
    }
    if (!roots->empty())
      mask.longestLeft = std::max(mask.longestLeft,
                                  addContextTokens(frame, *roots, mask.words));
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
  // A lazy DFA out of budget led walks to the dead state: what they built
  // is wrong, so it is not kept, and the matcher reports why.
  auto exhausted = [&] {
    return grammar_.hasLazyRules() && grammar_.lazyFailure().has_value();
  };
  if (exhausted())
    return none_;
  auto it = stacks_.find(frames);
  if (it == stacks_.end()) {
    StacksMask built = buildStacksMask(frames);
    if (exhausted())
      return none_;
    it = stacks_.emplace(frames, std::move(built)).first;
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
    if (exhausted()) {
      narrowed_[frames].erase(tokensLeft);
      return none_;
    }
  }
  return narrowed->second;
}

ConstraintMasks::Stats GrammarMasks::stats() const { return stats_; }

} // namespace sgl::runtime::constraints
