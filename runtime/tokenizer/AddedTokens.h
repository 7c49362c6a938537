//===- AddedTokens.h - Added/special tokens matched before BPE -*- C++ -*-===//
//
// `added_tokens` of tokenizer.json are cut out of the raw text before
// normalization and pre-tokenization: leftmost-longest over all of them
// (special or not), then `lstrip`/`rstrip` trim white space from the
// neighbouring sections. Like the reference (@lenml/tokenizers),
// `single_word` and `normalized` do not change matching.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_TOKENIZER_ADDEDTOKENS_H
#define SGL_RUNTIME_TOKENIZER_ADDEDTOKENS_H

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sgl::runtime {

/// One entry of tokenizer.json's `added_tokens`.
struct AddedToken {
  int32_t id = 0;
  std::string content;
  bool special = false;
  bool lstrip = false;
  bool rstrip = false;
  bool singleWord = false;
  bool normalized = false;
};

/// A piece of the input: either plain text or one added token.
struct TextSection {
  std::string_view text;
  int addedIndex = -1; // index into the added-token list, -1 for plain text
};

/// Splits text on added tokens with a byte trie.
class AddedTokenMatcher {
public:
  AddedTokenMatcher() = default;
  explicit AddedTokenMatcher(const std::vector<AddedToken> &tokens);

  /// Sections of `text` in order; plain sections may be empty after
  /// lstrip/rstrip trimming.
  std::vector<TextSection> split(std::string_view text) const;

private:
  struct Node {
    std::vector<std::pair<unsigned char, int32_t>> children;
    int32_t token = -1; // added-token index ending here
  };
  int32_t child(int32_t node, unsigned char byte) const;

  std::vector<Node> nodes_;
  std::vector<AddedToken> tokens_;
  std::array<bool, 256> canStart_{};
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_TOKENIZER_ADDEDTOKENS_H
