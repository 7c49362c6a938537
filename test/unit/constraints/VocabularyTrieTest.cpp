//===- VocabularyTrieTest.cpp - Preorder layout, token slices, lookup -----===//
#include "runtime/constraints/VocabularyTrie.h"

#include "GeneratedVocabulary.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

using namespace sgl::runtime::constraints;
using sgl::runtime::constraints::test::generateVocabulary;

namespace {

using Node = VocabularyTrie::Node;

/// The bytes every node spells, rebuilt from the preorder layout alone.
std::vector<std::string> spellings(const VocabularyTrie &trie) {
  std::vector<std::string> spelt(trie.numNodes());
  std::vector<Node> path = {VocabularyTrie::kRoot};
  for (Node node = 1; node < trie.numNodes(); ++node) {
    while (node >= trie.subtreeEnd(path.back()))
      path.pop_back();
    spelt[node] = spelt[path.back()] + static_cast<char>(trie.byte(node));
    path.push_back(node);
  }
  return spelt;
}

TEST(VocabularyTrie, SmallVocabularyLayout) {
  std::vector<VocabularyToken> tokens = {{0, "ab"},  {1, "a"},  {2, "abc"},
                                         {3, "b"},   {4, "ab"}, {5, ""},
                                         {6, "\xFF"}};
  VocabularyTrie trie(tokens, 8);
  EXPECT_EQ(trie.vocabSize(), 8u);
  EXPECT_EQ(trie.numTokens(), 6); // the empty token is left out
  EXPECT_EQ(trie.maxDepth(), 3);
  // root, a, ab, abc, b, \xFF: preorder, children by unsigned byte.
  ASSERT_EQ(trie.numNodes(), 6);
  const char expected[] = {0, 'a', 'b', 'c', 'b', '\xFF'};
  for (Node node = 0; node < 6; ++node)
    EXPECT_EQ(trie.byte(node), static_cast<uint8_t>(expected[node]));
  EXPECT_EQ(trie.subtreeEnd(0), 6);
  EXPECT_EQ(trie.subtreeEnd(1), 4);
  EXPECT_EQ(trie.subtreeEnd(3), 4);
  EXPECT_EQ(trie.subtreeEnd(5), 6);

  EXPECT_FALSE(trie.hasTokens(VocabularyTrie::kRoot));
  EXPECT_EQ(trie.find("ab"), 2);
  ASSERT_EQ(trie.tokensAt(2).size(), 2u);
  EXPECT_EQ(trie.tokensAt(2)[0], 0); // same bytes: in input order
  EXPECT_EQ(trie.tokensAt(2)[1], 4);
  EXPECT_EQ(trie.find("\xFF"), 5);
  EXPECT_EQ(trie.find(""), VocabularyTrie::kRoot);
  EXPECT_EQ(trie.find("ac"), -1);
  EXPECT_EQ(trie.find("abcd"), -1);
  EXPECT_EQ(trie.find("c"), -1);
}

TEST(VocabularyTrie, EmptyVocabulary) {
  VocabularyTrie trie({}, 0);
  EXPECT_EQ(trie.numNodes(), 1);
  EXPECT_EQ(trie.numTokens(), 0);
  EXPECT_EQ(trie.find("a"), -1);
}

TEST(VocabularyTrie, GeneratedVocabularyRoundTrips) {
  auto vocab = generateVocabulary(/*seed=*/1);
  VocabularyTrie trie(vocab.tokens(), vocab.vocabSize());
  std::vector<std::string> spelt = spellings(trie);

  // Every node's tokens decode to what the node spells, and every id with
  // bytes sits at exactly one node.
  std::map<int32_t, Node> nodeOf;
  for (Node node = 0; node < trie.numNodes(); ++node) {
    for (int32_t id : trie.tokensAt(node)) {
      EXPECT_EQ(vocab.bytes[id], spelt[node]) << "id " << id;
      EXPECT_TRUE(nodeOf.emplace(id, node).second) << "id " << id;
    }
  }
  for (size_t id = 0; id < vocab.vocabSize(); ++id) {
    bool spells = !vocab.bytes[id].empty();
    EXPECT_EQ(nodeOf.count(static_cast<int32_t>(id)) == 1, spells) << id;
    if (spells) {
      EXPECT_EQ(trie.find(vocab.bytes[id]), nodeOf[static_cast<int32_t>(id)]);
    }
  }

  // Siblings in strictly increasing byte order; subtrees nest; every leaf
  // ends a token (no node without a reason).
  for (Node node = 0; node < trie.numNodes(); ++node) {
    Node end = trie.subtreeEnd(node);
    ASSERT_GT(end, node);
    ASSERT_LE(end, trie.numNodes());
    int previous = -1;
    for (Node child = node + 1; child < end; child = trie.subtreeEnd(child)) {
      EXPECT_GT(int(trie.byte(child)), previous);
      EXPECT_LE(trie.subtreeEnd(child), end);
      previous = trie.byte(child);
    }
    if (end == node + 1 && node != VocabularyTrie::kRoot) {
      EXPECT_TRUE(trie.hasTokens(node)) << spelt[node];
    }
  }
  EXPECT_GT(trie.memoryBytes(), 0u);
}

} // namespace
