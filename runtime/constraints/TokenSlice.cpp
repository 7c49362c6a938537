//===- TokenSlice.cpp - Tokens made of one class of characters -----------===//
#include "runtime/constraints/TokenSlice.h"

#include "runtime/constraints/RegexCompiler.h"

#include <algorithm>
#include <cassert>
#include <set>
#include <utility>

namespace sgl::runtime::constraints {

namespace {

/// Any run of `characters`.
ByteDfa runsOf(const CodePointSet &characters) {
  Expected<ByteDfa> dfa = compileRegexTree(RegexNode::repeat(
      RegexNode::set(characters, 0), 0, RegexNode::kUnbounded, 0));
  assert(dfa && "a run of one class compiles");
  return std::move(*dfa);
}

/// What a JSON string holds unescaped: all but `"`, `\` and controls.
CodePointSet stringContent() {
  CodePointSet excluded = CodePointSet::range(0x00, 0x1f);
  excluded.add('"', '"');
  excluded.add('\\', '\\');
  return excluded.complement();
}

/// White space as ECMA-262's \s and Python's str.isspace() know it.
CodePointSet whiteSpace() {
  CodePointSet space = CodePointSet::range(0x09, 0x0d);
  space.add(0x1c, 0x20);
  for (char32_t cp :
       {0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff})
    space.add(cp, cp);
  space.add(0x2000, 0x200a);
  return space;
}

CodePointSet minus(const CodePointSet &set, const CodePointSet &removed) {
  CodePointSet kept = removed;
  kept.add(set.complement());
  return kept.complement();
}

constexpr uint8_t kMaskCounts[] = {
    1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64, TokenSlice::kAny};

} // namespace

TokenSlice::TokenSlice(std::string name, const CodePointSet &characters,
                       const VocabularyTrie &trie)
    : name_(std::move(name)), runs_(runsOf(characters)),
      subtreeChars_(trie.numNodes(), 0) {
  // Forward, in preorder: each token's own count (kMixed when it is not
  // string content). Characters are counted by their first bytes, so a
  // cut last character counts whole.
  const size_t levels = static_cast<size_t>(trie.maxDepth()) + 1;
  std::vector<ByteDfa::State> stateAt(levels);
  std::vector<uint32_t> charsAt(levels, 0);
  stateAt[0] = runs_.start();
  std::vector<uint8_t> own(trie.numNodes(), 0);
  for (VocabularyTrie::Node node = 1; node < trie.numNodes(); ++node) {
    int32_t depth = trie.depth(node);
    uint8_t byte = trie.byte(node);
    stateAt[depth] = runs_.step(stateAt[depth - 1], byte);
    charsAt[depth] = charsAt[depth - 1] + ((byte & 0xc0) != 0x80 ? 1 : 0);
    if (!trie.hasTokens(node))
      continue;
    own[node] = runs_.isDead(stateAt[depth])
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
  computeRunsBelow(trie);

  const size_t words = (trie.vocabSize() + 63) / 64;
  for (uint8_t count : kMaskCounts) {
    counts_.push_back(count);
    masks_.emplace_back(words, 0);
    sizes_.push_back(0);
  }
  for (VocabularyTrie::Node node = 1; node < trie.numNodes(); ++node) {
    if (own[node] == kMixed || !trie.hasTokens(node))
      continue;
    for (size_t i = 0; i < counts_.size(); ++i) {
      if (own[node] > counts_[i])
        continue;
      for (int32_t id : trie.tokensAt(node))
        masks_[i][static_cast<size_t>(id) / 64] |= uint64_t{1} << (id % 64);
      sizes_[i] += static_cast<int32_t>(trie.tokensAt(node).size());
    }
  }
}

void TokenSlice::computeRunsBelow(const VocabularyTrie &trie) {
  // Backward over the nodes, for every state q of the runs' DFA at once:
  // below[n][q] is the longest run a token under n goes on with when the
  // DFA reads it from q at n (kMixed if one leaves the slice). A run
  // starts at a node in the DFA's start state.
  const int32_t states = runs_.numStates();
  std::vector<uint8_t> below(static_cast<size_t>(trie.numNodes()) * states, 0);
  auto at = [&](VocabularyTrie::Node node, ByteDfa::State q) -> uint8_t & {
    return below[static_cast<size_t>(node) * states + q];
  };
  runsBelow_.assign(trie.numNodes(), 0);
  for (VocabularyTrie::Node node = trie.numNodes(); node-- > 0;) {
    for (ByteDfa::State q = 1; q < states; ++q) {
      uint8_t longest = 0;
      for (VocabularyTrie::Node child = node + 1;
           child < trie.subtreeEnd(node) && longest != kMixed;
           child = trie.subtreeEnd(child)) {
        uint8_t byte = trie.byte(child);
        ByteDfa::State next = runs_.step(q, byte);
        if (runs_.isDead(next)) {
          longest = kMixed;
          break;
        }
        uint8_t starts = (byte & 0xc0) != 0x80 ? 1 : 0;
        uint8_t deeper = at(child, next);
        if (deeper == kMixed) {
          longest = kMixed;
          break;
        }
        uint8_t here = trie.hasTokens(child) ? starts : 0;
        uint8_t further =
            trie.subtreeEnd(child) > child + 1
                ? static_cast<uint8_t>(std::min<int>(deeper + starts, kAny - 1))
                : 0;
        longest = std::max({longest, here, further});
      }
      at(node, q) = longest;
    }
    runsBelow_[node] = at(node, runs_.start());
  }
}

size_t TokenSlice::maskIndex(uint8_t chars) const {
  auto it = std::find(counts_.begin(), counts_.end(), chars);
  assert(it != counts_.end() && "no mask for this count");
  return static_cast<size_t>(it - counts_.begin());
}

uint8_t TokenSlice::maskCountAtMost(uint8_t chars) const {
  uint8_t best = 0;
  for (uint8_t count : counts_)
    if (count <= chars)
      best = count;
  return best;
}

std::span<const uint64_t> TokenSlice::tokensUpTo(uint8_t chars) const {
  return masks_[maskIndex(chars)];
}

int32_t TokenSlice::numTokensUpTo(uint8_t chars) const {
  return sizes_[maskIndex(chars)];
}

std::vector<uint8_t>
TokenSlice::representativeBytes(std::span<const ByteDfa *const> dfas) const {
  std::vector<uint8_t> bytes;
  std::set<std::vector<int32_t>> classes;
  std::vector<int32_t> key;
  for (int b = 0; b < 256; ++b) {
    auto byte = static_cast<uint8_t>(b);
    if (runs_.isDead(runs_.step(runs_.start(), byte)) && (byte & 0xc0) != 0x80)
      continue; // neither starts a run's character nor continues one
    key.assign(1, runs_.byteClass(byte));
    for (const ByteDfa *dfa : dfas)
      key.push_back(dfa->byteClass(byte));
    if (classes.insert(key).second)
      bytes.push_back(byte);
  }
  return bytes;
}

TokenSlice::Absorption
TokenSlice::absorb(const ByteDfa &dfa, ByteDfa::State state,
                   std::span<const uint8_t> bytes,
                   std::vector<ByteDfa::State> *reached) const {
  Absorption result;
  if (dfa.isDead(state))
    return result;
  // Breadth first by characters: `frontier` holds the states first seen
  // after exactly `chars` characters. Only those need a look at their
  // successors; a run of one more character dies, or no state is new (then
  // every run survives, however long).
  std::vector<uint8_t> seen(dfa.numStates(), 0);
  std::vector<ByteDfa::State> frontier{state}, next;
  std::vector<std::pair<ByteDfa::State, ByteDfa::State>> stack, inside;
  seen[state] = 1;
  result.longestLeft = dfa.shortestAccept(state);
  for (uint32_t chars = 0; chars < kAny; ++chars) {
    next.clear();
    for (ByteDfa::State from : frontier) {
      stack.assign(1, {runs_.start(), from});
      inside.clear();
      while (!stack.empty()) {
        auto [at, here] = stack.back();
        stack.pop_back();
        for (uint8_t byte : bytes) {
          ByteDfa::State content = runs_.step(at, byte);
          if (runs_.isDead(content))
            continue;
          ByteDfa::State there = dfa.step(here, byte);
          if (dfa.isDead(there)) {
            result.chars = static_cast<uint8_t>(chars);
            return result;
          }
          result.longestLeft =
              std::max(result.longestLeft, dfa.shortestAccept(there));
          if (content == runs_.start()) {
            if (!seen[there]) {
              seen[there] = 1;
              next.push_back(there);
            }
          } else if (std::find(inside.begin(), inside.end(),
                               std::make_pair(content, there)) ==
                     inside.end()) {
            // Inside a character: a few states at most.
            inside.emplace_back(content, there);
            stack.emplace_back(content, there);
          }
        }
      }
    }
    if (next.empty()) {
      result.chars = kAny;
      if (reached)
        for (ByteDfa::State s = 1; s < dfa.numStates(); ++s)
          if (seen[s])
            reached->push_back(s);
      return result;
    }
    frontier.swap(next);
  }
  result.chars = kAny - 1;
  return result;
}

std::vector<TokenSlice> standardTokenSlices(const VocabularyTrie &trie) {
  CodePointSet content = stringContent();
  CodePointSet lineTerminators = CodePointSet::single(0x2028);
  lineTerminators.add(0x2029, 0x2029);
  CodePointSet word = CodePointSet::range('a', 'z');
  word.add('A', 'Z');
  word.add('0', '9');
  CodePointSet alphanumeric = word;
  word.add('_', '_');
  std::vector<TokenSlice> slices;
  slices.emplace_back("string content", content, trie);
  slices.emplace_back("a line", minus(content, lineTerminators), trie);
  slices.emplace_back("no white space", minus(content, whiteSpace()), trie);
  slices.emplace_back("word characters", word, trie);
  slices.emplace_back("letters and digits", alphanumeric, trie);
  slices.emplace_back("lower-case letters", CodePointSet::range('a', 'z'),
                      trie);
  return slices;
}

} // namespace sgl::runtime::constraints
