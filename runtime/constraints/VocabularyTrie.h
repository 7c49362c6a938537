//===- VocabularyTrie.h - Token bytes as a trie -----------------*- C++ -*-===//
//
// The tokens a constrained value may be made of, as one trie over their
// bytes. A token mask is a single walk of the trie next to the constraint's
// DFA (TrieWalk.h): tokens that share a prefix share its DFA steps, and a
// prefix that kills the DFA prunes every token below it.
//
// Layout: the nodes in depth-first preorder, children by increasing byte,
// in flat arrays. Node n's subtree is the range [n, subtreeEnd(n)), so a
// walk skips a subtree with one assignment and needs no child lists. The
// tokens that end at a node are a slice of one id array, in node order.
// Per node: the byte on the edge into it (1 byte), its depth (2 bytes),
// subtreeEnd (4 bytes) and where its ids start (4 bytes); per token: its id
// (4 bytes). Llama 3's 128k tokens make 274 521 nodes and 3.4 MiB.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_VOCABULARYTRIE_H
#define SGL_RUNTIME_CONSTRAINTS_VOCABULARYTRIE_H

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace sgl::runtime::constraints {

/// One token as the trie sees it: an id and the bytes it decodes to.
struct VocabularyToken {
  int32_t id;
  std::string_view bytes;
};

/// An immutable trie of token byte strings; see the file comment.
class VocabularyTrie {
public:
  using Node = int32_t;
  /// The node of the empty string; no token ends there.
  static constexpr Node kRoot = 0;
  /// The longest token kept (depths are 16-bit); real ones have ~128.
  static constexpr size_t kMaxTokenBytes = 65535;

  /// Builds the trie of `tokens`, whose ids lie in [0, vocabSize). Tokens
  /// with empty bytes are left out: they could be appended anywhere without
  /// changing the text; so are tokens longer than kMaxTokenBytes. Several
  /// ids may share the same bytes.
  VocabularyTrie(std::span<const VocabularyToken> tokens, size_t vocabSize);

  /// One past the largest id a mask has to hold: the width of the
  /// logits row masks are applied to.
  size_t vocabSize() const { return vocabSize_; }
  int32_t numNodes() const { return static_cast<int32_t>(byte_.size()); }
  /// Tokens in the trie (empty ones left out).
  int32_t numTokens() const { return static_cast<int32_t>(tokenIds_.size()); }
  /// Bytes of the longest token: the deepest node's depth.
  int32_t maxDepth() const { return maxDepth_; }

  /// The byte on the edge into `node` (0 for the root).
  uint8_t byte(Node node) const { return byte_[node]; }
  /// Bytes from the root to `node`.
  int32_t depth(Node node) const { return depth_[node]; }
  /// One past the last node of `node`'s subtree.
  Node subtreeEnd(Node node) const { return subtreeEnd_[node]; }
  /// Ids of the tokens whose bytes end exactly at `node`.
  std::span<const int32_t> tokensAt(Node node) const {
    return std::span(tokenIds_).subspan(
        tokenBegin_[node], tokenBegin_[node + 1] - tokenBegin_[node]);
  }
  /// Ids of the tokens at nodes first .. end-1: a whole subtree's tokens
  /// are one slice, as nodes and ids share the preorder.
  std::span<const int32_t> tokensIn(Node first, Node end) const {
    return std::span(tokenIds_).subspan(tokenBegin_[first],
                                        tokenBegin_[end] - tokenBegin_[first]);
  }
  bool hasTokens(Node node) const {
    return tokenBegin_[node] != tokenBegin_[node + 1];
  }

  /// The node spelling `bytes`, or -1 when no token starts with them.
  Node find(std::string_view bytes) const;

  /// Heap bytes the trie holds.
  size_t memoryBytes() const;

private:
  size_t vocabSize_;
  int32_t maxDepth_ = 0;
  std::vector<uint8_t> byte_;       ///< [numNodes]
  std::vector<uint16_t> depth_;     ///< [numNodes]
  std::vector<Node> subtreeEnd_;    ///< [numNodes]
  std::vector<int32_t> tokenBegin_; ///< [numNodes + 1] into tokenIds_
  std::vector<int32_t> tokenIds_;   ///< [numTokens], in node order
};

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_VOCABULARYTRIE_H
