//===- StringSlice.cpp - Tokens that are JSON string content --------------===//
#include "runtime/constraints/StringSlice.h"

#include "runtime/constraints/RegexCompiler.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace sgl::runtime::constraints {

namespace {

/// Any run of characters a JSON string holds unescaped.
ByteDfa stringContent() {
  CodePointSet excluded = CodePointSet::range(0x00, 0x1f);
  excluded.add('"', '"');
  excluded.add('\\', '\\');
  CodePointSet content = excluded.complement();
  Expected<ByteDfa> dfa = compileRegexTree(RegexNode::repeat(
      RegexNode::set(std::move(content), 0), 0, RegexNode::kUnbounded, 0));
  assert(dfa && "the string content pattern compiles");
  return std::move(*dfa);
}

constexpr uint8_t kMaskCounts[] = {
    1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64, StringSlice::kAny};

} // namespace

StringSlice::StringSlice(const VocabularyTrie &trie)
    : content_(stringContent()), subtreeChars_(trie.numNodes(), 0) {
  // Forward, in preorder: each token's own count (kMixed when it is not
  // string content). Characters are counted by their first bytes, so a
  // cut last character counts whole.
  const size_t levels = static_cast<size_t>(trie.maxDepth()) + 1;
  std::vector<ByteDfa::State> stateAt(levels);
  std::vector<uint32_t> charsAt(levels, 0);
  stateAt[0] = content_.start();
  std::vector<uint8_t> own(trie.numNodes(), 0);
  for (VocabularyTrie::Node node = 1; node < trie.numNodes(); ++node) {
    int32_t depth = trie.depth(node);
    uint8_t byte = trie.byte(node);
    stateAt[depth] = content_.step(stateAt[depth - 1], byte);
    charsAt[depth] = charsAt[depth - 1] + ((byte & 0xc0) != 0x80 ? 1 : 0);
    if (!trie.hasTokens(node))
      continue;
    own[node] = content_.isDead(stateAt[depth])
                    ? kMixed
                    : static_cast<uint8_t>(
                          std::min<uint32_t>(charsAt[depth], kAny - 1));
  }
  // Backward: a node's subtree is itself and its children's subtrees,
  // which reverse preorder has already finished. kMixed is the largest
  // count, so max() keeps it.
  for (VocabularyTrie::Node node = trie.numNodes(); node-- > 1;) {
    uint8_t chars = own[node];
    for (VocabularyTrie::Node child = node + 1; child < trie.subtreeEnd(node);
         child = trie.subtreeEnd(child))
      chars = std::max(chars, subtreeChars_[child]);
    subtreeChars_[node] = chars;
  }
  subtreeChars_[VocabularyTrie::kRoot] = kMixed;

  const size_t words = (trie.vocabSize() + 63) / 64;
  for (uint8_t count : kMaskCounts) {
    counts_.push_back(count);
    masks_.emplace_back(words, 0);
  }
  for (VocabularyTrie::Node node = 1; node < trie.numNodes(); ++node) {
    if (own[node] == kMixed || !trie.hasTokens(node))
      continue;
    for (size_t i = 0; i < counts_.size(); ++i)
      if (own[node] <= counts_[i])
        for (int32_t id : trie.tokensAt(node))
          masks_[i][static_cast<size_t>(id) / 64] |= uint64_t{1} << (id % 64);
  }
}

uint8_t StringSlice::maskCountAtMost(uint8_t chars) const {
  uint8_t best = 0;
  for (uint8_t count : counts_)
    if (count <= chars)
      best = count;
  return best;
}

std::span<const uint64_t> StringSlice::tokensUpTo(uint8_t chars) const {
  auto it = std::find(counts_.begin(), counts_.end(), chars);
  assert(it != counts_.end() && "no mask for this count");
  return masks_[it - counts_.begin()];
}

StringSlice::Absorption StringSlice::absorb(const ByteDfa &dfa,
                                            ByteDfa::State state) const {
  Absorption result;
  if (dfa.isDead(state))
    return result;
  // One byte per pair of classes the two automata see it in.
  std::vector<uint8_t> bytes;
  {
    std::vector<std::pair<int32_t, int32_t>> pairs;
    for (int b = 0; b < 256; ++b) {
      auto byte = static_cast<uint8_t>(b);
      std::pair<int32_t, int32_t> classes{content_.byteClass(byte),
                                          dfa.byteClass(byte)};
      if (std::find(pairs.begin(), pairs.end(), classes) == pairs.end()) {
        pairs.push_back(classes);
        bytes.push_back(byte);
      }
    }
  }
  // Breadth first by characters: `frontier` holds the states after
  // exactly `chars` characters; a run of one more dies or finds no state
  // not seen before (then every run survives).
  std::vector<ByteDfa::State> frontier{state}, seen{state}, next;
  std::vector<std::pair<ByteDfa::State, ByteDfa::State>> stack, inside;
  result.longestLeft = dfa.shortestAccept(state);
  for (uint32_t chars = 0; chars < kAny; ++chars) {
    next.clear();
    for (ByteDfa::State from : frontier) {
      stack.assign(1, {content_.start(), from});
      inside.clear();
      while (!stack.empty()) {
        auto [at, here] = stack.back();
        stack.pop_back();
        for (uint8_t byte : bytes) {
          ByteDfa::State content = content_.step(at, byte);
          if (content_.isDead(content))
            continue;
          ByteDfa::State there = dfa.step(here, byte);
          if (dfa.isDead(there)) {
            result.chars = static_cast<uint8_t>(chars);
            return result;
          }
          result.longestLeft =
              std::max(result.longestLeft, dfa.shortestAccept(there));
          if (content == content_.start()) {
            if (std::find(next.begin(), next.end(), there) == next.end())
              next.push_back(there);
          } else if (std::find(inside.begin(), inside.end(),
                               std::make_pair(content, there)) ==
                     inside.end()) {
            inside.emplace_back(content, there);
            stack.emplace_back(content, there);
          }
        }
      }
    }
    bool fresh = false;
    for (ByteDfa::State s : next)
      if (std::find(seen.begin(), seen.end(), s) == seen.end()) {
        seen.push_back(s);
        fresh = true;
      }
    if (!fresh) {
      result.chars = kAny;
      return result;
    }
    frontier.swap(next);
  }
  result.chars = kAny - 1;
  return result;
}

} // namespace sgl::runtime::constraints
