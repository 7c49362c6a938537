//===- VocabularyTrie.cpp - Token bytes as a trie -------------------------===//
#include "runtime/constraints/VocabularyTrie.h"

#include <algorithm>
#include <cassert>
#include <numeric>

namespace sgl::runtime::constraints {

namespace {

/// Bytes compared as unsigned, so children come out in increasing byte
/// order.
bool bytesLess(std::string_view a, std::string_view b) {
  return std::lexicographical_compare(
      a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return static_cast<uint8_t>(x) < static_cast<uint8_t>(y);
      });
}

size_t commonPrefix(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size()), i = 0;
  while (i < n && a[i] == b[i])
    ++i;
  return i;
}

} // namespace

VocabularyTrie::VocabularyTrie(std::span<const VocabularyToken> tokens,
                               size_t vocabSize)
    : vocabSize_(vocabSize) {
  std::vector<VocabularyToken> sorted;
  sorted.reserve(tokens.size());
  for (const VocabularyToken &token : tokens) {
    assert(token.id >= 0 && static_cast<size_t>(token.id) < vocabSize &&
           "token id outside the vocabulary");
    if (!token.bytes.empty() && token.bytes.size() <= kMaxTokenBytes)
      sorted.push_back(token);
  }
  // In sorted order a string comes right after its prefixes' strings, so
  // appending the nodes each one adds produces the preorder directly.
  // Equal strings keep the order they came in: a sort of positions with
  // the position as the tie-break, as std::stable_sort would (whose
  // temporary buffer clang 22 warns about with GCC 12's library).
  std::vector<uint32_t> order(sorted.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (bytesLess(sorted[a].bytes, sorted[b].bytes))
      return true;
    return !bytesLess(sorted[b].bytes, sorted[a].bytes) && a < b;
  });
  std::vector<VocabularyToken> inOrder;
  inOrder.reserve(sorted.size());
  for (uint32_t position : order)
    inOrder.push_back(std::move(sorted[position]));
  sorted.swap(inOrder);

  auto addNode = [&](uint8_t byte, size_t depth) {
    byte_.push_back(byte);
    depth_.push_back(static_cast<uint16_t>(depth));
    subtreeEnd_.push_back(-1); // set when the node is closed
    tokenBegin_.push_back(static_cast<int32_t>(tokenIds_.size()));
  };
  addNode(0, 0);
  std::vector<Node> path = {kRoot}; // path[d]: the open node at depth d
  std::string_view previous;
  for (const VocabularyToken &token : sorted) {
    size_t shared = commonPrefix(previous, token.bytes);
    for (size_t depth = path.size() - 1; depth > shared; --depth) {
      subtreeEnd_[path.back()] = numNodes();
      path.pop_back();
    }
    for (size_t depth = shared; depth < token.bytes.size(); ++depth) {
      path.push_back(numNodes());
      addNode(static_cast<uint8_t>(token.bytes[depth]), depth + 1);
    }
    // The token ends at the newest node: its ids are the latest ones.
    tokenIds_.push_back(token.id);
    maxDepth_ = std::max(maxDepth_, static_cast<int32_t>(token.bytes.size()));
    previous = token.bytes;
  }
  for (Node node : path)
    subtreeEnd_[node] = numNodes();
  tokenBegin_.push_back(static_cast<int32_t>(tokenIds_.size()));
  // Built once per tokenizer and kept: drop the growth slack.
  byte_.shrink_to_fit();
  depth_.shrink_to_fit();
  subtreeEnd_.shrink_to_fit();
  tokenBegin_.shrink_to_fit();
  tokenIds_.shrink_to_fit();
}

VocabularyTrie::Node VocabularyTrie::find(std::string_view bytes) const {
  Node node = kRoot;
  for (char c : bytes) {
    auto byte = static_cast<uint8_t>(c);
    Node child = node + 1, end = subtreeEnd(node);
    while (child < end && this->byte(child) < byte)
      child = subtreeEnd(child);
    if (child == end || this->byte(child) != byte)
      return -1;
    node = child;
  }
  return node;
}

size_t VocabularyTrie::memoryBytes() const {
  return byte_.capacity() * sizeof(uint8_t) +
         depth_.capacity() * sizeof(uint16_t) +
         subtreeEnd_.capacity() * sizeof(Node) +
         tokenBegin_.capacity() * sizeof(int32_t) +
         tokenIds_.capacity() * sizeof(int32_t);
}

} // namespace sgl::runtime::constraints
