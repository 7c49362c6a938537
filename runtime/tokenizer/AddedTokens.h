//===- AddedTokens.h - Added/special tokens matched before BPE -*- C++ -*-===//
//
// `added_tokens` of tokenizer.json are cut out of the raw text before
// normalization and pre-tokenization: leftmost-longest over all of them
// (special or not), then `lstrip`/`rstrip` trim white space from the
// neighbouring sections. Like the reference (@lenml/tokenizers),
// `single_word` and `normalized` do not change matching.
//
// Special tokens can be restricted to byte ranges of the text (the runs of
// Tokenizer::tryEncodeRuns that allow them). Elsewhere their spelling is
// plain text, as with Hugging Face's `encode_special_tokens`: the matched
// span is consumed as text (no other added token is looked for inside it);
// non-special added tokens are still cut out everywhere.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_TOKENIZER_ADDEDTOKENS_H
#define SGL_RUNTIME_TOKENIZER_ADDEDTOKENS_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
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

/// Bytes [begin, end) of a text.
struct ByteRange {
  size_t begin = 0;
  size_t end = 0;
};

/// Splits text on added tokens with a byte trie.
class AddedTokenMatcher {
public:
  AddedTokenMatcher() = default;
  explicit AddedTokenMatcher(const std::vector<AddedToken> &tokens);

  /// Sections of `text` in order; plain sections may be empty after
  /// lstrip/rstrip trimming.
  std::vector<TextSection> split(std::string_view text) const;

  /// Like split, but a special token is cut out only where its whole match
  /// lies inside one of `specialRanges` (sorted, disjoint); anywhere else
  /// its spelling stays in a plain section.
  std::vector<TextSection>
  split(std::string_view text, std::span<const ByteRange> specialRanges) const;

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
